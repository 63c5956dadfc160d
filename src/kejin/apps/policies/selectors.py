"""Reads of the policies context, always scoped to the actor (public reads are explicit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from kejin.apps.policies import clock
from kejin.apps.policies.measures import MEASURES
from kejin.apps.policies.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    InterestBatchRun,
    InterestLine,
    Milestone,
    Notice,
    Objection,
    ObjectionStatus,
    PaymentBatch,
    Policy,
    PolicyStatus,
    Program,
    Status,
)
from kejin.apps.policies.paramset import city_values, params_in_force
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import NotFound
from kejin.rules.params import UNIT_LABELS, ParamValue

# --- public ---------------------------------------------------------------------------------


def policies_published() -> QuerySet[Policy]:
    return Policy.objects.filter(status=PolicyStatus.PUBLISHED).annotate(
        clause_count=Count("clauses")
    )


def policy_public(policy_id: int) -> Policy:
    """Any version (current or superseded) may be read by anyone; drafts may not."""
    found = (
        Policy.objects.exclude(status=PolicyStatus.DRAFT)
        .prefetch_related("clauses")
        .filter(pk=policy_id)
        .first()
    )
    if found is None:
        raise NotFound("政策")
    return found


def policy_versions(policy: Policy) -> QuerySet[Policy]:
    return Policy.objects.filter(code=policy.code).exclude(status=PolicyStatus.DRAFT)


def programs_public(*, only_open: bool = False) -> QuerySet[Program]:
    qs = Program.objects.filter(published=True).select_related("policy")
    if only_open:
        today = clock.today()
        qs = qs.filter(opens_on__lte=today, closes_on__gte=today)
    return qs.order_by("closes_on", "code")


def program_public(program_id: int) -> Program:
    found = programs_public().filter(pk=program_id).first()
    if found is None:
        raise NotFound("扶持项目")
    return found


def programs_open_to(actor: Actor) -> list[Program]:
    """Programs open today whose applicant kinds include the actor's organisation kind."""
    if actor.is_public:
        return []
    out = []
    for program in programs_public(only_open=True):
        kinds = program.applicant_kinds or list(MEASURES[program.measure].applicant_kinds)
        if actor.kind in kinds:
            out.append(program)
    return out


def notices_public() -> QuerySet[Notice]:
    return Notice.objects.annotate(
        entries=Count("applications"), total=Sum("applications__proposed_amount")
    ).order_by("-opens_on", "-pk")


def notice_public(notice_id: int) -> Notice:
    found = Notice.objects.filter(pk=notice_id).first()
    if found is None:
        raise NotFound("公示")
    return found


def notice_entries(notice: Notice) -> QuerySet[Application]:
    """What the public sees of a notice: applicant, program, amount, whether it is held."""
    pending = Objection.objects.filter(application=OuterRef("pk"), status=ObjectionStatus.PENDING)
    return (
        notice.applications.select_related("applicant", "program")
        .annotate(held=Exists(pending))
        .order_by("program__code", "applicant__name", "pk")
    )


# --- applications ---------------------------------------------------------------------------

SORTS = {
    "-created": "-created_at",
    "created": "created_at",
    "due": "step_due_on",
    "-amount": "-amount",
    "applicant": "applicant__name",
}


@dataclass(frozen=True)
class ApplicationFilter:
    q: str = ""
    status: str = ""
    program_id: int | None = None
    measure: str = ""
    district_code: str = ""
    origin: str = ""
    overdue: bool = False
    sort: str = "-created"


def application_list_for(
    actor: Actor, f: ApplicationFilter | None = None, *, statuses: tuple[str, ...] = ()
) -> QuerySet[Application]:
    f = f or ApplicationFilter()
    qs = Application.objects.visible_to(actor).select_related("program", "applicant")
    if statuses:
        qs = qs.filter(status__in=statuses)
    if f.q:
        q = f.q.strip()
        number = q.upper().removeprefix("SB").split("-")[-1]
        cond = Q(applicant__name__icontains=q) | Q(applicant__uscc__icontains=q.upper())
        if number.isdigit():
            cond |= Q(pk=int(number))
        qs = qs.filter(cond)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.program_id:
        qs = qs.filter(program_id=f.program_id)
    if f.measure:
        qs = qs.filter(program__measure=f.measure)
    if f.district_code:
        qs = qs.filter(district_code=f.district_code)
    if f.origin:
        qs = qs.filter(origin=f.origin)
    if f.overdue:
        qs = qs.filter(step_due_on__lt=clock.today())
    return qs.order_by(SORTS.get(f.sort, "-created_at"), "pk")


def my_applications(actor: Actor, f: ApplicationFilter | None = None) -> QuerySet[Application]:
    return application_list_for(actor, f).filter(applicant_id=actor.org_id)


def district_queue(actor: Actor, f: ApplicationFilter | None = None) -> QuerySet[Application]:
    """Submitted applications of the actor's district, waiting for its first review."""
    if not actor.is_district:
        return Application.objects.none()
    f = f or ApplicationFilter(sort="due")
    return application_list_for(actor, f, statuses=(Status.SUBMITTED,)).filter(
        district_code=actor.district_code
    )


def city_queue(actor: Actor, f: ApplicationFilter | None = None) -> QuerySet[Application]:
    """Applications waiting for the city: review, and approval of proposals."""
    if not actor.is_city:
        return Application.objects.none()
    f = f or ApplicationFilter(sort="due")
    return application_list_for(actor, f, statuses=(Status.CITY_REVIEW, Status.CITY_PROPOSED))


def application_get(actor: Actor, application_id: int) -> Application:
    qs = Application.objects.select_related(
        "program",
        "program__policy",
        "applicant",
        "notice",
        "payment_batch",
        "milestone",
        "proposed_by",
        "approved_by",
        "district_reviewer",
    )
    return access(actor, qs, application_id, what="申报")


def events_of(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor", "actor_organisation").order_by("at", "pk")


def documents_of(application: Application) -> QuerySet[ApplicationDocument]:
    return application.documents.select_related("uploaded_by").order_by("code", "-uploaded_at")


def document_get(actor: Actor, document_id: int) -> ApplicationDocument:
    return access(
        actor, ApplicationDocument.objects.select_related("application"), document_id, what="材料"
    )


def interest_lines_of(application: Application) -> QuerySet[InterestLine]:
    return application.interest_lines.order_by("period_end", "loan_key")


def objections_of(actor: Actor, application: Application) -> QuerySet[Objection]:
    return Objection.objects.visible_to(actor).filter(application=application)


def ageing(application: Application, today: date | None = None) -> dict[str, Any]:
    """Days in the current step and whether its SLA is passed."""
    today = today or clock.today()
    started = application.step_started_on
    due = application.step_due_on
    return {
        "days": (today - started).days if started else None,
        "due": due,
        "overdue": bool(due and today > due),
    }


# --- city: notice, payment, runs -------------------------------------------------------------


def pending_notice_for(actor: Actor) -> QuerySet[Application]:
    return application_list_for(actor, statuses=(Status.PENDING_NOTICE,)).order_by(
        "approved_at", "pk"
    )


def notices_for(actor: Actor) -> QuerySet[Notice]:
    if not actor.is_city:
        return Notice.objects.none()
    pending = Objection.objects.filter(notice=OuterRef("pk"), status=ObjectionStatus.PENDING)
    return notices_public().annotate(pending=Exists(pending))


def objections_for(actor: Actor, status: str = "") -> QuerySet[Objection]:
    qs = Objection.objects.visible_to(actor).select_related(
        "notice", "application", "application__applicant", "resolved_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-pk")


def objection_get(actor: Actor, objection_id: int) -> Objection:
    return access(
        actor,
        Objection.objects.select_related("notice", "application", "application__applicant"),
        objection_id,
        what="异议",
    )


def approved_unpaid_for(actor: Actor) -> QuerySet[Application]:
    return application_list_for(actor, statuses=(Status.APPROVED,)).filter(
        payment_batch__isnull=True
    )


def payment_batches_for(actor: Actor) -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.visible_to(actor).select_related("created_by", "paid_by")


def payment_batch_get(actor: Actor, batch_id: int) -> PaymentBatch:
    return access(actor, PaymentBatch.objects.all(), batch_id, what="拨付批次")


def runs_for(actor: Actor) -> QuerySet[InterestBatchRun]:
    return InterestBatchRun.objects.visible_to(actor).select_related("program", "started_by")


def run_get(actor: Actor, run_id: int) -> InterestBatchRun:
    return access(actor, InterestBatchRun.objects.select_related("program"), run_id, what="测算")


def milestones_for(actor: Actor, ids: list[int] | None = None) -> QuerySet[Milestone]:
    qs = Milestone.objects.visible_to(actor).select_related("enterprise", "broker")
    return qs if ids is None else qs.filter(pk__in=ids)


def loans_named(actor: Actor, ids: list[int]) -> list[str]:
    """``合同号（银行）`` of the loans the actor may see among ``ids``."""
    from kejin.apps.policies.loanbook import loans_for  # noqa: PLC0415

    return [f"{x.external_id}（{x.lender.name}）" for x in loans_for(actor, loan_ids=ids or [-1])]


def programs_for_city(actor: Actor) -> QuerySet[Program]:
    """Every program (drafts included) for the city office's management list."""
    if not actor.is_city:
        return Program.objects.none()
    return Program.objects.select_related("policy").order_by("-year", "-opens_on", "code")


def program_for_city(actor: Actor, program_id: int) -> Program:
    found = programs_for_city(actor).filter(pk=program_id).first()
    if found is None:
        raise NotFound("扶持项目")
    return found


# --- parameters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterRow:
    key: str
    label: str
    unit: str
    current: ParamValue | None
    history: tuple[ParamValue, ...]


def parameter_overview(on: date | None = None) -> list[ParameterRow]:
    """Every parameter: its value in force on ``on`` and its whole dated history."""
    on = on or clock.today()
    params = params_in_force()
    rows = []
    keys = params.keys()
    for key in keys:
        p = params.parameter(key)
        current = next((v for v in reversed(p.values) if v.effective_from <= on), None)
        rows.append(ParameterRow(key, p.label, UNIT_LABELS[p.unit], current, p.values))
    return rows


def city_parameter_values() -> list[ParamValue]:
    return city_values()
