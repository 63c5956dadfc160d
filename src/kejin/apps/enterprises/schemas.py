"""API shapes of the enterprises context (GLOSSARY names). Amounts are decimal yuan: send them
as strings (``"1234567.89"``) to keep every fen; JSON numbers are accepted too."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from ninja.schema import DjangoGetter

from kejin.apps.enterprises.facts import ip_standing
from kejin.rules import divisions


class ProfileIn(Schema):
    legal_representative: str | None = None
    established_date: date | None = None
    registered_capital: Decimal | None = None
    industry: str = ""
    main_products: str = ""


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    district_code: str
    district_name: str
    legal_representative: str
    established_date: date | None
    registered_capital: Decimal | None
    industry: str
    industry_label: str
    main_products: str


class FinancialYearIn(Schema):
    employees: int
    tech_staff: int
    revenue: Decimal
    total_cost_and_expense: Decimal
    rd_expense: Decimal
    rd_expense_domestic: Decimal | None = None
    total_assets: Decimal
    net_profit: Decimal
    tax_paid: Decimal
    total_income: Decimal | None = None
    hightech_revenue: Decimal | None = None
    resident_in_mainland: bool | None = None
    in_restricted_catalogue: bool | None = None
    had_serious_incident: bool | None = None
    on_abnormal_operations_list: bool | None = None
    on_serious_dishonesty_list: bool | None = None


class FinancialYearOut(FinancialYearIn):
    year: int
    enterprise_id: int
    locked: bool = Field(..., alias="is_locked")
    locked_at: datetime | None
    updated_at: datetime


class IpItemIn(Schema):
    kind: str
    number: str
    title: str
    grant_date: date
    expiry_date: date
    disputed: bool = False
    related_to_main_products: bool = True


class IpItemOut(IpItemIn):
    id: int
    kind_label: str = Field(..., alias="get_kind_display")
    ip_class: str
    counted_today: bool
    standing: str

    @staticmethod
    def resolve_ip_class(obj: Any) -> str:
        return ip_standing(_unwrap(obj), timezone.localdate()).ip_class

    @staticmethod
    def resolve_counted_today(obj: Any) -> bool:
        return ip_standing(_unwrap(obj), timezone.localdate()).counted

    @staticmethod
    def resolve_standing(obj: Any) -> str:
        return ip_standing(_unwrap(obj), timezone.localdate()).reason


def _unwrap(obj: Any) -> Any:
    return obj._obj if isinstance(obj, DjangoGetter) else obj


class CertificateIn(Schema):
    number: str
    issue_date: date
    expiry_date: date | None = None
    revoked_on: date | None = None


class CertificateOut(Schema):
    id: int
    enterprise_id: int
    number: str
    issue_date: date
    expiry_date: date
    revoked_on: date | None


class ExpiringCertificateOut(CertificateOut):
    enterprise_name: str = Field(..., alias="enterprise.name")
    district_code: str = Field(..., alias="enterprise.district_code")


class AwardIn(Schema):
    name: str
    category: str
    grade: str = ""
    award_date: date
    rank: int


class AwardOut(AwardIn):
    id: int
    category_label: str = Field(..., alias="get_category_display")


class StandardIn(Schema):
    code: str
    title: str
    level: str
    published_date: date


class StandardOut(StandardIn):
    id: int
    level_label: str = Field(..., alias="get_level_display")


class InstitutionIn(Schema):
    name: str
    level: str
    recognised_by: str
    recognised_date: date


class InstitutionOut(InstitutionIn):
    id: int
    level_label: str = Field(..., alias="get_level_display")


class ExecutiveIn(Schema):
    name: str
    position: str
    appointed_on: date | None = None


class ExecutiveOut(ExecutiveIn):
    id: int


class HntePrecheckIn(Schema):
    innovation_ip: int
    innovation_transformation: int
    innovation_rd_management: int
    innovation_growth: int
    owns_core_ip: bool | None = None
    in_supported_field: bool | None = None
    had_major_incident_prior_year: bool | None = None
    reference_date: date | None = None


class CriterionOut(Schema):
    key: str
    label: str
    passed: bool | None
    detail: str


class HntePrecheckOut(Schema):
    years: list[int]
    criteria: list[CriterionOut]
    passed: bool
    complete: bool
    trace: list[str]


class SelfEvaluationIn(Schema):
    year: int
    reference_date: date | None = None


class SelfEvaluationOut(Schema):
    id: int
    enterprise_id: int
    year: int
    reference_date: date
    qualified: bool
    total_score: int
    created_at: datetime
    facts: dict[str, Any]
    outcome: dict[str, Any]


class CorrectionIn(Schema):
    year: int
    changes: dict[str, Any]
    reason: str


class DecisionIn(Schema):
    approve: bool
    reason: str


class CorrectionOut(Schema):
    id: int
    enterprise_id: int
    year: int = Field(..., alias="financial_year.year")
    changes: dict[str, str]
    previous: dict[str, str]
    reason: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    requested_at: datetime
    decided_at: datetime | None
    decision_reason: str


class RunIn(Schema):
    year: int
    reference_date: date | None = None


class PublishIn(Schema):
    notice_days: int = 7
    opens_on: date | None = None


class RunOut(Schema):
    id: int
    year: int
    reference_date: date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    total: int
    processed: int
    percent: int
    qualified_count: int
    incomplete_count: int
    error: str
    created_at: datetime
    finished_at: datetime | None
    published_at: datetime | None
    notice_days: int | None
    notice_start: date | None
    notice_end: date | None
    valid_from: date | None
    valid_until: date | None


class ResultOut(Schema):
    id: int
    run_id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    district_code: str = Field(..., alias="enterprise.district_code")
    year: int
    complete: bool
    missing: str
    tech_staff_points: int
    rd_revenue_points: int
    rd_cost_points: int
    rd_points: int
    ip_points: int
    total_score: int
    eligible: bool
    passes_score: bool
    route_hnte: bool
    route_national_award: bool
    route_rd_institution: bool
    route_standard: bool
    direct_qualification: bool
    qualified: bool


class ResultDetailOut(ResultOut):
    facts: dict[str, Any] | None
    explanation: dict[str, Any] | None


class DistrictStatOut(Schema):
    district_code: str
    district_name: str
    total: int
    complete: int
    qualified: int
    direct: int
    by_score: int

    @staticmethod
    def resolve_district_name(obj: dict[str, Any]) -> str:
        return divisions.name(obj["district_code"])


class StatsOut(Schema):
    run: RunOut | None
    districts: list[DistrictStatOut]


class PublicTechSmeOut(Schema):
    enterprise_name: str = Field(..., alias="enterprise.name")
    uscc: str = Field(..., alias="enterprise.uscc")
    district_code: str = Field(..., alias="enterprise.district_code")
    year: int
    notice_start: date = Field(..., alias="run.notice_start")
    notice_end: date = Field(..., alias="run.notice_end")


class ImportResultOut(Schema):
    imported: int
