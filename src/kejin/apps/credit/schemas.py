"""API shapes of the credit context (GLOSSARY names)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

PurposeLiteral = Literal["loan_application", "post_loan_monitoring"]


class RecordIn(Schema):
    kind: str
    uscc: str
    record_date: date | None = None
    year: int | None = None
    month: int | None = None
    grade: str = ""
    headcount: int | None = None
    amount: Decimal | None = None
    reference: str = ""
    authority: str = ""
    description: str = ""
    ended_on: date | None = None
    person_name: str = ""
    person_id: str = ""


class RecordBulkIn(Schema):
    items: list[RecordIn]


class RecordOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    enterprise_id: int
    source_id: int
    record_date: date
    year: int | None
    month: int | None
    grade: str
    headcount: int | None
    amount: Decimal | None
    days_past_due: int | None
    repayment_event: str
    reference: str
    authority: str
    description: str
    ended_on: date | None
    person_name: str
    person_id_masked: str
    status: str
    summary: str
    created_at: datetime

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return str(obj.summary())


class CreatedOut(Schema):
    created: int


class ConsentIn(Schema):
    institution_id: int
    purpose: PurposeLiteral
    valid_until: date


class ConsentOut(Schema):
    id: int
    enterprise_id: int
    institution_id: int
    institution_name: str = Field(..., alias="institution.name")
    purpose: str
    valid_from: date
    valid_until: date
    granted_at: datetime
    revoked_at: datetime | None


class ExecutiveIn(Schema):
    name: str
    role: str
    id_number: str


class ExecutiveOut(Schema):
    id: int
    name: str
    role: str
    id_masked: str
    active: bool


class ExecutiveConsentOut(Schema):
    id: int
    executive_id: int
    purpose: str
    signed_on: date
    valid_until: date
    revoked_at: datetime | None


class ReadLogOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    reader_id: int
    reader_name: str = Field(..., alias="reader.name")
    reader_user: str | None = None
    via_token: str
    what: str
    purpose: str
    consent_id: int | None
    outcome: str
    reason: str
    personal_included: bool
    at: datetime

    @staticmethod
    def resolve_reader_user(obj: Any) -> str | None:
        return str(obj.reader_user) if obj.reader_user_id else None


class LookupOut(Schema):
    id: int
    name: str
    uscc: str


class ReasonOut(Schema):
    code: str
    lost: int
    missing: bool
    text: str


class RatingOut(Schema):
    enterprise_id: int
    grade: str
    score: int
    model_version: str
    as_of: date
    rated_at: datetime
    reasons: list[ReasonOut]
    contributions: list[dict[str, Any]]


class ProfileOut(Schema):
    enterprise: dict[str, Any]
    rating: dict[str, Any] | None
    records: list[dict[str, Any]]
    executives: list[dict[str, Any]]
    personal_data_note: str
    read: dict[str, Any]


class ReportOut(ProfileOut):
    history: list[dict[str, Any]]
    generated_at: str


class DisputeOut(Schema):
    id: int
    record_id: int
    enterprise_id: int
    reason: str
    has_attachment: bool
    status: str
    resolution: str
    correction: dict[str, Any]
    resolution_note: str
    raised_at: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_has_attachment(obj: Any) -> bool:
        return bool(obj.attachment)


class ResolveIn(Schema):
    upheld: bool
    note: str
    resolution: Literal["withdraw", "correct"] = "withdraw"
    correction: dict[str, str] = {}


class ModelOut(Schema):
    id: int
    version: int
    name: str
    status: str
    data_source: str
    observation_date: date | None
    progress: int
    progress_message: str
    error: str
    metrics: dict[str, Any] | None
    dropped: list[dict[str, str]]
    trained_by_id: int
    approved_by_id: int | None
    created_at: datetime
    finished_at: datetime | None
    approved_at: datetime | None


class ModelCardOut(ModelOut):
    scorecard: dict[str, Any] | None
    summary: dict[str, Any] | None
    distribution: dict[str, Any] | None
    scale: list[dict[str, str]]


class TrainPlatformIn(Schema):
    name: str
    observation_date: date


class DecisionIn(Schema):
    note: str = ""


class BatchOut(Schema):
    id: int
    model_id: int
    as_of: date
    status: str
    total: int
    done: int
    progress: int
    psi: float | None
    psi_alert: bool
    grades: dict[str, int]
    error: str


class ParameterIn(Schema):
    key: str
    effective_from: date
    value: Decimal
    source: str


class ParameterOut(Schema):
    id: int
    key: str
    effective_from: date
    value: Decimal
    source: str
