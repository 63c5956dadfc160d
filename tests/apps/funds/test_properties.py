"""Properties of the ledger under any sequence of operations (hypothesis), checked against a plain
model of the rules: a refused operation writes nothing, and after every step

- available ≥ 0;
- for each commitment, paid + released ≤ committed;
- budgeted = available + open + paid (the totals reconcile);
- the derived balance equals the model's, to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.apps.funds.models import LedgerEntry
from kejin.apps.funds.selectors import commitment_balance, line_balance
from kejin.apps.funds.services.ledger import (
    fund_commit,
    fund_pay,
    fund_release,
    fund_transfer_out,
)
from kejin.apps.funds.services.lines import budget_line_topup
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError
from tests.apps.funds.conftest import MakeLine

FEN = Decimal("0.01")
amounts = st.integers(min_value=1, max_value=200_000).map(lambda f: Decimal(f) * FEN)
index = st.integers(min_value=0, max_value=20)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), amounts),
        st.tuples(st.just("pay"), index, amounts),
        st.tuples(st.just("release"), index, st.none() | amounts),
        st.tuples(st.just("topup"), amounts),
        st.tuples(st.just("reduce"), amounts),
        st.tuples(st.just("transfer"), amounts),
    ),
    max_size=12,
)


@dataclass
class Model:
    budget: Decimal
    commitments: list[list[Decimal]] = field(default_factory=list)  # [committed, released, paid]

    def available(self) -> Decimal:
        return self.budget - sum((c - r for c, r, _ in self.commitments), Decimal(0))

    @staticmethod
    def open(c: list[Decimal]) -> Decimal:
        return c[0] - c[1] - c[2]


def _apply(op: tuple, model: Model, ids: list[int], city: Actor, line_id: int) -> bool:
    """Run one operation on the service and on the model; return whether the model accepts."""
    name = op[0]
    try:
        if name == "commit":
            ok = op[1] <= model.available()
            e = fund_commit(actor=city, line_id=line_id, amount=op[1], reference="p")
            ids.append(e.pk)
            model.commitments.append([op[1], Decimal(0), Decimal(0)])
        elif name == "transfer":
            ok = op[1] <= model.available()
            e = fund_transfer_out(
                actor=city, line_id=line_id, amount=op[1], reference="t", counterparty="池"
            )
            ids.append(e.commitment_id)
            model.commitments.append([op[1], Decimal(0), op[1]])
        elif name in ("pay", "release"):
            if not ids:
                return True
            i = op[1] % len(ids)
            c = model.commitments[i]
            amount = op[2] if op[2] is not None else Model.open(c)
            ok = Decimal(0) < amount <= Model.open(c)
            if name == "pay":
                fund_pay(actor=city, commitment_id=ids[i], amount=amount, bank_reference="JL")
                c[2] += amount
            else:
                fund_release(actor=city, commitment_id=ids[i], amount=op[2], reason="r")
                c[1] += amount
        elif name == "topup":
            ok = True
            budget_line_topup(actor=city, line_id=line_id, amount=op[1], note="追加")
            model.budget += op[1]
        else:  # reduce
            ok = op[1] <= model.available()
            budget_line_topup(actor=city, line_id=line_id, amount=-op[1], note="调减")
            model.budget -= op[1]
    except DomainError:
        return not ok  # the service refused: so must the model
    return ok


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(budget=amounts, ops=operations)
def test_any_sequence_of_operations_keeps_the_identities(
    city: Actor, make_line: MakeLine, budget: Decimal, ops: list[tuple]
) -> None:
    line = make_line(budget)
    model = Model(budget=budget)
    ids: list[int] = []
    for op in ops:
        before = LedgerEntry.objects.filter(line=line).count()
        agreed = _apply(op, model, ids, city, line.pk)
        assert agreed, f"service and model disagree on {op}"
        b = line_balance(line.pk)
        assert b.available >= 0
        assert b.budgeted == b.available + b.open + b.paid
        assert b.budgeted == model.budget
        assert b.available == model.available()
        for pk, c in zip(ids, model.commitments, strict=True):
            cb = commitment_balance(pk)
            assert cb.paid + cb.released <= cb.committed
            assert (cb.committed, cb.released, cb.paid) == tuple(c)
        assert LedgerEntry.objects.filter(line=line).count() >= before
