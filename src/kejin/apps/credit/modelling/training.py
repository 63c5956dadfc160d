"""Train a scorecard on any table of features with a binary outcome (1 = default: 90+ days past
due within 12 months). Pure Python, no Django: the service validates the input with
:func:`table_from_rows` / :func:`check_table` (nothing is saved when they refuse), and the
background task calls :func:`train`.

Steps: stratified holdout split (fixed seed) → monotonic optimal binning of each feature on the
training part (optbinning, ``monotonic_trend="auto_asc_desc"``, missing values in their own bin) →
WoE and information value per bin (:func:`kejin.rules.scoring.woe`) → features with IV < 0.02
dropped → logistic regression on WoE, dropping any feature whose coefficient has the wrong sign →
points per bin (:mod:`kejin.rules.scoring`) → AUC, KS and Gini on both parts, the grade
distribution, and the reference score bands for PSI monitoring.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kejin.apps.credit.modelling.catalogue import BY_CODE, OUTCOME
from kejin.rules import scoring
from kejin.rules.errors import DomainError

MIN_ROWS = 200
MIN_MINORITY = 20
HOLDOUT_SHARE = 0.3
SEED = 20260101
MIN_IV = 0.02
MAX_BINS = 6
MIN_BIN_SHARE = 0.02
MAX_LISTED_ERRORS = 20

Progress = Callable[[int, str], None]


@dataclass
class TrainingTable:
    """Feature columns (float64, NaN = missing) and the outcome (0/1), one row per observation."""

    features: list[str]
    columns: dict[str, np.ndarray]
    outcome: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.outcome)


@dataclass
class TrainingResult:
    scorecard: scoring.Scorecard
    metrics: dict[str, Any]
    summary: dict[str, Any]
    distribution: dict[str, Any]
    dropped: list[dict[str, str]] = field(default_factory=list)


def _number(raw: str) -> float | None:
    text = raw.strip().replace(",", "")
    if text == "" or text.upper() in ("NA", "NAN", "NULL"):
        return None
    value = float(text)  # ValueError for text that is not a number
    if math.isinf(value):
        raise ValueError(raw)
    return value


def table_from_rows(
    headers: Sequence[str], rows: Sequence[tuple[int, dict[str, str]]]
) -> TrainingTable:
    """Turn spreadsheet rows (row number, {column code: text}) into a table, or refuse with every
    non-numeric cell (row number and column) and every outcome that is not 0 or 1."""
    features = [h for h in headers if h and h != OUTCOME]
    if OUTCOME not in headers:
        raise DomainError(
            "credit.training_columns",
            "训练数据缺少结果列 default（1 = 违约，0 = 未违约）",
            {"file": "缺少结果列 default"},
        )
    if not features:
        raise DomainError(
            "credit.training_columns",
            "训练数据没有任何特征列",
            {"file": "至少需要一列特征"},
        )
    errors: dict[str, str] = {}
    values: dict[str, list[float]] = {f: [] for f in features}
    outcome: list[int] = []
    for row_no, cells in rows:
        raw_outcome = cells.get(OUTCOME, "").strip()
        if raw_outcome not in ("0", "1", "0.0", "1.0"):
            errors[f"row {row_no}.{OUTCOME}"] = f"结果须为 0 或 1（收到“{raw_outcome}”）"
        else:
            outcome.append(int(float(raw_outcome)))
        for f in features:
            try:
                v = _number(cells.get(f, ""))
            except ValueError:
                errors[f"row {row_no}.{f}"] = f"须为数字（收到“{cells.get(f, '')}”）"
                continue
            values[f].append(math.nan if v is None else v)
    if errors:
        listed = dict(list(errors.items())[:MAX_LISTED_ERRORS])
        first = next(iter(errors)).split(".")[0][4:]
        raise DomainError(
            "credit.training_not_numeric",
            f"训练数据中有 {len(errors)} 处非数字或无效的值（例如第 {first} 行），未保存任何数据",
            listed,
        )
    return TrainingTable(
        features,
        {f: np.asarray(v, dtype=np.float64) for f, v in values.items()},
        np.asarray(outcome, dtype=np.int8),
    )


def check_table(table: TrainingTable) -> None:
    """Refuse a table a model cannot be trained and validated on."""
    bads = int(table.outcome.sum())
    goods = table.rows - bads
    if table.rows and (bads == 0 or goods == 0):
        only = "违约（1）" if goods == 0 else "未违约（0）"
        message = f"训练数据只有一种结果（全部为{only}），无法训练：需要同时包含违约和未违约的样本"
        raise DomainError("credit.training_one_class", message, {"file": message})
    if table.rows < MIN_ROWS:
        message = f"训练数据只有 {table.rows} 行，至少需要 {MIN_ROWS} 行"
        raise DomainError("credit.training_too_few_rows", message, {"file": message})
    minority = min(bads, goods)
    if minority < MIN_MINORITY:
        which = "违约" if bads < goods else "未违约"
        message = f"训练数据中{which}样本只有 {minority} 个，至少需要 {MIN_MINORITY} 个"
        raise DomainError("credit.training_too_few_minority", message, {"file": message})
    for f in table.features:
        col = table.columns[f]
        if np.isnan(col).all():
            raise DomainError(
                "credit.training_empty_feature",
                f"特征列 {f} 全部为空",
                {"file": f"特征列 {f} 没有任何取值"},
            )


def _nice(splits: Sequence[float]) -> tuple[float, ...]:
    """Round split points to 4 significant digits for a readable card (bins are recounted)."""
    out = sorted({float(f"{s:.4g}") for s in splits if math.isfinite(s)})
    return tuple(out)


def _fit_splits(x: np.ndarray, y: np.ndarray, code: str) -> tuple[float, ...]:
    from optbinning import OptimalBinning  # noqa: PLC0415 - heavy import, training only

    present = ~np.isnan(x)
    if len(np.unique(x[present])) < 2:
        return ()
    binning = OptimalBinning(
        name=code,
        dtype="numerical",
        monotonic_trend="auto_asc_desc",
        max_n_bins=MAX_BINS,
        min_bin_size=MIN_BIN_SHARE,
    )
    binning.fit(x, y)
    return _nice(binning.splits)


def _bin_counts(x: np.ndarray, y: np.ndarray, splits: tuple[float, ...]) -> tuple[list, tuple]:
    idx = np.searchsorted(np.asarray(splits, dtype=np.float64), x, side="right")
    missing = np.isnan(x)
    counts = []
    for i in range(len(splits) + 1):
        sel = (idx == i) & ~missing
        counts.append((int(sel.sum()), int(y[sel].sum())))
    return counts, (int(missing.sum()), int(y[missing].sum()))


@dataclass
class _Binned:
    code: str
    splits: tuple[float, ...]
    counts: list[tuple[int, int]]  # (count, events) per bin
    missing: tuple[int, int]
    woes: list[float]
    missing_woe: float
    iv: float

    def transform(self, x: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(np.asarray(self.splits, dtype=np.float64), x, side="right")
        table = np.asarray([*self.woes, self.missing_woe])
        idx[np.isnan(x)] = len(self.woes)
        return table[idx]


def _bin_feature(code: str, x: np.ndarray, y: np.ndarray) -> _Binned:
    splits = _fit_splits(x, y, code)
    counts, missing = _bin_counts(x, y, splits)
    total_bads = int(y.sum())
    total_goods = len(y) - total_bads
    woes = [scoring.woe(c - e, e, total_goods, total_bads) for c, e in counts]
    # Missing values in training: their own WoE; none: a neutral bin (WoE 0 = population average).
    missing_woe = (
        scoring.woe(missing[0] - missing[1], missing[1], total_goods, total_bads)
        if missing[0]
        else 0.0
    )
    pairs = [(c - e, e) for c, e in [*counts, missing]]
    iv = scoring.information_value(pairs, total_goods, total_bads)
    return _Binned(code, splits, counts, missing, woes, missing_woe, iv)


def _fit_regression(matrix: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - training only

    model = LogisticRegression(C=10.0, max_iter=1000, random_state=seed)
    model.fit(matrix, y)
    return model.coef_[0], float(model.intercept_[0])


def _split(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split  # noqa: PLC0415 - training only

    idx = np.arange(len(y))
    train_idx, test_idx = train_test_split(
        idx, test_size=HOLDOUT_SHARE, stratify=y, random_state=seed
    )
    return np.sort(train_idx), np.sort(test_idx)


def _metrics(y: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    a = scoring.auc(y, scores)
    return {
        "rows": len(y),
        "defaults": int(y.sum()),
        "auc": round(a, 4),
        "ks": round(scoring.ks(y, scores), 4),
        "gini": round(scoring.gini(a), 4),
    }


def _summary(table: TrainingTable) -> dict[str, Any]:
    per_feature = {}
    for f in table.features:
        col = table.columns[f]
        present = col[~np.isnan(col)]
        per_feature[f] = {
            "missing_share": round(float(np.isnan(col).mean()), 4),
            "min": float(present.min()) if len(present) else None,
            "median": float(np.median(present)) if len(present) else None,
            "max": float(present.max()) if len(present) else None,
        }
    bads = int(table.outcome.sum())
    return {
        "rows": table.rows,
        "defaults": bads,
        "default_rate": round(bads / table.rows, 4) if table.rows else 0.0,
        "features": per_feature,
    }


def train(
    table: TrainingTable,
    params: scoring.ScalingParams,
    *,
    seed: int = SEED,
    progress: Progress | None = None,
) -> TrainingResult:
    """Fit, scale and validate a scorecard on ``table`` (which :func:`check_table` accepted)."""
    report = progress or (lambda pct, msg: None)
    check_table(table)
    y = table.outcome.astype(np.int64)
    train_idx, test_idx = _split(y, seed)
    report(10, "已按固定随机种子分层划分训练集与验证集")
    binned: list[_Binned] = []
    dropped: list[dict[str, str]] = []
    for i, code in enumerate(table.features):
        b = _bin_feature(code, table.columns[code][train_idx], y[train_idx])
        if b.iv < MIN_IV:
            dropped.append(
                {"code": code, "reason": f"信息值 IV = {b.iv:.4f} < {MIN_IV}，区分能力不足"}
            )
        else:
            binned.append(b)
        report(10 + int(50 * (i + 1) / len(table.features)), f"已完成特征分箱：{code}")
    coef, intercept = np.array([]), 0.0
    while binned:
        matrix = np.column_stack([b.transform(table.columns[b.code][train_idx]) for b in binned])
        coef, intercept = _fit_regression(matrix, y[train_idx], seed)
        wrong = [(c, b) for c, b in zip(coef, binned, strict=True) if c >= 0]
        if not wrong:
            break
        worst = max(wrong, key=lambda pair: pair[0])[1]
        dropped.append({"code": worst.code, "reason": "回归系数方向与分箱趋势相反，已剔除"})
        binned = [b for b in binned if b is not worst]
    if not binned:
        raise DomainError(
            "credit.training_no_signal",
            "没有任何特征对违约有足够的区分能力，无法训练模型",
            {"file": "所有特征的信息值都过低"},
        )
    report(70, "已完成逻辑回归")
    card = _scorecard(binned, coef, intercept, params)
    columns = {f: table.columns[f] for f in card.codes}
    scores = card.score_batch(columns).scores
    metrics = {
        "train": _metrics(y[train_idx], scores[train_idx]),
        "holdout": _metrics(y[test_idx], scores[test_idx]),
        "seed": seed,
        "holdout_share": HOLDOUT_SHARE,
    }
    report(85, "已完成验证（AUC、KS、Gini）")
    edges = scoring.score_band_edges(scores)
    grades = scoring.grades_for(scores, params.grade_floors)
    distribution = {
        "band_edges": edges,
        "band_counts": scoring.band_counts(scores, edges),
        "grades": {g: int((grades == g).sum()) for g in scoring.GRADES},
        "score_min": int(scores.min()),
        "score_max": int(scores.max()),
        "score_mean": round(float(scores.mean()), 1),
    }
    report(95, "已生成模型卡")
    return TrainingResult(card, metrics, _summary(table), distribution, dropped)


def _scorecard(
    binned: list[_Binned], coef: np.ndarray, intercept: float, params: scoring.ScalingParams
) -> scoring.Scorecard:
    factor = params.factor
    cards = []
    for b, c in zip(binned, coef, strict=True):
        bounds = [None, *b.splits, None]
        bins = tuple(
            scoring.Bin(
                bounds[i],
                bounds[i + 1],
                scoring.bin_points(float(c), w, factor),
                round(w, 6),
                count,
                events,
            )
            for i, (w, (count, events)) in enumerate(zip(b.woes, b.counts, strict=True))
        )
        missing = scoring.Bin(
            None,
            None,
            scoring.bin_points(float(c), b.missing_woe, factor),
            round(b.missing_woe, 6),
            b.missing[0],
            b.missing[1],
            missing=True,
        )
        cards.append(
            scoring.FeatureCard(b.code, round(float(c), 6), b.splits, bins, missing, round(b.iv, 6))
        )
    scale = {
        "base_score": str(params.base_score),
        "base_odds": str(params.base_odds),
        "pdo": str(params.pdo),
        "factor": f"{params.factor:.6f}",
        "offset": f"{params.offset:.6f}",
    }
    return scoring.Scorecard(
        scoring.base_points(intercept, params), tuple(cards), round(intercept, 6), scale
    )


def known_feature(code: str) -> bool:
    return code in BY_CODE
