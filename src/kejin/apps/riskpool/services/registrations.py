"""A bank registers its eligible loans into a pool (入池登记).

Refused with a reason naming the field when: the loan is not the bank's; it is already registered;
the bank has no agreement in force; the bank is suspended; the loan is closed, not yet drawn, or
overdue on the registration date; its product kind is not covered; the borrower is neither a tech
SME nor an HNTE (as the agreement requires) on that date; a named insurer has no agreement; or the
pool's registered outstanding would pass balance × leverage (checked under the pool lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from kejin.apps.loans import selectors as loan_selectors
from kejin.apps.loans.models import Loan, LoanStatus, ProductKind
from kejin.apps.orgs.models import Organisation, OrgKind
from kejin.apps.riskpool import eligibility
from kejin.apps.riskpool.balances import pool_balance, registered_outstanding
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import AgreementVersion, Registration, RiskPool, Suspension
from kejin.apps.riskpool.services.common import (
    agreement_in_force,
    lock_pool,
    not_future,
    require_bank,
    today,
    yuan_text,
)
from kejin.apps.riskpool.services.suspensions import suspended_error, suspension_evaluate
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.loss_sharing import leverage_headroom
from kejin.rules.money import fmt_yuan


@dataclass(frozen=True)
class RegistrationInput:
    """One loan to register: by the platform's loan id or by the bank's contract number."""

    loan_id: int | None = None
    loan_external_id: str = ""
    registered_on: date | None = None
    insurer_id: int | None = None
    policy_number: str = ""


def _refuse(code: str, field: str, message: str, *, conflict: bool = False) -> DomainError:
    if conflict:
        return Conflict(code=code, message=message, fields={field: message})
    return DomainError(code=code, message=message, fields={field: message})


def bank_loan(actor: Actor, data: RegistrationInput) -> Loan:
    if data.loan_id is not None:
        loan = loan_selectors.loan_get(actor, data.loan_id)  # another's loan: 404
        if loan.lender_id != actor.org_id:
            raise _refuse(PoolError.LOAN_UNKNOWN, "loan_id", "只能登记本行发放的贷款")
        return loan
    ext = (data.loan_external_id or "").strip()
    if not ext:
        raise _refuse(PoolError.LOAN_UNKNOWN, "loan_external_id", "请填写贷款合同编号")
    loan = (
        loan_selectors.loan_list_for(actor).filter(lender_id=actor.org_id, external_id=ext).first()
    )
    if loan is None:
        raise _refuse(
            PoolError.LOAN_UNKNOWN,
            "loan_external_id",
            f"本行没有合同编号为 {ext} 的贷款（只能登记本行已报送的贷款）",
        )
    return loan


def _loan_field(data: RegistrationInput) -> str:
    return "loan_id" if data.loan_id is not None else "loan_external_id"


def _check_loan(loan: Loan, version: AgreementVersion, day: date, field: str) -> Decimal:
    """The loan may be registered on ``day``: returns its outstanding principal then."""
    if loan.status in (LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF):
        raise _refuse(
            PoolError.LOAN_NOT_LIVE, field, f"贷款 {loan.external_id} 已{loan.get_status_display()}"
        )
    if day < loan.contract_date:
        raise _refuse(
            PoolError.LOAN_NOT_LIVE,
            "registered_on",
            f"登记日期不能早于贷款合同日期 {loan.contract_date.isoformat()}",
        )
    position = loan_selectors.position_of(loan, day)
    if position.outstanding_principal <= 0:
        raise _refuse(
            PoolError.LOAN_NOT_LIVE,
            field,
            f"贷款 {loan.external_id} 在 {day.isoformat()} 没有未还本金（尚未放款或已还清）",
        )
    if position.days_past_due > 0:
        raise _refuse(
            PoolError.LOAN_OVERDUE,
            field,
            f"贷款 {loan.external_id} 在 {day.isoformat()} 已逾期 {position.days_past_due} 天，"
            f"逾期贷款不能登记入池",
        )
    if loan.product_kind not in version.product_kinds:
        label = ProductKind(loan.product_kind).label
        raise _refuse(
            PoolError.PRODUCT_NOT_COVERED,
            field,
            f"合作协议（自 {version.effective_from.isoformat()} 起的版本）不含产品类型“{label}”",
        )
    return position.outstanding_principal


def _check_borrower(loan: Loan, version: AgreementVersion, day: date, field: str) -> list[str]:
    held = eligibility.borrower_statuses([loan.borrower_id], day)[loan.borrower_id]
    required = list(version.eligible_borrowers)
    if not held.intersection(required):
        raise _refuse(
            PoolError.BORROWER_INELIGIBLE,
            field,
            f"借款企业“{loan.borrower.name}”在 {day.isoformat()} 不是"
            f"{'或'.join(eligibility.LABELS.get(k, k) for k in required)}，不能登记入池",
        )
    return sorted(held)


def _check_insurer(pool: RiskPool, loan: Loan, data: RegistrationInput, day: date) -> None:
    if data.insurer_id is None:
        if data.policy_number.strip():
            raise _refuse(PoolError.INSURER_INVALID, "insurer_id", "填写了保单号，请选择保险公司")
        return
    insurer = Organisation.objects.filter(pk=data.insurer_id, kind=OrgKind.INSURER).first()
    if insurer is None:
        raise _refuse(PoolError.INSURER_INVALID, "insurer_id", "请选择在册的保险公司")
    _, version = agreement_in_force(pool, insurer.pk, day, field="insurer_id", who=insurer.name)
    if loan.product_kind not in version.product_kinds:
        raise _refuse(
            PoolError.INSURER_INVALID,
            "insurer_id",
            f"{insurer.name}的合作协议不承保产品类型“{ProductKind(loan.product_kind).label}”",
        )
    if not data.policy_number.strip():
        raise _refuse(PoolError.INSURER_INVALID, "policy_number", "请填写履约保证保险保单号")


def _check_leverage(pool: RiskPool, version: AgreementVersion, amount: Decimal) -> dict[str, str]:
    """Registered outstanding (today) plus this loan must stay within balance × leverage."""
    now = today()
    balance = pool_balance(pool.pk)
    current = registered_outstanding(pool.pk, now)
    leverage = version.leverage or Decimal(0)
    headroom = leverage_headroom(balance, leverage, current)
    if amount > headroom:
        raise _refuse(
            PoolError.LEVERAGE_EXCEEDED,
            "loan",
            f"超出资金池放大倍数：入池贷款余额 {yuan_text(current)} + 本笔 {yuan_text(amount)} "
            f"将超过资金池余额 {yuan_text(balance)} × {leverage.normalize():f} 倍"
            f" = {yuan_text(balance * leverage)}；尚可登记 {yuan_text(headroom)}",
            conflict=True,
        )
    return {
        "on": now.isoformat(),
        "balance": str(balance),
        "leverage": str(leverage),
        "registered_before": str(current),
        "headroom_before": str(headroom),
        "formula": f"{fmt_yuan(current)} + {fmt_yuan(amount)} ≤ {fmt_yuan(balance)} × {leverage}",
    }


def register_one(actor: Actor, pool: RiskPool, data: RegistrationInput) -> Registration:
    """Register one loan (the caller holds the pool lock and has checked suspension)."""
    bank = actor.organisation
    assert bank is not None
    day = not_future(data.registered_on, field="registered_on")
    loan = bank_loan(actor, data)
    field = _loan_field(data)
    if Registration.objects.filter(loan=loan).exists():
        raise _refuse(
            PoolError.ALREADY_REGISTERED,
            field,
            f"贷款 {loan.external_id} 已登记入池，不能重复登记",
            conflict=True,
        )
    agreement, version = agreement_in_force(
        pool, bank.pk, day, field="registered_on", who=bank.name
    )
    principal = _check_loan(loan, version, day, field)
    held = _check_borrower(loan, version, day, field)
    _check_insurer(pool, loan, data, day)
    exposure_now = loan_selectors.position_of(loan, max(day, today())).outstanding_principal
    leverage = _check_leverage(pool, version, exposure_now)
    return Registration.objects.create(
        pool=pool,
        agreement=agreement,
        version=version,
        bank=bank,
        borrower=loan.borrower,
        district_code=loan.borrower.district_code,
        loan=loan,
        insurer_id=data.insurer_id,
        policy_number=data.policy_number.strip()[:64],
        registered_on=day,
        principal=principal,
        eligibility={
            "on": day.isoformat(),
            "required": list(version.eligible_borrowers),
            "held": held,
            "product_kind": loan.product_kind,
            "version_effective_from": version.effective_from.isoformat(),
            "leverage": leverage,
        },
        created_by=actor.audit_user,
    )


def registration_guard(actor: Actor, pool_id: int, on: date) -> tuple[RiskPool, Suspension | None]:
    """Lock the pool and find the bank's open suspension, or create one if its NPL ratio on the
    registration date ``on`` passes the threshold (inside the caller's transaction)."""
    pool = lock_pool(pool_id)
    suspension = suspension_evaluate(pool=pool, bank_id=actor.org_id or 0, on=on)
    return pool, suspension


def registration_create(*, actor: Actor, pool_id: int, data: RegistrationInput) -> Registration:
    """Register one of the bank's loans into the pool."""
    require_bank(actor)
    day = not_future(data.registered_on, field="registered_on")
    with transaction.atomic():
        pool, suspension = registration_guard(actor, pool_id, day)
        if suspension is None:
            return register_one(actor, pool, data)
    # The suspension is kept (committed) and the registration refused.
    raise suspended_error(suspension)
