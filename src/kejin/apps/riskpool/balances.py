"""Balances derived from the ledger and exposure derived from the loan book (never stored).

- a pool's balance is the net debit of its ``pool_cash`` lines;
- a registered loan's exposure on a date is its outstanding principal then (loans context's
  ``position_of``); registrations with a paid claim no longer count;
- a bank's registered-loan NPL ratio is the outstanding of its registered loans classified
  substandard or worse (more than 90 days past due, or reported so) over the outstanding of all
  its registered loans (``rules.loss_sharing.npl_ratio``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from kejin.apps.loans.selectors import position_of
from kejin.apps.riskpool.accounts import POOL_CASH
from kejin.apps.riskpool.models import JournalLine, Registration, RegistrationStatus
from kejin.rules.loss_sharing import npl_ratio
from kejin.rules.money import ZERO, round_fen

NPL_CATEGORIES = frozenset({"substandard", "doubtful", "loss"})
EXPOSED = (RegistrationStatus.ACTIVE, RegistrationStatus.CLAIMED)
_ZERO = Value(ZERO, output_field=DecimalField(max_digits=18, decimal_places=2))


def _sum(field: str) -> Coalesce:
    return Coalesce(Sum(field), _ZERO)


def fen(value: object) -> Decimal:
    """An aggregate read back from the database, at the fen (SQLite drops trailing zeros)."""
    return round_fen(Decimal(str(value if value is not None else 0)))


def pool_balance(pool_id: int) -> Decimal:
    """The pool's money: debits minus credits of ``pool_cash``."""
    row = JournalLine.objects.filter(journal__pool_id=pool_id, account=POOL_CASH).aggregate(
        d=_sum("debit"), c=_sum("credit")
    )
    return fen(row["d"]) - fen(row["c"])


def account_totals(pool_id: int) -> list[tuple[str, Decimal, Decimal]]:
    """(account, total debits, total credits) of every account the pool has used."""
    rows = (
        JournalLine.objects.filter(journal__pool_id=pool_id)
        .values("account")
        .annotate(d=_sum("debit"), c=_sum("credit"))
        .order_by("account")
    )
    return [(r["account"], fen(r["d"]), fen(r["c"])) for r in rows]


@dataclass(frozen=True)
class Exposure:
    registration_id: int
    bank_id: int
    outstanding: Decimal
    days_past_due: int
    category: str

    @property
    def npl(self) -> bool:
        return self.category in NPL_CATEGORIES


def exposures_of(registrations: Iterable[Registration], on: date) -> list[Exposure]:
    """Where each registered loan stands on ``on``."""
    out = []
    for reg in registrations:
        pos = position_of(reg.loan, on)
        out.append(
            Exposure(
                reg.pk, reg.bank_id, pos.outstanding_principal, pos.days_past_due, pos.category
            )
        )
    return out


def exposures(pool_id: int, on: date, *, bank_id: int | None = None) -> list[Exposure]:
    """The registered loans of a pool (of one bank) that still count on ``on``."""
    qs = Registration.objects.filter(
        pool_id=pool_id, status__in=EXPOSED, registered_on__lte=on
    ).select_related("loan")
    if bank_id is not None:
        qs = qs.filter(bank_id=bank_id)
    return exposures_of(qs.order_by("pk"), on)


def registered_outstanding(pool_id: int, on: date) -> Decimal:
    return sum((e.outstanding for e in exposures(pool_id, on)), ZERO)


@dataclass(frozen=True)
class NplFigures:
    npl_outstanding: Decimal
    registered_outstanding: Decimal
    ratio: Decimal  # percent, not rounded


def npl_figures(items: Iterable[Exposure]) -> NplFigures:
    rows = list(items)
    registered = sum((e.outstanding for e in rows), ZERO)
    npl = sum((e.outstanding for e in rows if e.npl), ZERO)
    return NplFigures(npl, registered, npl_ratio(npl, registered))


def bank_npl(pool_id: int, bank_id: int, on: date) -> NplFigures:
    return npl_figures(exposures(pool_id, on, bank_id=bank_id))
