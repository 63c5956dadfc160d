"""Approval by authority level and risk limits of a tech micro-loan, 实施意见（十二）
“建立完善科技小额贷款的……审批机制、风险管理机制”.

Authority (dated parameters ``microloan.authority.*``):

- amount ≤ ``officer_max`` (500,000 yuan)  → officer level: one approval by an officer or higher;
- amount ≤ ``manager_max`` (3,000,000 yuan) → manager level: one approval by a manager or higher;
- above                                    → credit committee: two approvals by two different
  credit-committee members.

Four eyes: the maker of a case (the officer who took and priced it) never approves or declines it;
one person counts once.

Limits (``microloan.limit.*``), checked at every approval; exposure = outstanding principal of the
lender's loans + amounts approved but not yet lent out:

- per borrower: the borrower's exposure + this amount ≤ ``per_borrower`` (5,000,000 yuan);
- per industry: once the lender's whole exposure with this amount reaches ``industry_min_book``,
  the exposure to the borrower's industry with this amount ≤ ``industry_share`` (30%) of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, fmt_yuan, to_decimal
from kejin.rules.params import ParameterSet, ParamValue

CLAUSE = "实施意见（十二）"
P_OFFICER_MAX = "microloan.authority.officer_max"
P_MANAGER_MAX = "microloan.authority.manager_max"
P_PER_BORROWER = "microloan.limit.per_borrower"
P_INDUSTRY_SHARE = "microloan.limit.industry_share"
P_INDUSTRY_MIN_BOOK = "microloan.limit.industry_min_book"
COMMITTEE_APPROVALS = 2
"""A credit-committee case needs this many approvals by different members (the issue fixes two)."""
UNKNOWN_INDUSTRY = "未登记行业"


class Level(StrEnum):
    """Approval levels, lowest first (the values are the role names that carry them)."""

    OFFICER = "officer"
    MANAGER = "manager"
    CREDIT_COMMITTEE = "credit_committee"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_RANK = {Level.OFFICER: 1, Level.MANAGER: 2, Level.CREDIT_COMMITTEE: 3}
_LABELS = {Level.OFFICER: "信贷员", Level.MANAGER: "审批经理", Level.CREDIT_COMMITTEE: "贷审会"}


class AuthorityError(StrEnum):
    FOUR_EYES = "microloan.four_eyes"
    ABOVE_AUTHORITY = "microloan.above_authority"
    ALREADY_APPROVED = "microloan.already_approved"
    LIMIT_PER_BORROWER = "microloan.limit_per_borrower"
    LIMIT_INDUSTRY = "microloan.limit_industry"


@dataclass(frozen=True)
class Authority:
    """Who must approve an amount, and why (trace lines quoting the thresholds)."""

    level: Level
    approvals_needed: int
    parameters: tuple[ParamValue, ...]
    steps: tuple[str, ...]

    def trace(self) -> dict[str, Any]:
        return {
            "rule": "microloan.authority",
            "clause": CLAUSE,
            "level": self.level.value,
            "approvals_needed": self.approvals_needed,
            "parameters": [p.to_dict() for p in self.parameters],
            "steps": list(self.steps),
        }


def approvals_needed(level: Level) -> int:
    """Approvals a case at ``level`` needs: two for the credit committee, one otherwise."""
    return COMMITTEE_APPROVALS if level is Level.CREDIT_COMMITTEE else 1


def required_level(amount: Decimal, on: date, params: ParameterSet) -> Authority:
    """The authority level an ``amount`` needs on ``on`` (thresholds inclusive)."""
    amount = to_decimal(amount)
    officer = params.value_at(P_OFFICER_MAX, on)
    manager = params.value_at(P_MANAGER_MAX, on)
    shown = fmt_yuan(amount)
    if amount <= officer.value:
        level = Level.OFFICER
        why = f"{shown} 元 ≤ {fmt_yuan(officer.value)} 元：信贷员权限，一名信贷员或以上审批"
    elif amount <= manager.value:
        level = Level.MANAGER
        why = (
            f"{fmt_yuan(officer.value)} 元 < {shown} 元 ≤ {fmt_yuan(manager.value)} 元："
            "审批经理权限，一名审批经理或以上审批"
        )
    else:
        level = Level.CREDIT_COMMITTEE
        why = (
            f"{shown} 元 > {fmt_yuan(manager.value)} 元：提交贷审会，"
            f"须 {COMMITTEE_APPROVALS} 名不同的贷审会委员同意"
        )
    return Authority(
        level=level,
        approvals_needed=approvals_needed(level),
        parameters=(officer, manager),
        steps=(officer.describe(), manager.describe(), why),
    )


def level_of(roles: Iterable[str]) -> Level | None:
    """The highest approval level among ``roles`` (``None``: no approval authority)."""
    known = {lv.value for lv in Level}
    held = [Level(r) for r in roles if r in known]
    return max(held, key=lambda lv: lv.rank) if held else None


def check_approver(
    *,
    approver_id: int,
    roles: Iterable[str],
    maker_id: int | None,
    required: Level,
    approved_by: Sequence[int] = (),
    action: str = "审批",
) -> Level:
    """The approver's level, or a refusal: the maker (four eyes), below ``required``, or a second
    vote by the same person."""
    if maker_id is not None and approver_id == maker_id:
        raise DomainError(
            code=AuthorityError.FOUR_EYES,
            message=f"您是本案的经办人，不能{action}自己经办的案件（双人原则：经办与审批分离）",
            status=403,
        )
    level = level_of(roles)
    if level is None or level.rank < required.rank:
        held = level.label if level else "无审批权限"
        raise DomainError(
            code=AuthorityError.ABOVE_AUTHORITY,
            message=f"本案须由{required.label}或以上{action}，超出您的权限（{held}）",
            status=403,
        )
    if approver_id in approved_by:
        raise DomainError(
            code=AuthorityError.ALREADY_APPROVED,
            message="您已对本案表示同意；贷审会案件须由两名不同的委员同意",
            status=409,
        )
    return level


def is_approved(required: Level, approver_ids: Sequence[int]) -> bool:
    """Whether the distinct approvers (each already checked) are enough for ``required``."""
    return len(set(approver_ids)) >= approvals_needed(required)


# --- limits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    """A lender's exposures before the application (each excluding the application itself)."""

    borrower: Decimal
    industry: str
    industry_exposure: Decimal
    total: Decimal


@dataclass(frozen=True)
class LimitCheck:
    """The limits an approval passed, with the figures (trace lines)."""

    parameters: tuple[ParamValue, ...]
    steps: tuple[str, ...] = field(default_factory=tuple)

    def trace(self) -> dict[str, Any]:
        return {
            "rule": "microloan.limits",
            "clause": CLAUSE,
            "parameters": [p.to_dict() for p in self.parameters],
            "steps": list(self.steps),
        }


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{(part * 100 / whole).quantize(Decimal('0.01'))}%" if whole else "—"


def check_limits(amount: Decimal, book: Book, on: date, params: ParameterSet) -> LimitCheck:
    """Refuse an approval of ``amount`` that would break a limit in force on ``on`` (the refusal
    names the limit and shows the arithmetic); otherwise return the figures checked."""
    amount = to_decimal(amount)
    per_borrower = params.value_at(P_PER_BORROWER, on)
    share = params.value_at(P_INDUSTRY_SHARE, on)
    min_book = params.value_at(P_INDUSTRY_MIN_BOOK, on)
    after = book.borrower + amount
    borrower_line = (
        f"单一借款人：已有敞口 {fmt_yuan(book.borrower)} 元 + 本笔 {fmt_yuan(amount)} 元 = "
        f"{fmt_yuan(after)} 元，限额 {fmt_yuan(per_borrower.value)} 元"
    )
    if after > per_borrower.value:
        message = f"超过单一借款人限额（{per_borrower.key}）：{borrower_line}"
        raise DomainError(
            code=AuthorityError.LIMIT_PER_BORROWER,
            message=message,
            fields={"amount": message},
            status=409,
        )
    industry = book.industry or UNKNOWN_INDUSTRY
    ind_after = book.industry_exposure + amount
    total_after = book.total + amount
    if total_after < min_book.value:
        industry_line = (
            f"行业集中度：全部敞口 {fmt_yuan(total_after)} 元未达起算规模 "
            f"{fmt_yuan(min_book.value)} 元，本笔不检查行业集中度"
        )
    else:
        industry_line = (
            f"行业集中度（{industry}）：{fmt_yuan(book.industry_exposure)} 元 + 本笔 "
            f"{fmt_yuan(amount)} 元 = {fmt_yuan(ind_after)} 元，占全部敞口 "
            f"{fmt_yuan(total_after)} 元的 {_pct(ind_after, total_after)}，上限 {share.value}%"
        )
        if ind_after * 100 > share.value * total_after:
            message = f"超过单一行业集中度限额（{share.key}）：{industry_line}"
            raise DomainError(
                code=AuthorityError.LIMIT_INDUSTRY,
                message=message,
                fields={"amount": message},
                status=409,
            )
    return LimitCheck(
        parameters=(per_borrower, share, min_book),
        steps=(borrower_line, industry_line),
    )


def headroom(book: Book, on: date, params: ParameterSet) -> Decimal:
    """How much more the borrower may get under the per-borrower limit (never negative)."""
    limit = params.decimal_at(P_PER_BORROWER, on)
    return max(ZERO, limit - book.borrower)
