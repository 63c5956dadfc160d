"""API shapes of the loans context (GLOSSARY names)."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class LoanIn(Schema):
    external_id: str = Field(..., max_length=64, description="机构自己的合同编号（幂等键）")
    borrower_uscc: str
    product_kind: str
    amount: Decimal
    contract_date: date
    maturity_date: date
    contract_rate: Decimal = Field(..., description="合同年利率，百分数，如 4.35")
    repayment_method: str = Field(
        ..., description="annuity | equal_principal | interest_only | bullet"
    )
    payment_day: int
    rate_type: str = "fixed"
    spread: Decimal | None = None
    day_count: str = "ACT/360"
    collateral: str = ""
    guarantor: str = ""
    purpose: str = ""
    reported_category: str = ""


class LoanBatchIn(Schema):
    loans: list[LoanIn]


class DrawdownIn(Schema):
    loan_external_id: str
    external_id: str
    date: date
    amount: Decimal


class DrawdownBatchIn(Schema):
    drawdowns: list[DrawdownIn]


class RepaymentIn(Schema):
    loan_external_id: str
    external_id: str
    date: date
    amount: Decimal
    is_prepayment: bool = False
    prepayment_mode: str = "shorter_term"


class RepaymentBatchIn(Schema):
    repayments: list[RepaymentIn]


class ReportedOut(Schema):
    id: int
    external_id: str
    created: bool


class BatchOut(Schema):
    created: int
    unchanged: int
    items: list[ReportedOut]


class LoanOut(Schema):
    id: int
    external_id: str
    lender_id: int
    lender_name: str = Field(..., alias="lender.name")
    borrower_id: int
    borrower_name: str = Field(..., alias="borrower.name")
    product_kind: str
    amount: Decimal
    contract_date: date
    maturity_date: date
    term_months: int
    rate_type: str
    contract_rate: Decimal
    spread: Decimal | None
    benchmark_rate: Decimal
    benchmark_source: str
    repayment_method: str
    payment_day: int
    day_count: str
    reported_category: str
    status: str


class InstalmentOut(Schema):
    number: int
    kind: str
    drawdown_external_id: str = Field(..., alias="drawdown.external_id")
    period_start: date
    due_date: date
    days: int
    rate: Decimal
    opening_principal: Decimal
    principal_due: Decimal
    interest_due: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    penalty_accrued: Decimal
    penalty_paid: Decimal
    settled_on: date | None


class PositionOut(Schema):
    as_of: date
    outstanding_principal: Decimal
    overdue_principal: Decimal
    overdue_interest: Decimal
    accrued_interest: Decimal
    days_past_due: int
    floor_category: str
    category: str
    lifted: bool


class RepaymentOut(Schema):
    external_id: str
    date: date
    amount: Decimal
    is_prepayment: bool
    penalty_part: Decimal
    interest_part: Decimal
    principal_part: Decimal
    prepaid_principal: Decimal
    prepaid_interest: Decimal


class LoanDetailOut(Schema):
    loan: LoanOut
    position: PositionOut
    schedule: list[InstalmentOut]
    repayments: list[RepaymentOut]


class RateIn(Schema):
    table: str = "lpr"
    tenor: str
    effective_date: date
    rate_percent: Decimal
    source: str


class RateOut(Schema):
    table: str
    tenor: str
    effective_date: date
    rate_percent: Decimal
    source: str


class BenchmarkOut(Schema):
    contract_date: date
    tenor_months: int
    rate: Decimal
    table: str
    tenor: str
    effective_date: date
