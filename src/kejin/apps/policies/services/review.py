"""The reviewers' side: district review, city review (a proposal), city approval by a second
person (four-eyes) which commits the money, bulk approval, and rejection or return at each step.
The amount is recomputed by the rule at every step and the trace stored again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies import funding
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.models import Application, Status
from kejin.apps.policies.services import compute as computing
from kejin.apps.policies.services.workflow import (
    APPROVE_ROLES,
    REVIEW_ROLES,
    application_for,
    check_repeat_claims,
    require_city,
    require_district_reviewer,
    require_reason,
    require_status,
    tell_applicant,
    tell_city,
    transition,
)
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import fmt_yuan

DECISIONS = ("approve", "return", "reject")
CITY_DECISIONS = ("propose", "return", "reject")


def _decision(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise DomainError(
            code=PolicyError.INPUT_INVALID,
            message=f"审核结论无效：{value}",
            fields={"decision": "请选择审核结论"},
        )
    return value


def _recompute(application: Application, actor: Actor) -> tuple[Decimal, Decimal]:
    before = application.amount
    computed = computing.compute(application, actor=actor)
    check_repeat_claims(application, computed.claims)
    computing.store(application, computed)
    return before, application.amount


def _changed(before: Decimal, after: Decimal) -> str:
    if before == after:
        return ""
    return f"重新测算：{fmt_yuan(before)} 元 → {fmt_yuan(after)} 元"


def application_district_review(
    *, actor: Actor, application_id: int, decision: str, reason: str = ""
) -> Application:
    """The district office approves (to the city), returns for correction, or rejects."""
    decision = _decision(decision, DECISIONS)
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_district_reviewer(actor, application)
        require_status(application, Status.SUBMITTED, doing="初审")
        application.district_reviewer = actor.audit_user
        application.district_reviewed_at = timezone.now()
        if decision == "approve":
            before, after = _recompute(application, actor)
            note = "；".join(p for p in ((reason or "").strip(), _changed(before, after)) if p)
            transition(
                application,
                actor=actor,
                action="district_approved",
                to=Status.CITY_REVIEW,
                reason=note,
                sla_days=application.program.sla_city_days,
            )
            tell_city(application, "已通过区级初审，待市级复审")
            tell_applicant(application, "已通过区级初审")
        elif decision == "return":
            text = require_reason(reason, "退回修改")
            transition(
                application,
                actor=actor,
                action="district_returned",
                to=Status.RETURNED,
                reason=text,
            )
            tell_applicant(application, "被退回修改", f"区级初审退回修改，理由：{text}")
        else:
            text = require_reason(reason, "不予通过")
            transition(
                application,
                actor=actor,
                action="district_rejected",
                to=Status.REJECTED,
                reason=text,
            )
            tell_applicant(application, "未通过区级初审", f"区级初审不予通过，理由：{text}")
    return application


def application_city_review(
    *, actor: Actor, application_id: int, decision: str, reason: str = ""
) -> Application:
    """A city reviewer proposes the award at the recomputed amount, returns or rejects it."""
    decision = _decision(decision, CITY_DECISIONS)
    require_city(actor, *REVIEW_ROLES, what="市级复审")
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_status(application, Status.CITY_REVIEW, Status.CITY_PROPOSED, doing="复审")
        if decision == "propose":
            before, after = _recompute(application, actor)
            application.proposed_amount = after
            application.proposed_by = actor.audit_user
            application.proposed_at = timezone.now()
            note = "；".join(p for p in ((reason or "").strip(), _changed(before, after)) if p)
            transition(
                application,
                actor=actor,
                action="city_proposed",
                to=Status.CITY_PROPOSED,
                reason=note,
                sla_days=application.program.sla_city_days,
            )
            tell_city(application, f"市级复审拟同意 {fmt_yuan(after)} 元，待另一名审批人审批")
        elif decision == "return":
            text = require_reason(reason, "退回修改")
            application.proposed_amount = None
            application.proposed_by = None
            transition(
                application, actor=actor, action="city_returned", to=Status.RETURNED, reason=text
            )
            tell_applicant(application, "被退回修改", f"市级复审退回修改，理由：{text}")
        else:
            text = require_reason(reason, "不予通过")
            transition(
                application, actor=actor, action="city_rejected", to=Status.REJECTED, reason=text
            )
            tell_applicant(application, "未通过市级复审", f"市级复审不予通过，理由：{text}")
    return application


def application_city_approve(*, actor: Actor, application_id: int) -> Application:
    """A second city person approves the proposal (never the proposer): the amount is computed
    again and must still be the proposed one; the money is committed on the program's budget line
    (the fund refuses beyond the budget); the award then waits for its public notice."""
    require_city(actor, *APPROVE_ROLES, what="审批奖补")
    with transaction.atomic():
        application = application_for(actor, application_id, for_update=True)
        require_status(application, Status.CITY_PROPOSED, doing="审批")
        # approvals of one applicant's awards are serialised: the annual caps and the "paid
        # once" checks see every award approved before this one
        Organisation.objects.select_for_update().filter(pk=application.applicant_id).first()
        me = actor.audit_user
        if me is not None and application.proposed_by_id == me.pk:
            raise Conflict(
                PolicyError.FOUR_EYES,
                f"申报 {application.number} 由您拟同意，须由另一名审批人审批（四眼原则）",
            )
        proposed = application.proposed_amount
        _, after = _recompute(application, actor)
        if after != proposed:
            raise Conflict(
                PolicyError.AMOUNT_CHANGED,
                f"申报 {application.number} 重新测算为 {fmt_yuan(after)} 元，与拟同意的 "
                f"{fmt_yuan(proposed or 0)} 元不同（同一企业的其他奖补已先获批或参数已调整），"
                "请复审人重新拟定",
            )
        program = application.program
        if program.budget_line_id is None:
            raise Conflict(
                PolicyError.NO_BUDGET_LINE,
                f"项目“{program.title}”尚未关联专项资金预算科目，不能审批",
            )
        application.fund_commitment_id = funding.commit(
            actor=actor,
            line_id=program.budget_line_id,
            amount=after,
            application_id=application.pk,
            linkage_mode=program.linkage_mode,
        )
        application.approved_by = me
        application.approved_at = timezone.now()
        transition(application, actor=actor, action="city_approved", to=Status.PENDING_NOTICE)
        tell_applicant(application, f"已通过市级审批（{fmt_yuan(after)} 元），将进行公示")
    return application


@dataclass(frozen=True)
class BulkResult:
    approved: list[Application]
    refused: list[tuple[int, str]]


def applications_bulk_approve(*, actor: Actor, application_ids: Iterable[int]) -> BulkResult:
    """Approve several proposals, each in its own transaction; every refusal is reported
    (four-eyes, budget exhausted, amount changed) and refuses only that one."""
    require_city(actor, *APPROVE_ROLES, what="审批奖补")
    approved: list[Application] = []
    refused: list[tuple[int, str]] = []
    for pk in dict.fromkeys(application_ids):
        try:
            approved.append(application_city_approve(actor=actor, application_id=pk))
        except DomainError as exc:
            refused.append((pk, exc.message))
    return BulkResult(approved, refused)
