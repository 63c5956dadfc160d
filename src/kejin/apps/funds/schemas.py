"""API shapes of the special fund (GLOSSARY names)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class BalanceOut(Schema):
    budgeted: Decimal
    reduced: Decimal
    committed: Decimal
    released: Decimal
    paid: Decimal
    open: Decimal
    available: Decimal
    usage_rate: Decimal


class BudgetLineOut(Schema):
    id: int
    fund_id: int
    fund_name: str
    year: int
    purpose: str
    purpose_label: str
    name: str
    note: str
    balance: BalanceOut
    created_at: datetime


class BudgetLineIn(Schema):
    year: int
    purpose: str
    name: str
    amount: Decimal
    note: str = ""


class TopupIn(Schema):
    amount: Decimal = Field(..., description="追加为正数，调减为负数（调减不超过可用余额）")
    note: str = Field(..., description="调整依据，如预算文件文号")


class LedgerEntryOut(Schema):
    id: int
    line_id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    amount: Decimal
    value_date: date
    reference: str
    subject_type: str
    subject_id: str
    linkage_mode: str | None
    commitment_id: int | None
    counterparty: str
    bank_reference: str
    note: str
    actor_username: str | None = None
    at: datetime

    @staticmethod
    def resolve_actor_username(obj: object) -> str | None:
        person = getattr(obj, "actor", None)
        return person.username if person else None


class UsageRowOut(Schema):
    key: str
    label: str
    year: int | None = None
    budgeted: Decimal | None = None
    committed: Decimal
    released: Decimal
    paid: Decimal
    open: Decimal
    available: Decimal | None = None


class UsageOut(Schema):
    year: int | None
    by_purpose: list[UsageRowOut]
    by_linkage_mode: list[UsageRowOut]
    total: UsageRowOut


class PublicUsageRowOut(Schema):
    year: int
    purpose: str
    purpose_label: str
    budgeted: Decimal
    used: Decimal
    paid: Decimal


class PublicUsageOut(Schema):
    year: int | None
    rows: list[PublicUsageRowOut]
