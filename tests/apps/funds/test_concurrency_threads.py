"""Many approvals at once never over-commit a line (threads; SQLite and PostgreSQL).

SQLite serialises writers (``BEGIN IMMEDIATE``); PostgreSQL row locks are proven harder in
test_concurrency.py. Either way: Σ committed ≤ budget exactly, as many approvals succeed as fit,
and every refused one says the line is exhausted and what is left.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kejin.apps.funds.models import EntryKind, LedgerEntry
from kejin.apps.funds.selectors import commitment_balance, line_balance
from kejin.apps.funds.services.ledger import fund_commit, fund_pay
from kejin.platform.tenancy import Actor
from tests.apps.funds.conftest import MakeLine
from tests.apps.funds.racing import ALL_APPS, race

pytestmark = pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)

D = Decimal


def test_twenty_simultaneous_approvals_take_exactly_what_fits(
    city: Actor, make_line: MakeLine
) -> None:
    line = make_line("10000.00", name="并发测试科目")
    amount = D("1234.56")
    outcomes = race(
        [
            lambda i=i: fund_commit(  # type: ignore[misc]
                actor=city, line_id=line.pk, amount=amount, reference=f"policies.Award:{i}"
            )
            for i in range(20)
        ]
    )
    ok = [o for o in outcomes if o.ok]
    refused = [o for o in outcomes if not o.ok]
    # ⌊10,000.00 / 1,234.56⌋ = 8 approvals fit: 8 × 1,234.56 = 9,876.48 ≤ 10,000.00 < 9 × 1,234.56
    assert len(ok) == 8
    assert len(refused) == 12
    bal = line_balance(line.pk)
    assert bal.committed == D("9876.48") <= bal.budgeted
    # 10,000.00 − 9,876.48 = 123.52 left, and every refusal says so
    assert bal.available == D("123.52")
    for o in refused:
        assert o.code == "fund.line_exhausted"
        assert line.name in o.message
        assert "可用余额 123.52 元" in o.message
    assert LedgerEntry.objects.filter(line=line, kind=EntryKind.COMMITTED).count() == 8


def test_simultaneous_payments_never_exceed_the_commitment(
    city: Actor, make_line: MakeLine
) -> None:
    line = make_line("5000.00")
    commitment = fund_commit(actor=city, line_id=line.pk, amount="1000.00", reference="award")
    outcomes = race(
        [
            lambda i=i: fund_pay(  # type: ignore[misc]
                actor=city, commitment_id=commitment.pk, amount="75.00", bank_reference=f"JL{i}"
            )
            for i in range(16)
        ]
    )
    # ⌊1,000.00 / 75.00⌋ = 13 payments fit: 13 × 75.00 = 975.00; 25.00 stays open
    assert sum(o.ok for o in outcomes) == 13
    assert {o.code for o in outcomes if not o.ok} == {"fund.payment_exceeds_open"}
    cb = commitment_balance(commitment.pk)
    assert (cb.paid, cb.open) == (D("975.00"), D("25.00"))
