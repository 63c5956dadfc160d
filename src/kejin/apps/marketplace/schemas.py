"""API shapes of the marketplace (GLOSSARY names). Amounts and rates travel as decimal strings."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ProductOut(Schema):
    id: int
    institution_id: int
    institution_name: str = Field(..., alias="institution.name")
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    summary: str
    amount_min: Decimal
    amount_max: Decimal
    term_min: int
    term_max: int
    rate_min: Decimal | None
    rate_max: Decimal | None
    guarantee: str
    guarantee_label: str = Field(..., alias="get_guarantee_display")
    requires_tech_sme: bool
    requires_hnte: bool
    min_years: int | None
    revenue_min: Decimal | None
    revenue_max: Decimal | None
    min_grade: str
    districts: list[str]
    industries: list[str]
    documents: list[str] = Field(..., alias="document_list")
    response_days: int
    status: str
    status_label: str = Field(..., alias="get_status_display")
    review_note: str
    listed_at: datetime | None


class ProductIn(Schema):
    name: str
    kind: str
    amount_min: Decimal
    amount_max: Decimal
    term_min: int
    term_max: int
    guarantee: str = "none"
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    summary: str = ""
    requires_tech_sme: bool = False
    requires_hnte: bool = False
    min_years: int | None = None
    revenue_min: Decimal | None = None
    revenue_max: Decimal | None = None
    min_grade: str = ""
    districts: list[str] = []
    industries: list[str] = []
    documents: str = ""
    response_days: int = 5
    submit: bool = False


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class DemandIn(Schema):
    title: str
    purpose: str
    amount: Decimal
    term_months: int
    needed_by: date
    max_rate: Decimal | None = None
    guarantees: list[str] = []
    kinds: list[str] = []
    audience: str = "open"
    targets: list[int] = []


class DemandOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    title: str
    purpose: str
    amount: Decimal
    term_months: int
    max_rate: Decimal | None
    guarantees: list[str]
    kinds: list[str]
    needed_by: date
    audience: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    created_at: datetime
    matched_at: datetime | None


class LeadOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    district_code: str = Field(..., alias="enterprise.district_code")
    title: str
    purpose: str
    amount: Decimal
    term_months: int
    max_rate: Decimal | None
    needed_by: date
    best_score: int | None = None
    is_targeted: bool = False


class CloseIn(Schema):
    status: str


class ReasonOut(Schema):
    code: str
    label: str
    ok: bool | None
    text: str
    private: bool = False


class ScorePartOut(Schema):
    code: str
    label: str
    points: int
    max: int
    note: str


class MatchOut(Schema):
    id: int
    demand_id: int
    product_id: int
    product_name: str
    institution_id: int
    institution_name: str
    enterprise_id: int
    score: int
    eligible: bool
    reasons: list[ReasonOut]
    score_trace: list[ScorePartOut]
    computed_at: datetime


class CreditOut(Schema):
    enterprise_id: int
    grade: str | None
    score: int | None
    rated_on: date | None
    revenue: Decimal | None
    revenue_year: int | None
    consent_id: int | None


class EnterpriseCardOut(Schema):
    """What any institution with a lead may see of the enterprise (no financial or credit data)."""

    district: str = ""
    industry: str = ""
    years: int | None = None
    tech_sme: bool = False
    hnte: bool = False


class LeadDetailOut(Schema):
    demand: LeadOut
    enterprise: EnterpriseCardOut
    matches: list[MatchOut]
    targeted: bool


class ApplicationIn(Schema):
    demand_id: int
    product_id: int
    amount: Decimal | None = None
    term_months: int | None = None
    note: str = ""
    consent_valid_until: date | None = None


class ApplicationOut(Schema):
    id: int
    demand_id: int
    product_id: int
    product_name: str = Field(..., alias="product.name")
    product_kind: str = Field(..., alias="product.kind")
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    institution_id: int
    institution_name: str = Field(..., alias="institution.name")
    amount: Decimal
    term_months: int
    note: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    submitted_at: datetime
    due_on: date | None
    first_response_at: datetime | None
    response_working_days: int | None
    overdue_flagged_at: datetime | None
    info_request: str
    info_response: str
    decline_reason: str
    granted_amount: Decimal | None
    granted_rate: Decimal | None
    granted_term: int | None
    loan_id: int | None
    investment_id: int | None
    consent_id: int | None
    rating: int | None
    rating_comment: str


class MessageIn(Schema):
    message: str


class AcceptIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class RatingIn(Schema):
    rating: int
    comment: str = ""


class GrantIn(Schema):
    amount: Decimal
    rate: Decimal | None = None
    term_months: int | None = None
    contract_no: str = ""
    contract_date: date | None = None
    maturity_date: date | None = None
    repayment_method: str = "annuity"
    payment_day: int | None = None
    drawdown_date: date | None = None
    equity_share: Decimal | None = None
    invested_on: date | None = None
    note: str = ""


class LinkageIn(Schema):
    enterprise_id: int
    investor_id: int
    bank_id: int
    investment_amount: Decimal
    loan_amount: Decimal
    terms: str
    signed_on: date
    equity_share: Decimal | None = None
    loan_rate: Decimal | None = None
    loan_term_months: int | None = None
    investment_id: int | None = None
    loan_id: int | None = None


class LinkageOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    investor_id: int
    investor_name: str = Field(..., alias="investor.name")
    bank_id: int
    bank_name: str = Field(..., alias="bank.name")
    investment_amount: Decimal
    equity_share: Decimal | None
    loan_amount: Decimal
    loan_rate: Decimal | None
    loan_term_months: int | None
    terms: str
    signed_on: date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    investor_confirmed_at: datetime | None
    bank_confirmed_at: datetime | None


class DistrictKpiOut(Schema):
    district_code: str = Field(..., alias="enterprise__district_code")
    deals: int
    investment: Decimal
    loans: Decimal


class LinkageKpiOut(Schema):
    deals: int
    investment: Decimal | None
    loans: Decimal | None
    by_district: list[DistrictKpiOut]


class ProjectIn(Schema):
    title: str
    summary: str
    kind: str
    target_amount: Decimal
    deadline: date
    host_id: int
    project_url: str = ""


class ProjectOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    host_id: int
    host_name: str = Field(..., alias="host.name")
    title: str
    summary: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    target_amount: Decimal
    raised_amount: Decimal
    backers: int
    progress_percent: int
    deadline: date
    project_url: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    moderation_note: str


class ModerateIn(Schema):
    decision: str
    note: str = ""


class ProgressIn(Schema):
    raised_amount: Decimal
    backers: int
    reported_on: date | None = None
    note: str = ""


class ProgressOut(Schema):
    id: int
    project_id: int
    reported_on: date
    raised_amount: Decimal
    backers: int
    note: str


class SearchOut(Schema):
    products: list[ProductOut]
    demands: list[DemandOut]
    projects: list[ProjectOut]


class StatRowOut(Schema):
    key: str
    label: str
    demands: int
    matches: int
    applications: int
    granted: int
    declined: int
    grant_rate: Decimal | None
    avg_response_days: Decimal | None
    amount_granted: Decimal


class StatsOut(Schema):
    by: str
    rows: list[StatRowOut]
    total: StatRowOut


class RematchRunOut(Schema):
    id: int
    status: str
    demands: int
    products: int
    done: int
    matches: int
    new_matches: int
    progress: int
    seconds: Decimal | None
    error: str
