"""The rules of commit, release, pay and transfer out, and who may move money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kejin.apps.funds.models import BudgetLine, LedgerEntry
from kejin.apps.funds.selectors import commitment_balance, commitments_for_subject, line_balance
from kejin.apps.funds.services.ledger import (
    fund_commit,
    fund_pay,
    fund_release,
    fund_transfer_out,
)
from kejin.platform.audit.models import AuditEntry
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError, NotFound, PermissionDenied
from tests.apps.funds.conftest import THIS_YEAR, MakeLine
from tests.conftest import Cast

D = Decimal


@pytest.fixture
def line(make_line: MakeLine) -> BudgetLine:
    return make_line("1000.00")


@pytest.fixture
def commitment(city: Actor, line: BudgetLine) -> LedgerEntry:
    return fund_commit(
        actor=city,
        line_id=line.pk,
        amount="600.00",
        reference="policies.Application:7",
        linkage_mode="loan_subsidy",
        counterparty="长春启明智能科技有限公司",
    )


# --- pay ---------------------------------------------------------------------------------------


def test_paying_more_than_is_committed_is_refused(city: Actor, commitment: LedgerEntry) -> None:
    fund_pay(actor=city, commitment_id=commitment.pk, amount="500.00", bank_reference="JL1")
    before = LedgerEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        # 600.00 − 500.00 = 100.00 still payable; 100.01 is one fen too many
        fund_pay(actor=city, commitment_id=commitment.pk, amount="100.01", bank_reference="JL2")
    assert exc.value.code == "fund.payment_exceeds_open"
    assert "100.00 元" in exc.value.message
    assert "amount" in exc.value.fields
    assert LedgerEntry.objects.count() == before
    paid = fund_pay(actor=city, commitment_id=commitment.pk, amount="100.00", bank_reference="JL2")
    assert paid.commitment_id == commitment.pk
    assert paid.counterparty == "长春启明智能科技有限公司"  # the payee follows the commitment
    assert paid.linkage_mode == "loan_subsidy"
    assert commitment_balance(commitment.pk).open == D("0.00")


def test_what_is_released_can_no_longer_be_paid(city: Actor, commitment: LedgerEntry) -> None:
    fund_release(actor=city, commitment_id=commitment.pk, amount="200.00", reason="核减")
    with pytest.raises(Conflict) as exc:
        # 600.00 − 200.00 = 400.00 payable
        fund_pay(actor=city, commitment_id=commitment.pk, amount="400.01", bank_reference="JL")
    assert exc.value.code == "fund.payment_exceeds_open"
    fund_pay(actor=city, commitment_id=commitment.pk, amount="400.00", bank_reference="JL")


def test_a_payment_needs_the_bank_reference(city: Actor, commitment: LedgerEntry) -> None:
    with pytest.raises(DomainError) as exc:
        fund_pay(actor=city, commitment_id=commitment.pk, amount="1.00", bank_reference="  ")
    assert exc.value.code == "fund.bank_reference_required"
    assert "bank_reference" in exc.value.fields


def test_only_a_commitment_can_be_paid_or_released(city: Actor, commitment: LedgerEntry) -> None:
    paid = fund_pay(actor=city, commitment_id=commitment.pk, amount="1.00", bank_reference="JL")
    with pytest.raises(DomainError) as exc:
        fund_pay(actor=city, commitment_id=paid.pk, amount="1.00", bank_reference="JL")
    assert exc.value.code == "fund.not_a_commitment"
    with pytest.raises(NotFound):
        fund_release(actor=city, commitment_id=999_999, reason="x")


# --- release -----------------------------------------------------------------------------------


def test_releasing_more_than_is_open_is_refused(city: Actor, commitment: LedgerEntry) -> None:
    fund_pay(actor=city, commitment_id=commitment.pk, amount="450.00", bank_reference="JL")
    before = LedgerEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        # 600.00 − 450.00 = 150.00 open
        fund_release(actor=city, commitment_id=commitment.pk, amount="150.01", reason="撤销")
    assert exc.value.code == "fund.release_exceeds_open"
    assert "150.00 元" in exc.value.message
    assert LedgerEntry.objects.count() == before


def test_release_without_amount_releases_all_that_is_open(
    city: Actor,
    line: BudgetLine,
    commitment: LedgerEntry,
) -> None:
    fund_pay(actor=city, commitment_id=commitment.pk, amount="450.00", bank_reference="JL")
    released = fund_release(actor=city, commitment_id=commitment.pk, reason="项目终止")
    assert released.amount == D("150.00")
    assert released.note == "项目终止"
    # available = 1,000.00 − (600.00 − 150.00) = 550.00
    assert line_balance(line.pk).available == D("550.00")
    with pytest.raises(Conflict) as exc:
        fund_release(actor=city, commitment_id=commitment.pk, reason="再次释放")
    assert exc.value.code == "fund.nothing_open"


def test_a_release_needs_a_reason(city: Actor, commitment: LedgerEntry) -> None:
    with pytest.raises(DomainError) as exc:
        fund_release(actor=city, commitment_id=commitment.pk, amount="1.00", reason="")
    assert exc.value.code == "fund.reason_required"
    assert exc.value.fields == {"reason": "请填写释放理由"}


# --- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "-0.01"])
def test_zero_and_negative_amounts_are_refused_everywhere(
    city: Actor,
    line: BudgetLine,
    commitment: LedgerEntry,
    amount: str,
) -> None:
    before = LedgerEntry.objects.count()
    calls = [
        lambda: fund_commit(actor=city, line_id=line.pk, amount=amount, reference="x"),
        lambda: fund_pay(
            actor=city, commitment_id=commitment.pk, amount=amount, bank_reference="JL"
        ),
        lambda: fund_release(actor=city, commitment_id=commitment.pk, amount=amount, reason="x"),
        lambda: fund_transfer_out(
            actor=city, line_id=line.pk, amount=amount, reference="x", counterparty="资金池"
        ),
    ]
    for call in calls:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "money.not_positive"
        assert "amount" in exc.value.fields
    assert LedgerEntry.objects.count() == before


def test_sub_fen_amounts_and_non_numbers_are_refused(city: Actor, line: BudgetLine) -> None:
    with pytest.raises(DomainError) as exc:
        fund_commit(actor=city, line_id=line.pk, amount="10.005", reference="x")
    assert exc.value.code == "fund.amount_invalid"
    with pytest.raises(DomainError) as exc:
        fund_commit(actor=city, line_id=line.pk, amount="十元", reference="x")
    assert exc.value.code == "money.not_a_number"
    with pytest.raises(TypeError):
        fund_commit(actor=city, line_id=line.pk, amount=10.5, reference="x")  # type: ignore[arg-type]


def test_a_commitment_needs_a_reference_and_a_known_linkage_mode(
    city: Actor,
    line: BudgetLine,
) -> None:
    with pytest.raises(DomainError) as exc:
        fund_commit(actor=city, line_id=line.pk, amount="1.00", reference=" ")
    assert exc.value.code == "fund.reference_required"
    with pytest.raises(DomainError) as exc:
        fund_commit(
            actor=city, line_id=line.pk, amount="1.00", reference="x", linkage_mode="loan_grant"
        )
    assert exc.value.code == "fund.linkage_mode_invalid"
    assert "贷贴联动" in exc.value.message
    assert LedgerEntry.objects.filter(kind="committed").count() == 0


# --- years -------------------------------------------------------------------------------------


def test_a_line_of_another_year_takes_no_commitment(city: Actor, make_line: MakeLine) -> None:
    last_year = make_line("1000.00", year=THIS_YEAR - 1)
    with pytest.raises(DomainError) as exc:
        fund_commit(actor=city, line_id=last_year.pk, amount="1.00", reference="x")
    assert exc.value.code == "fund.line_year_mismatch"
    assert f"属于 {THIS_YEAR - 1} 年度" in exc.value.message
    assert "line_id" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        fund_transfer_out(
            actor=city, line_id=last_year.pk, amount="1.00", reference="x", counterparty="资金池"
        )
    assert exc.value.code == "fund.line_year_mismatch"
    assert line_balance(last_year.pk).committed == D("0.00")


def test_last_years_commitment_is_still_paid_and_released_this_year(
    city: Actor, make_line: MakeLine
) -> None:
    last_year = make_line("1000.00", year=THIS_YEAR - 1)
    c = fund_commit(
        actor=city,
        line_id=last_year.pk,
        amount="800.00",
        reference="x",
        on=date(THIS_YEAR - 1, 12, 20),
    )
    paid = fund_pay(actor=city, commitment_id=c.pk, amount="500.00", bank_reference="JL")
    assert paid.value_date.year == THIS_YEAR
    fund_release(actor=city, commitment_id=c.pk, reason="结余释放")
    bal = line_balance(last_year.pk)
    # 1,000.00 − (800.00 − 300.00) = 500.00
    assert (bal.paid, bal.released, bal.available) == (D("500.00"), D("300.00"), D("500.00"))


# --- transfer out ------------------------------------------------------------------------------


def test_a_transfer_out_is_committed_and_paid_at_once(city: Actor, make_line: MakeLine) -> None:
    line = make_line("50000000.00", purpose="risk_compensation")
    paid = fund_transfer_out(
        actor=city,
        line_id=line.pk,
        amount="20000000.00",
        reference="资金池注资",
        counterparty="长春市科技信贷风险补偿资金池",
        bank_reference="JLRP1",
    )
    assert paid.kind == "paid"
    assert paid.commitment.kind == "committed"
    assert paid.commitment.amount == paid.amount == D("20000000.00")
    assert paid.counterparty == "长春市科技信贷风险补偿资金池"
    bal = line_balance(line.pk)
    # 50,000,000.00 − 20,000,000.00 = 30,000,000.00; nothing is left open
    assert (bal.available, bal.open, bal.paid) == (D("30000000.00"), D("0.00"), D("20000000.00"))
    with pytest.raises(Conflict) as exc:
        fund_transfer_out(
            actor=city,
            line_id=line.pk,
            amount="30000000.01",
            reference="再注资",
            counterparty="资金池",
        )
    assert exc.value.code == "fund.line_exhausted"
    with pytest.raises(DomainError) as exc:
        fund_transfer_out(
            actor=city, line_id=line.pk, amount="1.00", reference="x", counterparty=""
        )
    assert exc.value.code == "fund.counterparty_required"


# --- references, audit ----------------------------------------------------------------------


def test_the_thing_a_commitment_serves_is_recorded(commitment: LedgerEntry, cast: Cast) -> None:
    assert (commitment.subject_type, commitment.subject_id) == ("policies.Application", "7")
    assert list(commitments_for_subject("policies.Application:7")) == [commitment]
    assert commitment.actor == cast.city_admin
    assert commitment.actor_organisation == cast.city
    assert commitment.value_date.year == THIS_YEAR


def test_free_text_references_have_no_subject(city: Actor, line: BudgetLine) -> None:
    e = fund_commit(actor=city, line_id=line.pk, amount="1.00", reference="2026年第3批 贴息")
    assert (e.subject_type, e.subject_id) == ("", "")


def test_every_entry_is_in_the_audit_history(city: Actor, commitment: LedgerEntry) -> None:
    entry = AuditEntry.objects.get(content_type__model="ledgerentry", object_pk=str(commitment.pk))
    assert entry.action == AuditEntry.Action.CREATE


# --- append-only -------------------------------------------------------------------------------


def test_ledger_entries_cannot_be_changed_or_deleted(commitment: LedgerEntry) -> None:
    commitment.amount = D("1.00")
    with pytest.raises(PermissionError):
        commitment.save()
    with pytest.raises(PermissionError):
        commitment.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=commitment.pk).update(amount=D("1.00"))
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get(pk=commitment.pk).amount == D("600.00")


# --- who may move money ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["bank_admin", "district_admin", "owner", "city_auditor", "city_security"]
)
def test_only_the_city_office_moves_money(
    cast: Cast,
    who: str,
    line: BudgetLine,
    commitment: LedgerEntry,
) -> None:
    actor = cast.actor(getattr(cast, who))
    before = LedgerEntry.objects.count()
    for call in [
        lambda: fund_commit(actor=actor, line_id=line.pk, amount="1.00", reference="x"),
        lambda: fund_pay(
            actor=actor, commitment_id=commitment.pk, amount="1.00", bank_reference="JL"
        ),
        lambda: fund_release(actor=actor, commitment_id=commitment.pk, reason="x"),
        lambda: fund_transfer_out(
            actor=actor, line_id=line.pk, amount="1.00", reference="x", counterparty="资金池"
        ),
    ]:
        with pytest.raises(PermissionDenied):
            call()
    assert LedgerEntry.objects.count() == before


def test_the_public_moves_no_money(line: BudgetLine) -> None:
    with pytest.raises(PermissionDenied):
        fund_commit(actor=Actor.public(), line_id=line.pk, amount="1.00", reference="x")


def test_an_unknown_line_is_not_found(city: Actor) -> None:
    with pytest.raises(NotFound):
        fund_commit(actor=city, line_id=424242, amount="1.00", reference="x")
