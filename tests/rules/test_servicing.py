"""Repayment allocation, penalty interest, days past due (RULES §3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules.daycount import DayCount
from kejin.rules.errors import DomainError
from kejin.rules.servicing import Allocation, Due, allocate, days_past_due, penalty_interest


def _d(text: str) -> Decimal:
    return Decimal(text)


DUE = Due(penalty=_d("12.50"), interest=_d("300.00"), principal=_d("5000.00"))


def test_payment_goes_to_penalty_then_interest_then_principal() -> None:
    # 1000.00 − 12.50 penalty − 300.00 interest = 687.50 principal
    result = allocate("1000.00", DUE)
    assert result == Allocation(
        penalty=_d("12.50"), interest=_d("300.00"), principal=_d("687.50"), remainder=_d("0.00")
    )
    assert result.applied == _d("1000.00")


def test_small_payment_covers_part_of_the_penalty_only() -> None:
    result = allocate("10.00", DUE)
    assert (result.penalty, result.interest, result.principal) == (_d("10.00"), _d("0"), _d("0"))


def test_payment_reaching_into_interest() -> None:
    # 100.00 − 12.50 = 87.50 of the 300.00 interest, nothing to principal
    result = allocate("100.00", DUE)
    assert (result.penalty, result.interest, result.principal) == (
        _d("12.50"),
        _d("87.50"),
        _d("0"),
    )


def test_exact_payment_clears_everything() -> None:
    # 12.50 + 300.00 + 5000.00 = 5312.50
    result = allocate("5312.50", DUE)
    assert (result.principal, result.remainder) == (_d("5000.00"), _d("0.00"))


def test_overpayment_without_prepayment_flag_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        allocate("5312.51", DUE)
    assert caught.value.code == "repayment.exceeds_due"
    assert "payment" in caught.value.fields


def test_overpayment_with_prepayment_flag_returns_the_remainder() -> None:
    # 6000.00 − 5312.50 = 687.50 left for the prepayment step
    result = allocate("6000.00", DUE, prepayment=True)
    assert result.remainder == _d("687.50")
    assert result.applied == _d("5312.50")


def test_due_given_as_a_mapping() -> None:
    result = allocate("50", {"interest": "30", "principal": "100"})
    assert (result.penalty, result.interest, result.principal) == (
        _d("0"),
        _d("30.00"),
        _d("20.00"),
    )


def test_invalid_payments_are_refused() -> None:
    with pytest.raises(DomainError) as caught:
        allocate("0", DUE)
    assert caught.value.code == "repayment.not_positive"
    with pytest.raises(DomainError) as caught:
        allocate("10.005", DUE)
    assert caught.value.code == "repayment.amount_not_fen"
    with pytest.raises(DomainError) as caught:
        Due(interest=_d("-1"))
    assert caught.value.code == "repayment.negative_due"
    with pytest.raises(TypeError):
        allocate(10.0, DUE)  # type: ignore[arg-type]


def test_penalty_interest_default_markup_rounds_half_up() -> None:
    # 10,000.00 overdue 10 days at 4.35%, penalty rate 4.35% × 1.5:
    # 10000 × 0.0435 × 1.5 / 360 × 10 = 6525 / 360 = 18.125 → 18.13 (half-up, not 18.12)
    assert penalty_interest("10000", "4.35", 10) == _d("18.13")


def test_penalty_interest_with_a_different_markup() -> None:
    # markup 30%: 10000 × 0.0435 × 1.3 / 360 × 10 = 5655 / 360 = 15.7083… → 15.71
    assert penalty_interest("10000", "4.35", 10, markup="0.3") == _d("15.71")


def test_penalty_interest_act_365() -> None:
    # 36500 × 0.04 × 1.5 / 365 × 10 = 2190 / 365 × 10 = 6.00 × 10 = 60.00
    assert penalty_interest("36500", "4", 10, convention=DayCount.ACT_365) == _d("60.00")


def test_penalty_interest_zero_days_and_bad_input() -> None:
    assert penalty_interest("10000", "4.35", 0) == _d("0.00")
    with pytest.raises(DomainError) as caught:
        penalty_interest("10000", "4.35", -1)
    assert caught.value.code == "repayment.penalty_input_negative"


def test_days_past_due() -> None:
    assert days_past_due(date(2024, 3, 15), date(2024, 3, 15)) == 0  # due today: not overdue
    assert days_past_due(date(2024, 3, 16), date(2024, 3, 15)) == 1
    assert days_past_due(date(2024, 3, 1), date(2024, 2, 28)) == 2  # 29 February 2024 counts
    assert days_past_due(date(2025, 3, 1), date(2025, 2, 28)) == 1
    assert days_past_due(date(2024, 3, 10), date(2024, 3, 15)) == 0  # not yet due
    assert days_past_due(date(2024, 3, 10), None) == 0


fen = st.integers(min_value=0, max_value=10**12).map(lambda f: Decimal(f) / 100)


@given(penalty=fen, interest=fen, principal=fen, pay=st.integers(1, 4 * 10**12), flag=st.booleans())
def test_allocation_never_creates_or_loses_a_fen(
    penalty: Decimal, interest: Decimal, principal: Decimal, pay: int, flag: bool
) -> None:
    due = Due(penalty=penalty, interest=interest, principal=principal)
    payment = Decimal(pay) / 100
    if payment > due.total and not flag:
        with pytest.raises(DomainError):
            allocate(payment, due)
        return
    result = allocate(payment, due, prepayment=flag)
    assert result.penalty + result.interest + result.principal + result.remainder == payment
    assert 0 <= result.penalty <= penalty
    assert 0 <= result.interest <= interest
    assert 0 <= result.principal <= principal
    # a later component gets money only once the earlier ones are fully paid
    if result.interest > 0:
        assert result.penalty == penalty
    if result.principal > 0:
        assert result.interest == interest
    if result.remainder > 0:
        assert result.applied == due.total
