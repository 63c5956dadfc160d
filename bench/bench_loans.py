"""Benchmarks of the loans batch paths against their one-by-one rules (no database, no Django).

    .venv/bin/python bench/bench_loans.py            # both parts
    .venv/bin/python bench/bench_loans.py schedules  # (1) only
    .venv/bin/python bench/bench_loans.py book       # (2) only

(1) Repayment schedules of 100,000 generated loans: ``rules.schedules_batch`` on the whole set
    versus ``rules.schedules.build_schedule`` loan by loan (timed on a sample of 2,000 and
    extrapolated); the sample's schedules are checked to be identical to the fen.
(2) The daily book-run computation over 1,000,000 loans (about 24 million instalment rows,
    generated with numpy): ``bookrun.compute.compute_positions`` versus
    ``position.loan_position`` loan by loan (timed on a sample of 2,000 and extrapolated); the
    sample's positions are checked to be identical.

Peak memory is the process's peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss``
(KiB on Linux), read after each part: it covers the generated frames and the computation.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl

from kejin.apps.loans.bookrun.compute import (
    INSTALMENT_SCHEMA,
    compute_positions,
    in_book,
)
from kejin.apps.loans.position import InstalmentState, loan_position
from kejin.rules.schedules import build_schedule
from kejin.rules.schedules_batch import schedule_frame, schedules_batch

SAMPLE = 2_000  # loans timed one by one (schedules)
BOOK_SAMPLE = 20_000  # loans timed one by one (book run)
AS_OF = date(2025, 6, 30)
METHODS = np.array(["annuity", "equal_principal", "interest_only", "bullet"])
CATEGORIES = np.array(["", "normal", "special_mention", "substandard", "doubtful", "loss"])
EPOCH = np.datetime64("1970-01-01", "D")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rate_strings(rate_bp: np.ndarray) -> pl.Series:
    """Annual rates in percent with two decimals, as exact strings (``345`` → ``"3.45"``)."""
    s = pl.Series(rate_bp)
    return (s // 100).cast(pl.String) + "." + (s % 100).cast(pl.String).str.zfill(2)


# --- (1) schedules -------------------------------------------------------------------------


def schedule_loans(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = EPOCH + rng.integers(
        (date(2019, 1, 1) - date(1970, 1, 1)).days, (date(2025, 6, 1) - date(1970, 1, 1)).days, n
    )
    return pl.DataFrame(
        {
            "loan_id": np.arange(n, dtype=np.int64),
            "principal_fen": rng.integers(1_000_000, 500_000_000, n, dtype=np.int64),
            "annual_rate": _rate_strings(rng.integers(250, 1200, n)),
            "start_date": pl.Series(start.astype("datetime64[D]")).cast(pl.Date),
            "term_months": rng.choice(np.array([6, 12, 24, 36, 60]), n).astype(np.int64),
            "method": METHODS[rng.integers(0, 4, n)],
            "payment_day": rng.integers(1, 32, n).astype(np.int64),
        }
    )


def bench_schedules(n: int = 100_000) -> dict[str, float]:
    loans = schedule_loans(n)
    t0, c0 = time.perf_counter(), time.process_time()
    batch = schedules_batch(loans)
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0

    sample = loans.head(SAMPLE).to_dicts()
    t0, c0 = time.perf_counter(), time.process_time()
    schedules = [
        build_schedule(
            Decimal(r["principal_fen"]).scaleb(-2),
            Decimal(r["annual_rate"]),
            r["start_date"],
            r["term_months"],
            r["method"],
            payment_day=r["payment_day"],
        )
        for r in sample
    ]
    one_s, one_cpu = time.perf_counter() - t0, time.process_time() - c0
    expected = pl.concat(
        [schedule_frame(s, r["loan_id"]) for s, r in zip(schedules, sample, strict=True)]
    )
    got = batch.filter(pl.col("loan_id") < SAMPLE)
    assert got.equals(expected.cast(got.schema)), "batch schedules differ from build_schedule"

    extrapolated = one_s * n / SAMPLE
    result = {
        "loans": n,
        "instalments": batch.height,
        "batch_s": batch_s,
        "sample_s": one_s,
        "one_by_one_s": extrapolated,
        "ratio": extrapolated / batch_s,
        "cpu_ratio": one_cpu * n / SAMPLE / batch_cpu,
        "peak_mib": peak_mib(),
    }
    print(
        f"(1) schedules, {n:,} loans → {batch.height:,} instalments\n"
        f"    schedules_batch:            {batch_s:8.2f} s  (CPU {batch_cpu:.2f} s)\n"
        f"    build_schedule one by one:  {one_s:8.2f} s for {SAMPLE:,} loans"
        f" → {extrapolated:8.1f} s for {n:,} (extrapolated; CPU {one_cpu * n / SAMPLE:.1f} s)\n"
        f"    ratio:                      {extrapolated / batch_s:8.1f} ×"
        f"  (CPU time: {result['cpu_ratio']:.1f} ×)\n"
        f"    peak RSS so far:            {peak_mib():8.0f} MiB (ru_maxrss)"
    )
    return result


# --- (2) the daily book run ----------------------------------------------------------------


def _book_chunk(n: int, first_id: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``n`` loans (12, 24 or 36 monthly instalments) and their instalment rows, paid in part:
    most loans are current, some stopped paying (from a random instalment, the first one paid in
    part), some have fallen behind by years."""
    rng = np.random.default_rng(seed)
    as_of = (AS_OF - date(1970, 1, 1)).days
    term = rng.choice(np.array([12, 24, 36], dtype=np.int32), n)
    start = (as_of - rng.integers(0, 36 * 31, n)).astype(np.int32)
    payment_day = rng.integers(1, 29, n).astype(np.int32)
    principal = rng.integers(5_000_000, 500_000_000, n)
    rate_e4 = rng.integers(25_000, 120_000, n)
    total = int(term.sum())
    loan = np.repeat(np.arange(n), term)
    k = (np.arange(total) - np.repeat(np.cumsum(term) - term, term)).astype(np.int32) + 1
    start_month = (EPOCH + start).astype("datetime64[M]")[loan]
    due = (start_month + k).astype("datetime64[D]") + (payment_day[loan] - 1)
    period_start = np.where(
        k == 1, (EPOCH + start[loan]), (start_month + k - 1).astype("datetime64[D]")
    )
    period_start = np.where(k == 1, period_start, period_start + (payment_day[loan] - 1))
    days = (due - period_start).astype(np.int32)
    del start_month
    tm = term[loan]
    part = principal[loan] // tm
    principal_due = np.where(k == tm, principal[loan] - part * (tm - 1), part)
    opening = principal[loan] - part * (k - 1)
    interest_due = (opening * rate_e4[loan] * days + 180_000_000) // 360_000_000
    del part, opening, tm
    behind_from = np.where(rng.random(n) < 0.1, rng.integers(1, 37, n), 1_000).astype(np.int32)
    due_days = (due - EPOCH).astype(np.int32)
    del due
    is_due = due_days < as_of
    full = is_due & (k < behind_from[loan])
    partial = is_due & (k == behind_from[loan])
    principal_paid = np.where(full, principal_due, np.where(partial, principal_due // 3, 0))
    interest_paid = np.where(full | partial, interest_due, 0)
    del full, partial, is_due
    instalments = pl.DataFrame(
        {
            "loan_id": (loan + first_id).astype(np.int64),
            "drawn_on": pl.Series(start[loan]).cast(pl.Date),
            "period_start": pl.Series((period_start - EPOCH).astype(np.int32)).cast(pl.Date),
            "due_date": pl.Series(due_days).cast(pl.Date),
            "days": days,
            "interest_due_fen": interest_due.astype(np.int64),
            "principal_unpaid_fen": (principal_due - principal_paid).astype(np.int64),
            "interest_unpaid_fen": (interest_due - interest_paid).astype(np.int64),
        },
        schema=INSTALMENT_SCHEMA,
    )
    loans = pl.DataFrame(
        {
            "loan_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "reported_category": CATEGORIES[rng.choice(6, n, p=[0.6, 0.2, 0.1, 0.04, 0.03, 0.03])],
            "lender_id": rng.integers(1, 40, n),
            "district_code": rng.choice(np.array(["220102", "220104", "220105"]), n),
        }
    )
    return instalments, loans


def book_frames(n: int, chunk: int = 100_000) -> tuple[pl.DataFrame, pl.DataFrame]:
    parts = [_book_chunk(min(chunk, n - i), i, seed=i + 1) for i in range(0, n, chunk)]
    instalments = pl.concat([p[0] for p in parts], rechunk=False)
    loans = pl.concat([p[1] for p in parts], rechunk=False)
    del parts
    gc.collect()
    return instalments, loans


def _rows_of(instalments: pl.DataFrame, loan_ids: list[int]) -> dict[int, list[tuple]]:
    """The sample loans' rows as plain Python values, grouped by loan (not timed)."""
    rows: dict[int, list[tuple]] = defaultdict(list)
    for r in instalments.filter(pl.col("loan_id").is_in(loan_ids)).iter_rows():
        rows[r[0]].append(r[1:])
    return rows


def _states(rows: list[tuple]) -> list[InstalmentState]:
    """One loan's rows as the one-by-one path takes them (Decimal yuan). The frame keeps what is
    unpaid; a row is rebuilt with principal due = unpaid, principal paid = 0 and interest paid =
    due − unpaid: the same differences, so the same position and the same work."""
    return [
        InstalmentState(
            drawn_on=drawn,
            period_start=start,
            due_date=due,
            days=days,
            principal_due=Decimal(unpaid_p).scaleb(-2),
            interest_due=Decimal(interest).scaleb(-2),
            principal_paid=Decimal("0.00"),
            interest_paid=Decimal(interest - unpaid_i).scaleb(-2),
        )
        for drawn, start, due, days, interest, unpaid_p, unpaid_i in rows
    ]


def bench_book(n: int = 1_000_000) -> dict[str, float]:
    t0 = time.perf_counter()
    instalments, loans = book_frames(n)
    generate_s = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    positions = compute_positions(instalments, loans, AS_OF)
    book = in_book(positions)
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = peak_mib()

    rng = np.random.default_rng(7)
    ids = sorted(int(i) for i in rng.choice(n, BOOK_SAMPLE, replace=False))
    rows = _rows_of(instalments, ids)
    reported = dict(
        loans.filter(pl.col("loan_id").is_in(ids))
        .select("loan_id", "reported_category")
        .iter_rows()
    )
    # (a) the per-loan path from the same data: each loan's rows to Decimal, then loan_position
    t0, c0 = time.perf_counter(), time.process_time()
    one = {i: loan_position(_states(rows[i]), AS_OF, reported[i]) for i in ids}
    path_s, path_cpu = time.perf_counter() - t0, time.process_time() - c0
    # (b) loan_position alone, on rows already in Decimal
    states = {i: _states(rows[i]) for i in ids}
    t0, c0 = time.perf_counter(), time.process_time()
    for i in ids:
        loan_position(states[i], AS_OF, reported[i])
    alone_s, alone_cpu = time.perf_counter() - t0, time.process_time() - c0

    got = {r["loan_id"]: r for r in positions.filter(pl.col("loan_id").is_in(ids)).to_dicts()}
    for i, p in one.items():
        r = got[i]
        assert (
            Decimal(r["outstanding_principal_fen"]).scaleb(-2),
            Decimal(r["overdue_principal_fen"]).scaleb(-2),
            Decimal(r["overdue_interest_fen"]).scaleb(-2),
            Decimal(r["accrued_interest_fen"]).scaleb(-2),
            r["days_past_due"],
            r["category"],
        ) == (
            p.outstanding_principal,
            p.overdue_principal,
            p.overdue_interest,
            p.accrued_interest,
            p.days_past_due,
            p.category,
        ), f"loan {i}: batch and loan_position differ"

    scale = n / BOOK_SAMPLE
    ratio_path, ratio_alone = path_s * scale / batch_s, alone_s * scale / batch_s
    cpu_path, cpu_alone = path_cpu * scale / batch_cpu, alone_cpu * scale / batch_cpu
    categories = dict(book["category"].cast(pl.String).value_counts().sort("category").iter_rows())
    print(
        f"(2) daily book run, {n:,} loans, {instalments.height:,} instalment rows"
        f" ({instalments.estimated_size() / 2**20:,.0f} MiB), business date {AS_OF}\n"
        f"    generating the frames:        {generate_s:8.2f} s\n"
        f"    compute_positions:            {batch_s:8.2f} s  (CPU {batch_cpu:.2f} s, all threads;"
        f" {book.height:,} loans in the book)\n"
        f"    per loan, rows → Decimal → loan_position: {path_s:6.2f} s for {BOOK_SAMPLE:,} loans"
        f" → {path_s * scale:6.1f} s for {n:,} (extrapolated)\n"
        f"        ratio {ratio_path:5.1f} ×  (CPU time: {cpu_path:.1f} ×)\n"
        f"    per loan, loan_position alone:            {alone_s:6.2f} s for {BOOK_SAMPLE:,} loans"
        f" → {alone_s * scale:6.1f} s for {n:,} (extrapolated)\n"
        f"        ratio {ratio_alone:5.1f} ×  (CPU time: {cpu_alone:.1f} ×)\n"
        f"    peak RSS:                     {peak:8.0f} MiB (ru_maxrss: frames + computation)\n"
        f"    categories in the book:       {categories}"
    )
    return {
        "loans": n,
        "rows": instalments.height,
        "batch_s": batch_s,
        "ratio": ratio_path,
        "ratio_loan_position_alone": ratio_alone,
        "peak_mib": peak,
    }


def main() -> None:
    parts = sys.argv[1:] or ["schedules", "book"]
    print(f"numpy {np.__version__}, polars {pl.__version__}, python {sys.version.split()[0]}")
    if "schedules" in parts:
        bench_schedules()
    if "book" in parts:
        bench_book()


if __name__ == "__main__":
    main()
