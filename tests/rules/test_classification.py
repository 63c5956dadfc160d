"""Five-category classification floors by days past due (RULES §4)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules.classification import (
    LoanCategory,
    classify,
    classify_batch,
    floor_for,
    parse_category,
)
from kejin.rules.errors import DomainError

BOUNDARIES = [
    (0, LoanCategory.NORMAL),
    (1, LoanCategory.SPECIAL_MENTION),  # any overdue
    (90, LoanCategory.SPECIAL_MENTION),
    (91, LoanCategory.SUBSTANDARD),  # > 90
    (270, LoanCategory.SUBSTANDARD),
    (271, LoanCategory.DOUBTFUL),  # > 270
    (360, LoanCategory.DOUBTFUL),
    (361, LoanCategory.LOSS),  # > 360
]


@pytest.mark.parametrize(("dpd", "floor"), BOUNDARIES)
def test_floor_at_band_boundaries(dpd: int, floor: LoanCategory) -> None:
    assert floor_for(dpd) is floor


def test_labels_and_order() -> None:
    assert [c.label for c in LoanCategory] == ["正常", "关注", "次级", "可疑", "损失"]
    assert [c.rank for c in LoanCategory] == [0, 1, 2, 3, 4]
    assert [c.non_performing for c in LoanCategory] == [False, False, True, True, True]


def test_better_report_is_lifted_to_the_floor_and_says_so() -> None:
    result = classify(91, "normal")
    assert result.category is LoanCategory.SUBSTANDARD
    assert result.lifted
    assert "调整为“次级”" in result.explanation


def test_worse_report_is_kept() -> None:
    result = classify(0, LoanCategory.DOUBTFUL)
    assert result.category is LoanCategory.DOUBTFUL
    assert not result.lifted


def test_no_report_gives_the_floor() -> None:
    result = classify(361)
    assert (result.category, result.reported, result.lifted) == (LoanCategory.LOSS, None, False)


def test_chinese_label_is_accepted_as_report() -> None:
    assert parse_category("关注") is LoanCategory.SPECIAL_MENTION
    assert classify(5, "次级").category is LoanCategory.SUBSTANDARD


def test_invalid_input() -> None:
    with pytest.raises(DomainError) as caught:
        floor_for(-1)
    assert caught.value.code == "classification.negative_dpd"
    with pytest.raises(DomainError) as caught:
        classify(0, "excellent")
    assert caught.value.code == "classification.unknown_category"
    with pytest.raises(DomainError):
        classify_batch(np.array([1, 2]), ["normal", "excellent"])
    with pytest.raises(DomainError):
        classify_batch(np.array([-1]))


def test_batch_at_the_boundaries() -> None:
    days = np.array([d for d, _ in BOUNDARIES])
    result = classify_batch(days)
    assert result["floor"].to_list() == [c.value for _, c in BOUNDARIES]
    assert result["category"].to_list() == [c.value for _, c in BOUNDARIES]
    assert not result["lifted"].any()


def test_batch_with_reports_from_a_polars_series() -> None:
    result = classify_batch(
        pl.Series([0, 95, 400], dtype=pl.UInt16), pl.Series(["loss", "normal", None])
    )
    assert result["category"].to_list() == ["loss", "substandard", "loss"]
    assert result["lifted"].to_list() == [False, True, False]
    assert result["reported"].to_list() == ["loss", "normal", None]


categories = st.sampled_from([*list(LoanCategory), None])


@given(st.lists(st.tuples(st.integers(0, 2000), categories), min_size=1, max_size=50))
def test_never_better_than_the_floor_and_batch_equals_scalar(
    cases: list[tuple[int, LoanCategory | None]],
) -> None:
    days = np.array([d for d, _ in cases], dtype=np.int64)
    reported = [None if c is None else c.value for _, c in cases]
    batch = classify_batch(days, reported)
    for i, (d, c) in enumerate(cases):
        one = classify(d, c)
        assert one.category.rank >= floor_for(d).rank
        assert c is None or one.category.rank >= c.rank
        assert batch["category"][i] == one.category.value
        assert batch["floor"][i] == one.floor.value
        assert batch["lifted"][i] == one.lifted
