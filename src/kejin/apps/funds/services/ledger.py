"""Money moving on the special fund: commit, release, pay, transfer out.

The interface other contexts use (awards, the risk pool). Every write locks the budget line's row
first, recomputes the balance from the ledger inside the same transaction, then appends an entry:
two approvals can never both take the last yuan of a line, under any interleaving.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from kejin.apps.funds import selectors
from kejin.apps.funds.errors import FundError
from kejin.apps.funds.models import BudgetLine, EntryKind, LedgerEntry
from kejin.apps.funds.services.common import (
    business_date,
    clean_amount,
    clean_linkage_mode,
    clean_text,
    entry,
    lock_commitment,
    lock_line,
    require_city_money_role,
    yuan_text,
)
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import Number


def _require_line_year(line: BudgetLine, on: date) -> None:
    if line.year != on.year:
        raise DomainError(
            code=FundError.LINE_YEAR_MISMATCH,
            message=(
                f"预算科目“{line}”属于 {line.year} 年度，不能在 {on.year} 年承诺或支出；"
                f"请使用 {on.year} 年度的预算科目"
            ),
            fields={"line_id": f"请选择 {on.year} 年度的预算科目"},
        )


def _take(*, line: BudgetLine, amount: Decimal, on: date) -> None:
    """Refuse unless ``amount`` fits in what the (locked) line still has available."""
    _require_line_year(line, on)
    available = selectors.line_balance(line.pk).available
    if amount > available:
        raise Conflict(
            code=FundError.LINE_EXHAUSTED,
            message=(
                f"预算科目“{line}”额度不足：可用余额 {yuan_text(available)}，"
                f"本次需要 {yuan_text(amount)}"
            ),
            fields={"amount": f"超过预算科目可用余额 {yuan_text(available)}"},
        )


def fund_commit(
    *,
    actor: Actor,
    line_id: int,
    amount: Number,
    reference: str,
    linkage_mode: str | None = None,
    counterparty: str = "",
    note: str = "",
    on: date | None = None,
) -> LedgerEntry:
    """Commit (reserve) ``amount`` of a line for an approved award or similar.

    ``reference`` names what the money is for; a ``"app.Model:id"`` in it (``"policies.Award:12"``)
    is recorded as the entry's subject. Raises Conflict ``fund.line_exhausted`` when the line's
    available balance is smaller than ``amount``. ``on`` (the business date, default today) must
    lie in the line's year.
    """
    require_city_money_role(actor)
    value = clean_amount(amount)
    ref = clean_text(
        reference,
        field="reference",
        code=FundError.REFERENCE_REQUIRED,
        message="请填写承诺的业务依据（如奖励或项目编号）",
    )
    mode = clean_linkage_mode(linkage_mode)
    day = business_date(on)
    with transaction.atomic():
        line = lock_line(line_id)
        _take(line=line, amount=value, on=day)
        return entry(
            actor=actor,
            line=line,
            kind=EntryKind.COMMITTED,
            amount=value,
            on=day,
            reference=ref,
            linkage_mode=mode,
            counterparty=(counterparty or "").strip()[:200],
            note=(note or "").strip()[:500],
        )


def fund_release(
    *,
    actor: Actor,
    commitment_id: int,
    amount: Number | None = None,
    reason: str,
    on: date | None = None,
) -> LedgerEntry:
    """Give back (part of) a commitment's open amount to the line: an award withdrawn or reduced.

    ``amount=None`` releases all that is open. Only what is neither paid nor released yet can be
    released.
    """
    require_city_money_role(actor)
    value = None if amount is None else clean_amount(amount)
    why = clean_text(
        reason,
        field="reason",
        code=FundError.REASON_REQUIRED,
        message="请填写释放理由",
        limit=500,
    )
    day = business_date(on)
    with transaction.atomic():
        commitment, line = lock_commitment(commitment_id)
        open_amount = selectors.commitment_balance(commitment.pk).open
        if open_amount <= 0:
            raise Conflict(
                code=FundError.NOTHING_OPEN,
                message=f"承诺“{commitment.reference}”已全部拨付或释放，没有可释放的金额",
            )
        value = open_amount if value is None else value
        if value > open_amount:
            raise Conflict(
                code=FundError.RELEASE_EXCEEDS_OPEN,
                message=(
                    f"承诺“{commitment.reference}”尚未拨付的余额为 {yuan_text(open_amount)}，"
                    f"不能释放 {yuan_text(value)}"
                ),
                fields={"amount": f"最多可释放 {yuan_text(open_amount)}"},
            )
        return entry(
            actor=actor,
            line=line,
            kind=EntryKind.RELEASED,
            amount=value,
            on=day,
            reference=commitment.reference,
            linkage_mode=commitment.linkage_mode,
            commitment=commitment,
            counterparty=commitment.counterparty,
            note=why,
        )


def fund_pay(
    *,
    actor: Actor,
    commitment_id: int,
    amount: Number,
    bank_reference: str,
    counterparty: str = "",
    note: str = "",
    on: date | None = None,
) -> LedgerEntry:
    """Record a payment against a commitment (the money has left the fund's account).

    The payments and releases of a commitment never exceed it: ``Σ paid ≤ committed − released``.
    """
    require_city_money_role(actor)
    value = clean_amount(amount)
    bank_ref = clean_text(
        bank_reference,
        field="bank_reference",
        code=FundError.BANK_REFERENCE_REQUIRED,
        message="请填写银行支付流水号",
        limit=100,
    )
    day = business_date(on)
    with transaction.atomic():
        commitment, line = lock_commitment(commitment_id)
        open_amount = selectors.commitment_balance(commitment.pk).open
        if value > open_amount:
            raise Conflict(
                code=FundError.PAYMENT_EXCEEDS_OPEN,
                message=(
                    f"承诺“{commitment.reference}”尚可拨付 {yuan_text(open_amount)}，"
                    f"本次拨付 {yuan_text(value)} 超出承诺金额"
                ),
                fields={"amount": f"最多可拨付 {yuan_text(open_amount)}"},
            )
        return entry(
            actor=actor,
            line=line,
            kind=EntryKind.PAID,
            amount=value,
            on=day,
            reference=commitment.reference,
            linkage_mode=commitment.linkage_mode,
            commitment=commitment,
            counterparty=(counterparty or commitment.counterparty).strip()[:200],
            bank_reference=bank_ref,
            note=(note or "").strip()[:500],
        )


def fund_transfer_out(
    *,
    actor: Actor,
    line_id: int,
    amount: Number,
    reference: str,
    counterparty: str,
    bank_reference: str = "",
    linkage_mode: str | None = None,
    note: str = "",
    on: date | None = None,
) -> LedgerEntry:
    """Money leaving the fund to another account (e.g. the risk compensation pool): committed and
    paid at once, in one transaction. Returns the paid entry (its ``commitment`` is the other)."""
    require_city_money_role(actor)
    value = clean_amount(amount)
    ref = clean_text(
        reference,
        field="reference",
        code=FundError.REFERENCE_REQUIRED,
        message="请填写划转的业务依据",
    )
    to = clean_text(
        counterparty,
        field="counterparty",
        code=FundError.COUNTERPARTY_REQUIRED,
        message="请填写资金划入方",
    )
    mode = clean_linkage_mode(linkage_mode)
    day = business_date(on)
    with transaction.atomic():
        line = lock_line(line_id)
        _take(line=line, amount=value, on=day)
        text = (note or "").strip()[:500]
        committed = entry(
            actor=actor,
            line=line,
            kind=EntryKind.COMMITTED,
            amount=value,
            on=day,
            reference=ref,
            linkage_mode=mode,
            counterparty=to,
            note=text,
        )
        return entry(
            actor=actor,
            line=line,
            kind=EntryKind.PAID,
            amount=value,
            on=day,
            reference=ref,
            linkage_mode=mode,
            commitment=committed,
            counterparty=to,
            bank_reference=(bank_reference or "").strip()[:100],
            note=text or "资金划转",
        )
