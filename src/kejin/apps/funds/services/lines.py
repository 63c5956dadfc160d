"""Budget lines: the city office creates a year's line for a purpose and adjusts its budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction

from kejin.apps.funds import selectors
from kejin.apps.funds.errors import FundError
from kejin.apps.funds.models import BudgetLine, EntryKind, LedgerEntry, Purpose, SpecialFund
from kejin.apps.funds.services.common import (
    business_date,
    clean_amount,
    clean_text,
    entry,
    lock_line,
    require_city_admin,
    yuan_text,
)
from kejin.platform.tenancy import Actor
from kejin.rules import divisions
from kejin.rules.errors import Conflict, DomainError, NotFound
from kejin.rules.money import Number

FIRST_YEAR = 2000


def default_fund_name() -> str:
    return f"{divisions.name(settings.KEJIN_CITY_DIVISION_CODE)}科技金融专项资金"


def special_fund_default() -> SpecialFund:
    """The city's special fund, created on first use."""
    fund, _ = SpecialFund.objects.get_or_create(name=default_fund_name())
    return fund


@dataclass(frozen=True)
class BudgetLineInput:
    year: int
    purpose: str
    name: str
    amount: Number
    note: str = ""
    fund_id: int | None = None


def _clean_line(data: BudgetLineInput, *, today: date) -> dict[str, object]:
    """Check every field and report all field errors at once."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    last = today.year + 1
    if not isinstance(data.year, int) or not FIRST_YEAR <= data.year <= last:
        errors["year"] = f"预算年度须在 {FIRST_YEAR}–{last} 年之间"
    else:
        cleaned["year"] = data.year
    if data.purpose not in Purpose.values:
        errors["purpose"] = "请从五类用途中选择：" + "、".join(str(p.label) for p in Purpose)
    else:
        cleaned["purpose"] = data.purpose
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写预算科目名称"
    elif len(name) > 200:
        errors["name"] = "名称不超过200个字符"
    cleaned["name"] = name
    try:
        cleaned["amount"] = clean_amount(data.amount)
    except DomainError as exc:
        errors.update(exc.fields or {"amount": exc.message})
    if errors:
        raise DomainError(
            code=FundError.LINE_INVALID, message="；".join(errors.values()), fields=errors
        )
    cleaned["note"] = (data.note or "").strip()[:500]
    return cleaned


def budget_line_create(
    *, actor: Actor, data: BudgetLineInput, on: date | None = None
) -> BudgetLine:
    """A new budget line with its budget as the first ledger entry (city administrator only)."""
    require_city_admin(actor)
    day = business_date(on)
    cleaned = _clean_line(data, today=day)
    with transaction.atomic():
        if data.fund_id is None:
            fund = special_fund_default()
        else:
            fund = SpecialFund.objects.filter(pk=data.fund_id).first()
            if fund is None:
                raise NotFound("专项资金")
        if BudgetLine.objects.filter(
            fund=fund, year=cleaned["year"], name=cleaned["name"]
        ).exists():
            raise Conflict(
                code=FundError.LINE_DUPLICATE,
                message=f"{cleaned['year']} 年度已有名为“{cleaned['name']}”的预算科目",
                fields={"name": "同一年度的预算科目名称不能重复"},
            )
        try:
            with transaction.atomic():
                line = BudgetLine.objects.create(
                    fund=fund,
                    year=cleaned["year"],
                    purpose=cleaned["purpose"],
                    name=cleaned["name"],
                    note=cleaned["note"],
                    created_by=actor.audit_user,
                )
        except IntegrityError:
            raise Conflict(
                code=FundError.LINE_DUPLICATE,
                message=f"{cleaned['year']} 年度已有名为“{cleaned['name']}”的预算科目",
                fields={"name": "同一年度的预算科目名称不能重复"},
            ) from None
        entry(
            actor=actor,
            line=line,
            kind=EntryKind.BUDGETED,
            amount=cleaned["amount"],
            on=day,
            reference=f"funds.BudgetLine:{line.pk}",
            note=cleaned["note"] or "年度预算下达",
        )
    return line


def budget_line_topup(
    *, actor: Actor, line_id: int, amount: Number, note: str, on: date | None = None
) -> LedgerEntry:
    """Adjust a line's budget: a positive ``amount`` adds a budgeted entry (追加); a negative one
    an adjusted entry (调减), allowed only down to what is not committed (the available balance).
    ``note`` is the basis of the adjustment (e.g. the budget document's number)."""
    require_city_admin(actor)
    value = clean_amount(amount, allow_negative=True)
    basis = clean_text(
        note,
        field="note",
        code=FundError.NOTE_REQUIRED,
        message="请填写预算调整依据（如文件文号）",
        limit=500,
    )
    day = business_date(on)
    with transaction.atomic():
        line = lock_line(line_id)
        if value > 0:
            return entry(
                actor=actor,
                line=line,
                kind=EntryKind.BUDGETED,
                amount=value,
                on=day,
                reference=f"funds.BudgetLine:{line.pk}",
                note=basis,
            )
        cut = -value
        available = selectors.line_balance(line.pk).available
        if cut > available:
            raise Conflict(
                code=FundError.REDUCTION_EXCEEDS_AVAILABLE,
                message=(
                    f"预算科目“{line}”只有 {yuan_text(available)} 未被承诺，"
                    f"不能调减 {yuan_text(cut)}"
                ),
                fields={"amount": f"最多可调减 {yuan_text(available)}"},
            )
        return entry(
            actor=actor,
            line=line,
            kind=EntryKind.ADJUSTED,
            amount=cut,
            on=day,
            reference=f"funds.BudgetLine:{line.pk}",
            note=basis,
        )
