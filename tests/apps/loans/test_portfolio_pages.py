"""The portfolio and watch-list pages: figures, charts, filters, exports and who sees what."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kejin.apps.loans.bookrun.run import book_run
from kejin.apps.orgs.models import User
from tests.apps.loans.test_portfolio_book import BUSINESS, build_tiny_book
from tests.conftest import Cast

D = Decimal
PAGE = "/loans/portfolio/"
WATCH = "/loans/portfolio/watch/"


@pytest.fixture
def book(cast: Cast) -> Cast:
    build_tiny_book(cast)
    book_run(business_date=BUSINESS)
    return cast


def page(cast: Cast, user: User | None, path: str = PAGE, **params: Any) -> Any:
    return cast.client(user).get(path, params)


def sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


def test_the_city_sees_the_figures_the_trace_and_the_charts(book: Cast) -> None:
    response = page(book, book.city_admin)
    assert response.status_code == 200
    html = response.content.decode()
    assert "贷款组合 · 2024-06-30" in html
    assert '<div class="value" id="kpi-outstanding">2,420,000.00</div>' in html
    assert '<div class="value" id="kpi-npl-ratio">25.62%</div>' in html
    assert "620,000.00 ÷ 2,420,000.00 = 25.62%" in html
    assert "vendor/echarts-5.6.0/echarts.min.js" in html
    script = html.split('id="portfolio-charts" type="application/json">')[1].split("</script>")[0]
    charts = json.loads(script)
    assert charts["buckets"]["values"] == [
        "1700000.00",
        "100000.00",
        "0.00",
        "620000.00",
        "0.00",
        "0.00",
    ]
    assert charts["trend"]["dates"] == ["2024-05-31", "2024-06-30"]
    assert charts["trend"]["npl_ratio"] == ["4.76", "25.62"]  # 120,000 / 2,520,000 = 4.7619…%
    assert 'id="portfolio-charts"' in html
    for label in ("按贷款机构", "按区县", "按产品类型", "逾期 91–180 天", "朝阳区"):
        assert label in html


def test_a_bank_sees_only_its_own_loans_on_the_page(book: Cast) -> None:
    html = page(book, book.bank_officer).content.decode()
    assert '<div class="value" id="kpi-outstanding">2,300,000.00</div>' in html
    assert book.bank.name in html
    assert book.other_bank.name not in html
    other = page(book, book.other_bank_admin).content.decode()
    assert '<div class="value" id="kpi-outstanding">120,000.00</div>' in other


def test_a_district_office_sees_its_district(book: Cast) -> None:
    for who, outstanding in (
        ("district_admin", "1,600,000.00"),
        ("other_district_admin", "820,000.00"),
    ):
        html = page(book, getattr(book, who)).content.decode()
        assert f'<div class="value" id="kpi-outstanding">{outstanding}</div>' in html, who


def test_an_enterprise_sees_the_loans_it_took(book: Cast) -> None:
    html = page(book, book.owner).content.decode()
    assert '<div class="value" id="kpi-outstanding">1,100,000.00</div>' in html  # A + E


def test_the_public_is_sent_to_log_in(book: Cast) -> None:
    for path in (PAGE, WATCH, "/loans/portfolio/runs/"):
        response = page(book, None, path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_filters_on_the_page(book: Cast) -> None:
    response = page(book, book.city_admin, district_code="220102")
    assert '<div class="value" id="kpi-outstanding">820,000.00</div>' in response.content.decode()
    form = response.context["form"]
    assert form.fields["district_code"].label == "区县"
    assert ("220104", "朝阳区 220104") in form.fields["district_code"].choices


def test_a_bad_filter_is_shown_beside_its_field(book: Cast) -> None:
    response = page(book, book.city_admin, product_kind="mortgage", business_date="2020-01-01")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"product_kind", "business_date"}
    assert "p" not in response.context


def test_before_any_run_the_page_says_so(cast: Cast) -> None:
    html = page(cast, cast.city_admin).content.decode()
    assert "尚未运行日终批处理" in html
    assert "/loans/portfolio/runs/" in html


TABLE_EXPORTS = [  # table, its first row
    ("buckets", ("未逾期", 2, D("1700000.00"))),
    ("categories", ("正常", 1, D("1000000.00"))),
    ("by_lender", ("吉林银行长春科技支行", 4, D("2300000.00"))),
    ("by_district", ("朝阳区", 3, D("1600000.00"))),
    ("by_product_kind", ("信用贷款", 3, D("1800000.00"))),
]


def test_each_table_exports_to_xlsx_with_its_total(book: Cast) -> None:
    for table, first_row in TABLE_EXPORTS:
        rows = sheet(page(book, book.city_admin, export="xlsx", table=table))
        assert rows[0][:3] == ("维度", "笔数", "贷款余额（元）")
        assert (rows[1][0], rows[1][1], D(str(rows[1][2]))) == first_row, table
        assert rows[-1][0] == "合计"
        assert D(str(rows[-1][2])) == D("2420000.00")
        assert D(str(rows[-1][8])) == D("25.62")


def test_the_loan_by_loan_export_is_scoped(book: Cast) -> None:
    rows = sheet(page(book, book.other_bank_admin, export="xlsx"))
    assert len(rows) == 2
    header, c = rows
    assert header[1] == "合同编号"
    assert c[1] == "C"
    assert (c[10], c[11], c[13]) == (122, "逾期 91–180 天", "损失")
    assert len(sheet(page(book, book.city_admin, export="xlsx"))) == 6


def test_the_watch_list_page_for_the_city(book: Cast) -> None:
    response = page(book, book.city_admin, WATCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert [s.loan.external_id for s in response.context["page"]] == ["C", "B", "E"]
    assert "分类下调" in html
    assert "知识产权质押贷款" in html  # B's product kind
    rows = sheet(page(book, book.city_admin, WATCH, export="xlsx", reason="downgraded"))
    assert [r[1] for r in rows[1:]] == ["B", "E"]
    assert rows[1][-2:] == ("关注", "逾期、分类下调")


def test_the_watch_list_page_is_the_lenders_own(book: Cast) -> None:
    response = page(book, book.bank_officer, WATCH)
    assert [s.loan.external_id for s in response.context["page"]] == ["B", "E"]
    assert book.other_bank.name not in response.content.decode()


def test_the_watch_list_page_is_refused_to_others(book: Cast) -> None:
    for who in ("district_admin", "owner", "stranger_admin"):
        assert page(book, getattr(book, who), WATCH).status_code == 403, who


def test_a_filter_that_finds_nothing_says_so_instead_of_empty_charts(book: Cast) -> None:
    html = page(book, book.city_admin, product_kind="leasing").content.decode()
    assert "2024-06-30 没有您可查看的在贷贷款" in html
    assert "echarts.min.js" not in html
