"""Credit scoring: the vectorised batch path over 1,000,000 enterprises against the one-by-one path
(the per-request scorer, timed on a sample and extrapolated). Prints the ratio (aim ≥ 50×) and the
peak memory (aim < 2 GiB), and checks that both paths give the same scores on the sample.

Run: ``.venv/bin/python bench/bench_scoring.py [rows]``
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

import numpy as np

from kejin.rules import scoring

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
SAMPLE = 20_000
FEATURES = 15
BINS = 6


def make_card(rng: np.random.Generator) -> scoring.Scorecard:
    """A card of the size the platform trains: 15 features of 6 bins and a missing bin."""
    cards = []
    for j in range(FEATURES):
        splits = tuple(float(s) for s in np.round(np.sort(rng.normal(size=BINS - 1)), 4))
        bounds = [None, *splits, None]
        points = np.sort(rng.integers(-40, 30, size=BINS))[:: 1 if j % 2 else -1]
        bins = tuple(
            scoring.Bin(bounds[i], bounds[i + 1], int(points[i]), 0.0) for i in range(BINS)
        )
        missing = scoring.Bin(None, None, int(rng.integers(-10, 5)), 0.0, missing=True)
        cards.append(scoring.FeatureCard(f"f{j}", -0.5, splits, bins, missing))
    return scoring.Scorecard(560, tuple(cards))


def main() -> None:
    rng = np.random.default_rng(20261125)
    card = make_card(rng)
    floors = scoring.scaling_params_at(scoring.DEFAULTS[0].effective_from).grade_floors
    columns = {}
    for c in card.codes:
        x = rng.normal(size=ROWS)
        x[rng.random(ROWS) < 0.1] = np.nan
        columns[c] = x
    data_mb = sum(a.nbytes for a in columns.values()) / 2**20

    tracemalloc.start()
    t0 = time.perf_counter()
    batch = card.score_batch(columns)
    grades = scoring.grades_for(batch.scores, floors)
    batch_s = time.perf_counter() - t0
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sample = rng.choice(ROWS, size=min(SAMPLE, ROWS), replace=False)
    rows = [
        {c: (None if np.isnan(columns[c][i]) else float(columns[c][i])) for c in card.codes}
        for i in sample
    ]
    t0 = time.perf_counter()
    results = [card.score_one(r) for r in rows]
    one_grades = [scoring.grade_for(r.score, floors) for r in results]
    one_s = (time.perf_counter() - t0) / len(rows) * ROWS

    for k, i in enumerate(sample):
        assert results[k].score == batch.scores[i], "batch and one-by-one disagree"
        assert one_grades[k] == grades[i]
        assert [card.codes[j] for j in batch.reasons[i] if j >= 0] == [
            c.code for c in results[k].reasons
        ]

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"credit scoring, {ROWS:,} enterprises × {FEATURES} features ({data_mb:,.0f} MiB of inputs)"
    )
    print(f"  batch (numpy, scores + grades + reasons): {batch_s:8.2f} s")
    print(f"  one by one (sample {len(rows):,}, extrapolated): {one_s:8.2f} s")
    print(f"  ratio: {one_s / batch_s:,.0f}×  (aim ≥ 50×)")
    print(
        f"  peak memory: batch working set {traced_peak / 2**20:,.0f} MiB, "
        f"process RSS {peak_rss_mb:,.0f} MiB (aim < 2048 MiB)"
    )
    print(
        f"  batch and one-by-one agree on {len(rows):,} sampled enterprises (score, grade, reasons)"
    )


if __name__ == "__main__":
    main()
