"""Balances are derived from the ledger: worked examples with the arithmetic written out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kejin.apps.funds.models import EntryKind, LedgerEntry
from kejin.apps.funds.selectors import commitment_balance, line_balance
from kejin.apps.funds.services.ledger import fund_commit, fund_pay, fund_release
from kejin.apps.funds.services.lines import budget_line_topup
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict
from tests.apps.funds.conftest import MakeLine

D = Decimal


def test_a_new_line_has_its_budget_as_the_first_ledger_entry(make_line: MakeLine) -> None:
    line = make_line("30000000.00", purpose="interest_subsidy")
    entries = list(LedgerEntry.objects.filter(line=line))
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.BUDGETED, D("30000000.00"))]
    b = line_balance(line.pk)
    assert (b.budgeted, b.committed, b.released, b.paid) == (D("30000000.00"), 0, 0, 0)
    assert b.available == D("30000000.00")


def test_worked_example_commit_pay_release(city: Actor, make_line: MakeLine) -> None:
    line = make_line("1000000.00")
    a = fund_commit(actor=city, line_id=line.pk, amount="300000.00", reference="奖励A")
    b = fund_commit(actor=city, line_id=line.pk, amount="250000.50", reference="奖励B")
    fund_pay(actor=city, commitment_id=a.pk, amount="120000.00", bank_reference="JL001")
    fund_release(actor=city, commitment_id=b.pk, amount="50000.50", reason="核减")
    fund_pay(actor=city, commitment_id=b.pk, amount="200000.00", bank_reference="JL002")

    bal = line_balance(line.pk)
    # committed = 300,000.00 + 250,000.50                          = 550,000.50
    assert bal.committed == D("550000.50")
    assert bal.released == D("50000.50")
    # paid      = 120,000.00 + 200,000.00                          = 320,000.00
    assert bal.paid == D("320000.00")
    # available = 1,000,000.00 − (550,000.50 − 50,000.50)          = 500,000.00
    assert bal.available == D("500000.00")
    # open      = 550,000.50 − 50,000.50 − 320,000.00              = 180,000.00
    assert bal.open == D("180000.00")
    # reconcile: 500,000.00 + 180,000.00 + 320,000.00              = 1,000,000.00
    assert bal.available + bal.open + bal.paid == bal.budgeted == D("1000000.00")
    assert bal.usage_rate == D("50.0")
    # per commitment: A has 300,000.00 − 120,000.00 = 180,000.00 open; B is settled
    assert commitment_balance(a.pk).open == D("180000.00")
    cb = commitment_balance(b.pk)
    assert (cb.committed, cb.released, cb.paid, cb.open) == (
        D("250000.50"),
        D("50000.50"),
        D("200000.00"),
        D("0.00"),
    )


def test_top_up_and_reduction_move_the_budget(city: Actor, make_line: MakeLine) -> None:
    line = make_line("1000000.00")
    fund_commit(actor=city, line_id=line.pk, amount="400000.00", reference="奖励A")
    budget_line_topup(actor=city, line_id=line.pk, amount="200000.00", note="追加 长财〔2026〕1号")
    budget_line_topup(actor=city, line_id=line.pk, amount="-100000.00", note="调减 长财〔2026〕2号")
    bal = line_balance(line.pk)
    # budgeted  = 1,000,000.00 + 200,000.00 − 100,000.00 = 1,100,000.00
    assert bal.budgeted == D("1100000.00")
    assert bal.reduced == D("100000.00")
    assert bal.gross_budget == D("1200000.00")
    # available = 1,100,000.00 − 400,000.00              =   700,000.00
    assert bal.available == D("700000.00")
    kinds = list(LedgerEntry.objects.filter(line=line).order_by("pk").values_list("kind", "amount"))
    assert kinds == [
        ("budgeted", D("1000000.00")),
        ("committed", D("400000.00")),
        ("budgeted", D("200000.00")),
        ("adjusted", D("100000.00")),
    ]


def test_a_reduction_stops_at_what_is_not_committed(city: Actor, make_line: MakeLine) -> None:
    line = make_line("1000.00")
    fund_commit(actor=city, line_id=line.pk, amount="600.00", reference="奖励A")
    before = LedgerEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        budget_line_topup(actor=city, line_id=line.pk, amount="-400.01", note="调减")
    assert exc.value.code == "fund.reduction_exceeds_available"
    assert "400.00 元" in exc.value.message
    assert LedgerEntry.objects.count() == before
    budget_line_topup(actor=city, line_id=line.pk, amount="-400.00", note="调减到已承诺额")
    assert line_balance(line.pk).available == D("0.00")


def test_the_last_fen_of_a_line(city: Actor, make_line: MakeLine) -> None:
    line = make_line("1000.00", name="2026年末分测试")
    fund_commit(actor=city, line_id=line.pk, amount="999.99", reference="奖励A")
    with pytest.raises(Conflict) as exc:
        fund_commit(actor=city, line_id=line.pk, amount="0.02", reference="奖励B")
    assert exc.value.code == "fund.line_exhausted"
    # the message names the line and what remains: 1,000.00 − 999.99 = 0.01
    assert line.name in exc.value.message
    assert "可用余额 0.01 元" in exc.value.message
    assert exc.value.fields == {"amount": "超过预算科目可用余额 0.01 元"}
    fund_commit(actor=city, line_id=line.pk, amount="0.01", reference="奖励B")
    assert line_balance(line.pk).available == D("0.00")


def test_a_release_gives_the_amount_back_to_new_commitments(
    city: Actor, make_line: MakeLine
) -> None:
    line = make_line("1000.00")
    a = fund_commit(actor=city, line_id=line.pk, amount="1000.00", reference="奖励A")
    with pytest.raises(Conflict):
        fund_commit(actor=city, line_id=line.pk, amount="1.00", reference="奖励B")
    fund_release(actor=city, commitment_id=a.pk, amount="250.00", reason="核减")
    fund_commit(actor=city, line_id=line.pk, amount="250.00", reference="奖励B")
    bal = line_balance(line.pk)
    # 1,000.00 − ((1,000.00 + 250.00) − 250.00) = 0.00
    assert (bal.committed, bal.released, bal.available) == (D("1250.00"), D("250.00"), D("0.00"))


def test_sums_are_exact_to_the_fen_over_many_entries(city: Actor, make_line: MakeLine) -> None:
    """SQLite keeps decimals as floating point; the balance sums whole fen, so 0.1 + 0.2 is 0.3."""
    line = make_line("100000000.00")
    for amount in ["0.10", "0.20", "12345678.07", "0.01", "33333333.33"]:
        fund_commit(actor=city, line_id=line.pk, amount=amount, reference="x")
    bal = line_balance(line.pk)
    # 0.10 + 0.20 + 12,345,678.07 + 0.01 + 33,333,333.33 = 45,679,011.71
    assert bal.committed == D("45679011.71")
    # 100,000,000.00 − 45,679,011.71 = 54,320,988.29
    assert bal.available == D("54320988.29")
