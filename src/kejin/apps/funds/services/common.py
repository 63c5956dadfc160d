"""Checks shared by the fund's services: who may move money, amounts, business dates, locking."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kejin.apps.funds.errors import FundError
from kejin.apps.funds.models import BudgetLine, LedgerEntry, LinkageMode
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError, NotFound
from kejin.rules.money import Number, fmt_yuan, require_positive, round_fen, to_decimal

# Roles of the city office that may record commitments, releases and payments. The security
# administrator and the auditor never move money (separation of duties).
MONEY_ROLES = ("admin", "officer", "reviewer", "manager")

SUBJECT = re.compile(r"\b([a-z][a-z_]*\.[A-Z][A-Za-z0-9]*):([\w-]+)")


def require_city_money_role(actor: Actor) -> None:
    actor.require_kind(
        "city_office", message="专项资金由市科技局管理，只有市科技局可以办理资金业务"
    )
    actor.require_role(*MONEY_ROLES, message="您的角色不能办理专项资金业务")


def require_city_admin(actor: Actor) -> None:
    actor.require_kind("city_office", message="只有市科技局可以管理专项资金预算")
    actor.require_role("admin", message="只有市科技局系统管理员可以管理专项资金预算")


def clean_amount(value: Number, *, field: str = "amount", allow_negative: bool = False) -> Decimal:
    """An exact amount of yuan at the fen: no float, no sub-fen digits, not zero; positive unless
    ``allow_negative``."""
    amount = to_decimal(value, field=field)
    if amount != round_fen(amount):
        raise DomainError(
            code=FundError.AMOUNT_INVALID,
            message="金额最多保留两位小数（到分）",
            fields={field: f"金额最多两位小数（收到 {amount}）"},
        )
    amount = round_fen(amount)
    if allow_negative and amount < 0:
        return amount
    return require_positive(amount, field=field)


def clean_text(value: str, *, field: str, code: str, message: str, limit: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(code=code, message=message, fields={field: message})
    if len(text) > limit:
        raise DomainError(
            code=code,
            message=f"内容过长（不超过{limit}个字符）",
            fields={field: f"不超过{limit}个字符"},
        )
    return text


def clean_linkage_mode(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in LinkageMode.values:
        labels = "、".join(f"{v}（{label}）" for v, label in LinkageMode.choices)
        raise DomainError(
            code=FundError.LINKAGE_MODE_INVALID,
            message=f"联动模式“{value}”无效，应为：{labels}",
            fields={"linkage_mode": "请从五种联动模式中选择"},
        )
    return value


def business_date(on: date | None) -> date:
    """The business date of an entry: today in the platform's time zone unless given."""
    return on or timezone.localdate()


def subject_of(reference: str) -> tuple[str, str]:
    """``"2026年贴息 policies.Award:123"`` → ``("policies.Award", "123")``; ``("", "")`` if none."""
    match = SUBJECT.search(reference or "")
    return (match.group(1), match.group(2)) if match else ("", "")


def lock_line(line_id: int) -> BudgetLine:
    """Lock the line's row for the rest of the transaction (PostgreSQL ``SELECT … FOR UPDATE``;
    SQLite serialises writers with ``BEGIN IMMEDIATE``)."""
    try:
        return BudgetLine.objects.select_for_update().get(pk=line_id)
    except (BudgetLine.DoesNotExist, ValueError, TypeError):
        raise NotFound("预算科目") from None


def lock_commitment(commitment_id: int) -> tuple[LedgerEntry, BudgetLine]:
    """The commitment and its line, the line locked (every movement of a line is serialised)."""
    try:
        commitment = LedgerEntry.objects.get(pk=commitment_id)
    except (LedgerEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("资金承诺") from None
    if commitment.kind != "committed":
        raise DomainError(
            code=FundError.NOT_A_COMMITMENT,
            message=f"台账分录 {commitment_id} 是“{commitment.get_kind_display()}”，不是承诺",
            fields={"commitment_id": "请指定一笔承诺占用分录"},
        )
    return commitment, lock_line(commitment.line_id)


def yuan_text(value: Decimal) -> str:
    return f"{fmt_yuan(value)} 元"


def entry(
    *,
    actor: Actor,
    line: BudgetLine,
    kind: str,
    amount: Decimal,
    on: date,
    reference: str = "",
    linkage_mode: str | None = None,
    commitment: LedgerEntry | None = None,
    counterparty: str = "",
    bank_reference: str = "",
    note: str = "",
) -> LedgerEntry:
    """Append one entry to the ledger."""
    subject_type, subject_id = subject_of(reference)
    return LedgerEntry.objects.create(
        line=line,
        kind=kind,
        amount=amount,
        value_date=on,
        reference=reference,
        subject_type=subject_type,
        subject_id=subject_id,
        linkage_mode=linkage_mode,
        commitment=commitment,
        counterparty=counterparty,
        bank_reference=bank_reference,
        note=note,
        actor=actor.audit_user,
        actor_organisation=actor.organisation,
    )
