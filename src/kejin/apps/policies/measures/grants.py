"""Grants to the innovation ecosystem: maker spaces and competitions (实施意见（二十二）), sci-tech
finance parks (十九) and high-level finance talent (二十五). Each is paid once per event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.measures.base import (
    Computed,
    Context,
    Errors,
    InputField,
    Measure,
    a_date,
    an_int,
    committed_claims,
    in_coverage,
    norm,
    text,
)
from kejin.apps.policies.models import Program
from kejin.platform.tenancy import Actor
from kejin.rules.subsidies.grants import (
    MAKER_SPACE,
    PARK,
    TALENT,
    TIER_LABELS,
    PrizeTier,
    competition_award,
    maker_space_grant,
    park_award,
    talent_subsidy,
)


def _done(key: str, application_id: int | None) -> bool:
    return any(k == key for k, _ in committed_claims(key, exclude_application=application_id))


class MakerSpace(Measure):
    code = MeasureCode.MAKER_SPACE
    title = MAKER_SPACE.title
    clause = MAKER_SPACE.clause
    applicant_kinds = ("maker_space_operator", "enterprise", "research_institution")
    param_prefixes = ("maker_space.",)
    fields = (
        InputField("space_name", "众创空间名称", "text", help="经认定的众创空间、创客空间"),
        InputField("recognised_on", "认定日期", "date"),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        name = text(raw, "space_name", "众创空间名称", errors)
        on = a_date(raw, "recognised_on", "认定日期", errors)
        in_coverage(program, on, "recognised_on", "认定日期", errors)
        errors.raise_if_any()
        assert on is not None
        return {"space_name": name, "recognised_on": on.isoformat()}

    def compute(self, ctx: Context) -> Computed:
        name = ctx.inputs["space_name"]
        on = date.fromisoformat(ctx.inputs["recognised_on"])
        key = f"maker-space:{norm(name)}"
        award = maker_space_grant(
            ctx.applicant.uscc,
            name,
            on,
            ctx.params,
            already_granted=_done(key, ctx.application_id),
        )
        return Computed(award=award, claims=[key], event_date=on)


class Competition(Measure):
    code = MeasureCode.COMPETITION
    title = "科技创新创业大赛资助"
    clause = MAKER_SPACE.clause
    applicant_kinds = ("enterprise",)
    param_prefixes = ("competition.award.",)
    fields = (
        InputField("competition", "大赛名称", "text"),
        InputField(
            "tier",
            "获奖等级",
            "choice",
            choices=tuple((t.value, label) for t, label in TIER_LABELS.items()),
        ),
        InputField("awarded_on", "获奖日期", "date"),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        name = text(raw, "competition", "大赛名称", errors)
        tier = str(raw.get("tier") or "").strip()
        by_label = {label: t.value for t, label in TIER_LABELS.items()}
        tier = by_label.get(tier, tier)
        if tier not in {t.value for t in PrizeTier}:
            errors.add("tier", "获奖等级须为一等奖、二等奖、三等奖或优秀奖")
        on = a_date(raw, "awarded_on", "获奖日期", errors)
        in_coverage(program, on, "awarded_on", "获奖日期", errors)
        errors.raise_if_any()
        assert on is not None
        return {"competition": name, "tier": tier, "awarded_on": on.isoformat()}

    def compute(self, ctx: Context) -> Computed:
        name = ctx.inputs["competition"]
        on = date.fromisoformat(ctx.inputs["awarded_on"])
        key = f"competition:{norm(name)}:{ctx.applicant.pk}"
        award = competition_award(
            ctx.applicant.uscc,
            name,
            PrizeTier(ctx.inputs["tier"]),
            on,
            ctx.params,
            already_awarded=_done(key, ctx.application_id),
        )
        return Computed(award=award, claims=[key], event_date=on)


class Park(Measure):
    code = MeasureCode.PARK
    title = PARK.title
    clause = PARK.clause
    applicant_kinds = ("district_office",)
    param_prefixes = ("park.",)
    fields = (
        InputField("park_name", "科技金融产业园区名称", "text"),
        InputField("recognised_on", "建成认定日期", "date"),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        name = text(raw, "park_name", "园区名称", errors)
        on = a_date(raw, "recognised_on", "建成认定日期", errors)
        in_coverage(program, on, "recognised_on", "建成认定日期", errors)
        errors.raise_if_any()
        assert on is not None
        return {"park_name": name, "recognised_on": on.isoformat()}

    def compute(self, ctx: Context) -> Computed:
        name = ctx.inputs["park_name"]
        on = date.fromisoformat(ctx.inputs["recognised_on"])
        key = f"park:{norm(name)}"
        award = park_award(
            ctx.applicant.district_code,
            name,
            on,
            ctx.params,
            already_awarded=_done(key, ctx.application_id),
        )
        return Computed(award=award, claims=[key], event_date=on)


class Talent(Measure):
    code = MeasureCode.TALENT
    title = TALENT.title
    clause = TALENT.clause
    applicant_kinds = (
        "enterprise",
        "bank",
        "tech_sub_branch",
        "micro_lender",
        "tech_micro_lender",
        "guarantee_company",
        "leasing_company",
        "insurer",
        "broker",
        "venture_capital",
        "fund_manager",
    )
    param_prefixes = ("talent.",)
    fields = (
        InputField("person_name", "人才姓名", "text"),
        InputField("certificate_no", "高层次人才认定证书编号", "text"),
        InputField("year", "补贴年度", "int"),
        InputField("recognised_from", "认定有效期起", "date"),
        InputField("recognised_until", "认定有效期止", "date", required=False),
    )

    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        errors = Errors()
        name = text(raw, "person_name", "人才姓名", errors, max_len=50)
        cert = text(raw, "certificate_no", "认定证书编号", errors, max_len=64)
        year = an_int(raw, "year", "补贴年度", errors)
        start = a_date(raw, "recognised_from", "认定有效期起", errors)
        until = a_date(raw, "recognised_until", "认定有效期止", errors, required=False)
        if start and until and until < start:
            errors.add("recognised_until", "认定有效期止不能早于起始日")
        if year is not None and not 2000 <= year <= 2100:
            errors.add("year", "补贴年度无效")
        errors.raise_if_any()
        assert start is not None
        return {
            "person_name": name,
            "certificate_no": cert,
            "year": year,
            "recognised_from": start.isoformat(),
            "recognised_until": until.isoformat() if until else None,
        }

    def compute(self, ctx: Context) -> Computed:
        cert = norm(ctx.inputs["certificate_no"])
        year = int(ctx.inputs["year"])
        prefix = f"talent:{cert}:"
        granted = [
            int(k.removeprefix(prefix))
            for k, _ in committed_claims(prefix, exclude_application=ctx.application_id)
        ]
        until = ctx.inputs.get("recognised_until")
        award = talent_subsidy(
            cert,
            year,
            date.fromisoformat(ctx.inputs["recognised_from"]),
            ctx.params,
            recognised_until=date.fromisoformat(until) if until else None,
            years_granted=granted,
        )
        return Computed(award=award, claims=[f"{prefix}{year}"], event_date=date(year, 12, 31))
