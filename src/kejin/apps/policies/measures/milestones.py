"""Staged listing (实施意见（十五）), NEEQ quotation and regional equity exchange (十六) awards,
triggered by recorded milestones; and the local broker award (十六).

One event, one award: a milestone event already claimed by another live application is refused
with that application named (see ``services.apply``); the rule also gives zero, with its reason,
for an event already awarded (share reform and tutoring count once across the two tracks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies.codes import MeasureCode, MilestoneKind
from kejin.apps.policies.measures.base import (
    Computed,
    Context,
    Errors,
    InputField,
    Measure,
    an_int,
    committed_claims,
    ids,
)
from kejin.apps.policies.models import Milestone as MilestoneRow
from kejin.apps.policies.models import Program
from kejin.platform.tenancy import Actor
from kejin.rules import divisions
from kejin.rules.subsidies.listing import (
    LOCAL_BROKER,
    MEASURES,
    MILESTONE_GROUPS,
    Milestone,
    Quotation,
    local_broker_award,
    milestone_award,
)


def event_of(kind: str) -> str:
    """The event a milestone kind belongs to: share reform and tutoring are one event each
    across the listing and NEEQ tracks (``MILESTONE_GROUPS``)."""
    for group in MILESTONE_GROUPS:
        if Milestone(kind) in group:
            return "+".join(sorted(m.value for m in group))
    return kind


def milestone_claim(enterprise_id: int, kind: str) -> str:
    return f"milestone:{enterprise_id}:{event_of(kind)}"


class MilestoneMeasure(Measure):
    """An award for one recorded milestone of the applicant."""

    kinds: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[InputField, ...]:  # type: ignore[override]
        labels = dict(MilestoneKind.choices)
        return (
            InputField(
                "milestone_id",
                "里程碑",
                "milestone",
                help="已在平台登记的里程碑（含证明材料）："
                + "、".join(str(labels[k]) for k in self.kinds),
                choices=tuple((k, str(labels[k])) for k in self.kinds),
            ),
        )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        pk = an_int(raw, "milestone_id", "里程碑", errors)
        errors.raise_if_any()
        row = (
            MilestoneRow.objects.visible_to(actor)
            .filter(pk=pk, enterprise=applicant, kind__in=self.kinds)
            .first()
        )
        if row is None:
            labels = dict(MilestoneKind.choices)
            allowed = "、".join(str(labels[k]) for k in self.kinds)
            errors.add(
                "milestone_id",
                f"里程碑 {pk} 不存在、不属于本企业，或不是本项目支持的事项（{allowed}）",
            )
        errors.raise_if_any()
        return {"milestone_id": pk}

    def compute(self, ctx: Context) -> Computed:
        row = MilestoneRow.objects.get(pk=ctx.inputs["milestone_id"])
        prefix = f"milestone:{ctx.applicant.pk}:"
        done_events = {
            key.removeprefix(prefix)
            for key, _ in committed_claims(prefix, exclude_application=ctx.application_id)
        }
        already = [
            Milestone(kind)
            for event in done_events
            for kind in event.split("+")
            if kind in Milestone._value2member_map_
        ]
        award = milestone_award(
            ctx.applicant.uscc,
            Milestone(row.kind),
            row.reached_on,
            ctx.params,
            already_awarded=already,
        )
        return Computed(
            award=award,
            claims=[milestone_claim(ctx.applicant.pk, row.kind)],
            milestone_id=row.pk,
            event_date=row.reached_on,
        )


class ListingStage(MilestoneMeasure):
    code = MeasureCode.LISTING_STAGE
    title = "上市分阶段奖励"
    clause = MEASURES[Milestone.SHARE_REFORM].clause
    param_prefixes = ("listing.stage.",)
    kinds = (
        MilestoneKind.SHARE_REFORM,
        MilestoneKind.TUTORING,
        MilestoneKind.FILING_ACCEPTED,
        MilestoneKind.LISTING,
    )


class NeeqStage(MilestoneMeasure):
    code = MeasureCode.NEEQ_STAGE
    title = "新三板挂牌分阶段补助"
    clause = MEASURES[Milestone.NEEQ_SHARE_REFORM].clause
    param_prefixes = ("neeq.share_reform", "neeq.broker_tutoring")
    kinds = (MilestoneKind.NEEQ_SHARE_REFORM, MilestoneKind.NEEQ_TUTORING)


class RegionalEquity(MilestoneMeasure):
    code = MeasureCode.REGIONAL_EQUITY
    title = "区域性股权交易中心挂牌资助"
    clause = MEASURES[Milestone.REGIONAL_EQUITY_QUOTATION].clause
    param_prefixes = ("regional_equity.",)
    kinds = (MilestoneKind.REGIONAL_EQUITY_QUOTATION,)


def is_local(org: Organisation) -> bool:
    """An enterprise of the platform's city (a district of it, or the city itself)."""
    city = settings.KEJIN_CITY_DIVISION_CODE
    parent = divisions.parent(org.district_code)
    return org.district_code == city or (parent is not None and parent.code == city)


def is_provincial(org: Organisation) -> bool:
    """A broker registered in the city's province (same first two digits of the division)."""
    return org.district_code[:2] == settings.KEJIN_CITY_DIVISION_CODE[:2]


class LocalBroker(Measure):
    code = MeasureCode.LOCAL_BROKER
    title = LOCAL_BROKER.title
    clause = LOCAL_BROKER.clause
    applicant_kinds = ("broker",)
    param_prefixes = ("neeq.local_broker_award",)
    fields = (
        InputField(
            "milestone_ids",
            "辅导挂牌的企业（新三板挂牌里程碑）",
            "milestones",
            help="本券商登记的“新三板挂牌”里程碑，每家企业资助一次",
            choices=((MilestoneKind.NEEQ_QUOTATION, str(MilestoneKind.NEEQ_QUOTATION.label)),),
        ),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        chosen = ids(raw, "milestone_ids", "辅导挂牌的企业", errors)
        errors.raise_if_any()
        found = set(
            MilestoneRow.objects.visible_to(actor)
            .filter(pk__in=chosen, broker=applicant, kind=MilestoneKind.NEEQ_QUOTATION)
            .values_list("pk", flat=True)
        )
        missing = [str(i) for i in chosen if i not in found]
        if missing:
            errors.add(
                "milestone_ids",
                f"里程碑 {'、'.join(missing)} 不存在，或不是本券商辅导的新三板挂牌",
            )
        errors.raise_if_any()
        return {"milestone_ids": chosen}

    def compute(self, ctx: Context) -> Computed:
        rows = list(
            MilestoneRow.objects.filter(pk__in=ctx.inputs["milestone_ids"]).select_related(
                "enterprise"
            )
        )
        prefix = "broker-quotation:"
        done = {
            int(key.removeprefix(prefix))
            for key, _ in committed_claims(prefix, exclude_application=ctx.application_id)
        }
        uscc_of = dict(Organisation.objects.filter(pk__in=done).values_list("pk", "uscc"))
        quotations = [
            Quotation(r.enterprise.uscc, r.reached_on, is_local(r.enterprise)) for r in rows
        ]
        award = local_broker_award(
            ctx.applicant.uscc,
            is_provincial(ctx.applicant),
            quotations,
            ctx.params,
            already_awarded_enterprises=[uscc_of[i] for i in done if i in uscc_of],
        )
        return Computed(
            award=award,
            claims=[f"{prefix}{r.enterprise_id}" for r in rows],
            event_date=max((r.reached_on for r in rows), default=None),
        )
