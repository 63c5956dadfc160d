"""The special fund's pages (the city office): overview with the chart, line detail with its
ledger (filter, paginate, export), create a line, adjust a budget; nobody else gets in."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kejin.apps.funds.models import BudgetLine, LedgerEntry
from kejin.apps.funds.services.ledger import fund_commit, fund_pay
from kejin.platform.tenancy import Actor
from tests.apps.funds.conftest import THIS_YEAR, MakeLine
from tests.conftest import Cast

D = Decimal


@pytest.fixture
def line(city: Actor, make_line: MakeLine) -> BudgetLine:
    """2,000,000.00 budgeted; 800,000.00 committed; 500,000.00 of it paid."""
    line = make_line("2000000.00", purpose="interest_subsidy", name="科技型企业贷款贴息")
    c = fund_commit(
        actor=city,
        line_id=line.pk,
        amount="800000.00",
        reference="policies.Application:9",
        linkage_mode="loan_subsidy",
        counterparty="长春启明智能科技有限公司",
    )
    fund_pay(actor=city, commitment_id=c.pk, amount="500000.00", bank_reference="JL9")
    return line


def chart_data(html: str, var: str) -> dict[str, Any]:
    match = re.search(rf"var {var} = (\{{.*?\}});", html)
    assert match, f"no chart data {var}"
    return json.loads(match.group(1))


def sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb.active.iter_rows(values_only=True))


def test_the_overview_shows_usage_by_line_as_a_stacked_bar(cast: Cast, line: BudgetLine) -> None:
    response = cast.client(cast.city_admin).get("/funds/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "科技型企业贷款贴息" in html
    assert "2,000,000.00" in html
    assert "1,200,000.00" in html
    assert "vendor/echarts-5.6.0/echarts.min.js" in html
    data = chart_data(html, "d")
    # in 万元: paid 50.00; committed not paid 800,000 − 500,000 = 30.00; available 120.00
    assert data == {
        "names": ["科技型企业贷款贴息"],
        "paid": ["50.00"],
        "open": ["30.00"],
        "available": ["120.00"],
    }
    linkage = chart_data(html, "l")
    assert linkage["names"][3] == "贷贴联动"
    assert linkage["used"][3] == "80.00"


def test_the_overview_exports_the_lines(cast: Cast, line: BudgetLine) -> None:
    response = cast.client(cast.city_admin).get(f"/funds/?year={THIS_YEAR}&export=xlsx")
    rows = sheet(response)
    assert rows[0][:4] == ("预算年度", "用途", "预算科目", "预算（元）")
    assert rows[1][:3] == (THIS_YEAR, "贷款贴息", "科技型企业贷款贴息")
    assert [D(str(v)) for v in rows[1][3:8]] == [
        D("2000000"),
        D("800000"),
        D("500000"),
        D("300000"),
        D("1200000"),
    ]


def test_the_line_page_shows_the_balance_and_how_it_is_derived(
    cast: Cast, line: BudgetLine
) -> None:
    html = cast.client(cast.city_admin).get(f"/funds/lines/{line.pk}/").content.decode()
    assert "预算 2,000,000.00 −（承诺 800,000.00 − 释放 0.00）= 1,200,000.00" in html
    assert "= 1,200,000.00 + 300,000.00 + 500,000.00 = 2,000,000.00" in html
    assert "JL9" in html
    assert "policies.Application:9" in html
    assert "调整预算" in html


def test_the_ledger_filters_paginates_and_exports(
    cast: Cast, city: Actor, line: BudgetLine
) -> None:
    for i in range(30):
        fund_commit(actor=city, line_id=line.pk, amount="100.00", reference=f"批量{i}")
    client = cast.client(cast.city_admin)
    page = client.get(f"/funds/lines/{line.pk}/?kind=committed")
    assert page.context["page"].paginator.count == 31
    assert len(page.context["page"].object_list) == 25
    second = client.get(f"/funds/lines/{line.pk}/?kind=committed&page=2")
    assert len(second.context["page"].object_list) == 6
    paid = client.get(f"/funds/lines/{line.pk}/?kind=paid").context["page"]
    assert [e.bank_reference for e in paid] == ["JL9"]
    text = client.get(f"/funds/lines/{line.pk}/?q=启明").context["page"]
    assert text.paginator.count == 2
    rows = sheet(client.get(f"/funds/lines/{line.pk}/?kind=committed&export=xlsx"))
    assert len(rows) == 1 + 31  # the whole filtered list, not one page
    assert rows[0][4:6] == ("类型", "金额（元）")
    assert {r[4] for r in rows[1:]} == {"承诺占用"}


def test_a_bad_filter_is_ignored_with_a_message(cast: Cast, line: BudgetLine) -> None:
    response = cast.client(cast.city_admin).get(f"/funds/lines/{line.pk}/?date_from=明天")
    assert response.status_code == 200
    assert "筛选条件“业务日期起”无效" in response.content.decode()
    assert response.context["page"].paginator.count == 3


def test_the_fund_ledger_lists_every_line(
    cast: Cast, line: BudgetLine, make_line: MakeLine
) -> None:
    other = make_line("10.00", purpose="awards", name="奖励科目")
    client = cast.client(cast.city_admin)
    everything = client.get("/funds/ledger/").context["page"]
    assert everything.paginator.count == 4
    only = client.get(f"/funds/ledger/?line={other.pk}").context["page"]
    assert [e.line_id for e in only] == [other.pk]
    rows = sheet(client.get(f"/funds/ledger/?year={THIS_YEAR}&export=xlsx"))
    assert len(rows) == 5


def test_the_city_admin_creates_a_line_on_the_page(cast: Cast) -> None:
    client = cast.client(cast.city_admin)
    form = client.get("/funds/lines/new/")
    assert '<label for="id_amount">年度预算（元）' in form.content.decode()
    response = client.post(
        "/funds/lines/new/",
        {"year": THIS_YEAR, "purpose": "awards", "name": "科技金融奖励", "amount": "30000000.00"},
    )
    line = BudgetLine.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/funds/lines/{line.pk}/"
    assert LedgerEntry.objects.get(line=line).amount == D("30000000.00")


def test_a_bad_line_shows_the_message_beside_the_field(cast: Cast) -> None:
    response = cast.client(cast.city_admin).post(
        "/funds/lines/new/",
        {"year": THIS_YEAR, "purpose": "awards", "name": "奖励", "amount": "-1"},
    )
    assert response.status_code == 200
    assert "金额必须大于零" in response.context["form"].errors["amount"][0]
    assert BudgetLine.objects.count() == 0


def test_a_budget_is_reduced_on_the_page_only_down_to_what_is_uncommitted(
    cast: Cast, line: BudgetLine
) -> None:
    client = cast.client(cast.city_admin)
    refused = client.post(
        f"/funds/lines/{line.pk}/topup/",
        {"direction": "reduce", "amount": "1200000.01", "note": "调减"},
    )
    assert refused.status_code == 200
    assert "最多可调减 1,200,000.00 元" in refused.context["form"].errors["amount"][0]
    done = client.post(
        f"/funds/lines/{line.pk}/topup/",
        {"direction": "reduce", "amount": "200000.00", "note": "长财〔2026〕40号"},
    )
    assert done.status_code == 302
    entry = LedgerEntry.objects.filter(line=line).latest("pk")
    assert (entry.kind, entry.amount, entry.note) == (
        "adjusted",
        D("200000.00"),
        "长财〔2026〕40号",
    )


# --- denial --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bank_admin", "district_admin", "owner", "other_district_admin"])
def test_other_organisations_find_no_fund_pages(cast: Cast, who: str, line: BudgetLine) -> None:
    client = cast.client(getattr(cast, who))
    for path in (
        "/funds/",
        "/funds/ledger/",
        f"/funds/lines/{line.pk}/",
        "/funds/lines/new/",
        f"/funds/lines/{line.pk}/topup/",
        "/funds/?export=xlsx",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "科技型企业贷款贴息" not in response.content.decode()
    before = LedgerEntry.objects.count()
    client.post(
        f"/funds/lines/{line.pk}/topup/", {"direction": "increase", "amount": "1", "note": "x"}
    )
    assert LedgerEntry.objects.count() == before


def test_a_city_person_without_the_admin_role_cannot_change_budgets(
    cast: Cast, line: BudgetLine
) -> None:
    client = cast.client(cast.city_auditor)
    assert client.get("/funds/").status_code == 200  # may read
    response = client.post(
        f"/funds/lines/{line.pk}/topup/", {"direction": "increase", "amount": "1", "note": "x"}
    )
    assert "系统管理员" in response.content.decode()
    assert LedgerEntry.objects.filter(line=line).count() == 3


def test_the_public_is_sent_to_the_login_page(cast: Cast, line: BudgetLine) -> None:
    response = cast.client(None).get(f"/funds/lines/{line.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_shows_the_fund_to_the_city_only(cast: Cast) -> None:
    assert "专项资金" in cast.client(cast.city_admin).get("/").content.decode()
    assert "/funds/" not in cast.client(cast.bank_admin).get("/").content.decode()


def test_the_overview_paginates_the_lines_but_charts_them_all(
    cast: Cast, line: BudgetLine, make_line: MakeLine
) -> None:
    for _ in range(26):
        make_line("1.00")
    client = cast.client(cast.city_admin)
    first = client.get("/funds/")
    assert first.context["page"].paginator.count == 27
    assert len(first.context["page"].object_list) == 25
    assert len(chart_data(first.content.decode(), "d")["names"]) == 27
    assert len(client.get("/funds/?page=2").context["page"].object_list) == 2
