"""Claims for compensation (代偿): a bank files when a registered loan passes 90 days past due;
the city reviews with four eyes (the one who proposes is not the one who approves); the approved
loss is split among pool, bank and insurer exactly to the fen (``rules.loss_sharing``, the per-loan
cap applied to the pool's share) and the pool pays its share from its ledger.

The loss is the principal outstanding on the day the loan passed 90 days past due (the earliest
unpaid due date + 91 days), plus the interest unpaid then when the agreement covers interest, net
of what the realised collateral brought in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans import selectors as loan_selectors
from kejin.apps.riskpool.accounts import COMPENSATION_PAID, POOL_CASH, credit, debit
from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import (
    OPEN_CLAIM,
    AgreementVersion,
    Claim,
    ClaimStatus,
    JournalKind,
    Registration,
    RegistrationStatus,
)
from kejin.apps.riskpool.services.common import (
    APPROVER_ROLES,
    lock_pool,
    money,
    not_future,
    require_bank,
    require_city,
    version_in_force,
    yuan_text,
)
from kejin.apps.riskpool.services.ledger import journal_post
from kejin.apps.riskpool.services.registrations import RegistrationInput, bank_loan
from kejin.apps.riskpool.services.suspensions import suspension_evaluate
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.loss_sharing import CLAUSE, LossSharing, share_loss
from kejin.rules.money import ZERO, Number, fmt_yuan
from kejin.rules.params import ParamValue, Unit
from kejin.rules.subsidies.trace import Trace, TraceStep

DEFAULT_AFTER_DAYS = 90


@dataclass(frozen=True)
class ClaimInput:
    loan_id: int | None = None
    loan_external_id: str = ""
    filed_on: date | None = None
    collateral_realised: Number = "0"
    reason: str = ""


def _agreement_params(version: AgreementVersion, *, insured: bool) -> tuple[ParamValue, ...]:
    """The agreement version's terms as parameter values, so that the trace quotes them."""
    source = f"合作协议 {version.agreement.reference}（自 {version.effective_from} 起的版本）"
    suffix = "insured" if insured else "uninsured"
    out = [
        ParamValue(
            f"agreement.share_{suffix}.{party}",
            version.effective_from,
            value,
            Unit.PERCENT,
            source,
            "agreement",
        )
        for party, value in version.shares(insured=insured).items()
    ]
    if version.per_loan_cap is not None:
        out.append(
            ParamValue(
                "agreement.per_loan_cap",
                version.effective_from,
                version.per_loan_cap,
                Unit.YUAN,
                source,
                "agreement",
            )
        )
    return tuple(out)


def claim_sharing(claim: Claim, loss: Decimal) -> LossSharing:
    """Share ``loss`` by the claim's agreement version (in force on the default date)."""
    version = claim.version
    return share_loss(
        loss,
        version.shares(insured=claim.insured),
        version.per_loan_cap,
        params_used=_agreement_params(version, insured=claim.insured),
        params_on=claim.default_date,
    )


def _store_sharing(claim: Claim, sharing: LossSharing, loss_trace: Trace) -> None:
    claim.share_percents = {
        p: str(v) for p, v in claim.version.shares(insured=claim.insured).items()
    }
    claim.pool_share = sharing.shares.get("pool", ZERO)
    claim.bank_share = sharing.shares.get("bank", ZERO)
    claim.insurer_share = sharing.shares.get("insurer", ZERO) if claim.insured else None
    claim.pool_excess = sharing.pool_excess
    claim.trace = loss_trace.add(*sharing.trace.steps).to_dict()


def _loss_trace(claim: Claim, earliest_due: date) -> Trace:
    inputs = {
        "loan": claim.registration.loan.external_id,
        "filed_on": claim.filed_on,
        "days_past_due": claim.days_past_due,
        "insured": claim.insured,
    }
    trace = Trace("risk_pool.claim", "风险补偿·代偿损失与分担", CLAUSE, inputs)
    covered = claim.version.interest_covered
    return trace.add(
        TraceStep(
            label="逾期超过90天之日",
            formula=(
                f"最早未还应还日 {earliest_due.isoformat()} + 91 天 = "
                f"{claim.default_date.isoformat()}（申请日 {claim.filed_on.isoformat()} 逾期 "
                f"{claim.days_past_due} 天）"
            ),
            on=claim.default_date,
        ),
        TraceStep(label="该日本金余额", amount=claim.principal),
        TraceStep(
            label="计入损失的利息",
            amount=claim.interest,
            note="合作协议约定损失含该日未还利息" if covered else "合作协议约定损失不含利息",
        ),
        TraceStep(label="抵质押物处置回收", amount=claim.collateral_realised),
        TraceStep(
            label="申请损失金额",
            amount=claim.loss,
            formula=(
                f"{fmt_yuan(claim.principal)} + {fmt_yuan(claim.interest)} − "
                f"{fmt_yuan(claim.collateral_realised)} = {fmt_yuan(claim.loss)}"
            ),
        ),
    )


def _refuse(code: str, field: str, message: str, *, status: int = 422) -> DomainError:
    return DomainError(code=code, message=message, fields={field: message}, status=status)


def claim_file(*, actor: Actor, data: ClaimInput) -> Claim:
    """The bank files a claim on one of its registered loans more than 90 days past due."""
    require_bank(actor)
    day = not_future(data.filed_on, field="filed_on")
    collateral = money(data.collateral_realised, field="collateral_realised", positive=False)
    loan = bank_loan(
        actor, RegistrationInput(loan_id=data.loan_id, loan_external_id=data.loan_external_id)
    )
    field = "loan_id" if data.loan_id is not None else "loan_external_id"
    found = Registration.objects.filter(loan=loan, bank_id=actor.org_id).first()
    if found is None:
        raise _refuse(
            PoolError.NOT_REGISTERED, field, f"贷款 {loan.external_id} 未登记入池，不能申请代偿"
        )
    with transaction.atomic():
        pool = lock_pool(found.pool_id)
        reg = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("loan", "agreement")
            .get(pk=found.pk)
        )
        if Claim.objects.filter(OPEN_CLAIM, registration=reg).exists():
            raise _refuse(
                PoolError.DUPLICATE_CLAIM,
                field,
                f"贷款 {loan.external_id} 已有代偿申请，不能重复申请",
                status=409,
            )
        position = loan_selectors.position_of(loan, day)
        if position.days_past_due <= DEFAULT_AFTER_DAYS:
            raise _refuse(
                PoolError.NOT_90_DAYS,
                "filed_on",
                f"贷款 {loan.external_id} 在 {day.isoformat()} 逾期 {position.days_past_due} 天，"
                f"逾期超过 90 天方可申请代偿",
            )
        earliest_due = day - timedelta(days=position.days_past_due)
        default_date = earliest_due + timedelta(days=DEFAULT_AFTER_DAYS + 1)
        version = version_in_force(reg.agreement, default_date) or reg.version
        at_default = loan_selectors.position_of(loan, default_date)
        principal = at_default.outstanding_principal
        interest = (
            at_default.overdue_interest + at_default.accrued_interest
            if version.interest_covered
            else ZERO
        )
        if collateral > principal + interest:
            raise _refuse(
                PoolError.COLLATERAL_EXCEEDS,
                "collateral_realised",
                f"抵质押物处置回收 {yuan_text(collateral)} 超过本息 "
                f"{yuan_text(principal + interest)}，没有损失可以补偿",
            )
        loss = principal + interest - collateral
        if loss <= 0:
            raise _refuse(PoolError.NO_LOSS, "collateral_realised", "扣除抵质押物回收后没有损失")
        claim = Claim(
            registration=reg,
            pool=pool,
            bank_id=reg.bank_id,
            insurer_id=reg.insurer_id,
            borrower_id=reg.borrower_id,
            district_code=reg.district_code,
            filed_on=day,
            default_date=default_date,
            days_past_due=position.days_past_due,
            principal=principal,
            interest=interest,
            collateral_realised=collateral,
            loss=loss,
            version=version,
            insured=reg.insured,
            reason=(data.reason or "").strip()[:500],
            filed_by=actor.audit_user,
        )
        _store_sharing(claim, claim_sharing(claim, loss), _loss_trace(claim, earliest_due))
        claim.save()
        reg.status = RegistrationStatus.CLAIMED
        reg.save(update_fields=["status"])
        suspension_evaluate(pool=pool, bank_id=reg.bank_id, on=day)
    return claim


def _claim_for_update(actor: Actor, claim_id: int) -> Claim:
    found: Claim = access(actor, Claim.objects.all(), claim_id, what="代偿申请")
    lock_pool(found.pool_id)
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("registration__loan", "version__agreement", "bank")
        .get(pk=found.pk)
    )


def _require_state(claim: Claim, *states: str) -> None:
    if claim.status not in states:
        raise Conflict(
            code=PoolError.CLAIM_STATE,
            message=f"代偿申请当前状态为“{claim.get_status_display()}”，不能办理此操作",
        )


def claim_propose(
    *, actor: Actor, claim_id: int, approved_loss: Number | None = None, note: str = ""
) -> Claim:
    """First review by the city: confirm (or reduce) the loss and propose the shares."""
    require_city(actor)
    with transaction.atomic():
        claim = _claim_for_update(actor, claim_id)
        _require_state(claim, ClaimStatus.FILED)
        approved = claim.loss
        if approved_loss not in (None, ""):
            approved = money(approved_loss, field="approved_loss")
        if approved > claim.loss:
            raise _refuse(
                PoolError.APPROVED_LOSS_INVALID,
                "approved_loss",
                f"核定损失不能超过申请损失 {yuan_text(claim.loss)}",
            )
        earliest_due = claim.default_date - timedelta(days=DEFAULT_AFTER_DAYS + 1)
        trace = _loss_trace(claim, earliest_due)
        if approved != claim.loss:
            trace = trace.add(
                TraceStep(
                    label="核定损失金额",
                    amount=approved,
                    note=(note or "").strip() or "市科技局初审核减",
                )
            )
        _store_sharing(claim, claim_sharing(claim, approved), trace)
        claim.approved_loss = approved
        claim.status = ClaimStatus.PROPOSED
        claim.proposed_by = actor.audit_user
        claim.proposed_at = timezone.now()
        claim.proposal_note = (note or "").strip()[:500]
        claim.save()
    return claim


def claim_approve(*, actor: Actor, claim_id: int, note: str = "") -> Claim:
    """Second review by another city person: approve, and the pool pays its share (ledger)."""
    require_city(actor, *APPROVER_ROLES)
    with transaction.atomic():
        claim = _claim_for_update(actor, claim_id)
        _require_state(claim, ClaimStatus.PROPOSED)
        person = actor.audit_user
        if person is None or person.pk == claim.proposed_by_id:
            raise DomainError(
                code=PoolError.FOUR_EYES,
                message="复核人不能是初审人：代偿须由两名不同的工作人员分别初审和复核（四眼原则）",
                status=403,
            )
        share = claim.pool_share or ZERO
        balance = pool_balance(claim.pool_id)
        if share > balance:
            raise Conflict(
                code=PoolError.POOL_INSUFFICIENT,
                message=(
                    f"资金池余额 {yuan_text(balance)} 不足以支付资金池分担的 {yuan_text(share)}"
                ),
            )
        if share > 0:
            claim.payout = journal_post(
                actor=actor,
                pool=claim.pool,
                on=timezone.localdate(),
                kind=JournalKind.COMPENSATION,
                memo=(
                    f"代偿：{claim.bank.name} 贷款 {claim.registration.loan.external_id}，"
                    f"资金池分担 {yuan_text(share)}"
                ),
                reference=f"riskpool.Claim:{claim.pk}",
                party_id=claim.bank_id,
                postings=[
                    debit(COMPENSATION_PAID, share, claim.bank_id),
                    credit(POOL_CASH, share, claim.bank_id),
                ],
            )
        claim.status = ClaimStatus.PAID
        claim.decided_by = person
        claim.decided_at = timezone.now()
        claim.decision_note = (note or "").strip()[:500]
        claim.save()
        reg = claim.registration
        reg.status = RegistrationStatus.COMPENSATED
        reg.save(update_fields=["status"])
    return claim


def claim_reject(*, actor: Actor, claim_id: int, reason: str) -> Claim:
    """The city rejects a claim with a reason; the loan stays registered."""
    require_city(actor)
    why = (reason or "").strip()
    if not why:
        raise _refuse(PoolError.REASON_REQUIRED, "reason", "驳回代偿申请须填写理由")
    with transaction.atomic():
        claim = _claim_for_update(actor, claim_id)
        _require_state(claim, ClaimStatus.FILED, ClaimStatus.PROPOSED)
        claim.status = ClaimStatus.REJECTED
        claim.decided_by = actor.audit_user
        claim.decided_at = timezone.now()
        claim.decision_note = why[:500]
        claim.save()
        reg = claim.registration
        reg.status = RegistrationStatus.ACTIVE
        reg.save(update_fields=["status"])
    return claim
