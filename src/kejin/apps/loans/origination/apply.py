"""An enterprise applies to a tech micro-lender, with consent to read its credit; it may withdraw
its application until the application is decided."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.models import ApplicationStatus, LoanApplication, RepaymentMethodChoice
from kejin.apps.loans.origination import credit_link
from kejin.apps.loans.origination.casework import OPEN, locked_case, require_status
from kejin.apps.loans.origination.errors import MicroloanError
from kejin.apps.loans.origination.parameters import microloan_params
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor
from kejin.rules import pricing
from kejin.rules.errors import DomainError, PermissionDenied
from kejin.rules.money import to_decimal

FIELD_CODES = {
    "lender_id": MicroloanError.NOT_TECH_MICRO_LENDER,
    "amount": MicroloanError.AMOUNT_INVALID,
    "term_months": pricing.PricingError.TERM_OUT_OF_RANGE,
    "purpose": MicroloanError.PURPOSE_REQUIRED,
    "repayment_method": MicroloanError.METHOD_UNKNOWN,
    "consent": MicroloanError.CONSENT_REQUIRED,
}


@dataclass(frozen=True)
class ApplicationInput:
    lender_id: int
    amount: Decimal
    term_months: int
    purpose: str
    repayment_method: str = RepaymentMethodChoice.EQUAL_PRINCIPAL
    consent: bool = False


def _require_enterprise_staff(actor: Actor, action: str) -> None:
    if actor.kind != OrgKind.ENTERPRISE:
        raise PermissionDenied(f"只有企业可以{action}", code=MicroloanError.NOT_ENTERPRISE)
    actor.require_role("admin", "officer", message=f"{action}需要企业管理员或经办人角色")


def _check(data: ApplicationInput) -> tuple[dict[str, str], Organisation | None, Decimal]:
    errors: dict[str, str] = {}
    lender = Organisation.objects.filter(pk=data.lender_id).first()
    if lender is None or lender.status != OrgStatus.ACTIVE:
        errors["lender_id"] = "请选择平台上正常经营的科技小额贷款公司"
    elif lender.kind != OrgKind.TECH_MICRO_LENDER:
        errors["lender_id"] = (
            f"“{lender.name}”是{lender.get_kind_display()}，不是科技小额贷款公司，"
            "不受理科技小贷申请"
        )
    try:
        amount = to_decimal(data.amount, field="amount")
    except DomainError as exc:
        errors.update(exc.fields)
        amount = Decimal(0)
    if "amount" not in errors:
        if amount <= 0:
            errors["amount"] = f"申请金额必须大于零（收到 {amount}）"
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = "申请金额须精确到分"
        elif amount >= Decimal("1e16"):
            errors["amount"] = "申请金额过大"
    try:
        pricing.check_term(int(data.term_months), timezone.localdate(), microloan_params())
    except DomainError as exc:
        errors.update(exc.fields)
    purpose = (data.purpose or "").strip()
    if not purpose:
        errors["purpose"] = "请填写贷款用途"
    elif len(purpose) > 300:
        errors["purpose"] = "贷款用途不超过 300 字"
    if data.repayment_method not in RepaymentMethodChoice.values:
        errors["repayment_method"] = f"未知的还款方式“{data.repayment_method}”"
    if not data.consent:
        errors["consent"] = "申请科技小贷须授权该公司查询本企业信用信息（用于贷款审查）"
    return errors, lender, amount


def application_submit(*, actor: Actor, data: ApplicationInput) -> LoanApplication:
    """The enterprise applies; its admin's consent to the lender is recorded with it."""
    _require_enterprise_staff(actor, "申请科技小贷")
    errors, lender, amount = _check(data)
    if errors:
        code = next(c for f, c in FIELD_CODES.items() if f in errors)
        raise DomainError(code=code, message="；".join(errors.values()), fields=errors)
    assert lender is not None
    with transaction.atomic():
        consent_id = credit_link.consent_for_application(actor=actor, lender_id=lender.pk)
        if consent_id is None:
            message = (
                f"本企业尚未授权“{lender.name}”查询信用信息（用于贷款申请审查）；"
                "征信查询授权须由企业管理员授予，请由管理员提交申请或先在信用查询授权页面授权"
            )
            raise DomainError(
                code=MicroloanError.CONSENT_REQUIRED, message=message, fields={"consent": message}
            )
        return LoanApplication.objects.create(
            borrower=actor.organisation,
            lender=lender,
            amount=amount,
            term_months=int(data.term_months),
            purpose=data.purpose.strip(),
            repayment_method=data.repayment_method,
            consent_id=consent_id,
            status=ApplicationStatus.SUBMITTED,
        )


def application_withdraw(*, actor: Actor, application_id: int) -> LoanApplication:
    """The applying enterprise withdraws its application before it is decided."""
    with transaction.atomic():
        application = locked_case(actor, application_id)
        if actor.org_id != application.borrower_id:
            raise PermissionDenied("只有申请企业可以撤回申请", code=MicroloanError.NOT_BORROWER)
        _require_enterprise_staff(actor, "撤回申请")
        require_status(application, *OPEN, action="撤回")
        application.status = ApplicationStatus.WITHDRAWN
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
    return application
