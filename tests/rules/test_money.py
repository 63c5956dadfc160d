"""Money: Decimal yuan, half-up to the fen, exact largest-remainder splits."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules.errors import DomainError
from kejin.rules.money import fmt_yuan, round_fen, split, to_decimal, yuan

D = Decimal


def test_round_fen_is_half_up_not_bankers() -> None:
    # 0.125 → 0.13 (half-up); banker's rounding would give 0.12
    assert round_fen(D("0.125")) == D("0.13")
    assert round_fen(D("0.135")) == D("0.14")
    assert round_fen(D("2.675")) == D("2.68")
    # negative amounts round half away from zero: -0.125 → -0.13
    assert round_fen(D("-0.125")) == D("-0.13")
    assert round_fen(D("0.124999")) == D("0.12")


def test_a_float_never_reaches_money() -> None:
    with pytest.raises(TypeError):
        yuan(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        round_fen(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_decimal(True)  # type: ignore[arg-type]


def test_yuan_parses_strings_with_thousands_separators() -> None:
    assert yuan("1,234,567.805") == D("1234567.81")
    assert yuan(100) == D("100.00")


def test_yuan_refuses_text_with_a_field_named_error() -> None:
    with pytest.raises(DomainError) as err:
        yuan("十万", field="amount")
    assert err.value.code == "money.not_a_number"
    assert "amount" in err.value.fields


def test_split_of_100_yuan_in_three_equal_parts_gives_the_odd_fen_to_the_first() -> None:
    # 10000 fen / 3 = 3333.33… each; floors 3333 × 3 = 9999; 1 fen left → share 1 (ties → earlier)
    assert split(D("100.00"), [1, 1, 1]) == [D("33.34"), D("33.33"), D("33.33")]


def test_split_by_40_40_20_of_an_odd_fen_amount() -> None:
    # 1000.01 yuan = 100001 fen: 40% → 40000.4, 40% → 40000.4, 20% → 20000.2
    # floors 40000 + 40000 + 20000 = 100000, 1 fen left → largest remainder .4 (first)
    assert split(D("1000.01"), [40, 40, 20]) == [D("400.01"), D("400.00"), D("200.00")]


def test_split_refuses_an_amount_below_the_fen() -> None:
    with pytest.raises(ValueError, match="fen"):
        split(D("1.001"), [1, 1])


def test_split_of_a_negative_amount_mirrors_the_positive_split() -> None:
    assert split(D("-100.00"), [1, 1, 1]) == [D("-33.34"), D("-33.33"), D("-33.33")]


def test_fmt_yuan_shows_thousands_and_two_decimals() -> None:
    assert fmt_yuan(D("1234567.8")) == "1,234,567.80"


@given(
    fens=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8).filter(
        lambda ws: sum(ws) > 0
    ),
)
def test_split_always_adds_up_to_the_fen_and_no_share_is_off_by_more_than_a_fen(
    fens: int, weights: list[int]
) -> None:
    amount = D(fens) / 100
    shares = split(amount, weights)
    assert sum(shares, D(0)) == amount
    total = sum(weights)
    for share, w in zip(shares, weights, strict=True):
        exact = amount * w / total
        assert abs(share - exact) < D("0.01")
        assert share == round_fen(share)
