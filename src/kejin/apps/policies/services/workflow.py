"""Shared steps of the application workflow: who may act, status transitions with their event,
SLA dates, and the messages each step sends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies import clock
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.models import CLOSED, Application, ApplicationEvent, ClaimKey
from kejin.apps.policies.notifications import city_office, district_office_of, notify
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied
from kejin.rules.money import fmt_yuan

APPLICANT_ROLES = ("admin", "officer")
REVIEW_ROLES = ("admin", "reviewer", "officer")
APPROVE_ROLES = ("admin", "reviewer")


def application_for(actor: Actor, application_id: int, *, for_update: bool = False) -> Application:
    """The application, if the actor may see it (else 404)."""
    qs = Application.objects.select_related("program", "program__policy", "applicant")
    return access(actor, qs, application_id, what="申报", for_update=for_update)


def require_applicant(actor: Actor, application: Application) -> None:
    if actor.org_id != application.applicant_id:
        raise PermissionDenied("只有申报单位本身可以办理此操作")
    actor.require_role(*APPLICANT_ROLES, message="申报须由本单位管理员或经办人办理")


def require_district_reviewer(actor: Actor, application: Application) -> None:
    if not actor.is_district or actor.district_code != application.district_code:
        raise PermissionDenied("只有申报单位所在区的科技局可以初审")
    actor.require_role(*REVIEW_ROLES, message="您没有初审的角色（管理员、审核人或经办人）")


def require_city(actor: Actor, *roles: str, what: str = "办理") -> None:
    actor.require_kind("city_office", message=f"只有市科技局可以{what}")
    actor.require_role(*roles, message=f"您没有{what}的角色")


def require_status(application: Application, *allowed: str, doing: str) -> None:
    if application.status not in allowed:
        raise Conflict(
            PolicyError.STATUS,
            f"申报 {application.number} 当前状态为“{application.get_status_display()}”，"
            f"不能{doing}",
        )


def require_reason(reason: str, doing: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise DomainError(
            code=PolicyError.REASON_REQUIRED,
            message=f"{doing}须填写理由",
            fields={"reason": f"请填写{doing}的理由"},
        )
    return text


def needs_district_review(application: Application) -> bool:
    """A district office reviews its district's applicants first; a district office's own
    application (and one from the city level, with no district office) goes to the city."""
    if application.applicant.kind == "district_office":
        return False
    return district_office_of(application.district_code) is not None


def transition(
    application: Application,
    *,
    actor: Actor,
    action: str,
    to: str,
    reason: str = "",
    sla_days: int | None = None,
    amount: Decimal | None = None,
) -> ApplicationEvent:
    """Move the application to ``to`` (saved), start the step's SLA clock, record the event."""
    before = application.status
    application.status = to
    today = clock.today()
    application.step_started_on = today
    application.step_due_on = today + timedelta(days=sla_days) if sla_days else None
    if reason:
        application.decision_reason = reason
    application.save()
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=before,
        to_status=to,
        amount=application.award_amount if amount is None else amount,
        reason=reason,
        actor=actor.audit_user,
        actor_organisation=actor.organisation,
    )


def check_repeat_claims(application: Application, claims: Iterable[str]) -> None:
    """Refuse when another live application already claims one of ``claims``, naming it."""
    keys = sorted(set(claims))
    clash = (
        ClaimKey.objects.filter(key__in=keys)
        .exclude(application_id=application.pk)
        .exclude(application__status__in=CLOSED)
        .select_related("application")
        .order_by("application__created_at")
        .first()
    )
    if clash is not None:
        earlier = clash.application
        raise Conflict(
            PolicyError.REPEAT_CLAIM,
            f"该事项已在申报 {earlier.number}（{earlier.get_status_display()}，"
            f"金额 {fmt_yuan(earlier.award_amount)} 元）中申报，不能重复申报",
            {"inputs": f"与申报 {earlier.number} 重复"},
        )


def link(application: Application) -> str:
    return reverse("policies:application", args=[application.pk])


def tell_applicant(application: Application, subject: str, body: str = "") -> None:
    notify(
        [application.applicant],
        subject=f"{application.number} {subject}",
        body=body or f"您的申报“{application.program.title}”{subject}。",
        url=link(application),
        topic="application",
    )


def tell_district(application: Application, subject: str) -> None:
    office = district_office_of(application.district_code)
    if office is not None:
        notify(
            [office],
            subject=f"{application.number} {subject}",
            body=f"{application.applicant.name} 的申报“{application.program.title}”{subject}。",
            url=link(application),
            topic="review",
        )


def tell_city(application: Application, subject: str) -> None:
    offices: list[Organisation] = [o for o in [city_office()] if o is not None]
    notify(
        offices,
        subject=f"{application.number} {subject}",
        body=f"{application.applicant.name} 的申报“{application.program.title}”{subject}。",
        url=link(application),
        topic="review",
    )
