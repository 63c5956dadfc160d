"""The live book read from the database into polars frames, values only (no ORM object per row).

Two queries: the loans in the book (with the borrower's district, one join) and, per chunk of
loans, their live instalments (with the drawdown date, one join). A book of up to
:data:`CHUNK_LOANS` loans is read with exactly one query per table; a larger one with one
instalment query per chunk, so memory stays bounded however large the book grows.

Amounts leave the database as integer fen (``CAST(ROUND(amount × 100) AS BIGINT)``): exact on
PostgreSQL's ``NUMERIC`` and on SQLite, where Django stores a two-decimal amount as a ``REAL``
whose ×100 rounds to the exact fen for any amount below 10^13 yuan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

import polars as pl
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast, Round

from kejin.apps.loans.bookrun.compute import INSTALMENT_SCHEMA
from kejin.apps.loans.models import Instalment, Loan, LoanStatus

#: Loans per instalment query (about 24 instalments each: ~1.2 million rows per query).
CHUNK_LOANS = 50_000
_FETCH = 20_000

#: The loans frame: what compute_positions needs and what a snapshot carries.
BOOK_LOAN_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "loan_id": pl.Int64,
    "reported_category": pl.String,
    "lender_id": pl.Int64,
    "borrower_id": pl.Int64,
    "district_code": pl.String,
    "product_kind": pl.String,
}


def fen_of(field: str) -> Cast:
    """``CAST(ROUND(field × 100) AS BIGINT)``: a two-decimal amount as exact integer fen."""
    return Cast(Round(F(field) * 100), output_field=BigIntegerField())


def _frame(rows: Iterable[Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """A frame built from database rows a batch at a time (the rows are never all in Python)."""
    it: Iterator[Sequence[Any]] = iter(rows)
    parts = []
    while batch := list(islice(it, _FETCH)):
        parts.append(pl.DataFrame(batch, schema=schema, orient="row"))
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, rechunk=False)


def book_loans_queryset(business_date: date) -> Any:
    """The loans a book run looks at: active (drawn, not closed, not written off) loans
    contracted on or before the date. A closed loan owes nothing: it has no position to keep."""
    return Loan.objects.filter(status=LoanStatus.ACTIVE, contract_date__lte=business_date)


def book_loans(business_date: date) -> pl.DataFrame:
    """:data:`BOOK_LOAN_SCHEMA`, one row per loan of the book, by id."""
    rows = (
        book_loans_queryset(business_date)
        .order_by("pk")
        .values_list(
            "pk",
            "reported_category",
            "lender_id",
            "borrower_id",
            "borrower__district_code",
            "product_kind",
        )
        .iterator(chunk_size=_FETCH)
    )
    return _frame(rows, BOOK_LOAN_SCHEMA)


def book_instalments(business_date: date, first_loan_id: int, last_loan_id: int) -> pl.DataFrame:
    """:data:`~kejin.apps.loans.bookrun.compute.INSTALMENT_SCHEMA`: the live instalments of the
    book's loans with ids in ``[first_loan_id, last_loan_id]``, of drawdowns made by the date."""
    rows = (
        Instalment.objects.filter(
            superseded=False,
            loan__status=LoanStatus.ACTIVE,
            loan_id__gte=first_loan_id,
            loan_id__lte=last_loan_id,
            drawdown__date__lte=business_date,
        )
        .annotate(
            interest_due_fen=fen_of("interest_due"),
            principal_unpaid_fen=fen_of("principal_due") - fen_of("principal_paid"),
            interest_unpaid_fen=fen_of("interest_due") - fen_of("interest_paid"),
        )
        .order_by("loan_id")  # the batch works on each loan's run of rows (index loan, due)
        .values_list(
            "loan_id",
            "drawdown__date",
            "period_start",
            "due_date",
            "days",
            "interest_due_fen",
            "principal_unpaid_fen",
            "interest_unpaid_fen",
        )
        .iterator(chunk_size=_FETCH)
    )
    return _frame(rows, INSTALMENT_SCHEMA)


def loan_id_chunks(loan_ids: pl.Series, size: int | None = None) -> list[tuple[int, int]]:
    """``(first id, last id)`` of consecutive runs of ``size`` (default :data:`CHUNK_LOANS`)
    loans (ids sorted ascending)."""
    size = size or CHUNK_LOANS
    ids = loan_ids.to_list()
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]
