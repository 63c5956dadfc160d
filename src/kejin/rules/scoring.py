"""Credit scorecard arithmetic: points scaling, grades, validation metrics, PSI and reason codes.

Pure Python and numpy (no Django). A fitted scorecard is plain data (:class:`Scorecard`): for each
feature the split points of its bins, each bin's weight of evidence and points, and a missing bin.
Scoring is a lookup: the bin of each feature value gives its points, and the score is the base
points plus the sum. The same card scores one enterprise (:meth:`Scorecard.score_one`, pure Python
``bisect``) or a whole population (:meth:`Scorecard.score_batch`, numpy ``searchsorted``); the two
agree to the point because points are integers and both use the same half-open bins ``[a, b)``.

Scaling (the industry convention, Siddiqi): ``score = offset + factor × ln(odds of good)``, with
``factor = PDO / ln 2`` and ``offset = base score − factor × ln(base odds)``. With the defaults
(600 points at odds 50:1, 20 points to double the odds): factor = 20 / 0.693147 = 28.8539,
offset = 600 − 28.8539 × ln 50 = 600 − 112.8771 = 487.1229.

A logistic regression on WoE gives ``ln(odds of bad) = b0 + Σ bᵢ·WoEᵢ``; so
``ln(odds of good) = −b0 − Σ bᵢ·WoEᵢ`` and a bin's points are ``−factor × bᵢ × WoE`` (rounded
half-up to a whole point), the base points ``offset − factor × b0``.

Conventions: WoE = ln(share of goods in the bin / share of bads in the bin), so a higher WoE is a
safer bin; a higher score is safer; ``y = 1`` is a default (bad).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from kejin.rules.errors import DomainError

GRADES: tuple[str, ...] = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C")
PSI_ALERT = 0.25
PSI_WATCH = 0.10

# --- dated parameters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedValue:
    """One dated value of a scoring parameter, with its source."""

    key: str
    effective_from: date
    value: Decimal
    source: str
    origin: str = "default"

    def to_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "effective_from": self.effective_from.isoformat(),
            "value": str(self.value),
            "source": self.source,
            "origin": self.origin,
        }

    def describe(self) -> str:
        return (
            f"{PARAMETER_LABELS.get(self.key, self.key)} = {self.value}"
            f"（自 {self.effective_from.isoformat()} 起施行；依据：{self.source}）"
        )


_SINCE = date(2016, 1, 1)
_SCALE_SOURCE = (
    "实施意见（二十二）“建立企业信用评价体系”；评分刻度为市级默认值（业界通用 600 分对应 50:1）"
)
_GRADE_SOURCE = "实施意见（二十二）“建立企业信用评价体系”；九级信用等级分数下限为市级默认值"
GRADE_FLOOR_DEFAULTS: dict[str, int] = {
    "AAA": 660,
    "AA": 640,
    "A": 620,
    "BBB": 600,
    "BB": 580,
    "B": 560,
    "CCC": 540,
    "CC": 520,
}
DEFAULTS: tuple[DatedValue, ...] = (
    DatedValue("credit.base_score", _SINCE, Decimal(600), _SCALE_SOURCE),
    DatedValue("credit.base_odds", _SINCE, Decimal(50), _SCALE_SOURCE),
    DatedValue("credit.pdo", _SINCE, Decimal(20), _SCALE_SOURCE),
    *(
        DatedValue(f"credit.grade.{g}", _SINCE, Decimal(v), _GRADE_SOURCE)
        for g, v in GRADE_FLOOR_DEFAULTS.items()
    ),
)
PARAMETER_LABELS: dict[str, str] = {
    "credit.base_score": "基准分",
    "credit.base_odds": "基准分对应的好坏比（x:1）",
    "credit.pdo": "好坏比翻倍所增加的分数（PDO）",
    **{f"credit.grade.{g}": f"{g} 级分数下限" for g in GRADE_FLOOR_DEFAULTS},
}


def value_at(values: Iterable[DatedValue], key: str, on: date) -> DatedValue:
    """The value of ``key`` in force on ``on``: the latest with ``effective_from ≤ on`` (a city
    value on the same date as a default supersedes it)."""
    found: DatedValue | None = None
    for v in sorted(
        (v for v in values if v.key == key),
        key=lambda v: (v.effective_from, v.origin == "city"),
    ):
        if v.effective_from <= on:
            found = v
    if found is None:
        raise DomainError(
            code="credit.parameter_not_in_force",
            message=f"评分参数 {key} 在 {on.isoformat()} 尚无有效取值",
            fields={"date": "早于该参数的首个生效日期"},
        )
    return found


@dataclass(frozen=True)
class ScalingParams:
    """The scale and the grade bands in force on a date, with the dated values they came from."""

    base_score: Decimal
    base_odds: Decimal
    pdo: Decimal
    grade_floors: tuple[tuple[str, int], ...]  # (grade, lowest score of the grade), AAA … CC
    values: tuple[DatedValue, ...] = ()

    @property
    def factor(self) -> float:
        return scale_factor(self.pdo)

    @property
    def offset(self) -> float:
        return scale_offset(self.base_score, self.base_odds, self.pdo)


def scaling_params_at(on: date, extra: Iterable[DatedValue] = ()) -> ScalingParams:
    """The defaults plus the city's dated values (``extra``), as in force on ``on``."""
    values = [*DEFAULTS, *extra]
    base = value_at(values, "credit.base_score", on)
    odds = value_at(values, "credit.base_odds", on)
    pdo = value_at(values, "credit.pdo", on)
    floors = [value_at(values, f"credit.grade.{g}", on) for g in GRADE_FLOOR_DEFAULTS]
    check_scale(base.value, odds.value, pdo.value)
    grade_floors = tuple(
        (g, int(v.value)) for g, v in zip(GRADE_FLOOR_DEFAULTS, floors, strict=True)
    )
    check_grade_floors(grade_floors)
    return ScalingParams(
        base.value, odds.value, pdo.value, grade_floors, (base, odds, pdo, *floors)
    )


def check_scale(base_score: Decimal, base_odds: Decimal, pdo: Decimal) -> None:
    errors = {}
    if base_score <= 0:
        errors["base_score"] = "基准分须大于 0"
    if base_odds <= 0:
        errors["base_odds"] = "好坏比须大于 0"
    if pdo <= 0:
        errors["pdo"] = "PDO 须大于 0"
    if errors:
        raise DomainError("credit.scale_invalid", "；".join(errors.values()), errors)


def check_grade_floors(floors: Sequence[tuple[str, int]]) -> None:
    """Grade floors must fall strictly from AAA to CC."""
    for (g1, v1), (g2, v2) in itertools.pairwise(floors):
        if v2 >= v1:
            raise DomainError(
                "credit.grade_floors_order",
                f"等级分数下限须逐级递减：{g2}（{v2}）不低于 {g1}（{v1}）",
                {"value": f"{g2} 级下限须低于 {g1} 级下限 {v1}"},
            )


# --- scaling -------------------------------------------------------------------------------------


def scale_factor(pdo: Decimal | float) -> float:
    """Points per unit of ln(odds): PDO / ln 2."""
    return float(pdo) / math.log(2)


def scale_offset(
    base_score: Decimal | float, base_odds: Decimal | float, pdo: Decimal | float
) -> float:
    """The score at odds 1:1: base score − factor × ln(base odds)."""
    return float(base_score) - scale_factor(pdo) * math.log(float(base_odds))


def points_for_log_odds(log_odds_good: float, params: ScalingParams) -> float:
    """The (unrounded) score of ln(odds of good)."""
    return params.offset + params.factor * log_odds_good


def round_points(value: float) -> int:
    """Whole points, half-up (away from zero at .5), the one rounding of the scorecard."""
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def grade_for(score: int, floors: Sequence[tuple[str, int]]) -> str:
    """The grade whose floor the score reaches (floors AAA … CC; below CC's floor is C)."""
    for grade, floor in floors:
        if score >= floor:
            return grade
    return GRADES[-1]


def grades_for(scores: np.ndarray, floors: Sequence[tuple[str, int]]) -> np.ndarray:
    """Vectorised :func:`grade_for`: an array of grade strings."""
    ascending = np.array([f for _, f in reversed(floors)], dtype=np.int64)
    labels = np.array([GRADES[-1], *[g for g, _ in reversed(floors)]], dtype=object)
    return labels[np.searchsorted(ascending, scores, side="right")]


# --- validation metrics (y = 1 is a default; a higher score is safer) ----------------------------


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    sorted_values = values[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_values)) + 1]
    ends = np.r_[starts[1:], len(values)]
    for s, e in zip(starts, ends, strict=True):
        ranks[order[s:e]] = (s + e + 1) / 2  # ranks are 1-based
    return ranks


def _check_outcomes(y: np.ndarray) -> tuple[int, int]:
    bads = int(np.sum(y == 1))
    goods = int(np.sum(y == 0))
    if bads == 0 or goods == 0:
        raise DomainError(
            "credit.metric_one_class",
            "计算区分度需要同时有违约和未违约样本",
            {"outcome": "只有一种结果"},
        )
    return bads, goods


def auc(y: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve: P(a good scores higher than a bad), ties count one half."""
    y_arr, s_arr = np.asarray(y), np.asarray(scores, dtype=np.float64)
    bads, goods = _check_outcomes(y_arr)
    ranks = _average_ranks(s_arr)
    rank_sum_goods = float(ranks[y_arr == 0].sum())
    return (rank_sum_goods - goods * (goods + 1) / 2) / (goods * bads)


def gini(auc_value: float) -> float:
    """Accuracy ratio: 2·AUC − 1."""
    return 2 * auc_value - 1


def ks(y: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float:
    """Kolmogorov-Smirnov: the largest gap between the cumulative score distributions of bads and
    goods, taken at each distinct score (cut "score ≤ s")."""
    y_arr, s_arr = np.asarray(y), np.asarray(scores, dtype=np.float64)
    bads, goods = _check_outcomes(y_arr)
    order = np.argsort(s_arr, kind="mergesort")
    s_sorted, y_sorted = s_arr[order], y_arr[order]
    cum_bad = np.cumsum(y_sorted == 1) / bads
    cum_good = np.cumsum(y_sorted == 0) / goods
    last_of_value = np.r_[np.flatnonzero(np.diff(s_sorted)), len(s_sorted) - 1]
    return float(np.max(np.abs(cum_bad[last_of_value] - cum_good[last_of_value])))


def psi(
    expected: Sequence[float] | np.ndarray,
    actual: Sequence[float] | np.ndarray,
    epsilon: float = 1e-4,
) -> float:
    """Population stability index of two distributions over the same bands (counts or shares):
    Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) on shares; an empty band counts as ``epsilon``."""
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if e.shape != a.shape or e.sum() <= 0 or a.sum() <= 0:
        raise ValueError("psi needs two non-empty distributions over the same bands")
    e = np.maximum(e / e.sum(), epsilon)
    a = np.maximum(a / a.sum(), epsilon)
    return float(np.sum((a - e) * np.log(a / e)))


def score_band_edges(scores: np.ndarray, bands: int = 10) -> list[float]:
    """Inner edges of (up to) ``bands`` equal-population score bands of a reference population."""
    qs = np.quantile(np.asarray(scores, dtype=np.float64), np.linspace(0, 1, bands + 1)[1:-1])
    return sorted({float(q) for q in qs})


def band_counts(scores: np.ndarray, edges: Sequence[float]) -> list[int]:
    """How many scores fall in each band ``(-inf, e0), [e0, e1), …, [en, inf)``."""
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), np.asarray(scores), side="right")
    return [int(c) for c in np.bincount(idx, minlength=len(edges) + 1)]


# --- the scorecard -------------------------------------------------------------------------------


def _num(v: float | None) -> float | None:
    return None if v is None else float(v)


@dataclass(frozen=True)
class Bin:
    """One bin ``[lower, upper)`` of a feature (``None`` = unbounded), or the missing bin."""

    lower: float | None
    upper: float | None
    points: int
    woe: float
    count: int = 0
    events: int = 0
    missing: bool = False

    @property
    def label(self) -> str:
        if self.missing:
            return "缺失"
        lo = "-∞" if self.lower is None else f"{self.lower:g}"
        hi = "+∞" if self.upper is None else f"{self.upper:g}"
        return f"[{lo}, {hi})"

    @property
    def event_rate(self) -> float | None:
        return self.events / self.count if self.count else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "points": self.points,
            "woe": self.woe,
            "count": self.count,
            "events": self.events,
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Bin:
        return cls(
            _num(d["lower"]),
            _num(d["upper"]),
            int(d["points"]),
            float(d["woe"]),
            int(d.get("count", 0)),
            int(d.get("events", 0)),
            bool(d.get("missing", False)),
        )


@dataclass(frozen=True)
class FeatureCard:
    """A feature's bins: ``splits`` s₀ < s₁ < … make bins (-inf, s₀), [s₀, s₁), …, [sₙ, inf)."""

    code: str
    coefficient: float
    splits: tuple[float, ...]
    bins: tuple[Bin, ...]
    missing: Bin
    iv: float = 0.0

    def __post_init__(self) -> None:
        if len(self.bins) != len(self.splits) + 1:
            raise ValueError(
                f"{self.code}: {len(self.splits)} splits need {len(self.splits) + 1} bins"
            )
        if list(self.splits) != sorted(set(self.splits)):
            raise ValueError(f"{self.code}: splits must be strictly increasing")

    @property
    def best_points(self) -> int:
        return max(*(b.points for b in self.bins), self.missing.points)

    def bin_index(self, value: float | None) -> int:
        """Index of the bin of ``value``; -1 for a missing value (None or NaN)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return -1
        return bisect.bisect_right(self.splits, float(value))

    def bin_of(self, index: int) -> Bin:
        return self.missing if index < 0 else self.bins[index]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "coefficient": self.coefficient,
            "splits": list(self.splits),
            "bins": [b.to_dict() for b in self.bins],
            "missing": self.missing.to_dict(),
            "iv": self.iv,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeatureCard:
        return cls(
            str(d["code"]),
            float(d["coefficient"]),
            tuple(float(s) for s in d["splits"]),
            tuple(Bin.from_dict(b) for b in d["bins"]),
            Bin.from_dict(d["missing"]),
            float(d.get("iv", 0.0)),
        )


@dataclass(frozen=True)
class Contribution:
    """What one feature gave to one score: the value, its bin, its points and the points lost
    against the feature's best bin."""

    code: str
    value: float | None
    bin_index: int
    points: int
    lost: int

    @property
    def missing(self) -> bool:
        return self.bin_index < 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": self.value,
            "bin_index": self.bin_index,
            "points": self.points,
            "lost": self.lost,
        }


@dataclass(frozen=True)
class ScoreResult:
    score: int
    base_points: int
    contributions: tuple[Contribution, ...]
    reasons: tuple[Contribution, ...]  # at most REASONS, the largest losses first, lost > 0


@dataclass(frozen=True)
class BatchScores:
    scores: np.ndarray  # int64, one per row
    points: np.ndarray  # int32, rows × features
    bins: np.ndarray  # int16, rows × features, -1 = missing
    reasons: np.ndarray  # int64, rows × REASONS: feature indexes, -1 = no further reason


REASONS = 3


@dataclass(frozen=True)
class Scorecard:
    base_points: int
    features: tuple[FeatureCard, ...]
    intercept: float = 0.0
    scale: Mapping[str, str] = field(default_factory=dict)  # the scale it was built with

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.features]

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_points": self.base_points,
            "intercept": self.intercept,
            "scale": dict(self.scale),
            "features": [f.to_dict() for f in self.features],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scorecard:
        return cls(
            int(d["base_points"]),
            tuple(FeatureCard.from_dict(f) for f in d["features"]),
            float(d.get("intercept", 0.0)),
            dict(d.get("scale", {})),
        )

    def score_one(self, values: Mapping[str, float | None]) -> ScoreResult:
        """Score one set of feature values (absent or NaN = missing), with the reason codes."""
        contributions = []
        for card in self.features:
            value = values.get(card.code)
            index = card.bin_index(value)
            points = card.bin_of(index).points
            contributions.append(
                Contribution(
                    card.code,
                    None if index < 0 else float(value),  # type: ignore[arg-type]
                    index,
                    points,
                    card.best_points - points,
                )
            )
        ranked = sorted(range(len(contributions)), key=lambda i: -contributions[i].lost)
        reasons = tuple(contributions[i] for i in ranked[:REASONS] if contributions[i].lost > 0)
        score = self.base_points + sum(c.points for c in contributions)
        return ScoreResult(score, self.base_points, tuple(contributions), reasons)

    def score_batch(
        self, columns: Mapping[str, np.ndarray], rows: int | None = None
    ) -> BatchScores:
        """Score a whole population at once: ``columns`` maps each feature code to a float array
        (NaN = missing); a feature absent from ``columns`` is missing for every row."""
        n = rows if rows is not None else len(next(iter(columns.values())))
        scores = np.full(n, self.base_points, dtype=np.int64)
        point_cols, bin_cols = [], []
        top = _TopReasons(n, len(self.features))
        for card in self.features:
            x = columns.get(card.code)
            table = np.array([b.points for b in card.bins] + [card.missing.points], dtype=np.int64)
            if x is None:
                idx = np.full(n, -1, dtype=np.int64)
            else:
                x = np.asarray(x, dtype=np.float64)
                idx = np.searchsorted(np.asarray(card.splits, dtype=np.float64), x, side="right")
                idx[np.isnan(x)] = -1
            pts = table[idx]  # index -1 is the missing bin, last in the table
            scores += pts
            point_cols.append(pts.astype(np.int32))
            bin_cols.append(idx.astype(np.int16))
            top.add(len(point_cols) - 1, card.best_points - pts)
        # feature-major blocks, seen row-major through a transposed view (no strided copy)
        points = np.stack(point_cols).T if point_cols else np.empty((n, 0), np.int32)
        bins = np.stack(bin_cols).T if bin_cols else np.empty((n, 0), np.int16)
        return BatchScores(scores, points, bins, top.result())


class _TopReasons:
    """The (at most) REASONS largest losses of each row, kept while the features stream by.

    Each loss is packed with its feature into one key, ``lost × K + (K − 1 − j)``: a larger loss
    wins, and of equal losses the earlier feature — the order ``sorted(range(k), key=lambda i:
    -lost[i])`` gives one row at a time. Keys are unique per row, so a bubble of ``maximum`` /
    ``minimum`` keeps the three largest."""

    def __init__(self, n: int, k: int) -> None:
        self.k = max(k, 1)
        self.keys = [np.full(n, -1, dtype=np.int64) for _ in range(REASONS)]

    def add(self, j: int, lost: np.ndarray) -> None:
        candidate = lost.astype(np.int64) * self.k + (self.k - 1 - j)
        for r in range(REASONS):
            kept = self.keys[r]
            self.keys[r] = np.maximum(kept, candidate)
            candidate = np.minimum(kept, candidate)

    def result(self) -> np.ndarray:
        keys = np.stack(self.keys)
        index = np.where(keys >= self.k, self.k - 1 - keys % self.k, -1)  # a loss of at least 1
        return index.T


def woe(goods: int, bads: int, total_goods: int, total_bads: int, smoothing: float = 0.5) -> float:
    """Weight of evidence of a bin: ln((goods / all goods) / (bads / all bads)), each count
    smoothed by ``smoothing`` so that a bin without bads or goods stays finite."""
    good_share = (goods + smoothing) / (total_goods + smoothing)
    bad_share = (bads + smoothing) / (total_bads + smoothing)
    return math.log(good_share / bad_share)


def information_value(
    counts: Sequence[tuple[int, int]], total_goods: int, total_bads: int, smoothing: float = 0.5
) -> float:
    """IV of a binning: Σ (good share − bad share) × WoE over (goods, bads) per bin."""
    iv = 0.0
    for goods, bads in counts:
        if goods + bads == 0:
            continue
        g = (goods + smoothing) / (total_goods + smoothing)
        b = (bads + smoothing) / (total_bads + smoothing)
        iv += (g - b) * math.log(g / b)
    return iv


def bin_points(coefficient: float, woe_value: float, factor: float) -> int:
    """Points of a bin: −factor × coefficient × WoE, rounded half-up to a whole point."""
    return round_points(-factor * coefficient * woe_value)


def base_points(intercept: float, params: ScalingParams) -> int:
    """The base points: offset − factor × intercept, rounded half-up."""
    return round_points(params.offset - params.factor * intercept)
