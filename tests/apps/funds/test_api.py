"""The special fund over /api/v1/funds: lines with balances, the ledger, usage; the city office
only (the public summary excepted), every failure in the one error envelope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kejin.apps.funds.models import BudgetLine, LedgerEntry
from kejin.apps.funds.services.ledger import fund_commit, fund_pay, fund_release
from kejin.platform.audit.models import AuditEntry
from kejin.platform.tenancy import Actor
from tests.apps.funds.conftest import THIS_YEAR, MakeLine
from tests.conftest import Cast

D = Decimal
API = "/api/v1/funds"


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def assert_envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def new_line(**overrides: Any) -> dict[str, Any]:
    data = {
        "year": THIS_YEAR,
        "purpose": "interest_subsidy",
        "name": f"{THIS_YEAR}年科技型企业贷款贴息",
        "amount": "30000000.00",
        "note": "长财教〔2026〕12号",
    }
    data.update(overrides)
    return data


@pytest.fixture
def busy_line(city: Actor, make_line: MakeLine) -> BudgetLine:
    """1,000,000.00 budgeted; 300,000.00 committed (paid 100,000.00); 50,000.00 more committed
    and released."""
    line = make_line("1000000.00", purpose="awards", name="科技金融奖励")
    a = fund_commit(
        actor=city,
        line_id=line.pk,
        amount="300000.00",
        reference="policies.Application:1",
        linkage_mode="loan_award",
        counterparty="长春启明智能科技有限公司",
    )
    fund_pay(actor=city, commitment_id=a.pk, amount="100000.00", bank_reference="JL0001")
    b = fund_commit(
        actor=city,
        line_id=line.pk,
        amount="50000.00",
        reference="policies.Application:2",
        linkage_mode="grant_investment",
    )
    fund_release(actor=city, commitment_id=b.pk, reason="企业放弃")
    return line


# --- create --------------------------------------------------------------------------------------


def test_the_city_admin_creates_a_line_with_its_budget(cast: Cast) -> None:
    response = post(cast.client(cast.city_admin), f"{API}/lines", new_line())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["purpose_label"] == "贷款贴息"
    assert body["fund_name"] == "长春市科技金融专项资金"
    assert body["balance"]["budgeted"] == "30000000.00"
    assert body["balance"]["available"] == "30000000.00"
    line = BudgetLine.objects.get(pk=body["id"])
    entry = LedgerEntry.objects.get(line=line)
    assert (entry.kind, entry.amount, entry.actor) == (
        "budgeted",
        D("30000000.00"),
        cast.city_admin,
    )
    audit = AuditEntry.objects.get(content_type__model="budgetline", object_pk=str(line.pk))
    assert audit.actor == cast.city_admin


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "0", "金额必须大于零"),
        ("amount", "-100.00", "金额必须大于零"),
        ("amount", "10.001", "两位小数"),
        ("year", 1999, "预算年度"),
        ("year", THIS_YEAR + 2, "预算年度"),
        ("purpose", "lottery", "五类用途"),
        ("name", "  ", "预算科目名称"),
    ],
)
def test_bad_line_input_names_the_field_and_writes_nothing(
    cast: Cast, field: str, value: object, message: str
) -> None:
    response = post(cast.client(cast.city_admin), f"{API}/lines", new_line(**{field: value}))
    error = assert_envelope(response, 422)
    assert message in error["fields"][field]
    assert BudgetLine.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


def test_a_missing_amount_is_a_422_naming_the_field(cast: Cast) -> None:
    data = new_line()
    del data["amount"]
    error = assert_envelope(
        post(cast.client(cast.city_admin), f"{API}/lines", data), 422, "request.invalid"
    )
    assert error["fields"] == {"amount": "必填"}


def test_a_line_name_is_unique_within_a_year(cast: Cast) -> None:
    client = cast.client(cast.city_admin)
    assert post(client, f"{API}/lines", new_line()).status_code == 201
    error = assert_envelope(post(client, f"{API}/lines", new_line()), 409, "fund.line_duplicate")
    assert "name" in error["fields"]
    assert BudgetLine.objects.count() == 1
    assert post(client, f"{API}/lines", new_line(year=THIS_YEAR - 1)).status_code == 201


@pytest.mark.parametrize("who", ["city_auditor", "city_security", "bank_admin", "district_admin"])
def test_only_the_city_admin_creates_lines(cast: Cast, who: str) -> None:
    response = post(cast.client(getattr(cast, who)), f"{API}/lines", new_line())
    assert_envelope(response, 403, "permission_denied")
    assert BudgetLine.objects.count() == 0


# --- read ----------------------------------------------------------------------------------------


def test_lines_come_with_balances_derived_from_the_ledger(
    cast: Cast, busy_line: BudgetLine, make_line: MakeLine
) -> None:
    make_line("5.00", year=THIS_YEAR - 1, name="去年的科目")
    response = cast.client(cast.city_admin).get(f"{API}/lines?year={THIS_YEAR}")
    assert response.status_code == 200
    (body,) = response.json()
    assert body["name"] == "科技金融奖励"
    assert body["balance"] == {
        "budgeted": "1000000.00",
        "reduced": "0.00",
        "committed": "350000.00",  # 300,000.00 + 50,000.00
        "released": "50000.00",
        "paid": "100000.00",
        "open": "200000.00",  # 350,000.00 − 50,000.00 − 100,000.00
        "available": "700000.00",  # 1,000,000.00 − (350,000.00 − 50,000.00)
        "usage_rate": "30.0",  # 300,000.00 / 1,000,000.00
    }
    both = cast.client(cast.city_admin).get(f"{API}/lines").json()
    assert len(both) == 2
    purpose = cast.client(cast.city_admin).get(f"{API}/lines?purpose=interest_subsidy").json()
    assert purpose == []


def test_the_ledger_filters_and_paginates(cast: Cast, busy_line: BudgetLine) -> None:
    client = cast.client(cast.city_admin)
    response = client.get(f"{API}/lines/{busy_line.pk}/ledger")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5  # budgeted, committed, paid, committed, released
    assert [e["kind"] for e in body["items"]] == [
        "released",
        "committed",
        "paid",
        "committed",
        "budgeted",
    ]
    paid = body["items"][2]
    assert paid["bank_reference"] == "JL0001"
    assert paid["counterparty"] == "长春启明智能科技有限公司"
    assert paid["commitment_id"] == body["items"][3]["id"]
    assert paid["actor_username"] == "city_admin"
    assert paid["kind_label"] == "拨付"
    committed = client.get(f"{API}/lines/{busy_line.pk}/ledger?kind=committed").json()
    assert [e["amount"] for e in committed["items"]] == ["50000.00", "300000.00"]
    by_mode = client.get(f"{API}/lines/{busy_line.pk}/ledger?linkage_mode=loan_award").json()
    assert by_mode["count"] == 2
    by_text = client.get(f"{API}/lines/{busy_line.pk}/ledger?q=启明").json()
    assert by_text["count"] == 2
    page = client.get(f"{API}/lines/{busy_line.pk}/ledger?page_size=2&page=3").json()
    assert [e["kind"] for e in page["items"]] == ["budgeted"]


def test_usage_by_purpose_and_linkage_mode(cast: Cast, busy_line: BudgetLine) -> None:
    body = cast.client(cast.city_admin).get(f"{API}/usage?year={THIS_YEAR}").json()
    (awards,) = body["by_purpose"]
    assert (awards["key"], awards["budgeted"], awards["available"]) == (
        "awards",
        "1000000.00",
        "700000.00",
    )
    modes = {r["key"]: r for r in body["by_linkage_mode"]}
    assert set(modes) == {
        "grant_investment",
        "grant_loan",
        "investment_subsidy",
        "loan_subsidy",
        "loan_award",
    }
    assert (modes["loan_award"]["committed"], modes["loan_award"]["paid"]) == (
        "300000.00",
        "100000.00",
    )
    assert modes["loan_award"]["open"] == "200000.00"
    assert modes["grant_investment"]["released"] == "50000.00"
    assert modes["grant_investment"]["budgeted"] is None
    assert body["total"]["budgeted"] == "1000000.00"


def test_top_up_and_reduce_over_the_api(cast: Cast, busy_line: BudgetLine) -> None:
    client = cast.client(cast.city_admin)
    response = post(
        client,
        f"{API}/lines/{busy_line.pk}/topup",
        {"amount": "250000.00", "note": "追加 长财〔2026〕30号"},
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "budgeted"
    before = LedgerEntry.objects.count()
    # available = 700,000.00 + 250,000.00 = 950,000.00: 950,000.01 cannot be cut
    error = assert_envelope(
        post(client, f"{API}/lines/{busy_line.pk}/topup", {"amount": "-950000.01", "note": "调减"}),
        409,
        "fund.reduction_exceeds_available",
    )
    assert "950,000.00 元" in error["message"]
    assert LedgerEntry.objects.count() == before
    error = assert_envelope(
        post(client, f"{API}/lines/{busy_line.pk}/topup", {"amount": "100.00", "note": ""}),
        422,
        "fund.note_required",
    )
    assert "note" in error["fields"]
    cut = post(
        client, f"{API}/lines/{busy_line.pk}/topup", {"amount": "-950000.00", "note": "调减"}
    )
    assert cut.json()["kind"] == "adjusted"
    assert cut.json()["amount"] == "950000.00"
    line = client.get(f"{API}/lines/{busy_line.pk}").json()
    assert line["balance"]["available"] == "0.00"
    assert line["balance"]["budgeted"] == "300000.00"  # 1,000,000 + 250,000 − 950,000


# --- denial --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["bank_admin", "district_admin", "other_district_admin", "owner", "other_bank_admin"]
)
def test_other_organisations_see_no_line_or_ledger(
    cast: Cast, who: str, busy_line: BudgetLine
) -> None:
    client = cast.client(getattr(cast, who))
    assert_envelope(client.get(f"{API}/lines"), 403, "permission_denied")
    for path in (f"{API}/lines/{busy_line.pk}", f"{API}/lines/{busy_line.pk}/ledger"):
        error = assert_envelope(client.get(path), 404, "not_found")
        assert "科技金融奖励" not in error["message"]
    assert_envelope(client.get(f"{API}/usage"), 403, "permission_denied")
    topup = post(client, f"{API}/lines/{busy_line.pk}/topup", {"amount": "1.00", "note": "x"})
    assert_envelope(topup, 403)


def test_the_public_must_authenticate(cast: Cast, busy_line: BudgetLine) -> None:
    client = cast.client(None)
    for path in (
        f"{API}/lines",
        f"{API}/lines/{busy_line.pk}",
        f"{API}/usage",
        f"{API}/lines/{busy_line.pk}/ledger",
    ):
        assert_envelope(client.get(path), 401, "auth.required")
    assert_envelope(post(client, f"{API}/lines", new_line()), 401, "auth.required")
    assert BudgetLine.objects.count() == 1


def test_anyone_reads_the_published_summary_with_totals_only(
    cast: Cast, busy_line: BudgetLine
) -> None:
    response = cast.client(None).get(f"{API}/summary?year={THIS_YEAR}")
    assert response.status_code == 200
    body = response.json()
    assert body["rows"] == [
        {
            "year": THIS_YEAR,
            "purpose": "awards",
            "purpose_label": "奖励",
            "budgeted": "1000000.00",
            "used": "300000.00",
            "paid": "100000.00",
        }
    ]
    text = response.content.decode()
    assert "启明" not in text
    assert "JL0001" not in text
    assert "Application" not in text
