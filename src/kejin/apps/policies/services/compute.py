"""Compute an application's amount with its program's rule and store the result on it.

The rule runs at submission and again at each review (district, city proposal, city approval):
the amount stored is always the latest computation, with its trace, the parameter dates it read
(locked once the award is approved), its claims and, for the interest subsidy, its periods.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from kejin.apps.policies.measures import Computed, Context, measure_of
from kejin.apps.policies.models import Application, ClaimKey, InterestLine, ParameterLock
from kejin.apps.policies.paramset import params_in_force
from kejin.platform.tenancy import Actor
from kejin.rules.money import fmt_yuan
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.trace import Award


def compute(
    application: Application, *, actor: Actor, params: ParameterSet | None = None
) -> Computed:
    """Run the program's rule for the application (nothing is written)."""
    program = application.program
    ctx = Context(
        actor=actor,
        program=program,
        applicant=application.applicant,
        inputs=application.inputs,
        params=params or params_in_force(),
        application_id=application.pk,
    )
    return measure_of(program.measure).compute(ctx)


def store(application: Application, computed: Computed) -> None:
    """Write a computation onto the (saved) application: amount, trace, claims, periods, locks."""
    award = computed.award
    application.amount = award.amount
    application.reference_date = award.reference_date if award.reference_date.year > 1 else None
    application.trace = award.to_dict()
    application.trace_lines = trace_lines(award)
    application.warnings = list(award.warnings)
    application.param_reads = {k: d.isoformat() for k, d in award.trace.reads().items()}
    application.year_amounts = {str(y): str(a) for y, a in sorted(computed.year_amounts.items())}
    application.computed_at = timezone.now()
    if computed.milestone_id is not None:
        application.milestone_id = computed.milestone_id
    application.save()
    ClaimKey.objects.filter(application=application).delete()
    ClaimKey.objects.bulk_create(
        [ClaimKey(application=application, key=k) for k in sorted(set(computed.claims))]
    )
    InterestLine.objects.filter(application=application).delete()
    InterestLine.objects.bulk_create(
        [InterestLine(application=application, **line) for line in computed.interest_lines]
    )
    ParameterLock.objects.filter(application=application).delete()
    ParameterLock.objects.bulk_create(
        [
            ParameterLock(application=application, key=k, read_on=d)
            for k, d in award.trace.reads().items()
        ]
    )


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k}={_plain(v)}" for k, v in value.items()) or "无"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return f"{len(value)} 项"
        return "、".join(_plain(v) for v in value) or "无"
    return str(value)


def trace_lines(award: Award) -> list[str]:
    """The trace as Chinese text for the page: as ``Award.lines()``, but each input item on a line
    of its own with nested lists counted (the periods are shown in their own table)."""
    trace = award.trace
    out = [f"{trace.title}（依据：{trace.clause}）"]
    inputs = trace.to_dict()["inputs"]
    if inputs:
        out.append("输入：")
        for key, value in inputs.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                out.extend(f"  {key}[{i}]：{_plain(item)}" for i, item in enumerate(value, 1))
            else:
                out.append(f"  {key}：{_plain(value)}")
    out.append("计算：")
    for i, step in enumerate(trace.steps, start=1):
        out.extend(f"  {line}" for line in step.lines(i))
    out.append(f"结果：{award.beneficiary} 获得 {fmt_yuan(award.amount)} 元")
    out.extend(f"原因：{r}" for r in award.reasons)
    out.extend(f"提示：{w}" for w in award.warnings)
    return out


def recompute(application: Application, *, actor: Actor) -> tuple[Decimal, Decimal]:
    """Compute again and store; returns (amount before, amount after)."""
    before = application.amount
    computed = compute(application, actor=actor)
    store(application, computed)
    return before, application.amount


def trace_summary(application: Application) -> dict[str, Any]:
    """What a page shows of the trace: title, clause, the text lines."""
    trace = application.trace or {}
    return {
        "title": trace.get("trace", {}).get("title", ""),
        "clause": trace.get("trace", {}).get("clause", ""),
        "lines": application.trace_lines,
        "reasons": trace.get("reasons", []),
        "warnings": application.warnings,
    }
