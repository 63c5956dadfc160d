"""API shapes of the policies context (GLOSSARY names). Amounts are decimal strings."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class ClauseOut(Schema):
    number: str
    ordinal: int
    section: str
    heading: str
    text: str


class PolicyOut(Schema):
    id: int
    code: str
    version: int
    title: str
    issuer: str
    document_number: str
    effective_from: date
    status: str


class PolicyDetailOut(PolicyOut):
    preamble: str
    change_note: str
    clauses: list[ClauseOut]


class PolicyIn(Schema):
    code: str
    text: str
    effective_from: date
    issuer: str = ""
    document_number: str = ""
    change_note: str = ""


class InputFieldOut(Schema):
    name: str
    label: str
    kind: str
    help: str
    required: bool
    choices: list[list[str]]
    columns: list[str]


class DocumentSpecOut(Schema):
    code: str
    label: str


class ProgramOut(Schema):
    id: int
    code: str
    title: str
    year: int
    measure: str
    measure_label: str = Field(..., alias="get_measure_display")
    policy_id: int
    description: str
    applicant_kinds: list[str]
    requires_tech_sme: bool
    requires_hnte: bool
    opens_on: date
    closes_on: date
    coverage_start: date | None
    coverage_end: date | None
    budget_line_id: int | None
    budget_line_label: str
    linkage_mode: str
    required_documents: list[DocumentSpecOut]
    sla_district_days: int
    sla_city_days: int
    published: bool


class ProgramDetailOut(ProgramOut):
    clause: str = Field(..., alias="clause_text")
    inputs: list[InputFieldOut] = Field(..., alias="input_fields")


class ProgramIn(Schema):
    policy_id: int
    title: str
    year: int
    measure: str
    opens_on: date
    closes_on: date
    code: str = ""
    description: str = ""
    applicant_kinds: list[str] = []
    requires_tech_sme: bool = False
    requires_hnte: bool = False
    coverage_start: date | None = None
    coverage_end: date | None = None
    budget_line_id: int | None = None
    linkage_mode: str = ""
    required_documents: list[str] = []
    sla_district_days: int = 10
    sla_city_days: int = 15
    published: bool = True


class EstimateIn(Schema):
    program_id: int
    inputs: dict[str, Any] = {}


class AwardOut(Schema):
    measure: str
    amount: Decimal
    reference_date: date | None
    reasons: list[str]
    warnings: list[str]
    lines: list[str]
    trace: dict[str, Any]


class ApplicationIn(Schema):
    program_id: int
    inputs: dict[str, Any] = {}
    claimed_amount: Decimal | None = None
    payee_name: str = ""
    payee_bank: str = ""
    payee_account: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class ApplicationPatch(Schema):
    inputs: dict[str, Any] | None = None
    claimed_amount: Decimal | None = None
    payee_name: str | None = None
    payee_bank: str | None = None
    payee_account: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class ApplicationOut(Schema):
    id: int
    number: str
    program_id: int
    program_title: str = Field(..., alias="program.title")
    measure: str = Field(..., alias="program.measure")
    applicant_id: int
    applicant_name: str = Field(..., alias="applicant.name")
    district_code: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    origin: str
    inputs: dict[str, Any]
    claimed_amount: Decimal | None
    amount: Decimal
    proposed_amount: Decimal | None
    award_amount: Decimal
    reference_date: date | None
    payee_name: str
    payee_bank: str
    payee_account: str
    contact_name: str
    contact_phone: str
    step_started_on: date | None
    step_due_on: date | None
    submitted_at: datetime | None
    notice_id: int | None
    payment_batch_id: int | None
    paid_at: datetime | None
    bank_reference: str
    decision_reason: str
    created_at: datetime


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    amount: Decimal | None
    reason: str
    actor: str | None = Field(None, alias="actor.username")
    organisation: str | None = Field(None, alias="actor_organisation.name")
    at: datetime


class DocumentOut(Schema):
    id: int
    code: str
    label: str
    original_name: str
    size: int
    uploaded_at: datetime


class InterestLineOut(Schema):
    loan_ref: int
    loan_key: str
    period_start: date
    period_end: date
    year: int
    interest_paid: Decimal
    proposed: Decimal
    amount: Decimal
    reason: str


class ApplicationDetailOut(ApplicationOut):
    trace: dict[str, Any]
    trace_lines: list[str]
    warnings: list[str]
    year_amounts: dict[str, str]
    events: list[EventOut] = Field(..., alias="event_list")
    documents: list[DocumentOut] = Field(..., alias="document_list")
    interest_lines: list[InterestLineOut] = Field(..., alias="line_list")


class ReviewIn(Schema):
    decision: str
    reason: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class IdsIn(Schema):
    application_ids: list[int]


class RefusedOut(Schema):
    id: int
    message: str


class BulkOut(Schema):
    approved: list[int]
    refused: list[RefusedOut]


class NoticeIn(Schema):
    application_ids: list[int]
    title: str = ""
    opens_on: date | None = None


class NoticeOut(Schema):
    id: int
    number: str
    title: str
    opens_on: date
    closes_on: date
    working_days: int
    status: str


class NoticeEntryOut(Schema):
    application_id: int = Field(..., alias="id")
    number: str
    applicant_name: str = Field(..., alias="applicant.name")
    program_title: str = Field(..., alias="program.title")
    amount: Decimal = Field(..., alias="award_amount")
    held: bool


class NoticeDetailOut(NoticeOut):
    entries: list[NoticeEntryOut]


class ObjectionIn(Schema):
    application_id: int
    name: str
    phone: str
    content: str
    email: str = ""


class ObjectionReceiptOut(Schema):
    id: int
    number: str
    status: str


class ObjectionOut(Schema):
    id: int
    number: str
    notice_id: int
    application_id: int
    name: str
    phone: str
    email: str
    content: str
    status: str
    resolution: str
    resolved_at: datetime | None
    created_at: datetime


class ResolveIn(Schema):
    decision: str
    resolution: str


class PaymentBatchIn(Schema):
    application_ids: list[int]
    title: str = ""


class PaymentBatchOut(Schema):
    id: int
    number: str
    title: str
    status: str
    total: Decimal
    count: int
    created_at: datetime
    exported_at: datetime | None
    bank_reference: str
    paid_on: date | None


class PaidIn(Schema):
    bank_reference: str
    paid_on: date | None = None


class ParamValueOut(Schema):
    key: str
    effective_from: date
    value: Decimal
    unit: str
    source: str
    origin: str


class ParameterOut(Schema):
    key: str
    label: str
    unit: str
    current: ParamValueOut | None
    history: list[ParamValueOut]


class ParameterIn(Schema):
    key: str
    effective_from: date
    value: str
    source: str
    note: str = ""


class ParameterValueOut(Schema):
    id: int
    key: str
    effective_from: date
    value: Decimal
    unit: str
    source: str
    note: str
    created_at: datetime


class WhatIfRowOut(Schema):
    application_id: int
    number: str
    applicant_name: str
    status: str
    stored: Decimal
    before: Decimal
    after: Decimal
    difference: Decimal
    error: str


class WhatIfOut(Schema):
    key: str
    effective_from: date
    value: Decimal
    blocked: str
    total_before: Decimal
    total_after: Decimal
    total_difference: Decimal
    changed: int
    rows: list[WhatIfRowOut]


class MilestoneOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    reached_on: date
    broker_id: int | None
    evidence_note: str
    created_at: datetime


class RunIn(Schema):
    program_id: int


class RunOut(Schema):
    id: int
    program_id: int
    status: str
    total: int
    processed: int
    percent: int
    proposals: int
    total_amount: Decimal
    mismatches: int
    error: str
    started_at: datetime
    finished_at: datetime | None


class NotificationOut(Schema):
    id: int
    topic: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
