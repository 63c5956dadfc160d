"""API shapes of the risk pool context (amounts are decimal strings, dates ISO)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class PoolIn(Schema):
    name: str
    opened_on: date
    description: str = ""


class PoolOut(Schema):
    id: int
    name: str
    opened_on: date
    status: str
    description: str


class PoolTotalsOut(Schema):
    pool_id: int
    name: str
    as_of: date
    balance: Decimal
    contributed_government: Decimal
    contributed_banks: Decimal
    compensation_paid: Decimal
    recovered_to_pool: Decimal
    registered_outstanding: Decimal
    registered_count: int
    leverage_used: Decimal | None
    claims_paid: int
    claims_open: int
    losses_approved: Decimal
    shares_paid: dict[str, Decimal]
    recoveries_total: Decimal
    recovery_rate: Decimal | None


class BankRowOut(Schema):
    bank_id: int
    name: str
    registered_count: int
    registered_outstanding: Decimal
    npl_outstanding: Decimal
    npl_ratio: Decimal = Field(..., alias="npl_ratio_shown")
    threshold: Decimal | None
    leverage: Decimal | None
    suspended: bool
    claims_paid: int
    compensation_received: Decimal


class MonthOut(Schema):
    month: str
    count: int
    loss: Decimal
    pool: Decimal
    bank: Decimal
    insurer: Decimal


class BalancePointOut(Schema):
    month: str
    balance: Decimal


class ReportOut(Schema):
    totals: PoolTotalsOut
    banks: list[BankRowOut]
    balance_series: list[BalancePointOut]
    claims_by_month: list[MonthOut]


class VersionIn(Schema):
    effective_from: date
    source: str = ""
    leverage: Decimal | None = None
    pool_share_insured: Decimal | None = None
    bank_share_insured: Decimal | None = None
    insurer_share_insured: Decimal | None = None
    pool_share_uninsured: Decimal | None = None
    bank_share_uninsured: Decimal | None = None
    per_loan_cap: Decimal | None = None
    npl_threshold: Decimal | None = None
    interest_covered: bool = False
    eligible_borrowers: list[str] = ["tech_sme", "hnte"]
    product_kinds: list[str] | None = None


class VersionOut(Schema):
    id: int
    effective_from: date
    leverage: Decimal | None
    pool_share_insured: Decimal | None
    bank_share_insured: Decimal | None
    insurer_share_insured: Decimal | None
    pool_share_uninsured: Decimal | None
    bank_share_uninsured: Decimal | None
    per_loan_cap: Decimal | None
    npl_threshold: Decimal | None
    interest_covered: bool
    eligible_borrowers: list[str]
    product_kinds: list[str]
    source: str


class AgreementIn(Schema):
    party_id: int
    reference: str
    signed_on: date
    terms: VersionIn


class AgreementOut(Schema):
    id: int
    pool_id: int
    party_id: int
    party_name: str = Field(..., alias="party.name")
    party_kind: str
    reference: str
    signed_on: date
    ended_on: date | None
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: object) -> list[object]:
        return list(obj.versions.all())  # type: ignore[attr-defined]


class ContributionIn(Schema):
    source: str  # "government" | "bank"
    amount: Decimal
    received_on: date | None = None
    reference: str
    bank_id: int | None = None
    fund_line_id: int | None = None


class JournalLineOut(Schema):
    account: str
    debit: Decimal
    credit: Decimal
    party_id: int | None


class JournalOut(Schema):
    id: int
    number: int
    date: date
    kind: str
    memo: str
    reference: str
    party_id: int | None
    lines: list[JournalLineOut]

    @staticmethod
    def resolve_lines(obj: object) -> list[object]:
        return list(obj.lines.all())  # type: ignore[attr-defined]


class TrialBalanceRowOut(Schema):
    account: str
    label: str
    kind: str
    debit_total: Decimal
    credit_total: Decimal
    debit_balance: Decimal
    credit_balance: Decimal


class TrialBalanceOut(Schema):
    rows: list[TrialBalanceRowOut]
    debit_total: Decimal
    credit_total: Decimal
    debit_balances: Decimal
    credit_balances: Decimal
    balanced: bool


class RegistrationIn(Schema):
    loan_id: int | None = None
    loan_external_id: str = ""
    registered_on: date | None = None
    insurer_id: int | None = None
    policy_number: str = ""


class RegistrationOut(Schema):
    id: int
    pool_id: int
    bank_id: int
    bank_name: str = Field(..., alias="bank.name")
    borrower_id: int
    borrower_name: str = Field(..., alias="borrower.name")
    district_code: str
    loan_id: int
    loan_external_id: str = Field(..., alias="loan.external_id")
    product_kind: str = Field(..., alias="loan.product_kind")
    insurer_id: int | None
    policy_number: str
    registered_on: date
    principal: Decimal
    status: str
    version_id: int
    eligibility: dict[str, object]
    created_at: datetime


class ImportResultOut(Schema):
    created: int


class ClaimIn(Schema):
    loan_id: int | None = None
    loan_external_id: str = ""
    filed_on: date | None = None
    collateral_realised: Decimal = Decimal("0")
    reason: str = ""


class ProposeIn(Schema):
    approved_loss: Decimal | None = None
    note: str = ""


class DecisionIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class ClaimOut(Schema):
    id: int
    pool_id: int
    registration_id: int
    loan_external_id: str = Field(..., alias="registration.loan.external_id")
    bank_id: int
    insurer_id: int | None
    borrower_id: int
    status: str
    filed_on: date
    default_date: date
    days_past_due: int
    principal: Decimal
    interest: Decimal
    collateral_realised: Decimal
    loss: Decimal
    approved_loss: Decimal | None
    insured: bool
    share_percents: dict[str, str]
    pool_share: Decimal | None
    bank_share: Decimal | None
    insurer_share: Decimal | None
    pool_excess: Decimal
    version_id: int
    proposed_by_id: int | None
    decided_by_id: int | None
    payout_id: int | None
    trace: dict[str, object]


class RecoveryIn(Schema):
    amount: Decimal
    received_on: date | None = None
    reference: str = ""


class RecoveryOut(Schema):
    id: int
    claim_id: int
    received_on: date
    amount: Decimal
    reference: str
    pool_part: Decimal
    bank_part: Decimal
    insurer_part: Decimal
    journal_id: int | None


class SuspensionOut(Schema):
    id: int
    pool_id: int
    bank_id: int
    bank_name: str = Field(..., alias="bank.name")
    suspended_on: date
    ratio: Decimal
    threshold: Decimal
    npl_outstanding: Decimal
    registered_outstanding: Decimal
    lifted_on: date | None
    lifted_ratio: Decimal | None
    lift_reason: str


class NplReviewIn(Schema):
    on: date | None = None
