"""Five-category loan classification (五级分类) and its floors by days past due (RULES §4).

Source: 商业银行金融资产风险分类办法 (银保监会 中国人民银行令〔2023〕第1号, in force 2023-07-01).
Days past due on principal or interest set a floor: any overdue → at least special mention; more
than 90 days → at least substandard; more than 270 → at least doubtful; more than 360 → loss.
An institution may report a worse category than the floor, never a better one: a better report is
lifted to the floor, and the result says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from kejin.rules.errors import DomainError

#: Reported categories for :func:`classify_batch`: codes or labels, ``None`` for no report.
Reported = pl.Series | npt.ArrayLike | Sequence[str | None]

#: Upper bounds (inclusive) of days past due for normal, special mention, substandard, doubtful.
DPD_BOUNDS = (0, 90, 270, 360)


class LoanCategory(StrEnum):
    """The five categories, best to worst."""

    NORMAL = "normal"
    SPECIAL_MENTION = "special_mention"
    SUBSTANDARD = "substandard"
    DOUBTFUL = "doubtful"
    LOSS = "loss"

    @property
    def label(self) -> str:
        """Chinese name."""
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """0 (normal) to 4 (loss): higher is worse."""
        return _ORDER.index(self)

    @property
    def non_performing(self) -> bool:
        """Substandard, doubtful and loss are non-performing (不良)."""
        return self.rank >= LoanCategory.SUBSTANDARD.rank


_ORDER: tuple[LoanCategory, ...] = tuple(LoanCategory)
_LABELS = {
    LoanCategory.NORMAL: "正常",
    LoanCategory.SPECIAL_MENTION: "关注",
    LoanCategory.SUBSTANDARD: "次级",
    LoanCategory.DOUBTFUL: "可疑",
    LoanCategory.LOSS: "损失",
}
#: polars dtype of category columns, in order best → worst.
CATEGORY_DTYPE = pl.Enum([c.value for c in _ORDER])


@dataclass(frozen=True)
class Classification:
    """The category of a loan, the floor it respects, and whether a report was lifted."""

    category: LoanCategory
    floor: LoanCategory
    reported: LoanCategory | None
    days_past_due: int

    @property
    def lifted(self) -> bool:
        """The institution reported a better category than the floor allows."""
        return self.reported is not None and self.reported.rank < self.floor.rank

    @property
    def explanation(self) -> str:
        """A sentence in Chinese for the page and the audit trail."""
        if self.lifted and self.reported is not None:
            return (
                f"逾期 {self.days_past_due} 天，最低应为“{self.floor.label}”，"
                f"机构报送的“{self.reported.label}”已调整为“{self.category.label}”"
            )
        return f"逾期 {self.days_past_due} 天，分类为“{self.category.label}”"


def _check_dpd(dpd: int) -> int:
    if isinstance(dpd, bool) or not isinstance(dpd, int):
        raise TypeError("days past due must be an int")
    if dpd < 0:
        raise DomainError(
            code="classification.negative_dpd",
            message="逾期天数不能为负数",
            fields={"days_past_due": f"逾期天数 {dpd} 无效"},
        )
    return dpd


def parse_category(value: LoanCategory | str) -> LoanCategory:
    """The category named by its code (``substandard``) or its Chinese label (``次级``)."""
    if isinstance(value, LoanCategory):
        return value
    text = value.strip()
    for category in _ORDER:
        if text in (category.value, category.label):
            return category
    raise DomainError(
        code="classification.unknown_category",
        message=f"未知的五级分类“{value}”",
        fields={"reported": "请选择 正常、关注、次级、可疑 或 损失"},
    )


def floor_for(dpd: int) -> LoanCategory:
    """The best category allowed at ``dpd`` days past due (0 → normal, 1–90 → special mention,
    91–270 → substandard, 271–360 → doubtful, 361+ → loss)."""
    days = _check_dpd(dpd)
    for bound, category in zip(DPD_BOUNDS, _ORDER, strict=False):
        if days <= bound:
            return category
    return LoanCategory.LOSS


def classify(dpd: int, reported: LoanCategory | str | None = None) -> Classification:
    """The worse of the floor for ``dpd`` and the institution's ``reported`` category."""
    floor = floor_for(dpd)
    report = None if reported is None else parse_category(reported)
    category = floor if report is None or report.rank < floor.rank else report
    return Classification(category=category, floor=floor, reported=report, days_past_due=dpd)


def _ranks_of_reported(reported: Reported, n: int) -> npt.NDArray[np.int64]:
    if isinstance(reported, pl.Series):
        series = reported
    else:
        values = np.asarray(reported)
        series = (
            pl.Series(values)
            if values.dtype.kind == "U"
            else pl.Series(values.tolist(), dtype=pl.String, strict=False)
        )
    if len(series) != n:
        raise ValueError("reported must have the same length as dpd")
    codes = series.cast(pl.String)
    known = {c.value: c.rank for c in _ORDER} | {c.label: c.rank for c in _ORDER}
    ranks = (
        pl.select(
            pl.when(codes.is_null())
            .then(-1)
            .otherwise(codes.replace_strict(known, default=-2, return_dtype=pl.Int64))
        )
        .to_series()
        .cast(pl.Int64)
    )
    bad = ranks == -2
    if bad.any():
        first = codes.filter(bad)[0]
        raise DomainError(
            code="classification.unknown_category",
            message=f"未知的五级分类“{first}”",
            fields={"reported": "请选择 正常、关注、次级、可疑 或 损失"},
        )
    return ranks.to_numpy().astype(np.int64)


def classify_batch(
    dpd: pl.Series | npt.ArrayLike, reported: Reported | None = None
) -> pl.DataFrame:
    """Vectorised :func:`classify`: one row per loan with ``days_past_due``, ``floor``,
    ``reported``, ``category`` (polars Enum, best → worst) and ``lifted``.

    ``dpd`` is a polars Series or numpy array of non-negative integers; ``reported`` (optional)
    holds category codes or Chinese labels, null where the institution reported nothing.
    """
    days = dpd.to_numpy() if isinstance(dpd, pl.Series) else np.asarray(dpd)
    if days.dtype.kind not in "iu":
        raise TypeError("days past due must be integers")
    days = days.astype(np.int64)
    if (days < 0).any():
        raise DomainError(
            code="classification.negative_dpd",
            message="逾期天数不能为负数",
            fields={"days_past_due": "逾期天数不能为负数"},
        )
    floor_rank = np.searchsorted(np.asarray(DPD_BOUNDS), days, side="left").astype(np.int64)
    if reported is None:
        report_rank = np.full(days.shape, -1, dtype=np.int64)
    else:
        report_rank = _ranks_of_reported(reported, len(days))
    category_rank = np.maximum(floor_rank, report_rank)
    names = pl.Series([c.value for c in _ORDER], dtype=CATEGORY_DTYPE)

    def by_rank(ranks: npt.NDArray[np.int64]) -> pl.Series:
        index = pl.Series(ranks).cast(pl.Int64)
        return names.gather(pl.select(pl.when(index >= 0).then(index)).to_series())

    return pl.DataFrame(
        {
            "days_past_due": days,
            "floor": by_rank(floor_rank),
            "reported": by_rank(report_rank),
            "category": by_rank(category_rank),
            "lifted": (report_rank >= 0) & (report_rank < floor_rank),
        }
    )
