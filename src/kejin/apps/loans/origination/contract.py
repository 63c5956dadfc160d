"""Contract an approved application: the loan is created by the loan book's own reporting service
(origin *originated*), fixed at the offered rate, maturing ``term_months`` after the contract date,
with external id ``WD-<year>-<application id>``; it waits as 已签约未放款 until disbursement."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.models import (
    ApplicationStatus,
    Loan,
    LoanApplication,
    LoanStatus,
    Origin,
    ProductKind,
    RateType,
)
from kejin.apps.loans.origination.casework import (
    decide,
    locked_case,
    require_lender_staff,
    require_status,
)
from kejin.apps.loans.origination.errors import MicroloanError
from kejin.apps.loans.services.reporting import LoanInput, loan_report_one
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import fmt_yuan
from kejin.rules.schedules import due_date


def contract_number(application: LoanApplication, contract_date: date) -> str:
    return f"WD-{contract_date.year}-{application.pk}"


def _bad(field: str, message: str, code: str) -> DomainError:
    return DomainError(code=code, message=message, fields={field: message})


def application_contract(
    *,
    actor: Actor,
    application_id: int,
    contract_date: date | None = None,
    payment_day: int | None = None,
) -> LoanApplication:
    """Sign the contract of an approved application (contract date: today unless given; not
    before the approval, not in the future)."""
    today = timezone.localdate()
    on = contract_date or today
    with transaction.atomic():
        application = locked_case(actor, application_id)
        level = require_lender_staff(actor, application, "officer", "manager", action="签约")
        require_status(application, ApplicationStatus.APPROVED, action="签约")
        approved_on = timezone.localtime(application.decided_at).date()
        if not approved_on <= on <= today:
            raise _bad(
                "contract_date",
                f"合同日期须在批准日 {approved_on} 与今天 {today} 之间（收到 {on}）",
                MicroloanError.CONTRACT_DATE,
            )
        day = on.day if payment_day is None else int(payment_day)
        if not 1 <= day <= 31:
            raise _bad("payment_day", "每月还款日应为 1–31", MicroloanError.PAYMENT_DAY)
        number = contract_number(application, on)
        maturity = due_date(on, application.term_months, on.day)
        item = LoanInput(
            external_id=number,
            borrower_uscc=application.borrower.uscc,
            product_kind=ProductKind.CREDIT,
            amount=application.amount,
            contract_date=on,
            maturity_date=maturity,
            contract_rate=application.offered_rate,  # type: ignore[arg-type]
            repayment_method=application.repayment_method,
            payment_day=day,
            rate_type=RateType.FIXED,
            spread=application.spread,
            purpose=application.purpose,
        )
        reported = loan_report_one(application.lender, item, origin=Origin.ORIGINATED)
        if not reported.created:
            raise Conflict(
                code=MicroloanError.WRONG_STATUS,
                message=f"合同编号 {number} 已存在，不能重复签约",
                fields={"contract_date": "该合同已签订"},
            )
        loan = Loan.objects.get(pk=reported.id)
        loan.status = LoanStatus.APPROVED
        loan.save(update_fields=["status", "updated_at"])
        application.loan = loan
        application.status = ApplicationStatus.CONTRACTED
        application.save(update_fields=["loan", "status"])
        decide(
            application,
            actor,
            level,
            "contract",
            f"签订合同 {number}：{fmt_yuan(application.amount)} 元，年利率 "
            f"{application.offered_rate}%（固定），{on} 至 {maturity}，每月 {day} 日还款，"
            f"{application.get_repayment_method_display()}",
        )
    return application
