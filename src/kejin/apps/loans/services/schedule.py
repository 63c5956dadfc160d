"""A drawdown's schedule: built by the rules core and stored as Instalment rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from kejin.apps.loans.models import Drawdown, Instalment, RateType
from kejin.apps.loans.services.rates import rate_table
from kejin.rules.schedules import (
    LoanTerms,
    Prepayment,
    PrepaymentMode,
    Schedule,
    anniversary_resets,
    loan_terms,
    schedule_for,
)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month (at least 1)."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


def terms_of(drawdown: Drawdown, prepayments: Iterable[Prepayment] = ()) -> LoanTerms:
    """The schedule inputs of a drawdown: from its date to the loan's maturity month."""
    loan = drawdown.loan
    resets = ()
    if loan.rate_type == RateType.FLOATING and loan.spread is not None:
        resets = anniversary_resets(
            loan.contract_date, loan.term_months, loan.spread, rate_table(), as_of=None
        )
    return loan_terms(
        drawdown.amount,
        loan.contract_rate,
        drawdown.date,
        months_between(drawdown.date, loan.maturity_date),
        loan.repayment_method,
        payment_day=loan.payment_day,
        convention=loan.day_count,
        rate_resets=resets,
        prepayments=prepayments,
    )


def schedule_of(drawdown: Drawdown, prepayments: Iterable[Prepayment] = ()) -> Schedule:
    return schedule_for(terms_of(drawdown, prepayments))


def with_prepayment(terms: LoanTerms, on: date, amount: Decimal, mode: str) -> Schedule:
    pps = (*terms.prepayments, Prepayment(on=on, amount=amount, mode=PrepaymentMode(mode)))
    return schedule_for(replace(terms, prepayments=tuple(sorted(pps, key=lambda p: p.on))))


def instalment_rows(
    drawdown: Drawdown, schedule: Schedule, *, after: date | None = None
) -> list[Instalment]:
    """Unsaved Instalment rows of ``schedule`` (only those due after ``after`` when given)."""
    terms = schedule.terms
    rows = []
    for inst in schedule.instalments:
        if after is not None and inst.due_date <= after:
            continue
        rows.append(
            Instalment(
                drawdown=drawdown,
                loan_id=drawdown.loan_id,
                number=inst.number,
                kind=str(inst.kind),
                period_start=inst.period_start,
                due_date=inst.due_date,
                days=inst.days,
                rate=terms.rate_on(inst.period_start),
                opening_principal=inst.opening_principal,
                principal_due=inst.principal,
                interest_due=inst.interest,
            )
        )
    return rows


def schedule_create(drawdown: Drawdown) -> list[Instalment]:
    """Store the schedule of a new drawdown."""
    return Instalment.objects.bulk_create(instalment_rows(drawdown, schedule_of(drawdown)))
