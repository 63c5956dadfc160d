"""Grants to the innovation ecosystem: maker spaces, competitions (实施意见（二十二）), sci-tech
finance parks (十九) and high-level finance talent (二十五).

Each is a fixed amount read on its reference date, paid once per event, or zero with a reason:

- maker space (众创空间/创客空间): ``maker_space.grant`` to the operating institution, once per
  space, read on the day the space was recognised;
- innovation competition: ``competition.award.<tier>`` to the winner, once per competition, read on
  the award date;
- sci-tech finance park: ``park.award`` to the district that built it, once per park, read on the
  day the park was recognised;
- high-level finance talent: ``talent.per_person_per_year`` for each calendar year in which the
  person holds the recognition (any day of the year), read on 31 December of the year (the value
  governing the year, as for annual caps); the full amount per year, once per person and year.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from enum import StrEnum

from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.fixed import Measure, fixed_award
from kejin.rules.subsidies.trace import Award, clause

MAKER_SPACE = Measure("maker_space.grant", "众创空间补助", clause("二十二"), "maker_space.grant")
PARK = Measure("park.award", "科技金融产业园区扶持奖励", clause("十九"), "park.award")
TALENT = Measure(
    "talent.subsidy", "高层次金融人才补贴", clause("二十五"), "talent.per_person_per_year"
)


class PrizeTier(StrEnum):
    """Prize tiers of an innovation competition."""

    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    EXCELLENCE = "excellence"


TIER_LABELS = {
    PrizeTier.FIRST: "一等奖",
    PrizeTier.SECOND: "二等奖",
    PrizeTier.THIRD: "三等奖",
    PrizeTier.EXCELLENCE: "优秀奖",
}


def maker_space_grant(
    operator_id: str,
    space_id: str,
    recognised_on: date,
    params: ParameterSet,
    *,
    already_granted: bool = False,
) -> Award:
    """The grant to ``operator_id`` for maker space ``space_id`` recognised on ``recognised_on``."""
    refusal = f"众创空间 {space_id} 已获得过补助，每个空间补助一次" if already_granted else ""
    inputs = {"operator_id": operator_id, "space_id": space_id, "recognised_on": recognised_on}
    return fixed_award(MAKER_SPACE, operator_id, recognised_on, params, inputs, refusal=refusal)


def competition_award(
    winner_id: str,
    competition_id: str,
    tier: PrizeTier,
    awarded_on: date,
    params: ParameterSet,
    *,
    already_awarded: bool = False,
) -> Award:
    """The award to a winner (enterprise, project or team) of ``competition_id`` at ``tier``."""
    measure = Measure(
        "competition.award",
        f"科技创新创业大赛资助·{TIER_LABELS[tier]}",
        clause("二十二"),
        f"competition.award.{tier.value}",
    )
    refusal = f"已就大赛 {competition_id} 获得过资助" if already_awarded else ""
    inputs = {
        "winner_id": winner_id,
        "competition_id": competition_id,
        "tier": tier,
        "awarded_on": awarded_on,
    }
    return fixed_award(measure, winner_id, awarded_on, params, inputs, refusal=refusal)


def park_award(
    district_code: str,
    park_id: str,
    recognised_on: date,
    params: ParameterSet,
    *,
    already_awarded: bool = False,
) -> Award:
    """The award to the district ``district_code`` for the park ``park_id`` it built."""
    refusal = f"科技金融产业园区 {park_id} 已获得过奖励" if already_awarded else ""
    inputs = {"district_code": district_code, "park_id": park_id, "recognised_on": recognised_on}
    return fixed_award(PARK, district_code, recognised_on, params, inputs, refusal=refusal)


def talent_subsidy(
    person_id: str,
    year: int,
    recognised_from: date,
    params: ParameterSet,
    *,
    recognised_until: date | None = None,
    years_granted: Collection[int] = (),
) -> Award:
    """The subsidy of a recognised high-level finance talent for calendar ``year``.

    The person qualifies for ``year`` when the recognition [recognised_from, recognised_until]
    covers at least one day of it; a year already granted gives zero.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    refusal = ""
    if recognised_from > last or (recognised_until is not None and recognised_until < first):
        refusal = f"{year} 年内不在高层次金融人才认定有效期内"
    elif year in years_granted:
        refusal = f"{year} 年度补贴已发放，每人每年一次"
    inputs = {
        "person_id": person_id,
        "year": year,
        "recognised_from": recognised_from,
        "recognised_until": recognised_until,
        "years_granted": sorted(years_granted),
    }
    return fixed_award(TALENT, person_id, last, params, inputs, refusal=refusal)
