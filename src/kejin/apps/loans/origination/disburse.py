"""Disburse a contracted loan in one drawdown (借据 ``<contract number>-1``) of its whole amount,
through the loan book's reporting service, which builds the repayment schedule."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.models import ApplicationStatus, LoanApplication
from kejin.apps.loans.origination.casework import (
    decide,
    locked_case,
    require_lender_staff,
    require_status,
)
from kejin.apps.loans.origination.errors import MicroloanError
from kejin.apps.loans.services.reporting import DrawdownInput, drawdown_report_one
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import fmt_yuan


def application_disburse(
    *, actor: Actor, application_id: int, on: date | None = None
) -> LoanApplication:
    """Pay out the loan (date: today unless given; from the contract date, not in the future)."""
    today = timezone.localdate()
    day = on or today
    with transaction.atomic():
        application = locked_case(actor, application_id)
        level = require_lender_staff(actor, application, "officer", "manager", action="放款")
        if application.status == ApplicationStatus.DISBURSED:
            raise Conflict(
                code=MicroloanError.WRONG_STATUS,
                message="本笔贷款已经放款，不能重复放款",
                fields={"status": "已放款"},
            )
        require_status(application, ApplicationStatus.CONTRACTED, action="放款")
        loan = application.loan
        assert loan is not None
        if not loan.contract_date <= day <= today:
            message = f"放款日期须在合同日期 {loan.contract_date} 与今天 {today} 之间（收到 {day}）"
            raise DomainError(
                code=MicroloanError.DISBURSE_DATE, message=message, fields={"date": message}
            )
        number = f"{loan.external_id}-1"
        drawdown_report_one(
            application.lender,
            DrawdownInput(
                loan_external_id=loan.external_id, external_id=number, date=day, amount=loan.amount
            ),
        )
        application.status = ApplicationStatus.DISBURSED
        application.save(update_fields=["status"])
        decide(
            application,
            actor,
            level,
            "disburse",
            f"放款 {fmt_yuan(loan.amount)} 元，借据 {number}，放款日 {day}",
        )
    return application
