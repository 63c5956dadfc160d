"""M&A fees (实施意见（十五）), bond interest (十七), maker spaces and competitions (二十二),
parks (十九), talent (二十五): worked examples and cap properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules.errors import DomainError
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.bond import BondKind, CouponPayment, bond_interest_award
from kejin.rules.subsidies.grants import (
    PrizeTier,
    competition_award,
    maker_space_grant,
    park_award,
    talent_subsidy,
)
from kejin.rules.subsidies.mna import IntermediaryFee, mna_fee_award

D = Decimal
P = ParameterSet.defaults()
DAY = date(2024, 9, 30)

# ---------------------------------------------------------------------------------------------
# M&A intermediary fees: 50%, at most 1,000,000 per deal


def test_mna_grant_is_half_the_intermediary_fees() -> None:
    # fees: 600,000.00 (financial adviser) + 350,000.01 (law firm) + 45,000.00 (audit)
    #     = 995,000.01; × 50% = 497,500.005 → 497,500.01 (half-up); within the 1,000,000 cap.
    fees = [
        IntermediaryFee("财务顾问", "某证券", D("600000.00")),
        IntermediaryFee("法律", "某律所", D("350000.01")),
        IntermediaryFee("审计", "某会计师事务所", D("45000.00")),
    ]
    award = mna_fee_award("E1", "DEAL-1", DAY, fees, P)
    assert award.amount == D("497500.01")
    assert [s.amount for s in award.trace.steps] == [D("995000.01"), D("497500.01"), D("497500.01")]
    assert award.trace.clause == "实施意见（十五）"


def test_mna_grant_stops_at_the_cap_per_deal_across_applications() -> None:
    # first application: 2,400,000.00 × 50% = 1,200,000.00 → capped at 1,000,000.00
    big = [IntermediaryFee("财务顾问", "某证券", D("2400000.00"))]
    first = mna_fee_award("E1", "DEAL-2", DAY, big, P)
    assert first.amount == D("1000000.00")
    assert first.reasons == ("每个并购项目资助上限 1,000,000.00 元，已资助 0.00 元",)
    # a later application for the same deal after 900,000.00 was granted:
    # 300,000.00 × 50% = 150,000.00 → min(150,000.00, 1,000,000 − 900,000) = 100,000.00
    later = mna_fee_award(
        "E1",
        "DEAL-3",
        DAY,
        [IntermediaryFee("法律", "某律所", D("300000.00"))],
        P,
        already_awarded_for_deal=D("900000.00"),
    )
    assert later.amount == D("100000.00")


def test_mna_negative_fee_is_refused_with_its_field() -> None:
    with pytest.raises(DomainError) as err:
        mna_fee_award("E1", "D", DAY, [IntermediaryFee("法律", "x", D("-1.00"))], P)
    assert list(err.value.fields) == ["fees[0].amount"]


@given(
    fees=st.lists(st.integers(0, 10**10), max_size=6),
    already=st.integers(0, 2 * 10**8),
)
def test_mna_grant_never_exceeds_the_cap(fees: list[int], already: int) -> None:
    award = mna_fee_award(
        "E1",
        "D",
        DAY,
        [IntermediaryFee("财务顾问", "x", D(f) / 100) for f in fees],
        P,
        already_awarded_for_deal=D(already) / 100,
    )
    assert D(0) <= award.amount <= max(D(1_000_000) - D(already) / 100, D(0))
    assert award.amount <= (D(sum(fees)) / 100 / 2).quantize(D("0.01"), rounding="ROUND_HALF_UP")


# ---------------------------------------------------------------------------------------------
# Bond interest: 30% of the coupon, at most 1,000,000 per enterprise per year


def coupon(
    bond: str, paid_on: date, amount: str, kind: BondKind = BondKind.PRIVATE_PLACEMENT
) -> CouponPayment:
    return CouponPayment(bond, kind, paid_on, D(amount))


def test_bond_subsidy_is_30_percent_of_the_coupon() -> None:
    # 1,234,567.89 × 30% = 370,370.367 → 370,370.37
    # collective notes 100,000.05 × 30% = 30,000.015 → 30,000.02 (half-up)
    # a medium-term note is not covered: 0 with the reason
    award = bond_interest_award(
        "E1",
        [
            coupon("PP-1", date(2024, 6, 30), "1234567.89"),
            coupon("CN-1", date(2024, 7, 15), "100000.05", BondKind.COLLECTIVE_NOTES),
            coupon("MTN-1", date(2024, 8, 1), "500000.00", BondKind.MEDIUM_TERM_NOTE),
        ],
        P,
    )
    assert award.amount == D("400370.39")  # 370,370.37 + 30,000.02
    assert award.reasons == ("债券 MTN-1 不是中小企业私募债或区域集优集合票据，不予贴息",)
    assert award.trace.clause == "实施意见（十七）"


def test_bond_subsidy_stops_at_the_annual_cap_and_restarts_next_year() -> None:
    # 2024: 700,000.00 already approved; 1,000,000.00 × 30% = 300,000.00 reaches 1,000,000 exactly;
    #       a second coupon 2024-12-30: 10,000.00 × 30% = 3,000.00 → cut to 0.
    # 2025: 10,000.00 × 30% = 3,000.00 kept.
    award = bond_interest_award(
        "E1",
        [
            coupon("PP-1", date(2024, 6, 30), "1000000.00"),
            coupon("PP-1", date(2024, 12, 30), "10000.00"),
            coupon("PP-1", date(2025, 6, 30), "10000.00"),
        ],
        P,
        {2024: D("700000.00")},
    )
    assert award.amount == D("303000.00")
    year_steps = [s for s in award.trace.steps if s.label.endswith("年度上限")]
    assert [(s.amount, s.code) for s in year_steps] == [
        (D("300000.00"), "capped"),
        (D("3000.00"), ""),
    ]
    assert award.reasons == ("2024 年贴息达到每家企业年度上限，核减 3,000.00 元",)


@given(
    coupons=st.lists(st.tuples(st.integers(0, 10**11), st.sampled_from([2023, 2024])), max_size=8),
    already=st.integers(0, 2 * 10**8),
)
def test_bond_subsidy_never_takes_a_year_above_the_cap(
    coupons: list[tuple[int, int]], already: int
) -> None:
    items = [
        coupon(f"B{i}", date(y, 6, 1 + i), str(D(c) / 100)) for i, (c, y) in enumerate(coupons)
    ]
    approved = D(already) / 100
    award = bond_interest_award("E1", items, P, {2024: approved})
    years = {s.label[:4]: s.amount for s in award.trace.steps if s.label.endswith("年度上限")}
    assert years.get("2023", D(0)) <= D(1_000_000)
    assert years.get("2024", D(0)) <= max(D(1_000_000) - approved, D(0))
    assert award.amount == sum(years.values(), D(0))


# ---------------------------------------------------------------------------------------------
# Grants


def test_maker_space_gets_300000_once() -> None:
    award = maker_space_grant("OP-1", "SPACE-1", DAY, P)
    assert (award.amount, award.beneficiary, award.trace.clause) == (
        D("300000.00"),
        "OP-1",
        "实施意见（二十二）",
    )
    again = maker_space_grant("OP-1", "SPACE-1", DAY, P, already_granted=True)
    assert (again.amount, again.reasons) == (
        D(0),
        ("众创空间 SPACE-1 已获得过补助，每个空间补助一次",),
    )


@pytest.mark.parametrize(
    ("tier", "amount"),
    [
        (PrizeTier.FIRST, "500000.00"),
        (PrizeTier.SECOND, "300000.00"),
        (PrizeTier.THIRD, "200000.00"),
        (PrizeTier.EXCELLENCE, "50000.00"),
    ],
)
def test_competition_awards_follow_the_prize_tier(tier: PrizeTier, amount: str) -> None:
    award = competition_award("TEAM-7", "CUP-2024", tier, DAY, P)
    assert award.amount == D(amount)
    assert award.trace.steps[0].params[0].key == f"competition.award.{tier.value}"


def test_a_second_award_for_one_competition_is_zero() -> None:
    award = competition_award("TEAM-7", "CUP-2024", PrizeTier.FIRST, DAY, P, already_awarded=True)
    assert award.amount == D(0)


def test_a_district_that_built_a_park_gets_the_park_award_once() -> None:
    award = park_award("220102", "PARK-1", DAY, P)
    assert (award.amount, award.beneficiary, award.trace.clause) == (
        D("1000000.00"),
        "220102",
        "实施意见（十九）",
    )
    assert park_award("220102", "PARK-1", DAY, P, already_awarded=True).amount == D(0)


def test_talent_gets_100000_for_each_year_of_recognition() -> None:
    # recognised 2023-11-15 to 2025-03-31: 2023, 2024 and 2025 each qualify (any day of the year)
    for year in (2023, 2024, 2025):
        award = talent_subsidy(
            "P-1", year, date(2023, 11, 15), P, recognised_until=date(2025, 3, 31)
        )
        assert award.amount == D("100000.00"), year
        assert award.reference_date == date(year, 12, 31)
    outside = talent_subsidy("P-1", 2026, date(2023, 11, 15), P, recognised_until=date(2025, 3, 31))
    assert (outside.amount, outside.reasons) == (D(0), ("2026 年内不在高层次金融人才认定有效期内",))
    before = talent_subsidy("P-1", 2022, date(2023, 11, 15), P)
    assert before.amount == D(0)
    twice = talent_subsidy("P-1", 2024, date(2023, 11, 15), P, years_granted={2024})
    assert twice.reasons == ("2024 年度补贴已发放，每人每年一次",)
