"""Scorecard arithmetic (kejin.rules.scoring): scaling, points, grades, AUC/KS/Gini, PSI, reason
codes, and the batch path agreeing with the one-by-one path. Worked examples with the arithmetic
written out."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.rules import scoring
from kejin.rules.errors import DomainError

D = Decimal
P = scoring.scaling_params_at(date(2026, 6, 15))


# --- points scaling ------------------------------------------------------------------------------


def test_default_scale_factor_and_offset_worked_example() -> None:
    # factor = PDO / ln 2 = 20 / 0.693147… = 28.853900…
    assert P.factor == pytest.approx(28.853900817779268, abs=1e-12)
    # offset = 600 − factor × ln 50 = 600 − 28.8539 × 3.912023 = 600 − 112.877124 = 487.122876
    assert math.log(50) == pytest.approx(3.912023005428146)
    assert P.factor * math.log(50) == pytest.approx(112.87712379549, abs=1e-9)
    assert P.offset == pytest.approx(487.12287620451, abs=1e-9)


def test_log_odds_to_points_worked_examples() -> None:
    # odds 50:1 → ln 50 → 487.122876 + 112.877124 = 600 (the base score)
    assert scoring.points_for_log_odds(math.log(50), P) == pytest.approx(600)
    # odds 100:1 doubles the odds → 600 + PDO = 620: 487.122876 + 28.8539 × 4.605170 = 620
    assert scoring.points_for_log_odds(math.log(100), P) == pytest.approx(620)
    # odds 1:1 → ln 1 = 0 → the offset 487.12
    assert scoring.points_for_log_odds(0.0, P) == pytest.approx(487.122876, abs=1e-6)


def test_bin_points_and_base_points_worked_example() -> None:
    # coefficient −0.65, WoE 0.8: −28.853901 × (−0.65) × 0.8 = 15.004028 → 15 points
    assert scoring.bin_points(-0.65, 0.8, P.factor) == 15
    # the same bin with WoE −1.2: −28.853901 × (−0.65) × (−1.2) = −22.506043 → −23 (half-up away)
    assert scoring.bin_points(-0.65, -1.2, P.factor) == -23
    # intercept −2.5: 487.122876 − 28.853901 × (−2.5) = 487.122876 + 72.134752 = 559.257628 → 559
    assert scoring.base_points(-2.5, P) == 559


def test_points_round_half_up_away_from_zero() -> None:
    assert scoring.round_points(2.5) == 3
    assert scoring.round_points(-2.5) == -3
    assert scoring.round_points(2.4999) == 2


def test_scale_follows_dated_city_values() -> None:
    city = scoring.DatedValue("credit.pdo", date(2027, 1, 1), D(40), "市科技局通知", origin="city")
    before = scoring.scaling_params_at(date(2026, 12, 31), [city])
    after = scoring.scaling_params_at(date(2027, 1, 1), [city])
    assert before.pdo == D(20)
    assert after.pdo == D(40)
    # factor = 40 / ln 2 = 57.707802
    assert after.factor == pytest.approx(57.70780163555854)
    assert after.values[2].origin == "city"


def test_a_parameter_before_its_first_value_is_refused() -> None:
    with pytest.raises(DomainError) as exc:
        scoring.scaling_params_at(date(2015, 12, 31))
    assert exc.value.code == "credit.parameter_not_in_force"


# --- grades --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (700, "AAA"),
        (660, "AAA"),
        (659, "AA"),
        (640, "AA"),
        (620, "A"),
        (600, "BBB"),
        (599, "BB"),
        (580, "BB"),
        (560, "B"),
        (540, "CCC"),
        (520, "CC"),
        (519, "C"),
        (300, "C"),
    ],
)
def test_grade_band_edges_are_inclusive_lower_bounds(score: int, grade: str) -> None:
    assert scoring.grade_for(score, P.grade_floors) == grade


def test_vectorised_grades_match_one_by_one() -> None:
    scores = np.arange(480, 700, dtype=np.int64)
    batch = scoring.grades_for(scores, P.grade_floors)
    assert list(batch) == [scoring.grade_for(int(s), P.grade_floors) for s in scores]


def test_grade_floors_must_fall_from_aaa_to_cc() -> None:
    bad = scoring.DatedValue("credit.grade.AA", date(2027, 1, 1), D(670), "错误录入", "city")
    with pytest.raises(DomainError) as exc:
        scoring.scaling_params_at(date(2027, 1, 1), [bad])
    assert exc.value.code == "credit.grade_floors_order"
    assert "AA（670）不低于 AAA（660）" in exc.value.message


# --- validation metrics --------------------------------------------------------------------------


def test_auc_ks_gini_tiny_hand_example() -> None:
    # bads score 1 and 3, goods 2, 4 and 5 (higher = safer).
    # AUC = pairs (good > bad) / all pairs: 2>1, 4>1, 4>3, 5>1, 5>3 = 5 of 2 × 3 = 6 → 0.8333
    y = [1, 0, 1, 0, 0]
    s = [1, 2, 3, 4, 5]
    assert scoring.auc(y, s) == pytest.approx(5 / 6)
    assert scoring.gini(scoring.auc(y, s)) == pytest.approx(2 / 3)
    # cut ≤1: bads 1/2, goods 0 → 0.5; ≤2: 1/2 vs 1/3; ≤3: 1 vs 1/3 → 0.6667; ≤4: 1 vs 2/3; ≤5: 0
    assert scoring.ks(y, s) == pytest.approx(2 / 3)


def test_ties_count_one_half_and_are_cut_together() -> None:
    assert scoring.auc([1, 0], [5, 5]) == 0.5
    # the KS cut is taken after all equal scores: 0 here, not 1
    assert scoring.ks([1, 0], [5, 5]) == 0.0


def test_metrics_refuse_one_class() -> None:
    with pytest.raises(DomainError):
        scoring.auc([0, 0, 0], [1, 2, 3])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(300, 800)), min_size=4, max_size=60))
def test_auc_is_the_share_of_correctly_ordered_pairs(rows: list[tuple[int, int]]) -> None:
    goods = [s for y, s in rows if y == 0]
    bads = [s for y, s in rows if y == 1]
    if not goods or not bads:
        return
    pairs = sum((g > b) + 0.5 * (g == b) for g in goods for b in bads)
    ys, ss = zip(*rows, strict=True)
    assert scoring.auc(ys, ss) == pytest.approx(pairs / (len(goods) * len(bads)))


# --- PSI -----------------------------------------------------------------------------------------


def test_psi_hand_example() -> None:
    # expected 25% / 25% / 50%, actual 20% / 30% / 50%:
    # (0.20 − 0.25) × ln(0.20/0.25) = −0.05 × −0.223144 = 0.011157
    # (0.30 − 0.25) × ln(0.30/0.25) =  0.05 ×  0.182322 = 0.009116
    # (0.50 − 0.50) × ln 1 = 0                                     → PSI = 0.020273
    assert scoring.psi([25, 25, 50], [20, 30, 50]) == pytest.approx(0.0202733, abs=1e-6)


def test_psi_of_a_shifted_population_is_over_the_alert() -> None:
    # expected 50/50, actual 10/90: (0.1−0.5)ln(0.2) + (0.9−0.5)ln(1.8) = 0.643775 + 0.235115
    assert scoring.psi([50, 50], [10, 90]) == pytest.approx(0.878890, abs=1e-6)
    assert scoring.psi([50, 50], [10, 90]) > scoring.PSI_ALERT


def test_score_bands_and_counts() -> None:
    scores = np.arange(100, dtype=np.float64)
    edges = scoring.score_band_edges(scores, bands=4)
    assert edges == [24.75, 49.5, 74.25]
    assert scoring.band_counts(scores, edges) == [25, 25, 25, 25]


# --- the scorecard, one by one and in batch ------------------------------------------------------


def _b(lo: float | None, hi: float | None, pts: int, missing: bool = False) -> scoring.Bin:
    return scoring.Bin(lo, hi, pts, 0.0, missing=missing)


CARD = scoring.Scorecard(
    base_points=559,
    features=(
        scoring.FeatureCard(
            "max_dpd_12m",
            -0.7,
            (1.0, 30.0),
            (_b(None, 1.0, 20), _b(1.0, 30.0, -5), _b(30.0, None, -40)),
            _b(None, None, 0, True),
        ),
        scoring.FeatureCard(
            "tax_grade",
            -0.6,
            (3.0, 5.0),
            (_b(None, 3.0, -25), _b(3.0, 5.0, 5), _b(5.0, None, 15)),
            _b(None, None, -10, True),
        ),
        scoring.FeatureCard(
            "court_cases_36m",
            -0.5,
            (1.0,),
            (_b(None, 1.0, 10), _b(1.0, None, -20)),
            _b(None, None, 0, True),
        ),
    ),
)


def test_score_one_worked_example_with_reasons() -> None:
    # max DPD 45 → bin [30, +∞) −40 (best 20: lost 60); tax grade missing → −10 (best 15: lost 25);
    # 1 court case → [1, +∞) −20 (best 10: lost 30). Score = 559 − 40 − 10 − 20 = 489.
    result = CARD.score_one({"max_dpd_12m": 45, "tax_grade": None, "court_cases_36m": 1})
    assert result.score == 489
    assert [(c.code, c.points, c.lost) for c in result.contributions] == [
        ("max_dpd_12m", -40, 60),
        ("tax_grade", -10, 25),
        ("court_cases_36m", -20, 30),
    ]
    assert [c.code for c in result.reasons] == ["max_dpd_12m", "court_cases_36m", "tax_grade"]
    assert result.reasons[2].missing


def test_a_value_on_a_split_falls_in_the_upper_bin_and_the_best_bins_give_no_reason() -> None:
    # DPD 0 → [−∞, 1) 20; grade 5 (A) → [5, +∞) 15; 0 cases → 10: 559 + 45 = 604, nothing lost
    best = CARD.score_one({"max_dpd_12m": 0, "tax_grade": 5, "court_cases_36m": 0})
    assert best.score == 604
    assert best.reasons == ()
    assert CARD.features[0].bin_index(1.0) == 1
    assert CARD.features[0].bin_index(float("nan")) == -1


def test_the_card_survives_json() -> None:
    again = scoring.Scorecard.from_dict(CARD.to_dict())
    assert again == CARD


finite = st.one_of(st.none(), st.floats(-100, 200, allow_nan=False), st.integers(0, 60))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=40))
def test_batch_scores_equal_one_by_one(rows: list[tuple[float | None, ...]]) -> None:
    codes = CARD.codes
    columns = {
        code: np.array([np.nan if r[j] is None else float(r[j]) for r in rows])
        for j, code in enumerate(codes)
    }
    batch = CARD.score_batch(columns)
    for i, r in enumerate(rows):
        one = CARD.score_one(dict(zip(codes, r, strict=True)))
        assert batch.scores[i] == one.score
        assert [int(x) for x in batch.points[i]] == [c.points for c in one.contributions]
        assert [codes[j] for j in batch.reasons[i] if j >= 0] == [c.code for c in one.reasons]


def test_woe_and_iv_worked_example() -> None:
    # a bin with 90 goods of 900 and 10 bads of 100 (each count smoothed by 0.5):
    # good share 90.5/900.5 = 0.100500, bad share 10.5/100.5 = 0.104478
    # WoE = ln(0.100500 / 0.104478) = ln(0.961926) = −0.038818
    assert scoring.woe(90, 10, 900, 100) == pytest.approx(-0.038818, abs=1e-6)
    # two bins (goods, bads) = (800, 20) and (100, 80) of 900 goods and 100 bads:
    # bin 1: (0.888951 − 0.203980) × ln(0.888951/0.203980) = 0.684971 × 1.472019 = 1.008290
    # bin 2: (0.111605 − 0.800995) × ln(0.111605/0.800995) = −0.689390 × −1.970892 = 1.358714
    iv = scoring.information_value([(800, 20), (100, 80)], 900, 100)
    assert iv == pytest.approx(2.367004, abs=1e-6)
