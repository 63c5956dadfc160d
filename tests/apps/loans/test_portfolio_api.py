"""Portfolio figures, trend, snapshots and watch list over the API, worked by hand on the tiny book
of test_portfolio_book.py (business date 2024-06-30), and who may see what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kejin.apps.loans.bookrun.run import book_run
from kejin.apps.loans.models import LoanSnapshot
from kejin.apps.orgs.models import User
from tests.apps.loans.test_portfolio_book import BUSINESS, PREVIOUS, build_tiny_book
from tests.conftest import Cast

D = Decimal
URL = "/api/v1/loans/portfolio"


@pytest.fixture
def book(cast: Cast) -> Cast:
    build_tiny_book(cast)
    book_run(business_date=BUSINESS)
    return cast


def get(cast: Cast, user: User | None, path: str = "", **params: Any) -> Any:
    return cast.client(user).get(f"{URL}{path}", params)


def money(row: dict[str, Any], *keys: str) -> tuple[Decimal, ...]:
    return tuple(D(row[k]) for k in keys)


def test_the_city_sees_the_whole_book_worked_by_hand(book: Cast) -> None:
    response = get(book, book.city_admin)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["business_date"] == "2024-06-30"  # the latest run by default
    total = body["total"]
    assert total["loans"] == 5
    # A 1,000,000 + B 500,000 + C 120,000 + D (1,200,000 − 5 × 100,000) 700,000 + E 100,000
    assert D(total["outstanding"]) == D("2420000.00")
    # past due: B (107 days), C (122 days), E (1 day): 500,000 + 120,000 + 100,000
    assert D(total["overdue_outstanding"]) == D("720000.00")
    # C 120,000.00 + E's first annuity principal (50,375.31 − 516.67) 49,858.64
    assert D(total["overdue_principal"]) == D("169858.64")
    # B 1,450 + 1,550 + 1,500 + 1,550 = 6,050.00; C 420.50 + 299.67 + 145.00 = 865.17;
    # E 100,000 × 6% × 31 / 360 = 516.67
    assert D(total["overdue_interest"]) == D("7431.84")
    # A 36,600.00 × 181 / 366 = 18,100.00; B 1,500.00 × 15 / 30 = 750.00;
    # D 700,000 × 4.35% × 30 / 360 = 2,537.50 × 15 / 30 = 1,268.75; E 250.71 × 1 / 30 = 8.36
    assert D(total["accrued_interest"]) == D("20127.11")
    # NPL: B substandard (107 days > 90) 500,000 + C reported loss 120,000 = 620,000;
    # 620,000 / 2,420,000 = 25.6198…% → 25.62%
    assert D(total["npl_outstanding"]) == D("620000.00")
    assert D(total["npl_ratio"]) == D("25.62")
    assert body["npl_trace"] == (
        "不良贷款率 = （次级 500,000.00 + 可疑 0.00 + 损失 120,000.00）÷ 贷款余额 2,420,000.00"
        " = 620,000.00 ÷ 2,420,000.00 = 25.62%"
    )


def test_overdue_buckets_and_categories(book: Cast) -> None:
    body = get(book, book.city_admin).json()
    buckets = {b["key"]: (b["loans"], D(b["outstanding"])) for b in body["buckets"]}
    assert buckets == {
        "0": (2, D("1700000.00")),  # A + D
        "1-30": (1, D("100000.00")),  # E, 1 day
        "31-90": (0, D("0.00")),
        "91-180": (2, D("620000.00")),  # B 107 days, C 122 days
        "181-360": (0, D("0.00")),
        "361+": (0, D("0.00")),
    }
    categories = {c["key"]: (c["loans"], D(c["outstanding"])) for c in body["categories"]}
    assert categories == {
        "normal": (1, D("1000000.00")),  # A
        "special_mention": (2, D("800000.00")),  # D reported, E 1 day
        "substandard": (1, D("500000.00")),  # B
        "doubtful": (0, D("0.00")),
        "loss": (1, D("120000.00")),  # C reported
    }


def test_breakdowns_by_institution_district_and_product_kind(book: Cast) -> None:
    body = get(book, book.city_admin).json()
    lenders = {
        r["label"]: (r["loans"], D(r["outstanding"]), r["npl_ratio"]) for r in body["by_lender"]
    }
    # bank: A + B + D + E = 2,300,000, NPL B 500,000 → 21.739…% → 21.74%; other bank: C
    assert lenders == {
        book.bank.name: (4, D("2300000.00"), "21.74"),
        book.other_bank.name: (1, D("120000.00"), "100.00"),
    }
    districts = {
        r["key"]: (r["label"], D(r["outstanding"]), r["npl_ratio"]) for r in body["by_district"]
    }
    # 朝阳区: A + B + E = 1,600,000, NPL 500,000 → 31.25%; 南关区: C + D = 820,000, NPL 120,000
    # → 14.634…% → 14.63%
    assert districts == {
        "220104": ("朝阳区", D("1600000.00"), "31.25"),
        "220102": ("南关区", D("820000.00"), "14.63"),
    }
    kinds = [(r["key"], D(r["outstanding"])) for r in body["by_product_kind"]]
    assert kinds == [  # by outstanding, largest first
        ("credit", D("1800000.00")),
        ("ip_pledge", D("500000.00")),
        ("equity_pledge", D("120000.00")),
    ]


SCOPES = [  # who, loans, outstanding, NPL outstanding
    ("bank_officer", 4, "2300000.00", "500000.00"),  # A, B, D, E
    ("other_bank_admin", 1, "120000.00", "120000.00"),  # C
    ("district_admin", 3, "1600000.00", "500000.00"),  # 朝阳区: A, B, E
    ("other_district_admin", 2, "820000.00", "120000.00"),  # 南关区: C, D
    ("owner", 2, "1100000.00", "0.00"),  # the enterprise borrowed A and E
    ("colleague", 2, "1100000.00", "0.00"),  # its officer too
    ("stranger_admin", 1, "500000.00", "500000.00"),  # B
]


def test_each_organisation_sees_only_its_own_figures(book: Cast) -> None:
    for who, loans, outstanding, npl in SCOPES:
        total = get(book, getattr(book, who)).json()["total"]
        seen = (total["loans"], D(total["outstanding"]), D(total["npl_outstanding"]))
        assert seen == (loans, D(outstanding), D(npl)), who


def test_a_bank_cannot_see_another_banks_loans_by_filtering_for_them(book: Cast) -> None:
    body = get(book, book.bank_officer, lender_id=book.other_bank.pk).json()
    assert body["total"]["loans"] == 0
    assert body["by_lender"] == []


def test_the_public_gets_401_everywhere(book: Cast) -> None:
    for path in ("", "/trend", "/snapshots", "/watch-list", "/book-runs"):
        response = get(book, None, path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "auth.required"


def test_filters_narrow_the_figures(book: Cast) -> None:
    body = get(book, book.city_admin, district_code="220102", product_kind="credit").json()
    assert body["total"]["loans"] == 1  # D
    assert D(body["total"]["outstanding"]) == D("700000.00")
    body = get(book, book.city_admin, lender_id=book.other_bank.pk).json()
    assert [r["key"] for r in body["by_district"]] == ["220102"]


BAD_FILTERS = [
    ({"district_code": "999999"}, "district_code", 422),
    ({"product_kind": "mortgage"}, "product_kind", 422),
    ({"business_date": "2024-06-29"}, "business_date", 404),  # no run that day
    ({"business_date": "30/06/2024"}, "business_date", 422),
    ({"lender_id": "bank"}, "lender_id", 422),
]


def test_bad_filters_name_the_field(book: Cast) -> None:
    for params, field, status in BAD_FILTERS:
        response = get(book, book.city_admin, **params)
        assert response.status_code == status, params
        error = response.json()["error"]
        assert field in error["fields"], params
        assert error["message"]


def test_before_any_run_there_is_nothing_to_show(cast: Cast) -> None:
    response = get(cast, cast.city_admin)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "portfolio.no_book_run"


def test_the_trend_has_one_point_per_run(book: Cast) -> None:
    points = get(book, book.city_admin, "/trend").json()
    assert [p["key"] for p in points] == [PREVIOUS.isoformat(), BUSINESS.isoformat()]
    # on 2024-05-31 (before D's June payment): A 1,000,000 + B 500,000 + C 120,000
    # + D 800,000 + E 100,000; NPL: C only (B was 77 days past due: 关注)
    assert D(points[0]["outstanding"]) == D("2520000.00")
    assert D(points[0]["npl_outstanding"]) == D("120000.00")
    assert D(points[1]["npl_ratio"]) == D("25.62")


def test_snapshots_are_listed_per_loan_and_scoped(book: Cast) -> None:
    body = get(book, book.other_bank_admin, "/snapshots").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["loan_external_id"] == "C"
    assert (item["days_past_due"], item["bucket"], item["category"]) == (122, "91-180", "loss")
    assert item["floor_category"] == "substandard"
    assert get(book, book.city_admin, "/snapshots").json()["count"] == 5


def test_the_watch_list_holds_overdue_and_downgraded_loans(book: Cast) -> None:
    body = get(book, book.city_admin, "/watch-list").json()
    items = [
        (i["loan_external_id"], i["days_past_due"], i["previous_category"], i["category"])
        for i in body["items"]
    ]
    # worst first; B was 关注 on 05-31 (77 days), E 正常 (not yet due): both downgraded
    assert items == [
        ("C", 122, "loss", "loss"),
        ("B", 107, "special_mention", "substandard"),
        ("E", 1, "normal", "special_mention"),
    ]
    assert [i["downgraded"] for i in body["items"]] == [False, True, True]
    downgraded = get(book, book.city_admin, "/watch-list", reason="downgraded").json()
    assert [i["loan_external_id"] for i in downgraded["items"]] == ["B", "E"]
    bucket = get(book, book.city_admin, "/watch-list", bucket="1-30").json()
    assert [i["loan_external_id"] for i in bucket["items"]] == ["E"]


def test_the_watch_list_is_for_lenders_and_the_city_only(book: Cast) -> None:
    mine = get(book, book.bank_officer, "/watch-list").json()
    assert [i["loan_external_id"] for i in mine["items"]] == ["B", "E"]
    theirs = get(book, book.other_bank_admin, "/watch-list").json()
    assert [i["loan_external_id"] for i in theirs["items"]] == ["C"]
    for user in (book.district_admin, book.owner):
        response = get(book, user, "/watch-list")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_a_bad_watch_list_filter_names_the_field(book: Cast) -> None:
    response = get(book, book.city_admin, "/watch-list", reason="late")
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]
    assert LoanSnapshot.objects.filter(business_date=BUSINESS).count() == 5
