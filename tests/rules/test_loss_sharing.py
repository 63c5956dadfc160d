"""Risk compensation pool (实施意见（十四）（二十）, RULES §8): sharing, recovery, leverage, NPL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules.errors import DomainError
from kejin.rules.loss_sharing import (
    BANK,
    INSURER,
    POOL,
    compensate_loss,
    is_suspended,
    leverage_headroom,
    npl_ratio,
    share_loss,
    split_recovery,
)
from kejin.rules.params import ParameterSet

D = Decimal
P = ParameterSet.defaults()
DAY = date(2024, 6, 30)


def test_loss_with_insurance_is_shared_40_40_20_to_the_fen() -> None:
    # 2,345,678.91 = 234,567,891 fen
    #   pool 40%: 93,827,156.4 fen, bank 40%: 93,827,156.4, insurer 20%: 46,913,578.2
    #   floors 93,827,156 + 93,827,156 + 46,913,578 = 234,567,890: one fen left over,
    #   largest remainders .4 (pool), .4 (bank), .2: the tie goes to the pool, listed first.
    result = compensate_loss(D("2345678.91"), P, DAY, insured=True)
    assert result.shares == {POOL: D("938271.57"), BANK: D("938271.56"), INSURER: D("469135.78")}
    assert sum(result.shares.values()) == D("2345678.91")
    assert result.pool_excess == D(0)
    assert [p.key for p in result.trace.steps[0].params] == [
        "risk_pool.share_with_insurance.pool",
        "risk_pool.share_with_insurance.bank",
        "risk_pool.share_with_insurance.insurer",
        "risk_pool.per_loan_cap",
    ]
    assert result.trace.reads()["risk_pool.per_loan_cap"] == DAY


def test_loss_without_insurance_is_shared_50_50() -> None:
    # 1,234,567.89 = 123,456,789 fen; half is 61,728,394.5 each: floors leave one fen,
    # the tie goes to the pool → pool 617,283.95, bank 617,283.94
    result = compensate_loss(D("1234567.89"), P, DAY, insured=False)
    assert result.shares == {POOL: D("617283.95"), BANK: D("617283.94")}


def test_the_pool_pays_at_most_the_per_loan_cap_and_the_bank_bears_the_excess() -> None:
    # with insurance, loss 8,000,000.00: pool 40% = 3,200,000.00 > 3,000,000.00 cap
    #   → pool 3,000,000.00; bank 3,200,000.00 + 200,000.00 = 3,400,000.00; insurer 1,600,000.00
    result = compensate_loss(D("8000000.00"), P, DAY, insured=True)
    assert result.shares == {
        POOL: D("3000000.00"),
        BANK: D("3400000.00"),
        INSURER: D("1600000.00"),
    }
    assert result.pool_excess == D("200000.00")
    assert result.trace.steps[-1].code == "capped"
    # without insurance, loss 10,000,000.00: pool 50% = 5,000,000.00 → 3,000,000.00;
    # bank 5,000,000.00 + 2,000,000.00 = 7,000,000.00
    plain = compensate_loss(D("10000000.00"), P, DAY, insured=False)
    assert plain.shares == {POOL: D("3000000.00"), BANK: D("7000000.00")}


def test_shares_must_add_up_to_100() -> None:
    with pytest.raises(DomainError) as err:
        share_loss(D("100.00"), {POOL: 40, BANK: 40, INSURER: 10}, None)
    assert err.value.code == "loss_sharing.shares_not_100"
    assert "90" in err.value.message


def test_a_capped_pool_needs_a_bank_to_take_the_excess() -> None:
    with pytest.raises(DomainError) as err:
        share_loss(D("100.00"), {POOL: 60, INSURER: 40}, D("10.00"))
    assert err.value.code == "loss_sharing.no_bank"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: share_loss(D("-1.00"), {POOL: 100}), "loss"),
        (lambda: share_loss(D("1.00"), {POOL: 100}, D("-5")), "pool_cap"),
        (lambda: share_loss(D("1.00"), {POOL: 110, BANK: -10}), f"shares.{BANK}"),
        (lambda: split_recovery(D("-0.01"), {POOL: D(1)}, D(1)), "recovery"),
        (lambda: split_recovery(D("0.01"), {POOL: D(-1)}, D(1)), f"paid_by_party.{POOL}"),
        (lambda: split_recovery(D("0.01"), {POOL: D(1)}, D(-1)), "total_loss"),
        (lambda: leverage_headroom(D("-1"), 10, D(0)), "balance"),
        (lambda: leverage_headroom(D("1"), -10, D(0)), "leverage"),
        (lambda: npl_ratio(D("-1"), D(10)), "npl_outstanding"),
    ],
)
def test_negative_amounts_are_refused_with_the_field(call: object, field: str) -> None:
    with pytest.raises(DomainError) as err:
        call()  # type: ignore[operator]
    assert list(err.value.fields) == [field]


def test_a_recovery_goes_back_pro_rata_three_ways_with_the_odd_fen_to_the_largest_remainder() -> (
    None
):
    # paid on the 8,000,000.00 loss above:
    #   pool 3,000,000.00 / bank 3,400,000.00 / insurer 1,600,000.00
    # recovery 1,000,000.01 = 100,000,001 fen:
    #   pool    100,000,001 × 3.0/8.0 = 37,500,000.375 fen
    #   bank    100,000,001 × 3.4/8.0 = 42,500,000.425 fen
    #   insurer 100,000,001 × 1.6/8.0 = 20,000,000.200 fen
    #   floors add to 100,000,000; the odd fen goes to the largest remainder, .425: the bank.
    paid = {POOL: D("3000000.00"), BANK: D("3400000.00"), INSURER: D("1600000.00")}
    back = split_recovery(D("1000000.01"), paid, D("8000000.00"))
    assert back == {POOL: D("375000.00"), BANK: D("425000.01"), INSURER: D("200000.00")}
    assert sum(back.values()) == D("1000000.01")
    # What is left to recover: 8,000,000.00 − 1,000,000.01 = 6,999,999.99. More is refused.
    with pytest.raises(DomainError) as err:
        split_recovery(D("7000000.00"), paid, D("8000000.00"), back)
    assert (err.value.code, err.value.status) == ("recovery.exceeds_loss", 409)
    # The rest, exactly, returns every party to what it paid.
    rest = split_recovery(D("6999999.99"), paid, D("8000000.00"), back)
    assert {p: back[p] + rest[p] for p in paid} == paid


def test_a_recovery_larger_than_the_whole_loss_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        split_recovery(D("100.01"), {POOL: D("50.00"), BANK: D("50.00")}, D("100.00"))
    assert err.value.code == "recovery.exceeds_loss"


def test_paid_amounts_must_add_up_to_the_loss() -> None:
    with pytest.raises(DomainError) as err:
        split_recovery(D("1.00"), {POOL: D("50.00"), BANK: D("40.00")}, D("100.00"))
    assert err.value.code == "recovery.paid_not_equal_loss"


def test_a_zero_recovery_returns_zero_to_everyone() -> None:
    assert split_recovery(D(0), {POOL: D("1.00"), BANK: D("1.00")}, D("2.00")) == {
        POOL: D(0),
        BANK: D(0),
    }


def test_leverage_headroom_is_ten_times_the_balance_less_what_is_registered() -> None:
    # 10,000,000.00 × 10 − 85,000,000.00 = 15,000,000.00
    assert leverage_headroom(D("10000000.00"), 10, D("85000000.00")) == D("15000000.00")
    # over-registered (after the pool paid out): no headroom, never negative
    assert leverage_headroom(D("8000000.00"), 10, D("85000000.00")) == D(0)


def test_a_bank_is_suspended_only_above_the_npl_threshold() -> None:
    threshold = P.decimal_at("risk_pool.npl_suspension_ratio", DAY)
    # 5,000,000.00 ÷ 100,000,000.00 = 5%: at the threshold, not above it
    at = npl_ratio(D("5000000.00"), D("100000000.00"))
    assert (at, is_suspended(at, threshold)) == (D(5), False)
    # 5,000,000.01 ÷ 100,000,000.00 = 5.00000001% > 5%
    above = npl_ratio(D("5000000.01"), D("100000000.00"))
    assert is_suspended(above, threshold)
    assert npl_ratio(D(0), D(0)) == D(0)
    with pytest.raises(DomainError) as err:
        npl_ratio(D("2.00"), D("1.00"))
    assert err.value.code == "risk_pool.npl_exceeds_outstanding"


fen_amounts = st.integers(0, 10**12).map(lambda f: D(f) / 100)


@given(loss=fen_amounts, insured=st.booleans())
def test_shares_always_add_up_to_the_loss_and_the_pool_never_exceeds_its_cap(
    loss: Decimal, insured: bool
) -> None:
    result = compensate_loss(loss, P, DAY, insured=insured)
    assert sum(result.shares.values()) == loss
    assert all(v >= 0 and v == v.quantize(D("0.01")) for v in result.shares.values())
    assert result.shares[POOL] <= D(3_000_000)


@given(
    paid=st.lists(st.integers(0, 10**10), min_size=1, max_size=4).filter(lambda p: sum(p) > 0),
    cuts=st.lists(st.integers(0, 1000), min_size=1, max_size=5),
)
def test_recoveries_add_up_and_never_return_more_than_a_party_paid(
    paid: list[int], cuts: list[int]
) -> None:
    parties = {f"p{i}": D(v) / 100 for i, v in enumerate(paid)}
    loss = sum(parties.values(), D(0))
    got = dict.fromkeys(parties, D(0))
    left = loss
    for cut in cuts:
        recovery = (left * cut / 1000).quantize(D("0.01"), rounding="ROUND_DOWN")
        back = split_recovery(recovery, parties, loss, got)
        assert sum(back.values()) == recovery
        got = {p: got[p] + back[p] for p in parties}
        left -= recovery
        assert all(got[p] <= parties[p] for p in parties)
    final = split_recovery(left, parties, loss, got)
    assert {p: got[p] + final[p] for p in parties} == parties
