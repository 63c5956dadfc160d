"""Capital market awards: staged listing (实施意见（十五）), NEEQ and regional equity (十六).

An enterprise reaches *milestones*; each pays a fixed amount (the parameter in force on the day the
milestone was reached), once:

- listing track (十五): share reform, broker tutoring, filing accepted, listing;
- NEEQ track (十六): share reform 200,000 once, broker tutoring agreement 500,000 once;
- regional equity exchange quotation (十六): a grant on quotation.

One event, one award: share reform and broker tutoring appear in both the listing and the NEEQ
track. The platform pays one share reform once and one tutoring once, whichever track claims it
first; the other track's claim is zero with the reason (``MILESTONE_GROUPS``). A milestone already
paid is zero with the reason too.

The local broker award (十六) goes to a provincial broker: 200,000 per local enterprise it tutored
to NEEQ quotation, each enterprise once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, fmt_yuan, round_fen
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.fixed import Measure, fixed_award
from kejin.rules.subsidies.trace import Award, Trace, TraceStep, clause


class Milestone(StrEnum):
    """A capital-market milestone of an enterprise that pays an award."""

    SHARE_REFORM = "share_reform"
    TUTORING = "tutoring"
    FILING_ACCEPTED = "filing_accepted"
    LISTING = "listing"
    NEEQ_SHARE_REFORM = "neeq_share_reform"
    NEEQ_TUTORING = "neeq_tutoring"
    REGIONAL_EQUITY_QUOTATION = "regional_equity_quotation"


MEASURES: dict[Milestone, Measure] = {
    Milestone.SHARE_REFORM: Measure(
        "listing.share_reform",
        "上市分阶段奖励·股份制改造",
        clause("十五"),
        "listing.stage.share_reform",
    ),
    Milestone.TUTORING: Measure(
        "listing.tutoring", "上市分阶段奖励·券商签约辅导", clause("十五"), "listing.stage.tutoring"
    ),
    Milestone.FILING_ACCEPTED: Measure(
        "listing.filing_accepted",
        "上市分阶段奖励·申报获受理",
        clause("十五"),
        "listing.stage.filing_accepted",
    ),
    Milestone.LISTING: Measure(
        "listing.listing", "上市分阶段奖励·成功上市", clause("十五"), "listing.stage.listing"
    ),
    Milestone.NEEQ_SHARE_REFORM: Measure(
        "neeq.share_reform", "新三板挂牌·股份改制补助", clause("十六"), "neeq.share_reform"
    ),
    Milestone.NEEQ_TUTORING: Measure(
        "neeq.broker_tutoring",
        "新三板挂牌·券商签约辅导补助",
        clause("十六"),
        "neeq.broker_tutoring",
    ),
    Milestone.REGIONAL_EQUITY_QUOTATION: Measure(
        "regional_equity.quotation",
        "区域性股权交易中心挂牌资助",
        clause("十六"),
        "regional_equity.quotation",
    ),
}

MILESTONE_GROUPS: tuple[frozenset[Milestone], ...] = (
    frozenset({Milestone.SHARE_REFORM, Milestone.NEEQ_SHARE_REFORM}),
    frozenset({Milestone.TUTORING, Milestone.NEEQ_TUTORING}),
)
"""Milestones that are one event claimed under two tracks: paid once for the group."""

LOCAL_BROKER = Measure(
    "neeq.local_broker_award",
    "本省券商辅导本地企业挂牌资助",
    clause("十六"),
    "neeq.local_broker_award",
)


def _same_event(milestone: Milestone) -> frozenset[Milestone]:
    for group in MILESTONE_GROUPS:
        if milestone in group:
            return group
    return frozenset({milestone})


def milestone_award(
    enterprise_id: str,
    milestone: Milestone,
    reached_on: date,
    params: ParameterSet,
    *,
    already_awarded: Collection[Milestone] = (),
) -> Award:
    """The award for ``milestone`` reached on ``reached_on`` (the parameter in force that day).

    ``already_awarded`` lists the enterprise's milestones already paid; a milestone paid before,
    or the same event paid under the other track, gives zero with the reason.
    """
    measure = MEASURES[milestone]
    paid = _same_event(milestone) & frozenset(already_awarded)
    refusal = ""
    if milestone in paid:
        refusal = f"该企业已获得“{measure.title}”，一次性补助不重复发放"
    elif paid:
        other = MEASURES[next(iter(sorted(paid)))].title
        refusal = f"同一事项已按“{other}”获得补助，不重复发放"
    inputs = {
        "enterprise_id": enterprise_id,
        "milestone": milestone,
        "reached_on": reached_on,
        "already_awarded": sorted(m.value for m in already_awarded),
    }
    return fixed_award(measure, enterprise_id, reached_on, params, inputs, refusal=refusal)


@dataclass(frozen=True)
class Quotation:
    """An enterprise a broker tutored to NEEQ quotation."""

    enterprise_id: str
    quoted_on: date
    enterprise_is_local: bool


def local_broker_award(
    broker_id: str,
    broker_is_provincial: bool,
    quotations: Sequence[Quotation],
    params: ParameterSet,
    *,
    already_awarded_enterprises: Collection[str] = (),
) -> Award:
    """The award to a provincial broker: the per-enterprise amount for each new local quotation.

    Each enterprise counts once (``already_awarded_enterprises`` and duplicates in ``quotations``
    give zero); the amount of each is the parameter in force on its quotation date.
    """
    if not quotations:
        raise DomainError(
            code="listing.no_quotations",
            message="请至少列出一家挂牌企业",
            fields={"quotations": "列表为空"},
        )
    inputs = {
        "broker_id": broker_id,
        "broker_is_provincial": broker_is_provincial,
        "quotations": [
            {
                "enterprise_id": q.enterprise_id,
                "quoted_on": q.quoted_on,
                "local": q.enterprise_is_local,
            }
            for q in quotations
        ],
        "already_awarded_enterprises": sorted(already_awarded_enterprises),
    }
    trace = Trace(LOCAL_BROKER.code, LOCAL_BROKER.title, LOCAL_BROKER.clause, inputs)
    last = max(q.quoted_on for q in quotations)
    if not broker_is_provincial:
        reason = "仅本省券商辅导本地科技企业挂牌可获资助"
        step = TraceStep(label="券商资格", amount=ZERO, note=reason, code="refused")
        return Award(LOCAL_BROKER.code, broker_id, ZERO, last, trace.add(step), reasons=(reason,))
    seen = set(already_awarded_enterprises)
    total = ZERO
    reasons: list[str] = []
    for q in sorted(quotations, key=lambda q: (q.quoted_on, q.enterprise_id)):
        label = f"企业 {q.enterprise_id}（{q.quoted_on.isoformat()} 挂牌）"
        if q.enterprise_id in seen:
            reason = f"企业 {q.enterprise_id} 已计发过资助，每家企业只资助一次"
        elif not q.enterprise_is_local:
            reason = f"企业 {q.enterprise_id} 不是本地企业"
        else:
            reason = ""
        seen.add(q.enterprise_id)
        if reason:
            reasons.append(reason)
            trace = trace.add(TraceStep(label=label, amount=ZERO, note=reason, code="refused"))
            continue
        value = params.value_at(LOCAL_BROKER.param, q.quoted_on)
        amount = round_fen(value.value)
        total += amount
        trace = trace.add(
            TraceStep(
                label=label,
                amount=amount,
                formula=f"{fmt_yuan(amount)} 元",
                params=(value,),
                on=q.quoted_on,
            )
        )
    trace = trace.add(TraceStep(label="资助合计", amount=total))
    return Award(LOCAL_BROKER.code, broker_id, total, last, trace, reasons=tuple(reasons))
