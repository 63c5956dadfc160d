"""Capital market awards: staged listing (实施意见（十五）), NEEQ and regional equity (十六)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from kejin.rules.errors import DomainError
from kejin.rules.params import ORIGIN_CITY, ParameterSet, ParamValue, Unit
from kejin.rules.subsidies.listing import (
    Milestone,
    Quotation,
    local_broker_award,
    milestone_award,
)

D = Decimal
P = ParameterSet.defaults()
DAY = date(2024, 5, 10)


@pytest.mark.parametrize(
    ("milestone", "amount", "clause"),
    [
        # listing track (十五), city defaults
        (Milestone.SHARE_REFORM, "200000.00", "实施意见（十五）"),
        (Milestone.TUTORING, "300000.00", "实施意见（十五）"),
        (Milestone.FILING_ACCEPTED, "500000.00", "实施意见（十五）"),
        (Milestone.LISTING, "2000000.00", "实施意见（十五）"),
        # NEEQ track (十六): 20万 share reform, 50万 broker tutoring, fixed by the seed
        (Milestone.NEEQ_SHARE_REFORM, "200000.00", "实施意见（十六）"),
        (Milestone.NEEQ_TUTORING, "500000.00", "实施意见（十六）"),
        # regional equity exchange quotation (十六), city default 10万
        (Milestone.REGIONAL_EQUITY_QUOTATION, "100000.00", "实施意见（十六）"),
    ],
)
def test_each_milestone_pays_its_parameter(milestone: Milestone, amount: str, clause: str) -> None:
    award = milestone_award("E1", milestone, DAY, P)
    assert (award.amount, award.beneficiary, award.reasons) == (D(amount), "E1", ())
    assert award.trace.clause == clause
    (step,) = award.trace.steps
    assert step.params[0].effective_from == date(2016, 1, 1)
    assert step.formula == f"按 2024-05-10 施行的标准 {D(amount):,.2f} 元"


def test_a_milestone_paid_once_is_not_paid_again() -> None:
    award = milestone_award(
        "E1", Milestone.NEEQ_TUTORING, DAY, P, already_awarded={Milestone.NEEQ_TUTORING}
    )
    assert award.amount == D(0)
    assert award.reasons == ("该企业已获得“新三板挂牌·券商签约辅导补助”，一次性补助不重复发放",)
    assert award.trace.steps[-1].code == "refused"


def test_one_share_reform_is_paid_once_across_the_listing_and_neeq_tracks() -> None:
    # Share reform already paid under 十五 (200,000): the NEEQ claim (十六) for it pays 0.
    neeq = milestone_award(
        "E1", Milestone.NEEQ_SHARE_REFORM, DAY, P, already_awarded=[Milestone.SHARE_REFORM]
    )
    assert neeq.amount == D(0)
    assert "上市分阶段奖励·股份制改造" in neeq.reasons[0]
    # Tutoring likewise; other milestones are independent of each other.
    tutoring = milestone_award(
        "E1", Milestone.TUTORING, DAY, P, already_awarded=[Milestone.NEEQ_TUTORING]
    )
    assert tutoring.amount == D(0)
    listing = milestone_award(
        "E1",
        Milestone.LISTING,
        DAY,
        P,
        already_awarded=[Milestone.SHARE_REFORM, Milestone.TUTORING, Milestone.FILING_ACCEPTED],
    )
    assert listing.amount == D("2000000.00")


def test_the_amount_is_the_one_in_force_on_the_day_the_milestone_was_reached() -> None:
    params = P.with_values(
        [
            ParamValue(
                "listing.stage.listing",
                date(2024, 1, 1),
                D(3_000_000),
                Unit.YUAN,
                "市通知",
                ORIGIN_CITY,
            )
        ]
    )
    assert milestone_award("E1", Milestone.LISTING, date(2023, 12, 31), params).amount == D(
        2_000_000
    )
    assert milestone_award("E1", Milestone.LISTING, date(2024, 1, 1), params).amount == D(3_000_000)


def test_local_broker_gets_200000_per_new_local_enterprise() -> None:
    # Three quotations: E1 and E3 are local and new → 2 × 200,000 = 400,000.00;
    # E2 is not local → 0; E1 listed twice counts once; E4 was paid in an earlier application → 0.
    award = local_broker_award(
        "BROKER-JL",
        True,
        [
            Quotation("E1", date(2024, 3, 1), True),
            Quotation("E2", date(2024, 3, 2), False),
            Quotation("E3", date(2024, 4, 1), True),
            Quotation("E1", date(2024, 4, 2), True),
            Quotation("E4", date(2024, 4, 3), True),
        ],
        P,
        already_awarded_enterprises={"E4"},
    )
    assert award.amount == D("400000.00")
    assert [s.amount for s in award.trace.steps] == [
        D("200000.00"),
        D(0),
        D("200000.00"),
        D(0),
        D(0),
        D("400000.00"),
    ]
    assert award.reasons == (
        "企业 E2 不是本地企业",
        "企业 E1 已计发过资助，每家企业只资助一次",
        "企业 E4 已计发过资助，每家企业只资助一次",
    )
    assert award.trace.clause == "实施意见（十六）"


def test_a_broker_from_another_province_gets_nothing() -> None:
    award = local_broker_award("BROKER-X", False, [Quotation("E1", DAY, True)], P)
    assert award.amount == D(0)
    assert award.reasons == ("仅本省券商辅导本地科技企业挂牌可获资助",)


def test_a_broker_claim_without_quotations_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        local_broker_award("B", True, [], P)
    assert err.value.code == "listing.no_quotations"


def test_a_listing_award_serialises() -> None:
    award = milestone_award("E1", Milestone.REGIONAL_EQUITY_QUOTATION, DAY, P)
    data = json.loads(award.to_json())
    assert data["trace"]["inputs"]["milestone"] == "regional_equity_quotation"
    assert data["trace"]["steps"][0]["params"][0]["key"] == "regional_equity.quotation"
    assert award.lines()[-1] == "结果：E1 获得 100,000.00 元"


def test_a_milestone_before_the_parameters_took_effect_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        milestone_award("E1", Milestone.LISTING, date(2015, 12, 31), P)
    assert err.value.code == "params.not_in_force"
