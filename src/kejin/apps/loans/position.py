"""Where a loan stands on a date: outstanding, overdue, accrued interest, days past due, category.

The one-by-one path (:func:`loan_position`) works on the loan's instalment rows; the daily book run
computes the same figures for the whole book at once with polars and a test proves they agree.

- outstanding principal = Σ (principal due − principal paid) over the live instalments of the
  drawdowns made on or before the date;
- overdue principal / interest = the unpaid parts of instalments due before the date;
- days past due = date − the earliest due date with anything unpaid (0 when nothing is overdue);
- accrued interest = for the instalment whose period contains the date,
  interest due × (date − period start) / period days, half-up to the fen;
- category = the worse of the floor for the days past due (RULES §4) and the lender's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kejin.rules.classification import classify
from kejin.rules.money import ZERO, round_fen


@dataclass(frozen=True)
class InstalmentState:
    """The fields of an instalment the position needs (plain values, no ORM)."""

    drawn_on: date
    period_start: date
    due_date: date
    days: int
    principal_due: Decimal
    interest_due: Decimal
    principal_paid: Decimal
    interest_paid: Decimal


@dataclass(frozen=True)
class Position:
    as_of: date
    outstanding_principal: Decimal
    overdue_principal: Decimal
    overdue_interest: Decimal
    accrued_interest: Decimal
    days_past_due: int
    floor_category: str
    category: str
    lifted: bool  # the lender reported a better category than the floor allows


def loan_position(
    rows: Iterable[InstalmentState], as_of: date, reported_category: str = ""
) -> Position:
    outstanding = overdue_p = overdue_i = accrued = ZERO
    earliest: date | None = None
    for r in rows:
        if r.drawn_on > as_of:
            continue
        unpaid_p = r.principal_due - r.principal_paid
        unpaid_i = r.interest_due - r.interest_paid
        outstanding += unpaid_p
        if r.due_date < as_of and (unpaid_p > 0 or unpaid_i > 0):
            overdue_p += unpaid_p
            overdue_i += unpaid_i
            earliest = r.due_date if earliest is None else min(earliest, r.due_date)
        if r.period_start <= as_of < r.due_date and r.days > 0:
            elapsed = (as_of - r.period_start).days
            accrued += round_fen(r.interest_due * elapsed / r.days)
    dpd = (as_of - earliest).days if earliest is not None else 0
    result = classify(dpd, reported_category or None)
    return Position(
        as_of=as_of,
        outstanding_principal=outstanding,
        overdue_principal=overdue_p,
        overdue_interest=overdue_i,
        accrued_interest=accrued,
        days_past_due=dpd,
        floor_category=str(result.floor),
        category=str(result.category),
        lifted=result.lifted,
    )
