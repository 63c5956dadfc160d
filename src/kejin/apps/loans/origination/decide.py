"""Approvers decide: an approver at the required level or higher, never the maker, approves (the
limits are checked each time) or declines with a written reason. Officer- and manager-level cases
need one approval; a credit-committee case needs two different members."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.models import ApplicationStatus, LoanApplication
from kejin.apps.loans.origination.casework import (
    OPEN,
    decide,
    locked_case,
    require_lender_staff,
    require_reason,
    require_status,
)
from kejin.apps.loans.origination.limits import limits_check
from kejin.apps.orgs.models import Organisation
from kejin.platform.tenancy import Actor
from kejin.rules.authority import Level, check_approver, is_approved, level_of


def _approvers(application: LoanApplication) -> list[int]:
    return list(application.decisions.filter(decision="approve").values_list("actor_id", flat=True))


def application_approve(
    *, actor: Actor, application_id: int, reason: str = "", today: date | None = None
) -> LoanApplication:
    """One approval; the case is approved when enough approvers at its level agreed."""
    on = today or timezone.localdate()
    with transaction.atomic():
        application = locked_case(actor, application_id)
        require_lender_staff(actor, application, action="审批")
        require_status(application, ApplicationStatus.IN_APPROVAL, action="审批")
        approvers = _approvers(application)
        me = actor.audit_user.pk  # type: ignore[union-attr]
        level = check_approver(
            approver_id=me,
            roles=actor.roles,
            maker_id=application.maker_id,
            required=Level(application.required_level),
            approved_by=approvers,
        )
        # One approval at a time per lender, so that two approvals cannot both use the headroom.
        Organisation.objects.select_for_update().filter(pk=application.lender_id).first()
        check = limits_check(application, on)
        decide(application, actor, level, "approve", reason.strip() or "同意")
        checks = list(application.pricing_trace.get("limit_checks", []))
        checks.append({"on": on.isoformat(), "by": str(actor.audit_user), **check.trace()})
        application.pricing_trace = {**application.pricing_trace, "limit_checks": checks}
        if is_approved(Level(application.required_level), [*approvers, me]):
            application.status = ApplicationStatus.APPROVED
            application.decided_at = timezone.now()
        application.save(update_fields=["pricing_trace", "status", "decided_at"])
    return application


def application_decline(*, actor: Actor, application_id: int, reason: str) -> LoanApplication:
    """Decline with a reason: before pricing any lending staff may (intake refusal); in approval,
    an approver at the case's level who is not its maker."""
    text = require_reason(reason, what="拒绝")
    with transaction.atomic():
        application = locked_case(actor, application_id)
        level = require_lender_staff(actor, application, action="拒绝")
        require_status(application, *OPEN, action="拒绝")
        if application.status == ApplicationStatus.IN_APPROVAL:
            level = check_approver(
                approver_id=actor.audit_user.pk,  # type: ignore[union-attr]
                roles=actor.roles,
                maker_id=application.maker_id,
                required=Level(application.required_level),
                action="拒绝",
            )
        else:
            level = level_of(actor.roles) or level
        decide(application, actor, level, "decline", text)
        application.status = ApplicationStatus.DECLINED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
    return application
