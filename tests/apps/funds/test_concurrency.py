"""Commitments never exceed a line under any interleaving: PostgreSQL row locks.

Runs only on PostgreSQL (``scripts/with-postgres.sh .venv/bin/pytest tests/apps/funds``): on other
databases conftest.py deselects it, and test_concurrency_threads.py proves the same on SQLite.

The balance read is slowed down here so that, without the ``SELECT … FOR UPDATE`` on the line,
nearly every thread would read the same old balance and approve: the lock is what keeps the sums.
"""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from kejin.apps.funds import selectors
from kejin.apps.funds.models import EntryKind, LedgerEntry
from kejin.apps.funds.selectors import commitment_balance, line_balance
from kejin.apps.funds.services.ledger import fund_commit, fund_release, fund_transfer_out
from kejin.apps.funds.services.lines import budget_line_topup
from kejin.platform.tenancy import Actor
from tests.apps.funds.conftest import MakeLine
from tests.apps.funds.racing import ALL_APPS, race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]

D = Decimal


@pytest.fixture
def slow_balance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the race window: every balance read takes 20 ms longer."""
    real = selectors.line_balance

    def slow(line_id: int) -> selectors.Balance:
        balance = real(line_id)
        time.sleep(0.02)
        return balance

    monkeypatch.setattr(selectors, "line_balance", slow)


def test_the_database_is_postgresql() -> None:
    assert connection.vendor == "postgresql"


@pytest.mark.usefixtures("slow_balance")
def test_fifty_simultaneous_approvals_never_over_commit(city: Actor, make_line: MakeLine) -> None:
    line = make_line("1000000.00", name="PG并发科目")
    amount = D("33333.33")
    outcomes = race(
        [
            lambda i=i: fund_commit(  # type: ignore[misc]
                actor=city, line_id=line.pk, amount=amount, reference=f"policies.Award:{i}"
            )
            for i in range(50)
        ]
    )
    # ⌊1,000,000.00 / 33,333.33⌋ = 30: 30 × 33,333.33 = 999,999.90; 0.10 is left
    assert sum(o.ok for o in outcomes) == 30
    refused = [o for o in outcomes if not o.ok]
    assert len(refused) == 20
    assert all(o.code == "fund.line_exhausted" for o in refused)
    assert all("PG并发科目" in o.message and "可用余额 0.10 元" in o.message for o in refused)
    bal = line_balance(line.pk)
    assert bal.committed == D("999999.90")
    assert bal.available == D("0.10")


@pytest.mark.usefixtures("slow_balance")
def test_mixed_operations_on_one_line_keep_every_identity(city: Actor, make_line: MakeLine) -> None:
    """Commits of random sizes, transfers out, budget reductions and releases all at once."""
    line = make_line("100000.00", name="PG混合并发科目")
    seed = [
        fund_commit(actor=city, line_id=line.pk, amount="20000.00", reference=f"seed {i}")
        for i in range(2)
    ]
    rng = random.Random(2026)
    ops = []
    for i in range(36):
        amount = D(rng.randint(100_00, 15_000_00)) / 100
        kind = i % 6
        if kind in (0, 1, 2):
            ops.append(
                lambda a=amount, i=i: fund_commit(  # type: ignore[misc]
                    actor=city, line_id=line.pk, amount=a, reference=f"c{i}"
                )
            )
        elif kind == 3:
            ops.append(
                lambda a=amount: fund_transfer_out(  # type: ignore[misc]
                    actor=city, line_id=line.pk, amount=a, reference="t", counterparty="池"
                )
            )
        elif kind == 4:
            ops.append(
                lambda a=amount: budget_line_topup(  # type: ignore[misc]
                    actor=city, line_id=line.pk, amount=-a, note="调减"
                )
            )
        else:
            c = seed[i % 2]
            ops.append(
                lambda c=c: fund_release(  # type: ignore[misc]
                    actor=city, commitment_id=c.pk, amount="1000.00", reason="r"
                )
            )
    outcomes = race(ops)
    for o in outcomes:
        if not o.ok:
            assert o.code in {
                "fund.line_exhausted",
                "fund.reduction_exceeds_available",
                "fund.release_exceeds_open",
            }, o
    bal = line_balance(line.pk)
    assert bal.available >= 0
    assert bal.budgeted == bal.available + bal.open + bal.paid
    for c in seed:
        cb = commitment_balance(c.pk)
        assert cb.paid + cb.released <= cb.committed
    # The ledger replayed in the order it was written never went below zero.
    running = D(0)
    for e in LedgerEntry.objects.filter(line=line).order_by("pk"):
        sign = {"budgeted": 1, "adjusted": -1, "committed": -1, "released": 1, "paid": 0}
        running += sign[e.kind] * e.amount
        assert running >= 0, f"available went negative at entry {e.pk}"
    assert running == bal.available


def test_a_commitment_waits_for_a_transaction_holding_the_line(
    city: Actor, make_line: MakeLine
) -> None:
    """While one approval's transaction holds the line, another waits, then sees its result."""
    line = make_line("1000.00", name="PG锁等待科目")
    holding = threading.Event()
    finished: dict[str, float] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                fund_commit(actor=city, line_id=line.pk, amount="700.00", reference="first")
                holding.set()
                time.sleep(0.5)
                finished["first"] = time.monotonic()
        finally:
            connection.close()

    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            holding.wait(5)
            try:
                fund_commit(actor=city, line_id=line.pk, amount="700.00", reference="second")
                outcome["ok"] = True
            except Exception as exc:
                outcome["error"] = exc
            finished["second"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert finished["second"] >= finished["first"]
    error = outcome["error"]
    assert getattr(error, "code", None) == "fund.line_exhausted"
    assert "可用余额 300.00 元" in str(getattr(error, "message", ""))
    assert LedgerEntry.objects.filter(line=line, kind=EntryKind.COMMITTED).count() == 1
