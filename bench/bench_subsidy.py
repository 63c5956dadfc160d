"""Loan interest subsidy (实施意见（十三）): the book-wide batch
(``rules.subsidies.interest_batch``, polars) over 1,000,000 loans × 24 monthly interest records
against the one-application path (``rules.subsidies.interest.interest_subsidy`` per enterprise,
timed on a sample of enterprises and extrapolated). Prints the time of both, the ratio (aim ≥ 100×)
and the peak memory (aim < 2 GiB), and checks that both paths give the same amount to the fen on
the sample. No Django needed.

The book is generated compactly (numpy int64, polars) and streamed in chunks of enterprises: the
annual cap is per enterprise, so a chunk of whole enterprises is computed exactly as the whole
book would be (the app's 免申即享 run reads the loan book the same way). Only the totals of each
chunk are kept.

Run: ``.venv/bin/python bench/bench_subsidy.py [loans] [chunk]``
"""

from __future__ import annotations

import resource
import sys
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl

from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.interest import InterestRecord, Loan, interest_subsidy
from kejin.rules.subsidies.interest_batch import interest_subsidy_batch

LOANS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
CHUNK = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
PERIODS = 24
LOANS_PER_ENTERPRISE = 3
SAMPLE_ENTERPRISES = 1_000
EPOCH = date(1970, 1, 1)
BENCHMARKS_E4 = np.array([43500, 34500, 31000, 30000], dtype=np.int64)  # 4.35%, 3.45%, 3.10%, 3.00%


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chunk_frames(
    rng: np.random.Generator, first_loan: int, n: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """``n`` loans from loan number ``first_loan`` (3 per enterprise), their 24 monthly records
    (interest paid, integer fen, at the contract rate for the actual days ÷ 360) and the amounts
    already approved for a tenth of the enterprises."""
    ids = np.arange(first_loan, first_loan + n, dtype=np.int64)
    enterprise = ids // LOANS_PER_ENTERPRISE
    contract_days = (date(2023, 1, 1) - EPOCH).days + rng.integers(0, 730, n)
    drawdown_days = contract_days + rng.integers(0, 45, n)
    contract_e4 = rng.integers(250, 990, n).astype(np.int64) * 100  # 2.50% … 9.89%, 2 decimals
    benchmark_e4 = BENCHMARKS_E4[rng.integers(0, len(BENCHMARKS_E4), n)]
    principal_fen = rng.integers(1_000, 200_000, n).astype(np.int64) * 10_000  # 0.1–20 M yuan
    loans = pl.DataFrame(
        {
            "loan_id": pl.Series(ids).cast(pl.String),
            "enterprise_id": pl.Series(enterprise).cast(pl.String),
            "contract_date": pl.Series(contract_days, dtype=pl.Int32).cast(pl.Date),
            "first_drawdown": pl.Series(drawdown_days, dtype=pl.Int32).cast(pl.Date),
            "contract_rate": pl.Series(contract_e4).cast(pl.Decimal(18, 4)) / 10_000,
            "benchmark_rate": pl.Series(benchmark_e4).cast(pl.Decimal(18, 4)) / 10_000,
        }
    )
    # records: the k-th month after the first drawdown, for k in 0..23 (calendar months, as the
    # repayment schedule runs), interest = principal × rate × days ÷ 360, half up to the fen
    records = (
        pl.DataFrame(
            {
                "loan_id": loans["loan_id"],
                "fd": loans["first_drawdown"],
                "p": principal_fen,
                "c": contract_e4,
            }
        )
        .with_columns(pl.int_ranges(0, PERIODS, dtype=pl.Int32).alias("k"))
        .explode("k")
        .with_columns(
            pl.col("fd").dt.offset_by(pl.format("{}mo", pl.col("k"))).alias("period_start"),
            pl.col("fd").dt.offset_by(pl.format("{}mo", pl.col("k") + 1)).alias("period_end"),
        )
        .with_columns((pl.col("period_end") - pl.col("period_start")).dt.total_days().alias("d"))
        .select(
            "loan_id",
            "period_start",
            "period_end",
            ((2 * pl.col("p") * pl.col("c") * pl.col("d") + 3_600_000_000) // 7_200_000_000)
            .cast(pl.Int64)
            .alias("interest_paid_fen"),
        )
    )
    firms = np.unique(enterprise)
    lucky = firms[rng.random(len(firms)) < 0.1]
    already = pl.DataFrame(
        {
            "enterprise_id": pl.Series(lucky).cast(pl.String),
            "year": pl.Series(rng.integers(2023, 2027, len(lucky)), dtype=pl.Int32),
            "approved_fen": pl.Series(rng.integers(0, 100_000_000, len(lucky)), dtype=pl.Int64),
        }
    )
    return loans, records, already


def one_by_one(
    loans: pl.DataFrame, records: pl.DataFrame, already: pl.DataFrame, params: ParameterSet
) -> tuple[dict[str, Decimal], float]:
    """The one-application path for each enterprise of the frames: the rule objects are built
    first (not timed), then ``interest_subsidy`` is timed per enterprise."""
    by_loan: dict[str, list[InterestRecord]] = defaultdict(list)
    for loan_id, start, end, fen in records.iter_rows():
        by_loan[loan_id].append(InterestRecord(start, end, Decimal(fen) / 100, Decimal(0)))
    by_firm: dict[str, list[tuple[Loan, list[InterestRecord]]]] = defaultdict(list)
    for loan_id, firm, contract, drawdown, c, b in loans.iter_rows():
        rule_loan = Loan(loan_id, firm, contract, drawdown, c, b)
        by_firm[firm].append((rule_loan, by_loan[loan_id]))
    approved = {(firm, int(year)): Decimal(fen) / 100 for firm, year, fen in already.iter_rows()}
    out: dict[str, Decimal] = {}
    started = time.perf_counter()
    for firm, firm_loans in by_firm.items():
        mine = {k: v for k, v in approved.items() if k[0] == firm}
        out[firm] = interest_subsidy(firm, firm_loans, params, mine).amount
    return out, time.perf_counter() - started


def main() -> None:
    rng = np.random.default_rng(20261125)
    params = ParameterSet.defaults()
    generated = computed = 0.0
    totals = {"rows": 0, "subsidy_fen": 0, "cut_fen": 0, "capped_rows": 0}
    sample: dict[str, Decimal] = {}
    sample_time = 0.0
    sample_loans = 0
    for first in range(0, LOANS, CHUNK):
        n = min(CHUNK, LOANS - first)
        t0 = time.perf_counter()
        loans, records, already = chunk_frames(rng, first, n)
        t1 = time.perf_counter()
        result = interest_subsidy_batch(loans, records, params, already)
        t2 = time.perf_counter()
        generated += t1 - t0
        computed += t2 - t1
        totals["rows"] += result.height
        totals["subsidy_fen"] += int(result["subsidy_fen"].sum())
        totals["cut_fen"] += int(result["cut_fen"].sum())
        totals["capped_rows"] += int((result["cut_fen"] > 0).sum())
        if first == 0:
            sample_loans = SAMPLE_ENTERPRISES * LOANS_PER_ENTERPRISE
            firms = [str(i) for i in range(SAMPLE_ENTERPRISES)]
            keep = pl.col("loan_id").cast(pl.Int64) < sample_loans
            sample, sample_time = one_by_one(
                loans.filter(keep),
                records.filter(keep),
                already.filter(pl.col("enterprise_id").is_in(firms)),
                params,
            )
            batch = dict(
                result.filter(pl.col("enterprise_id").is_in(firms))
                .group_by("enterprise_id")
                .agg(pl.col("subsidy_fen").sum())
                .iter_rows()
            )
            for firm, amount in sample.items():
                assert Decimal(batch.get(firm, 0)) / 100 == amount, (firm, amount, batch.get(firm))
        del loans, records, already, result
        if (first + n) % 250_000 == 0 or first + n == LOANS:
            print(
                f"  {first + n:>9,} loans · batch {computed:6.1f} s · peak {peak_mib():6.0f} MiB",
                flush=True,
            )
    per_loan = sample_time / sample_loans
    extrapolated = per_loan * LOANS
    print()
    print(f"loans                      {LOANS:,} × {PERIODS} records = {totals['rows']:,} rows")
    print(f"generating the book        {generated:.1f} s (numpy + polars, chunks of {CHUNK:,})")
    print(
        f"batch (interest_batch)     {computed:.1f} s   ({totals['rows'] / computed:,.0f} rows/s)"
    )
    print(
        f"one by one (sample)        {sample_time:.2f} s for {sample_loans:,} loans "
        f"({len(sample):,} enterprises)"
    )
    print(
        f"one by one (extrapolated)  {extrapolated:.0f} s   ({LOANS / extrapolated:,.0f} loans/s)"
    )
    print(f"ratio                      {extrapolated / computed:.0f}×   (aim ≥ 100×)")
    print(f"peak memory (process RSS)  {peak_mib():.0f} MiB   (aim < 2048 MiB)")
    print(
        f"subsidy total              {Decimal(totals['subsidy_fen']) / 100:,.2f} yuan; "
        f"cut by the annual cap {Decimal(totals['cut_fen']) / 100:,.2f} yuan "
        f"on {totals['capped_rows']:,} rows"
    )
    print(f"sample check               {len(sample):,} enterprises equal to the fen")


if __name__ == "__main__":
    main()
