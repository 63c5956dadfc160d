"""Day count conventions: days of a period and unrounded interest (RULES §2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules.daycount import (
    DayCount,
    accrual_days,
    accrued_interest,
    interest,
    interest_for_days,
    parse_day_count,
    year_fraction,
)
from kejin.rules.errors import DomainError
from kejin.rules.money import round_fen


def test_act_360_is_the_default_and_divides_by_360() -> None:
    # 100,000 yuan at 3.45% over 31 days: 100000 × 0.0345 × 31 / 360 = 106950 / 360 = 297.0833…
    value = interest(Decimal("100000"), Decimal("3.45"), date(2024, 1, 1), date(2024, 2, 1))
    assert value.quantize(Decimal("1e-20")) == Decimal("297.08333333333333333333")
    assert round_fen(value) == Decimal("297.08")


def test_act_365_divides_by_365() -> None:
    # 100000 × 0.0345 × 31 / 365 = 106950 / 365 = 293.0136… → 293.01
    value = interest("100000", "3.45", date(2024, 1, 1), date(2024, 2, 1), DayCount.ACT_365)
    assert round_fen(value) == Decimal("293.01")


def test_interest_is_unrounded() -> None:
    # 1 yuan at 1% for 1 day: 1 × 0.01 / 360 = 0.0000277…, far below a fen, not rounded away
    value = interest_for_days(Decimal(1), Decimal(1), 1)
    assert Decimal("0.0000277") < value < Decimal("0.0000278")


def test_leap_february_has_29_actual_days() -> None:
    assert accrual_days(date(2024, 2, 1), date(2024, 3, 1)) == 29
    assert accrual_days(date(2023, 2, 1), date(2023, 3, 1)) == 28


def test_period_across_29_february_2024() -> None:
    # 2024-02-15 → 2024-03-15: 14 days left in February (15..29 less the 15th = 14) + 15 = 29
    # 100000 × 0.0345 × 29 / 360 = 100050 / 360 = 277.9166… → 277.92
    value = interest("100000", "3.45", date(2024, 2, 15), date(2024, 3, 15))
    assert round_fen(value) == Decimal("277.92")


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # D1 = 15, D2 = 15: 30 × 6 = 180
        (date(2024, 1, 15), date(2024, 7, 15), 180),
        # 31 January counts as 30; 29 February stays 29: 30 × 1 + (29 − 30) = 29
        (date(2024, 1, 31), date(2024, 2, 29), 29),
        # start day 29 (not 30/31), so end day 31 stays 31: 30 × 1 + (31 − 29) = 32
        (date(2024, 2, 29), date(2024, 3, 31), 32),
        # start 31 → 30, end 30: 30 × 1 + 0 = 30
        (date(2024, 3, 31), date(2024, 4, 30), 30),
        # start 30, end 31 → 30: 30 × 1 = 30
        (date(2024, 4, 30), date(2024, 5, 31), 30),
        # one year: 360 × 1 = 360
        (date(2023, 6, 1), date(2024, 6, 1), 360),
    ],
)
def test_thirty_360_bond_basis(start: date, end: date, days: int) -> None:
    assert accrual_days(start, end, DayCount.THIRTY_360) == days


def test_thirty_360_interest_on_a_regular_month() -> None:
    # 36,000 at 5% for a 30/360 month: 36000 × 0.05 × 30 / 360 = 150.00
    value = interest("36000", "5", date(2024, 3, 31), date(2024, 4, 30), "30/360")
    assert value == Decimal("150")


def test_year_fraction_uses_the_basis() -> None:
    # 2024-01-01 → 2025-01-01 is 366 actual days: 366 / 360 = 1.01666…, 366 / 365 = 1.00273…
    act_360 = year_fraction(date(2024, 1, 1), date(2025, 1, 1))
    act_365 = year_fraction(date(2024, 1, 1), date(2025, 1, 1), DayCount.ACT_365)
    assert act_360.quantize(Decimal("1e-12")) == Decimal("1.016666666667")
    assert act_365.quantize(Decimal("1e-12")) == Decimal("1.002739726027")


def test_accrued_interest_over_two_rate_segments_rounds_once() -> None:
    # 10,000 for 10 days at 3% then 20 days at 6%: rate_days = 3 × 10 + 6 × 20 = 150
    # 10000 × 150 / (100 × 360) = 41.666… → 41.67 (rounding each segment: 8.33 + 33.33 = 41.66)
    value = accrued_interest(Decimal(10000), Decimal(150))
    assert round_fen(value) == Decimal("41.67")


def test_zero_length_period_has_no_interest() -> None:
    assert interest("5000", "4", date(2024, 5, 1), date(2024, 5, 1)) == 0


def test_end_before_start_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        accrual_days(date(2024, 2, 1), date(2024, 1, 31))
    assert caught.value.code == "daycount.end_before_start"


def test_float_principal_is_refused() -> None:
    with pytest.raises(TypeError):
        interest(100000.0, "3.45", date(2024, 1, 1), date(2024, 2, 1))  # type: ignore[arg-type]


def test_datetime_is_not_a_business_date() -> None:
    with pytest.raises(TypeError):
        accrual_days(datetime(2024, 1, 1, 9, 0), date(2024, 2, 1))


def test_convention_names_parse_case_insensitively() -> None:
    assert parse_day_count("act/365") is DayCount.ACT_365
    assert DayCount.ACT_360.basis == 360
    assert DayCount.ACT_365.label == "实际天数/365"
    with pytest.raises(DomainError) as caught:
        parse_day_count("ACT/ACT")
    assert caught.value.code == "daycount.unknown"


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    a=st.integers(min_value=0, max_value=400),
    b=st.integers(min_value=0, max_value=400),
)
def test_actual_days_add_up_over_adjacent_periods(start: date, a: int, b: int) -> None:
    middle, end = start + timedelta(days=a), start + timedelta(days=a + b)
    assert accrual_days(start, middle) + accrual_days(middle, end) == accrual_days(start, end)


@given(
    principal=st.integers(min_value=1, max_value=10**10).map(lambda f: Decimal(f) / 100),
    rate=st.integers(min_value=0, max_value=240000).map(lambda r: Decimal(r) / 10000),
    days=st.integers(min_value=0, max_value=20000),
)
def test_interest_equals_the_exact_fraction(principal: Decimal, rate: Decimal, days: int) -> None:
    # exact value: fen × rate_e4 × days / (360 × 10^6) fen; the Decimal result rounds the same way
    fen, rate_e4 = int(principal * 100), int(rate * 10000)
    numerator, denominator = fen * rate_e4 * days, 360 * 10**6
    expected_fen = (2 * numerator + denominator) // (2 * denominator)
    assert round_fen(interest_for_days(principal, rate, days)) * 100 == expected_fen
