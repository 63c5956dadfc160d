"""Reads on applications, always scoped: the lender sees the applications it received, an
enterprise its own, a district office its district's enterprises' (read only), the city all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from kejin.apps.loans.models import ApplicationStatus, ApprovalDecision, LoanApplication
from kejin.apps.loans.origination.casework import OPEN, STAFF_ROLES, WHAT
from kejin.apps.loans.origination.limits import BookSummary, book_for, book_summary
from kejin.apps.loans.origination.parameters import microloan_params
from kejin.apps.orgs.models import Organisation, OrgKind
from kejin.apps.orgs.selectors import institution_directory
from kejin.platform.tenancy import Actor, access
from kejin.rules import pricing
from kejin.rules.authority import (
    P_INDUSTRY_MIN_BOOK,
    P_INDUSTRY_SHARE,
    P_MANAGER_MAX,
    P_OFFICER_MAX,
    P_PER_BORROWER,
    Level,
    headroom,
)
from kejin.rules.authority import level_of as level_of_roles
from kejin.rules.params import ParamValue

SORTS = {
    "-submitted_at": "-submitted_at",
    "submitted_at": "submitted_at",
    "-amount": "-amount",
    "amount": "amount",
    "borrower": "borrower__name",
}


@dataclass(frozen=True)
class ApplicationFilter:
    q: str = ""
    status: str = ""
    required_level: str = ""
    lender_id: int | None = None
    todo: bool = False  # cases the actor may decide now
    sort: str = "-submitted_at"


def application_list_for(
    actor: Actor, f: ApplicationFilter | None = None
) -> QuerySet[LoanApplication]:
    f = f or ApplicationFilter()
    qs = LoanApplication.objects.visible_to(actor).select_related(
        "borrower", "lender", "maker", "loan"
    )
    if f.q:
        qs = qs.filter(
            Q(borrower__name__icontains=f.q)
            | Q(borrower__uscc__icontains=f.q.upper())
            | Q(purpose__icontains=f.q)
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.required_level:
        qs = qs.filter(required_level=f.required_level)
    if f.lender_id:
        qs = qs.filter(lender_id=f.lender_id)
    if f.todo:
        qs = _todo(actor, qs)
    return qs.order_by(SORTS.get(f.sort, "-submitted_at"), "pk")


def _todo(actor: Actor, qs: QuerySet[LoanApplication]) -> QuerySet[LoanApplication]:
    """Cases waiting for the actor: unpriced ones for officers and managers; in approval at or
    below the actor's level, not their own, not yet approved by them."""
    level = level_of_roles(actor.roles)
    user = actor.audit_user
    if level is None or user is None or actor.kind != OrgKind.TECH_MICRO_LENDER:
        return qs.none()
    mine = qs.filter(lender_id=actor.org_id)
    levels = [lv.value for lv in Level if lv.rank <= level.rank]
    waiting = Q(status=ApplicationStatus.IN_APPROVAL, required_level__in=levels) & ~Q(maker=user)
    if actor.has_role("officer", "manager"):
        waiting |= Q(status=ApplicationStatus.SUBMITTED)
        waiting |= Q(
            status__in=[ApplicationStatus.APPROVED, ApplicationStatus.CONTRACTED], maker=user
        )
    voted = ApprovalDecision.objects.filter(actor=user, decision="approve").values("application_id")
    return mine.filter(waiting).exclude(Q(status=ApplicationStatus.IN_APPROVAL) & Q(pk__in=voted))


def application_get(actor: Actor, application_id: int) -> LoanApplication:
    qs = LoanApplication.objects.select_related("borrower", "lender", "maker", "loan")
    return access(actor, qs, application_id, what=WHAT)


def decisions_of(application: LoanApplication) -> QuerySet[ApprovalDecision]:
    return application.decisions.select_related("actor").order_by("decided_at", "pk")


def tech_micro_lenders() -> QuerySet[Organisation]:
    """The lenders an enterprise may apply to (public: active tech micro-lenders)."""
    return institution_directory().filter(kind=OrgKind.TECH_MICRO_LENDER).order_by("name")


def lender_choices() -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in tech_micro_lenders()]


def actions_for(actor: Actor, application: LoanApplication) -> set[str]:
    """What the actor may try on the application now (the services decide for certain)."""
    status = application.status
    user = actor.audit_user
    if actor.org_id == application.borrower_id:
        ok = actor.has_role("admin", "officer") and status in OPEN
        return {"withdraw"} if ok else set()
    if actor.org_id != application.lender_id or user is None:
        return set()
    level = level_of_roles(actor.roles)
    if level is None or not actor.has_role(*STAFF_ROLES):
        return set()
    actions: set[str] = set()
    is_maker = application.maker_id == user.pk
    maker_staff = actor.has_role("officer", "manager")
    approvals = application.decisions.filter(decision="approve")
    may_take = application.maker_id is None or is_maker
    if status in OPEN and maker_staff and may_take and not approvals.exists():
        actions.add("price")
    if status == ApplicationStatus.SUBMITTED:
        actions.add("decline")
    deciding = (
        status == ApplicationStatus.IN_APPROVAL
        and not is_maker
        and bool(application.required_level)
        and level.rank >= Level(application.required_level or "officer").rank
    )
    if deciding:
        actions.add("decline")
        if not approvals.filter(actor=user).exists():
            actions.add("approve")
    if status == ApplicationStatus.APPROVED and maker_staff:
        actions.add("contract")
    if status == ApplicationStatus.CONTRACTED and maker_staff:
        actions.add("disburse")
    return actions


@dataclass(frozen=True)
class Parameters:
    """What the pages and the API show of the rules in force on a date."""

    on: date
    term_min: ParamValue
    term_max: ParamValue
    spreads: list[tuple[str, ParamValue]]
    authority: list[ParamValue]
    limits: list[ParamValue]


def parameters_in_force(on: date | None = None) -> Parameters:
    day = on or timezone.localdate()
    params = microloan_params()
    low, high = pricing.term_range(day, params)
    return Parameters(
        on=day,
        term_min=low,
        term_max=high,
        spreads=pricing.spread_table(day, params),
        authority=[params.value_at(k, day) for k in (P_OFFICER_MAX, P_MANAGER_MAX)],
        limits=[
            params.value_at(k, day) for k in (P_PER_BORROWER, P_INDUSTRY_SHARE, P_INDUSTRY_MIN_BOOK)
        ],
    )


def lender_book_for(actor: Actor) -> BookSummary | None:
    """The acting lender's exposures (None for anyone but a tech micro-lender's staff)."""
    if actor.kind != OrgKind.TECH_MICRO_LENDER or actor.org_id is None:
        return None
    return book_summary(actor.org_id)


def borrower_headroom_for(actor: Actor, application: LoanApplication) -> Decimal | None:
    """What the borrower may still get under the per-borrower limit (the lender's staff only)."""
    if actor.org_id != application.lender_id:
        return None
    return headroom(book_for(application), timezone.localdate(), microloan_params())
