"""An officer of the lender takes a case (becomes its maker) and prices it: grade from the latest
credit rating (read under the enterprise's consent), benchmark for the term on the pricing date,
spread by grade, and the authority level the amount needs. The trace is kept on the application."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.models import ApplicationStatus, ApprovalLevel, LoanApplication
from kejin.apps.loans.origination import credit_link
from kejin.apps.loans.origination.casework import (
    OPEN,
    WHAT,
    decide,
    locked_case,
    require_lender_staff,
    require_status,
)
from kejin.apps.loans.origination.errors import MicroloanError
from kejin.apps.loans.origination.parameters import microloan_params
from kejin.apps.loans.services.rates import rate_table
from kejin.platform.tenancy import Actor, access
from kejin.rules import pricing
from kejin.rules.authority import Authority, required_level
from kejin.rules.errors import Conflict


def _may_price(actor: Actor, application: LoanApplication) -> None:
    require_lender_staff(actor, application, "officer", "manager", action="受理定价")
    require_status(application, *OPEN, action="定价")
    me = actor.audit_user.pk if actor.audit_user else None
    if application.maker_id is not None and application.maker_id != me:
        raise Conflict(
            code=MicroloanError.TAKEN,
            message=f"本案已由 {application.maker} 受理经办，只有经办人可以重新定价",
        )
    if application.decisions.filter(decision="approve").exists():
        raise Conflict(
            code=MicroloanError.WRONG_STATUS,
            message="本案已有同意意见，不能重新定价；如需调整请拒绝后由企业重新申请",
        )


def quote_for(
    application: LoanApplication, rating: credit_link.RatingSeen | None, on: date
) -> tuple[pricing.Quote, Authority]:
    """The price and the authority of an application on ``on`` (no writes)."""
    params = microloan_params()
    found = rate_table().benchmark_for(on, application.term_months)
    src = found.source
    quote = pricing.price(
        on=on,
        term_months=application.term_months,
        benchmark_rate=found.rate,
        benchmark_source=f"{src.table.value.upper()} {src.tenor} {src.effective_date}",
        grade=rating.grade if rating else None,
        score=rating.score if rating else None,
        params=params,
    )
    return quote, required_level(application.amount, on, params)


def application_price(
    *, actor: Actor, application_id: int, today: date | None = None
) -> LoanApplication:
    """Take and price the case (again, by its maker, while nobody has approved it)."""
    on = today or timezone.localdate()
    qs = LoanApplication.objects.select_related("borrower", "lender", "maker")
    application: LoanApplication = access(actor, qs, application_id, what=WHAT)
    _may_price(actor, application)
    # The consented read is logged even when refused, so it happens outside the transaction.
    rating, consent_used = credit_link.read_rating(
        actor=actor, enterprise_id=application.borrower_id
    )
    quote, authority = quote_for(application, rating, on)
    with transaction.atomic():
        application = locked_case(actor, application_id)
        level = require_lender_staff(actor, application, "officer", "manager", action="受理定价")
        _may_price(actor, application)
        trace: dict[str, Any] = {
            **quote.trace,
            "consent_id": consent_used,
            "authority": authority.trace(),
        }
        application.grade = quote.grade
        application.benchmark_rate = quote.benchmark_rate
        application.spread = quote.spread
        application.offered_rate = quote.offered_rate
        application.pricing_trace = trace
        application.required_level = ApprovalLevel(authority.level.value)
        application.maker = actor.audit_user
        application.status = ApplicationStatus.IN_APPROVAL
        application.save()
        grade = quote.grade or "未评级"
        decide(
            application,
            actor,
            level,
            "price",
            f"受理并定价：{grade}，{pricing.show_rate(quote.benchmark_rate)}% + "
            f"{pricing.show_rate(quote.spread)} = "
            f"{quote.offered_rate}%；须{authority.level.label}审批"
            f"（{authority.approvals_needed} 人同意）",
        )
    return application
