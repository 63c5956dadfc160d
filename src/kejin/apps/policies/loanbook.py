"""The loan book as the interest subsidy reads it (through the loans context's selectors).

A loan may have several drawdowns (借据), each with its own repayment schedule whose periods
overlap the other drawdowns'. The rule wants one non-overlapping series of periods per loan, so
each drawdown is a *subsidy loan* of its own, keyed ``<contract number>#<drawdown id>``, with the
loan's contract date, rates and **the loan's first drawdown** (the 2-year window runs from the
loan's first drawdown, whichever drawdown the period belongs to).

A period is an instalment that is not superseded, falls due within the program's coverage, and
had interest paid: ``[period_start, due_date)`` with the interest actually paid on it
(``Instalment.interest_paid``, after the allocation penalty → interest → principal) and its
opening principal. Periods already claimed by another live application are left out.

The one-by-one path (:func:`rule_inputs`) and the book-wide batch (:func:`batch_frames`) read
the same rows through :func:`book_rows`, so they see the same book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from django.db.models import Min, QuerySet

from kejin.apps.loans.selectors import loan_list_for
from kejin.platform.tenancy import Actor
from kejin.rules.subsidies.interest import InterestRecord, Loan


@dataclass(frozen=True)
class BookLoan:
    """One drawdown of a loan, as the rule's loan."""

    key: str
    loan_pk: int
    drawdown_pk: int
    external_id: str
    borrower_id: int
    borrower_uscc: str
    contract_date: date
    first_drawdown: date
    contract_rate: Decimal
    benchmark_rate: Decimal

    def rule_loan(self) -> Loan:
        return Loan(
            loan_id=self.key,
            enterprise_id=self.borrower_uscc,
            contract_date=self.contract_date,
            first_drawdown=self.first_drawdown,
            contract_rate=self.contract_rate,
            benchmark_rate=self.benchmark_rate,
        )


@dataclass(frozen=True)
class BookPeriod:
    key: str
    drawdown_pk: int
    period_start: date
    period_end: date
    interest_paid: Decimal
    principal: Decimal

    @property
    def claim(self) -> str:
        return claim_key(self.drawdown_pk, self.period_start)

    def rule_record(self) -> InterestRecord:
        return InterestRecord(
            period_start=self.period_start,
            period_end=self.period_end,
            interest_paid=self.interest_paid,
            principal=self.principal,
        )


def _rate(value: Decimal) -> Decimal:
    """``6.0000`` → ``6.00`` (as a rate is written), keeping any further digits."""
    two = value.quantize(Decimal("0.01"))
    return two if two == value else value.normalize()


def claim_key(drawdown_pk: int, period_start: date) -> str:
    """What a period's claim is called (see ``ClaimKey``)."""
    return f"interest:{drawdown_pk}:{period_start.isoformat()}"


def loan_key(external_id: str, drawdown_pk: int) -> str:
    return f"{external_id}#{drawdown_pk}"


def loans_for(
    actor: Actor, *, borrower_ids: Collection[int] | None = None, loan_ids: Iterable[int] = ()
) -> QuerySet:
    """The loans the actor may see, narrowed to borrowers and/or loan ids."""
    qs = loan_list_for(actor)
    if borrower_ids is not None:
        qs = qs.filter(borrower_id__in=list(borrower_ids))
    ids = list(loan_ids)
    if ids:
        qs = qs.filter(pk__in=ids)
    return qs


def book_rows(
    loans: QuerySet, start: date, end: date, *, exclude_claims: Collection[str] = ()
) -> tuple[list[BookLoan], list[BookPeriod]]:
    """Subsidy loans (one per drawdown) and their periods due in ``[start, end]``."""
    heads = {
        row["pk"]: row
        for row in loans.annotate(first=Min("drawdowns__date"))
        .filter(first__isnull=False)
        .values(
            "pk",
            "external_id",
            "borrower_id",
            "borrower__uscc",
            "contract_date",
            "contract_rate",
            "benchmark_rate",
            "first",
        )
        .order_by()
    }
    book: dict[int, BookLoan] = {}
    for row in loans.filter(pk__in=list(heads)).values("pk", "drawdowns__pk").order_by():
        head = heads[row["pk"]]
        dd = row["drawdowns__pk"]
        if dd is None:
            continue
        book[dd] = BookLoan(
            key=loan_key(head["external_id"], dd),
            loan_pk=head["pk"],
            drawdown_pk=dd,
            external_id=head["external_id"],
            borrower_id=head["borrower_id"],
            borrower_uscc=head["borrower__uscc"],
            contract_date=head["contract_date"],
            first_drawdown=head["first"],
            contract_rate=_rate(head["contract_rate"]),
            benchmark_rate=_rate(head["benchmark_rate"]),
        )
    periods: list[BookPeriod] = []
    excluded = set(exclude_claims)
    rows = (
        loans.filter(
            pk__in=list(heads),
            instalments__superseded=False,
            instalments__due_date__gte=start,
            instalments__due_date__lte=end,
            instalments__interest_paid__gt=0,
        )
        .values(
            "instalments__drawdown_id",
            "instalments__period_start",
            "instalments__due_date",
            "instalments__interest_paid",
            "instalments__opening_principal",
        )
        .order_by("instalments__drawdown_id", "instalments__period_start")
    )
    for row in rows:
        dd = row["instalments__drawdown_id"]
        loan = book.get(dd)
        if loan is None:
            continue
        period = BookPeriod(
            key=loan.key,
            drawdown_pk=dd,
            period_start=row["instalments__period_start"],
            period_end=row["instalments__due_date"],
            interest_paid=row["instalments__interest_paid"],
            principal=row["instalments__opening_principal"],
        )
        if period.claim not in excluded:
            periods.append(period)
    used = {p.drawdown_pk for p in periods}
    return [loan for dd, loan in sorted(book.items()) if dd in used], periods


def rule_inputs(
    loans: Sequence[BookLoan], periods: Sequence[BookPeriod]
) -> list[tuple[Loan, list[InterestRecord]]]:
    """The one-by-one rule's ``loans`` argument: each subsidy loan with its periods."""
    by_key: dict[str, list[InterestRecord]] = defaultdict(list)
    for p in periods:
        by_key[p.key].append(p.rule_record())
    return [(loan.rule_loan(), by_key[loan.key]) for loan in loans if by_key.get(loan.key)]


def batch_frames(
    loans: Sequence[BookLoan], periods: Sequence[BookPeriod]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The batch rule's ``loans`` and ``records`` frames (money as integer fen)."""
    loan_frame = pl.DataFrame(
        {
            "loan_id": [x.key for x in loans],
            "enterprise_id": [x.borrower_uscc for x in loans],
            "contract_date": [x.contract_date for x in loans],
            "first_drawdown": [x.first_drawdown for x in loans],
            "contract_rate": pl.Series([x.contract_rate for x in loans], dtype=pl.Decimal(12, 4)),
            "benchmark_rate": pl.Series([x.benchmark_rate for x in loans], dtype=pl.Decimal(12, 4)),
        },
        schema_overrides={"contract_date": pl.Date, "first_drawdown": pl.Date},
    )
    record_frame = pl.DataFrame(
        {
            "loan_id": [p.key for p in periods],
            "period_start": [p.period_start for p in periods],
            "period_end": [p.period_end for p in periods],
            "interest_paid_fen": [int(p.interest_paid * 100) for p in periods],
        },
        schema_overrides={
            "period_start": pl.Date,
            "period_end": pl.Date,
            "interest_paid_fen": pl.Int64,
        },
    )
    return loan_frame, record_frame
