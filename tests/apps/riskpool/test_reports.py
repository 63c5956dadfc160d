"""Reports, the ledger and the trial balance: over the API, on pages, and as xlsx."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kejin.apps.riskpool.services import contributions
from tests.apps.riskpool.conftest import World
from tests.apps.riskpool.helpers import file_claim, register, review

D = Decimal


@pytest.fixture
def active(world: World) -> World:
    """Bank pays in 2,000,000.00; an insured 2,500,000.00 loan is compensated (pool 1,000,000.00,
    bank 1,000,000.00, insurer 500,000.00; paid today) and 250,000.00 recovered on 2024-10-08;
    a 5,000,000.00 loan to another borrower stays registered."""
    contributions.contribution_record(
        actor=world.actor(world.cast.city_admin),
        pool_id=world.pool.pk,
        source="bank",
        bank_id=world.cast.bank.pk,
        amount="2000000.00",
        received_on=date(2024, 2, 1),
        reference="吉银转账 0001",
    )
    bad = register(world, "JL-P1", "2500000.00", insured=True)
    register(world, "JL-P2", "5000000.00", borrower=world.cast.stranger)
    review(world, file_claim(world, "JL-P1")["id"])
    paid = world.api(world.cast.bank_officer).post(
        f"registrations/{bad.pk}/recoveries",
        {"amount": "250000.00", "received_on": "2024-10-08"},
    )
    assert paid.status_code == 201, paid.content.decode()
    return world


def test_the_report_over_the_api(active: World) -> None:
    body = (
        active.api(active.cast.city_admin)
        .get(f"pools/{active.pool.pk}/report", on="2024-03-01")
        .json()
    )
    t = body["totals"]
    # 10,000,000.00 + 2,000,000.00 − 1,000,000.00 + 100,000.00 (the pool's 40% of 250,000.00)
    assert D(t["balance"]) == D("11100000.00")
    assert D(t["contributed_government"]) == D("10000000.00")
    assert D(t["contributed_banks"]) == D("2000000.00")
    assert D(t["compensation_paid"]) == D("1000000.00")
    assert D(t["recovered_to_pool"]) == D("100000.00")
    assert D(t["losses_approved"]) == D("2500000.00")
    assert {k: D(v) for k, v in t["shares_paid"].items()} == {
        "pool": D("1000000.00"),
        "bank": D("1000000.00"),
        "insurer": D("500000.00"),
    }
    # recovery rate 250,000.00 ÷ 2,500,000.00 = 10.00%
    assert D(t["recovery_rate"]) == D("10.00")
    # The compensated loan no longer counts; JL-P2 (5,000,000.00) does
    assert D(t["registered_outstanding"]) == D("5000000.00")
    assert t["registered_count"] == 1
    # 5,000,000.00 ÷ 11,100,000.00 = 0.45 times
    assert D(t["leverage_used"]) == D("0.45")
    bank = next(b for b in body["banks"] if b["bank_id"] == active.cast.bank.pk)
    assert D(bank["registered_outstanding"]) == D("5000000.00")
    assert D(bank["npl_ratio"]) == D("0.00")  # on 2024-03-01 JL-P2 is 15 days past due
    assert bank["claims_paid"] == 1
    assert D(bank["compensation_received"]) == D("1000000.00")
    later = active.api(active.cast.city_admin).get(
        f"pools/{active.pool.pk}/report", on="2024-06-01"
    )
    # On 2024-06-01 JL-P2 is 107 days past due: substandard, 5,000,000.00 ÷ 5,000,000.00
    [row] = [b for b in later.json()["banks"] if b["bank_id"] == active.cast.bank.pk]
    assert D(row["npl_ratio"]) == D("100.00")
    # Month-end balances: 10,000,000.00 → 12,000,000.00 → 12,100,000.00 → (payout today)
    series = [(p["month"], D(p["balance"])) for p in body["balance_series"]]
    assert series[:3] == [
        ("2024-01", D("10000000.00")),
        ("2024-02", D("12000000.00")),
        ("2024-10", D("12100000.00")),
    ]
    assert series[-1] == (date.today().strftime("%Y-%m"), D("11100000.00"))


def test_the_trial_balance_always_balances(active: World) -> None:
    tb = active.api(active.cast.city_admin).get(f"pools/{active.pool.pk}/trial-balance").json()
    assert tb["balanced"] is True
    assert tb["debit_total"] == tb["credit_total"]
    rows = {r["account"]: r for r in tb["rows"]}
    assert D(rows["pool_cash"]["debit_balance"]) == D("11100000.00")
    assert D(rows["contributions:government"]["credit_balance"]) == D("10000000.00")
    assert D(rows[f"contributions:bank:{active.cast.bank.pk}"]["credit_balance"]) == D("2000000.00")
    assert D(rows["compensation_paid"]["debit_balance"]) == D("1000000.00")
    assert D(rows["recoveries"]["credit_balance"]) == D("100000.00")
    # Σ debit balances 11,100,000.00 + 1,000,000.00 = Σ credit balances 10,000,000.00 +
    # 2,000,000.00 + 100,000.00 = 12,100,000.00
    assert D(tb["debit_balances"]) == D(tb["credit_balances"]) == D("12100000.00")
    page = active.cast.client(active.cast.city_admin).get(
        f"/riskpool/trial-balance/?pool={active.pool.pk}"
    )
    text = page.content.decode()
    assert "借贷平衡" in text
    assert "12,100,000.00" in text
    assert f"合作银行注资：{active.cast.bank.name}" in text


def xlsx_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_exports(active: World) -> None:
    city = active.cast.client(active.cast.city_admin)
    report = xlsx_rows(city.get(f"/riskpool/{active.pool.pk}/?export=xlsx"))
    flat = {str(r[0]): r[1] for r in report if r and r[0]}
    assert D(str(flat["资金池余额（元）"])) == D("11100000.00")
    assert active.cast.bank.name in flat
    api = xlsx_rows(city.get(f"/api/v1/riskpool/pools/{active.pool.pk}/report.xlsx"))
    assert api[0][0] == "风险补偿资金池报表"
    regs = xlsx_rows(city.get("/riskpool/registrations/?export=xlsx"))
    assert regs[0][:3] == ["贷款合同编号", "贷款银行", "借款企业"]
    assert {r[0] for r in regs[1:]} == {"JL-P1", "JL-P2"}
    claims = xlsx_rows(city.get("/riskpool/claims/?export=xlsx"))
    assert claims[1][1] == "JL-P1"
    assert D(str(claims[1][8])) == D("1000000.00")
    ledger = xlsx_rows(city.get(f"/riskpool/{active.pool.pk}/ledger/?export=xlsx"))
    debits = sum(D(str(r[5] or 0)) for r in ledger[1:])
    credits = sum(D(str(r[6] or 0)) for r in ledger[1:])
    assert debits == credits
    tb = xlsx_rows(city.get(f"/riskpool/trial-balance/?pool={active.pool.pk}&export=xlsx"))
    assert tb[-1][1] == "合计"


def test_the_ledger_page_and_api_list_every_journal(active: World) -> None:
    api = active.api(active.cast.city_admin).get(f"pools/{active.pool.pk}/journals").json()
    kinds = [j["kind"] for j in api["items"]]
    assert kinds == ["recovery", "compensation", "contribution_bank", "contribution_government"]
    for journal in api["items"]:
        assert sum(D(x["debit"]) for x in journal["lines"]) == sum(
            D(x["credit"]) for x in journal["lines"]
        )
    page = active.cast.client(active.cast.city_admin).get(
        f"/riskpool/{active.pool.pk}/ledger/?kind=compensation"
    )
    text = page.content.decode()
    assert "记-00003" in text
    assert "记-00001" not in text


def test_the_pool_page_shows_figures_and_charts(active: World) -> None:
    page = active.cast.client(active.cast.city_admin).get(f"/riskpool/{active.pool.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "11,100,000.00" in text
    assert "chart-npl" in text
    assert "echarts.min.js" in text
    assert 'id="pool-chart"' in text
