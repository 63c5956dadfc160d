"""The city sets up a pool: dated agreements with banks and insurers, and money in."""

from __future__ import annotations

import sys
import types
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.models import Agreement, AgreementVersion, Journal, RiskPool
from kejin.apps.riskpool.services import common, contributions
from kejin.rules.errors import Conflict
from tests.apps.riskpool.conftest import World, assert_error
from tests.apps.riskpool.helpers import file_claim, register

D = Decimal
TERMS = {"effective_from": "2025-01-01", "source": "补充协议"}


def test_the_city_admin_creates_a_pool_and_the_name_is_unique(world: World) -> None:
    city = world.api(world.cast.city_admin)
    response = city.post(
        "pools", {"name": "朝阳区科技贷款风险补偿资金池", "opened_on": "2025-01-01"}
    )
    assert response.status_code == 201, response.content.decode()
    assert RiskPool.objects.filter(name="朝阳区科技贷款风险补偿资金池").exists()
    again = city.post("pools", {"name": "朝阳区科技贷款风险补偿资金池", "opened_on": "2025-01-01"})
    assert_error(again, 409, "riskpool.name_taken")
    assert_error(
        world.api(world.cast.bank_admin).post("pools", {"name": "x", "opened_on": "2025-01-01"}),
        403,
    )


def test_agreement_terms_default_to_the_dated_city_parameters(world: World) -> None:
    version = world.bank_agreement.versions.get()
    # rules/params/risk_pool.yaml in force on 2024-01-01
    assert version.leverage == D("10")
    assert version.shares(insured=True) == {"pool": D(40), "bank": D(40), "insurer": D(20)}
    assert version.shares(insured=False) == {"pool": D(50), "bank": D(50)}
    assert version.per_loan_cap == D("3000000.00")
    assert version.npl_threshold == D("5")
    assert "risk_pool.per_loan_cap" in version.source


def test_shares_that_do_not_add_to_100_are_refused_and_nothing_written(world: World) -> None:
    city = world.api(world.cast.city_admin)
    body = {
        **TERMS,
        "pool_share_insured": "40",
        "bank_share_insured": "40",
        "insurer_share_insured": "30",
    }
    error = assert_error(
        city.post(f"agreements/{world.bank_agreement.pk}/versions", body),
        422,
        "agreement.shares_not_100",
    )
    assert "110" in error["fields"]["pool_share_insured"]
    assert AgreementVersion.objects.filter(agreement=world.bank_agreement).count() == 1


def test_bad_terms_are_reported_field_by_field(world: World) -> None:
    city = world.api(world.cast.city_admin)
    body = {
        **TERMS,
        "leverage": "0",
        "per_loan_cap": "-1",
        "npl_threshold": "101",
        "product_kinds": ["balloon"],
        "eligible_borrowers": [],
    }
    error = assert_error(city.post(f"agreements/{world.bank_agreement.pk}/versions", body), 422)
    assert set(error["fields"]) >= {
        "leverage",
        "per_loan_cap",
        "npl_threshold",
        "product_kinds",
        "eligible_borrowers",
    }


def test_a_new_version_applies_from_its_date_and_old_ones_stay(world: World) -> None:
    city = world.api(world.cast.city_admin)
    body = {
        **TERMS,
        "pool_share_uninsured": "60",
        "bank_share_uninsured": "40",
        "per_loan_cap": "2000000",
    }
    response = city.post(f"agreements/{world.bank_agreement.pk}/versions", body)
    assert response.status_code == 201, response.content.decode()
    in_2024 = common.version_in_force(world.bank_agreement, date(2024, 12, 31))
    in_2025 = common.version_in_force(world.bank_agreement, date(2025, 1, 1))
    assert in_2024 is not None
    assert in_2024.pool_share_uninsured == D(50)
    assert in_2025 is not None
    assert in_2025.pool_share_uninsured == D(60)
    assert_error(
        city.post(f"agreements/{world.bank_agreement.pk}/versions", body),
        409,
        "agreement.version_date_taken",
    )


def test_a_claim_uses_the_version_in_force_when_the_loan_passed_90_days(world: World) -> None:
    city = world.api(world.cast.city_admin)
    body = {
        "effective_from": "2024-05-01",
        "pool_share_uninsured": "70",
        "bank_share_uninsured": "30",
    }
    assert city.post(f"agreements/{world.bank_agreement.pk}/versions", body).status_code == 201
    register(world, "JL-V", "1000000.00")
    claim = file_claim(world, "JL-V")  # passed 90 days on 2024-05-16: the 2024-05-01 terms
    assert claim["share_percents"] == {"pool": "70", "bank": "30"}
    assert D(claim["pool_share"]) == D("700000.00")


def test_terms_already_relied_on_cannot_be_changed_retroactively(world: World) -> None:
    register(world, "JL-W", "1000000.00")  # registered 2024-01-15 under the 2024-01-01 terms
    city = world.api(world.cast.city_admin)
    error = assert_error(
        city.post(
            f"agreements/{world.bank_agreement.pk}/versions", {"effective_from": "2024-01-15"}
        ),
        409,
        "agreement.version_locked",
    )
    assert "2024-01-15" in error["fields"]["effective_from"]
    assert (
        city.post(
            f"agreements/{world.bank_agreement.pk}/versions", {"effective_from": "2024-01-16"}
        ).status_code
        == 201
    )


def test_only_banks_and_insurers_sign_and_only_once(world: World) -> None:
    city = world.api(world.cast.city_admin)
    base = {
        "reference": "X-1",
        "signed_on": "2024-01-01",
        "terms": {"effective_from": "2024-01-01"},
    }
    error = assert_error(
        city.post(
            f"pools/{world.pool.pk}/agreements", {**base, "party_id": world.cast.enterprise.pk}
        ),
        422,
        "agreement.party_kind",
    )
    assert "party_id" in error["fields"]
    assert_error(
        city.post(f"pools/{world.pool.pk}/agreements", {**base, "party_id": world.cast.bank.pk}),
        409,
        "agreement.exists",
    )
    assert Agreement.objects.count() == 3


def test_agreements_are_listed_with_their_versions(world: World) -> None:
    body = world.api(world.cast.city_admin).get(f"pools/{world.pool.pk}/agreements").json()
    assert {a["party_name"] for a in body} == {
        world.cast.bank.name,
        world.cast.other_bank.name,
        world.insurer.name,
    }
    insurer = next(a for a in body if a["party_kind"] == "insurer")
    assert insurer["versions"][0]["leverage"] is None
    # A bank sees only its own agreement
    own = world.api(world.cast.bank_admin).get(f"pools/{world.pool.pk}/agreements").json()
    assert [a["party_id"] for a in own] == [world.cast.bank.pk]


def test_a_bank_contribution_is_a_balanced_journal(world: World) -> None:
    city = world.api(world.cast.city_admin)
    response = city.post(
        f"pools/{world.pool.pk}/contributions",
        {
            "source": "bank",
            "bank_id": world.cast.bank.pk,
            "amount": "2000000.00",
            "received_on": "2024-02-01",
            "reference": "吉银转账 0001",
        },
    )
    assert response.status_code == 201, response.content.decode()
    lines = response.json()["lines"]
    assert {(x["account"], x["debit"], x["credit"]) for x in lines} == {
        ("pool_cash", "2000000.00", "0.00"),
        (f"contributions:bank:{world.cast.bank.pk}", "0.00", "2000000.00"),
    }
    assert pool_balance(world.pool.pk) == D("12000000.00")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-100.00"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "100.001"}, "amount"),
        ({"reference": ""}, "reference"),
        ({"source": "lottery"}, "source"),
        ({"source": "bank", "bank_id": None}, "bank_id"),
        ({"received_on": "2099-01-01"}, "received_on"),
    ],
)
def test_bad_contributions_are_refused_with_the_field_named(
    world: World, body: dict[str, Any], field: str
) -> None:
    journals = Journal.objects.count()
    base = {
        "source": "government",
        "amount": "100.00",
        "received_on": "2024-02-01",
        "reference": "R",
    }
    error = assert_error(
        world.api(world.cast.city_admin).post(f"pools/{world.pool.pk}/contributions", base | body),
        422,
    )
    assert field in error["fields"]
    assert Journal.objects.count() == journals


def test_only_the_city_records_contributions(world: World) -> None:
    body = {"source": "government", "amount": "100.00", "reference": "R"}
    assert_error(
        world.api(world.cast.bank_admin).post(f"pools/{world.pool.pk}/contributions", body), 403
    )


class FakeFund:
    """Stands in for kejin.apps.funds (its ledger contract from the common brief)."""

    def __init__(self, available: str) -> None:
        self.available = D(available)
        self.calls: list[dict[str, Any]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from kejin.rules.errors import Conflict

        fund = self

        def fund_transfer_out(**kw: Any) -> Any:
            if kw["amount"] > fund.available:
                raise Conflict(
                    code="fund.line_exhausted",
                    message="预算科目额度不足",
                    fields={"amount": "超过可用余额"},
                )
            fund.available -= kw["amount"]
            fund.calls.append(kw)
            return types.SimpleNamespace(pk=77)

        line = types.SimpleNamespace(pk=5, year=2024, name="风险补偿")
        ledger = types.SimpleNamespace(fund_transfer_out=fund_transfer_out)
        sel = types.SimpleNamespace(
            budget_lines_for=lambda actor, year=None, purpose=None: [line],
            balance_of=lambda _line: types.SimpleNamespace(available=fund.available),
        )
        monkeypatch.setitem(sys.modules, "kejin.apps.funds.services.ledger", ledger)
        monkeypatch.setitem(sys.modules, "kejin.apps.funds.selectors", sel)


def test_money_from_the_special_fund_moves_both_ledgers_or_neither(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fund = FakeFund("5000000.00")
    fund.install(monkeypatch)
    actor = world.actor(world.cast.city_admin)
    journal = contributions.contribution_record(
        actor=actor,
        pool_id=world.pool.pk,
        source="government",
        amount="3000000.00",
        received_on=date(2024, 3, 1),
        reference="长财教〔2024〕9号",
        fund_line_id=5,
    )
    assert fund.calls[0]["line_id"] == 5
    assert fund.calls[0]["amount"] == D("3000000.00")
    assert fund.calls[0]["counterparty"] == world.pool.name
    assert "funds.LedgerEntry:77" in journal.reference
    assert pool_balance(world.pool.pk) == D("13000000.00")
    # The line has 2,000,000.00 left: the fund refuses, and the pool writes nothing.
    journals = Journal.objects.count()
    with pytest.raises(Conflict) as refused:
        contributions.contribution_record(
            actor=actor,
            pool_id=world.pool.pk,
            source="government",
            amount="2000000.01",
            received_on=date(2024, 3, 2),
            reference="R",
            fund_line_id=5,
        )
    assert refused.value.code == "fund.line_exhausted"
    assert Journal.objects.count() == journals
    # A line that is not a risk compensation line is refused before any money moves.
    error = assert_error(
        world.api(world.cast.city_admin).post(
            f"pools/{world.pool.pk}/contributions",
            {"source": "government", "amount": "1.00", "reference": "R", "fund_line_id": 999},
        ),
        422,
        "contribution.fund_unavailable",
    )
    assert "fund_line_id" in error["fields"]


def test_with_the_real_special_fund_a_risk_compensation_line_pays_into_the_pool(
    world: World,
) -> None:
    from kejin.apps.funds import selectors as fund_selectors
    from kejin.apps.funds.services.lines import (
        BudgetLineInput,
        budget_line_create,
    )

    actor = world.actor(world.cast.city_admin)
    line = budget_line_create(
        actor=actor,
        data=BudgetLineInput(
            year=2024, purpose="risk_compensation", name="风险补偿资金", amount="20000000.00"
        ),
        on=date(2024, 1, 1),
    )
    response = world.api(world.cast.city_admin).post(
        f"pools/{world.pool.pk}/contributions",
        {
            "source": "government",
            "amount": "5000000.00",
            "received_on": "2024-03-01",
            "reference": "长财教〔2024〕9号",
            "fund_line_id": line.pk,
        },
    )
    assert response.status_code == 201, response.content.decode()
    # 20,000,000.00 budgeted − 5,000,000.00 transferred = 15,000,000.00 available on the line
    assert fund_selectors.line_balance(line.pk).available == D("15000000.00")
    assert pool_balance(world.pool.pk) == D("15000000.00")
    # More than the line has left: the fund refuses (409) and the pool writes nothing
    journals = Journal.objects.count()
    error = assert_error(
        world.api(world.cast.city_admin).post(
            f"pools/{world.pool.pk}/contributions",
            {
                "source": "government",
                "amount": "15000000.01",
                "received_on": "2024-03-02",
                "reference": "R",
                "fund_line_id": line.pk,
            },
        ),
        409,
        "fund.line_exhausted",
    )
    assert error["message"]
    assert Journal.objects.count() == journals
    assert fund_selectors.line_balance(line.pk).available == D("15000000.00")
