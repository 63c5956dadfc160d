"""Tech-SME evaluation: the vectorised batch path (``rules.evaluation_batch``, polars) over
1,000,000 enterprises against the one-by-one rule (``rules.evaluation.evaluate_tech_sme``, timed on
a sample and extrapolated). Prints rows/s of both, the ratio (aim ≥ 50×) and the peak memory
(aim < 2 GiB), and checks that both paths agree on the sample. No Django needed.

Run: ``.venv/bin/python bench/bench_evaluation.py [rows]``
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from kejin.rules.evaluation import StandardLevel, TechSmeFacts, evaluate_tech_sme
from kejin.rules.evaluation_batch import evaluate_tech_sme_batch
from kejin.rules.hnte import HnteCertificate

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
SAMPLE = 20_000
REFERENCE = date(2026, 3, 20)
EPOCH = date(1970, 1, 1)
LEVELS = [str(level) for level in StandardLevel]
RESULT_COLUMNS = ("tech_staff_points", "rd_points", "ip_points", "total_score", "eligible",
                  "passes_score", "direct_qualification", "qualified")  # fmt: skip


def _dates(rng: np.random.Generator, start: date, days: int, share: float) -> pl.Series:
    """Dates from ``start`` over ``days`` days; a ``1 - share`` part of them null."""
    offsets = pl.Series((start - EPOCH).days + rng.integers(0, days, ROWS), dtype=pl.Int32)
    present = pl.Series(rng.random(ROWS) < share)
    return pl.select(pl.when(present).then(offsets).otherwise(None).cast(pl.Date)).to_series()


def population(rng: np.random.Generator) -> pl.DataFrame:
    """A realistic population with every edge: small and large firms, zero denominators."""
    employees = rng.integers(0, 620, ROWS)
    tech = (employees * rng.uniform(0, 0.5, ROWS)).astype(np.int64)
    revenue = (rng.lognormal(16, 1.4, ROWS) * 100).astype(np.int64)  # fen, median ≈ 8.9 M yuan
    revenue[rng.random(ROWS) < 0.02] = 0
    cost = (revenue * rng.uniform(0.6, 1.2, ROWS)).astype(np.int64)
    rd = (revenue * rng.uniform(0, 0.12, ROWS)).astype(np.int64)
    assets = (revenue * rng.uniform(0.5, 2.5, ROWS)).astype(np.int64)
    flags = {
        name: rng.random(ROWS) < p
        for name, p in (
            ("in_restricted_catalogue", 0.01),
            ("had_serious_incident", 0.01),
            ("on_abnormal_operations_list", 0.02),
            ("on_serious_dishonesty_list", 0.005),
        )
    }
    frame = pl.DataFrame(
        {
            "resident_in_mainland": rng.random(ROWS) > 0.002,
            "employees": employees,
            "tech_staff": tech,
            "revenue_fen": revenue,
            "total_assets_fen": assets,
            "rd_expense_fen": rd,
            "total_cost_and_expense_fen": cost,
            "ip_class_i": rng.poisson(0.6, ROWS),
            "ip_class_ii": rng.poisson(1.8, ROWS),
            **flags,
            "national_award_rank": rng.integers(1, 6, ROWS),
            "recognised_rd_institution": rng.random(ROWS) < 0.04,
            "standard_led_level": np.array(LEVELS)[rng.integers(0, len(LEVELS), ROWS)],
        }
    )
    return frame.with_columns(
        hnte_issue_date=_dates(rng, date(2021, 1, 1), 5 * 365, 0.15),
        national_award_date=_dates(rng, date(2018, 1, 1), 9 * 365, 0.02),
        standard_led_date=_dates(rng, date(2018, 1, 1), 9 * 365, 0.04),
    ).with_columns(
        pl.when(pl.col("national_award_date").is_null())
        .then(None)
        .otherwise(pl.col("national_award_rank"))
        .alias("national_award_rank"),
        pl.when(pl.col("standard_led_date").is_null())
        .then(None)
        .otherwise(pl.col("standard_led_level"))
        .alias("standard_led_level"),
    )


def facts_of(row: dict[str, Any]) -> TechSmeFacts:
    """The one-by-one path's input for a row (fen → exact Decimal yuan)."""
    issue = row["hnte_issue_date"]
    return TechSmeFacts(
        reference_date=REFERENCE,
        resident_in_mainland=row["resident_in_mainland"],
        employees=row["employees"],
        tech_staff=row["tech_staff"],
        revenue=Decimal(row["revenue_fen"]).scaleb(-2),
        total_assets=Decimal(row["total_assets_fen"]).scaleb(-2),
        rd_expense=Decimal(row["rd_expense_fen"]).scaleb(-2),
        total_cost_and_expense=Decimal(row["total_cost_and_expense_fen"]).scaleb(-2),
        ip_class_i=row["ip_class_i"],
        ip_class_ii=row["ip_class_ii"],
        in_restricted_catalogue=row["in_restricted_catalogue"],
        had_serious_incident=row["had_serious_incident"],
        on_abnormal_operations_list=row["on_abnormal_operations_list"],
        on_serious_dishonesty_list=row["on_serious_dishonesty_list"],
        hnte_certificate=None if issue is None else HnteCertificate("GR", issue),
        national_award_date=row["national_award_date"],
        national_award_rank=row["national_award_rank"],
        recognised_rd_institution=row["recognised_rd_institution"],
        standard_led_date=row["standard_led_date"],
        standard_led_level=row["standard_led_level"],
    )


def main() -> None:
    rng = np.random.default_rng(20261125)
    t0 = time.perf_counter()
    frame = population(rng)
    build_s = time.perf_counter() - t0
    evaluate_tech_sme_batch(frame.head(1000), reference_date=REFERENCE)  # warm-up

    t0 = time.perf_counter()
    batch = evaluate_tech_sme_batch(frame, reference_date=REFERENCE)
    batch_s = time.perf_counter() - t0

    sample_ids = np.sort(rng.choice(ROWS, size=min(SAMPLE, ROWS), replace=False))
    rows = frame[sample_ids].to_dicts()
    t0 = time.perf_counter()
    results = [evaluate_tech_sme(facts_of(row)) for row in rows]
    one_s = time.perf_counter() - t0
    one_total_s = one_s * ROWS / len(rows)

    expected = batch[sample_ids].to_dicts()
    for got, want in zip(results, expected, strict=True):
        actual = {
            "tech_staff_points": got.tech_staff.points,
            "rd_points": got.rd_points,
            "ip_points": got.ip.points,
            "total_score": got.total_score,
            "eligible": got.eligible,
            "passes_score": got.passes_score,
            "direct_qualification": got.direct_qualification,
            "qualified": got.qualified,
        }
        assert actual == {c: want[c] for c in RESULT_COLUMNS}, (actual, want)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    qualified = batch["qualified"].sum()
    ratio = one_total_s / batch_s
    print(f"rows                        {ROWS:>12,}   (qualified {qualified / ROWS:.1%})")
    print(f"population built (numpy)    {build_s:>12.2f} s")
    print(f"batch (polars)              {batch_s:>12.3f} s   {ROWS / batch_s:>14,.0f} rows/s")
    print(
        f"one by one ({len(rows):,} sampled) {one_s:>8.2f} s   {len(rows) / one_s:>14,.0f} rows/s"
        f"   → {one_total_s:,.0f} s for {ROWS:,}"
    )
    print(f"ratio                       {ratio:>12.0f}×   (aim ≥ 50×)")
    print(f"peak memory (process RSS)   {peak_mib:>12,.0f} MiB (aim < 2,048 MiB)")
    print(f"sample agrees with batch    {len(rows):>12,} rows")
    print(
        f"| {ROWS:,} | {batch_s:.3f} s ({ROWS / batch_s:,.0f} rows/s) | "
        f"{one_total_s:,.0f} s ({len(rows) / one_s:,.0f} rows/s) | {ratio:,.0f}× | "
        f"{peak_mib:,.0f} MiB |"
    )


if __name__ == "__main__":
    main()
