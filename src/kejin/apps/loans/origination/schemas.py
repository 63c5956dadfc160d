"""API shapes of origination (GLOSSARY names). No ``from __future__ import annotations``: ninja
reads these annotations at runtime."""

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kejin.apps.loans.models import ApprovalDecision, LoanApplication


class ApplicationIn(Schema):
    lender_id: int = Field(..., description="科技小额贷款公司的机构 id（/api/v1/institutions）")
    amount: Decimal = Field(..., description="申请金额（元），精确到分")
    term_months: int = Field(..., description="期限（月），默认 1–36")
    purpose: str = Field(..., max_length=300)
    repayment_method: str = Field(
        "equal_principal", description="annuity | equal_principal | interest_only | bullet"
    )
    consent: bool = Field(
        False, description="授权该公司查询本企业信用信息（用于贷款申请审查）；必须为 true"
    )


class ReasonIn(Schema):
    reason: str = Field("", max_length=500, description="审批意见；拒绝时必填")


class ContractIn(Schema):
    contract_date: date | None = Field(None, description="合同日期，默认今天")
    payment_day: int | None = Field(None, description="每月还款日，默认合同日期的日")


class DisburseIn(Schema):
    date: dt.date | None = Field(None, description="放款日期，默认今天")


class ApplicationOut(Schema):
    id: int
    borrower_id: int
    borrower_name: str = Field(..., alias="borrower.name")
    lender_id: int
    lender_name: str = Field(..., alias="lender.name")
    amount: Decimal
    term_months: int
    purpose: str
    repayment_method: str
    consent_id: int | None
    status: str
    grade: str
    benchmark_rate: Decimal | None
    spread: Decimal | None
    offered_rate: Decimal | None
    required_level: str
    maker_id: int | None
    maker_name: str | None = None
    loan_id: int | None
    submitted_at: datetime
    decided_at: datetime | None
    pricing_trace: dict[str, Any]

    @staticmethod
    def resolve_maker_name(obj: LoanApplication) -> str | None:
        return str(obj.maker) if obj.maker_id else None


class DecisionOut(Schema):
    actor_id: int
    actor_name: str
    level: str
    decision: str
    reason: str
    decided_at: datetime

    @staticmethod
    def resolve_actor_name(obj: ApprovalDecision) -> str:
        return str(obj.actor)


class ApplicationDetailOut(Schema):
    application: ApplicationOut
    decisions: list[DecisionOut]
    actions: list[str]


class ParamOut(Schema):
    key: str
    value: Decimal
    unit: str
    effective_from: date
    source: str


class SpreadOut(Schema):
    grade: str
    spread: ParamOut


class ParametersOut(Schema):
    on: date
    term_min: ParamOut
    term_max: ParamOut
    spreads: list[SpreadOut]
    authority: list[ParamOut]
    limits: list[ParamOut]


class IndustryOut(Schema):
    industry: str
    exposure: Decimal
    share_percent: Decimal


class BorrowerExposureOut(Schema):
    borrower: str
    exposure: Decimal


class BookOut(Schema):
    total: Decimal
    by_industry: list[IndustryOut]
    top_borrowers: list[BorrowerExposureOut]
