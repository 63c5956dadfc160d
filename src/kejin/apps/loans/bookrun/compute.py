"""Positions of the whole book on a date, vectorised: the twin of ``position.loan_position``.

Pure polars/numpy, no Django: :func:`compute_positions` takes two frames and a date and returns one
row per loan with exactly what :func:`kejin.apps.loans.position.loan_position` returns for that
loan (a test proves it on a generated book, loan by loan). Money is int64 fen throughout.

For every live instalment of a drawdown made on or before ``as_of``, with
``unpaid_p = principal_due − principal_paid`` and ``unpaid_i = interest_due − interest_paid``
(the frame carries them as ``principal_unpaid_fen`` and ``interest_unpaid_fen``):

- outstanding principal = Σ unpaid_p;
- an instalment is overdue when ``due_date < as_of`` and something of it is unpaid
  (``unpaid_p > 0 or unpaid_i > 0``); overdue principal / interest = Σ of those instalments'
  unpaid parts; days past due = ``as_of −`` the earliest overdue due date (0 when none);
- accrued interest = for each instalment whose period contains the date
  (``period_start ≤ as_of < due_date``, ``days > 0``), ``interest_due × elapsed / days`` rounded
  half-up to the fen — in integers, exactly: ``(2·i·e + d) // (2·d)`` for ``i ≥ 0`` (and the
  mirror image for a negative ``i``, as ``ROUND_HALF_UP`` rounds away from zero);
- category = the worse of the floor for the days past due and the lender's reported category
  (:func:`kejin.rules.classification.classify_batch`).

How: the rows, sorted by loan, are cut into slices of whole loans (:data:`SLICE_ROWS`); in each
slice the per-loan sums are ``numpy.add.reduceat`` over the loans' runs of rows, and the overdue
and accruing rows (a small part of the book) are picked with one boolean mask each and summed the
same way. There is no Python loop over loans or instalments; slices run on :data:`WORKERS`
threads. Then the loans frame is matched by binary search (both sides sorted) and
``classify_batch`` gives the categories. (A polars ``group_by`` and hash join over the same rows
measured two to three times slower: hashing a million keys costs more than summing sorted runs.)
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import polars as pl

from kejin.rules.classification import CATEGORY_DTYPE, classify_batch

I64 = npt.NDArray[np.int64]
_EPOCH = date(1970, 1, 1)
#: Rows worked through at once (whole loans): bounds the memory of the temporary arrays.
SLICE_ROWS = 250_000
#: Slices worked on at once (numpy releases the GIL in its kernels).
WORKERS = min(4, os.cpu_count() or 1)

#: Columns (and dtypes) of the instalments frame: one row per live (not superseded) instalment.
INSTALMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "loan_id": pl.Int64,
    "drawn_on": pl.Date,
    "period_start": pl.Date,
    "due_date": pl.Date,
    "days": pl.Int32,
    "interest_due_fen": pl.Int64,
    "principal_unpaid_fen": pl.Int64,  # principal due − principal paid
    "interest_unpaid_fen": pl.Int64,  # interest due − interest paid
}

#: Columns the loans frame must have (one row per loan); any other column is carried through.
LOAN_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "loan_id": pl.Int64,
    "reported_category": pl.String,  # "" or null: nothing reported
}

_FIGURES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "loan_id": pl.Int64,
    "outstanding_principal_fen": pl.Int64,
    "overdue_principal_fen": pl.Int64,
    "overdue_interest_fen": pl.Int64,
    "accrued_interest_fen": pl.Int64,
    "days_past_due": pl.Int64,
}

#: Columns of the result, before the loans frame's own columns.
POSITION_COLUMNS = (
    "loan_id",
    "outstanding_principal_fen",
    "overdue_principal_fen",
    "overdue_interest_fen",
    "accrued_interest_fen",
    "days_past_due",
    "floor_category",
    "category",
    "lifted",
)


def _half_up_ratio(amount: I64, numerator: I64, denominator: I64) -> I64:
    """``amount × numerator / denominator`` rounded half-up (away from zero) to an integer,
    exactly, for ``numerator ≥ 0`` and ``denominator > 0``."""
    magnitude = (2 * np.abs(amount) * numerator + denominator) // (2 * denominator)
    result: I64 = np.where(amount < 0, -magnitude, magnitude)
    return result


def _column(frame: pl.DataFrame, name: str) -> npt.NDArray[np.integer]:
    """A column as a numpy array, without copying when it can (dates as int32 days)."""
    series = frame[name]
    if series.dtype == pl.Date:
        series = series.cast(pl.Int32)
    values: npt.NDArray[np.integer] = series.to_numpy()
    return values


def _sum_by_run(values: I64, segment: I64, n: int) -> I64:
    """Per-segment sums of ``values`` whose rows belong to the (ascending) ``segment``."""
    out = np.zeros(n, dtype=np.int64)
    if values.size:
        firsts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
        out[segment[firsts]] = np.add.reduceat(values, firsts)
    return out


def _min_by_run(values: I64, segment: I64, n: int, missing: int) -> I64:
    out = np.full(n, missing, dtype=np.int64)
    if values.size:
        firsts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
        out[segment[firsts]] = np.minimum.reduceat(values, firsts)
    return out


def _figures(rows: pl.DataFrame, day: int) -> pl.DataFrame:
    """The money figures and days past due of the loans in ``rows`` (sorted by loan, every row
    of a loan present, drawdowns after ``day`` already left out)."""
    loan_id = _column(rows, "loan_id")
    starts = np.flatnonzero(np.r_[True, loan_id[1:] != loan_id[:-1]])
    n = starts.size
    unpaid_p, unpaid_i = _column(rows, "principal_unpaid_fen"), _column(rows, "interest_unpaid_fen")
    due, start, days = (
        _column(rows, "due_date"),
        _column(rows, "period_start"),
        _column(rows, "days"),
    )
    outstanding = np.add.reduceat(unpaid_p, starts)

    # overdue: due before the date with something unpaid
    late = np.flatnonzero((due < day) & ((unpaid_p > 0) | (unpaid_i > 0)))
    late_loan = np.searchsorted(starts, late, side="right") - 1
    overdue_p = _sum_by_run(unpaid_p[late], late_loan, n)
    overdue_i = _sum_by_run(unpaid_i[late], late_loan, n)
    earliest = _min_by_run(due[late].astype(np.int64), late_loan, n, missing=day)

    # accruing: the period contains the date
    running = np.flatnonzero((start <= day) & (due > day) & (days > 0))
    running_loan = np.searchsorted(starts, running, side="right") - 1
    accrued_rows = _half_up_ratio(
        _column(rows, "interest_due_fen")[running],
        (day - start[running]).astype(np.int64),
        days[running].astype(np.int64),
    )
    accrued = _sum_by_run(accrued_rows, running_loan, n)

    return pl.DataFrame(
        {
            "loan_id": loan_id[starts],
            "outstanding_principal_fen": outstanding,
            "overdue_principal_fen": overdue_p,
            "overdue_interest_fen": overdue_i,
            "accrued_interest_fen": accrued,
            "days_past_due": day - earliest,
        },
        schema=_FIGURES_SCHEMA,
    )


def _slices(loan_id: pl.Series, size: int) -> list[tuple[int, int]]:
    """``(offset, length)`` of consecutive slices of about ``size`` rows that never cut a loan's
    rows in two (``loan_id`` sorted)."""
    cuts = [0]
    while cuts[-1] + size < loan_id.len():
        at = loan_id[cuts[-1] + size]
        cut = int(loan_id.search_sorted(at, side="left"))
        cuts.append(cut if cut > cuts[-1] else int(loan_id.search_sorted(at, side="right")))
    cuts.append(loan_id.len())
    return [(a, b - a) for a, b in pairwise(cuts) if b > a]


def compute_positions(
    instalments: pl.DataFrame, loans: pl.DataFrame, as_of: date, *, slice_rows: int = SLICE_ROWS
) -> pl.DataFrame:
    """Every loan's position on ``as_of``: :data:`POSITION_COLUMNS` then the loans frame's other
    columns, one row per loan (of ``loans``) that has an instalment of a drawdown made on or
    before ``as_of``, sorted by ``loan_id``.

    ``instalments``: :data:`INSTALMENT_SCHEMA` (the live instalments only; superseded rows are
    the caller's to leave out), best sorted by ``loan_id`` (it is sorted here otherwise).
    ``loans``: :data:`LOAN_SCHEMA` plus any columns to carry through. The rows are worked through
    in slices of about ``slice_rows`` (whole loans each), which bounds the memory used.
    """
    missing = [c for c in INSTALMENT_SCHEMA if c not in instalments.columns]
    missing += [c for c in LOAN_SCHEMA if c not in loans.columns]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    day = (as_of - _EPOCH).days
    rows = instalments
    if rows.height and bool((rows["drawn_on"] > as_of).any()):
        rows = rows.filter(pl.col("drawn_on") <= as_of)
    if not rows["loan_id"].is_sorted():
        rows = rows.sort("loan_id", maintain_order=True)
    slices = _slices(rows["loan_id"], slice_rows)
    with ThreadPoolExecutor(max_workers=min(len(slices), WORKERS) or 1) as pool:
        parts = list(pool.map(lambda s: _figures(rows.slice(*s), day), slices))
    if not parts:
        return empty_positions(loans)
    figures = _with_loans(pl.concat(parts), loans)
    reported = figures["reported_category"].replace("", None)
    classes = classify_batch(figures["days_past_due"], reported)
    extra = [c for c in loans.columns if c not in ("loan_id", "reported_category")]
    return figures.with_columns(
        floor_category=classes["floor"],
        category=classes["category"],
        lifted=classes["lifted"],
    ).select(*POSITION_COLUMNS, *extra)


def _with_loans(figures: pl.DataFrame, loans: pl.DataFrame) -> pl.DataFrame:
    """``figures`` (sorted by loan) with each loan's row of ``loans`` beside it; loans missing
    from ``loans`` are dropped. Both sides sorted, so a binary search stands in for a hash join."""
    if not loans["loan_id"].is_sorted():
        loans = loans.sort("loan_id")
    known = _column(loans, "loan_id")
    wanted = _column(figures, "loan_id")
    at = np.searchsorted(known, wanted)
    found = at < known.size
    found[found] = known[at[found]] == wanted[found]
    matched = loans[pl.Series(at[found])].drop("loan_id")
    return pl.concat([figures.filter(pl.Series(found)), matched], how="horizontal")


def in_book(positions: pl.DataFrame) -> pl.DataFrame:
    """The loans that still owe something (outstanding principal or overdue interest): the rows
    the book run writes a snapshot for."""
    return positions.filter(
        (pl.col("outstanding_principal_fen") != 0) | (pl.col("overdue_interest_fen") != 0)
    )


def empty_positions(loans: pl.DataFrame) -> pl.DataFrame:
    """A result with no rows, with the columns :func:`compute_positions` would return."""
    extra = {c: loans.schema[c] for c in loans.columns if c not in LOAN_SCHEMA}
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "loan_id": pl.Int64,
        "outstanding_principal_fen": pl.Int64,
        "overdue_principal_fen": pl.Int64,
        "overdue_interest_fen": pl.Int64,
        "accrued_interest_fen": pl.Int64,
        "days_past_due": pl.Int64,
        "floor_category": CATEGORY_DTYPE,
        "category": CATEGORY_DTYPE,
        "lifted": pl.Boolean,
        **extra,
    }
    return pl.DataFrame(schema=schema)
