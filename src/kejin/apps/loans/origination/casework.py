"""What every step on a case shares: the case locked for the acting person, who may act on it,
and the decision record (who, level, decision, reason, when)."""

from __future__ import annotations

from collections.abc import Iterable

from kejin.apps.loans.models import (
    ApplicationStatus,
    ApprovalDecision,
    ApprovalLevel,
    LoanApplication,
)
from kejin.apps.loans.origination.errors import MicroloanError
from kejin.apps.orgs.models import OrgKind
from kejin.platform.tenancy import Actor, access
from kejin.rules.authority import Level, level_of
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

WHAT = "贷款申请"
STAFF_ROLES = ("officer", "manager", "credit_committee")
OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_APPROVAL)


def locked_case(actor: Actor, application_id: int) -> LoanApplication:
    """The application, locked for update, if the actor may see it (else 404).

    Call inside ``transaction.atomic``."""
    qs = LoanApplication.objects.select_related("borrower", "lender", "maker")
    return access(actor, qs, application_id, what=WHAT, for_update=True)


def require_lender_staff(
    actor: Actor, application: LoanApplication, *roles: str, action: str
) -> Level:
    """The actor works at the application's lender with one of ``roles``; returns their level."""
    if actor.org_id != application.lender_id or actor.kind != OrgKind.TECH_MICRO_LENDER:
        raise PermissionDenied(
            f"只有受理本申请的科技小额贷款公司可以{action}", code=MicroloanError.NOT_LENDER_STAFF
        )
    wanted = roles or STAFF_ROLES
    if not actor.has_role(*wanted):
        raise PermissionDenied(
            f"{action}需要{_labels(wanted)}角色", code=MicroloanError.NOT_LENDER_STAFF
        )
    level = level_of(actor.roles)
    if level is None:  # an admin alone has no approval level
        raise PermissionDenied(
            f"{action}需要信贷员、审批经理或贷审会成员角色", code=MicroloanError.NOT_LENDER_STAFF
        )
    return level


def _labels(roles: Iterable[str]) -> str:
    names = {"officer": "信贷员", "manager": "审批经理", "credit_committee": "贷审会成员"}
    return "或".join(names.get(r, r) for r in roles)


def require_status(application: LoanApplication, *allowed: str, action: str) -> None:
    """Refuse (409) unless the application is in one of ``allowed``."""
    if application.status not in allowed:
        shown = "、".join(str(ApplicationStatus(s).label) for s in allowed)
        raise Conflict(
            code=MicroloanError.WRONG_STATUS,
            message=(
                f"申请当前状态为“{application.get_status_display()}”，不能{action}"
                f"（只有“{shown}”的申请可以{action}）"
            ),
            fields={"status": f"当前状态：{application.get_status_display()}"},
        )


def require_reason(reason: str, *, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        message = f"{what}必须填写理由"
        raise DomainError(
            code=MicroloanError.REASON_REQUIRED, message=message, fields={"reason": message}
        )
    return text[:500]


def decide(
    application: LoanApplication, actor: Actor, level: Level, decision: str, reason: str
) -> ApprovalDecision:
    """Write one decision record (append-only)."""
    return ApprovalDecision.objects.create(
        application=application,
        actor=actor.audit_user,
        level=ApprovalLevel(level.value),
        decision=decision,
        reason=reason[:500],
    )
