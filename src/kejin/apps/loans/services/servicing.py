"""Applying a repayment to a loan: penalty interest accrued to the day, then penalty → interest →
principal onto the instalments oldest first; any excess flagged as a prepayment repays principal
early (with the interest accrued since the last due date) and the schedule is recomputed. Each
repayment is also recorded in the borrower's credit history (on time, overdue or settled)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from kejin.apps.credit.services.records import credit_repayment_event_record
from kejin.apps.loans.errors import LoanError
from kejin.apps.loans.models import Drawdown, Instalment, Loan, LoanStatus, Repayment
from kejin.apps.loans.services.schedule import instalment_rows, terms_of, with_prepayment
from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO
from kejin.rules.schedules import InstalmentKind, Prepayment, PrepaymentMode
from kejin.rules.servicing import Due, allocate, penalty_interest


def _err(field: str, message: str, code: str) -> DomainError:
    return DomainError(code=code, message=message, fields={field: message})


def accrue_penalty(loan: Loan, instalments: Iterable[Instalment], to: date) -> None:
    """Accrue penalty interest on every overdue instalment up to ``to`` (piecewise: each accrual
    runs on the amount unpaid since the last one, so partial payments are honoured)."""
    for inst in instalments:
        if inst.due_date >= to:
            continue
        base = inst.principal_unpaid + inst.interest_unpaid
        if base <= 0:
            continue
        start = max(inst.due_date, inst.penalty_accrued_to or inst.due_date)
        days = (to - start).days
        if days > 0:
            inst.penalty_accrued += penalty_interest(
                base, inst.rate, days, markup=loan.penalty_markup, convention=loan.day_count
            )
        inst.penalty_accrued_to = max(to, inst.penalty_accrued_to or to)


def _spread(amount: Decimal, rows: list[Instalment], unpaid: str, paid: str) -> None:
    for inst in rows:
        if amount <= 0:
            return
        take = min(amount, getattr(inst, unpaid))
        if take > 0:
            setattr(inst, paid, getattr(inst, paid) + take)
            amount -= take


def _prepayments_of(loan: Loan, drawdown: Drawdown) -> list[Prepayment]:
    key = str(drawdown.pk)
    return [
        Prepayment(
            on=r.date,
            amount=Decimal(r.prepayment_detail[key]),
            mode=PrepaymentMode(r.prepayment_mode or "shorter_term"),
        )
        for r in loan.repayments.all()
        if key in (r.prepayment_detail or {})
    ]


def _prepay(
    loan: Loan, on: date, remainder: Decimal, mode: str, live: list[Instalment]
) -> tuple[Decimal, Decimal, dict[str, str]]:
    """Repay principal early with ``remainder``; returns (principal, interest, detail)."""
    try:
        PrepaymentMode(mode)
    except ValueError:
        raise _err(
            "prepayment_mode", f"未知的提前还款方式“{mode}”", "prepayment.mode_unknown"
        ) from None
    total_p = total_i = ZERO
    detail: dict[str, str] = {}
    for drawdown in loan.drawdowns.order_by("date", "pk"):
        if remainder <= 0:
            break
        future = [i for i in live if i.drawdown_id == drawdown.pk and i.due_date > on]
        outstanding = sum((i.principal_unpaid for i in future), ZERO)
        if outstanding <= 0:
            continue
        terms = terms_of(drawdown, _prepayments_of(loan, drawdown))
        trial = with_prepayment(terms, on, Decimal("0.01"), mode)
        accrued = next(
            i.interest
            for i in trial.instalments
            if i.kind == InstalmentKind.PREPAYMENT and i.due_date == on
        )
        if remainder <= accrued:
            if total_p == 0:
                raise _err(
                    "amount",
                    f"提前还款金额不足以支付截至 {on} 的应计利息 {accrued} 元",
                    LoanError.PREPAYMENT_TOO_SMALL,
                )
            break
        principal = min(remainder - accrued, outstanding)
        schedule = with_prepayment(terms, on, principal, mode)
        Instalment.objects.filter(pk__in=[i.pk for i in future]).update(superseded=True)
        new_rows = instalment_rows(drawdown, schedule, after=on)
        row = next(
            i
            for i in schedule.instalments
            if i.kind == InstalmentKind.PREPAYMENT and i.due_date == on
        )
        paid_row = Instalment(
            drawdown=drawdown,
            loan=loan,
            number=row.number,
            kind=str(row.kind),
            period_start=row.period_start,
            due_date=row.due_date,
            days=row.days,
            rate=schedule.terms.rate_on(row.period_start),
            opening_principal=row.opening_principal,
            principal_due=row.principal,
            interest_due=row.interest,
            principal_paid=row.principal,
            interest_paid=row.interest,
            settled_on=on,
        )
        Instalment.objects.bulk_create([paid_row, *new_rows])
        detail[str(drawdown.pk)] = str(principal)
        total_p += principal
        total_i += row.interest
        remainder -= principal + row.interest
    if remainder > 0:
        raise _err(
            "amount",
            f"还款金额超出剩余本金及应计利息 {remainder} 元",
            "prepayment.exceeds_outstanding",
        )
    return total_p, total_i, detail


def repayment_apply(
    *,
    loan: Loan,
    external_id: str,
    on: date,
    amount: Decimal,
    is_prepayment: bool,
    prepayment_mode: str,
    content_hash: str,
) -> Repayment:
    """Apply one repayment (the caller holds the loan row locked, inside a transaction)."""
    first = loan.drawdowns.order_by("date").first()
    if first is None or on < first.date:
        raise _err("date", "还款日期早于首次放款日或尚未放款", LoanError.REPAYMENT_BEFORE_DRAWDOWN)
    last = loan.repayments.order_by("-date").first()
    if last is not None and on < last.date:
        raise _err(
            "date",
            f"还款日期 {on} 早于已报送的最近一笔还款（{last.date}）",
            LoanError.REPAYMENT_OUT_OF_ORDER,
        )
    if amount <= 0:
        raise _err("amount", "还款金额必须大于零", "repayment.not_positive")
    live = list(loan.instalments.filter(superseded=False).order_by("due_date", "pk"))
    before = {i.pk: _state(i) for i in live}
    accrue_penalty(loan, live, on)
    due_rows = [i for i in live if i.due_date <= on and i.settled_on is None]
    due = Due(
        penalty=sum((i.penalty_unpaid for i in due_rows), ZERO),
        interest=sum((i.interest_unpaid for i in due_rows), ZERO),
        principal=sum((i.principal_unpaid for i in due_rows), ZERO),
    )
    if due.total == 0 and not is_prepayment:
        raise _err(
            "amount",
            f"{on} 没有到期应还款项；提前还款请勾选“提前还款”",
            LoanError.REPAYMENT_NOTHING_DUE,
        )
    overdue_since = min((i.due_date for i in due_rows if i.due_date < on), default=None)
    alloc = allocate(amount, due, prepayment=is_prepayment)
    _spread(alloc.penalty, due_rows, "penalty_unpaid", "penalty_paid")
    _spread(alloc.interest, due_rows, "interest_unpaid", "interest_paid")
    _spread(alloc.principal, due_rows, "principal_unpaid", "principal_paid")
    for inst in live:
        cleared = inst.principal_unpaid == inst.interest_unpaid == inst.penalty_unpaid == 0
        if cleared and inst.due_date <= on and inst.settled_on is None:
            inst.settled_on = on
    touched = [i for i in live if _changed(i, before)]
    Instalment.objects.bulk_update(
        touched,
        [
            "penalty_accrued",
            "penalty_accrued_to",
            "penalty_paid",
            "interest_paid",
            "principal_paid",
            "settled_on",
        ],
    )
    prepaid_p = prepaid_i = ZERO
    detail: dict[str, str] = {}
    if alloc.remainder > 0:
        prepaid_p, prepaid_i, detail = _prepay(loan, on, alloc.remainder, prepayment_mode, live)
    repayment = Repayment.objects.create(
        loan=loan,
        external_id=external_id,
        date=on,
        amount=amount,
        is_prepayment=is_prepayment,
        prepayment_mode=prepayment_mode if is_prepayment else "",
        penalty_part=alloc.penalty,
        interest_part=alloc.interest,
        principal_part=alloc.principal,
        prepaid_principal=prepaid_p,
        prepaid_interest=prepaid_i,
        prepayment_detail=detail,
        content_hash=content_hash,
    )
    closed = _close_if_repaid(loan)
    dpd = (on - overdue_since).days if overdue_since else 0
    credit_repayment_event_record(
        enterprise_id=loan.borrower_id,
        lender_id=loan.lender_id,
        loan_ref=loan.external_id,
        event_date=on,
        kind="settled" if closed else ("overdue" if dpd else "on_time"),
        days_past_due=dpd,
        amount=amount,
    )
    return repayment


TRACKED = (
    "penalty_accrued",
    "penalty_accrued_to",
    "penalty_paid",
    "interest_paid",
    "principal_paid",
    "settled_on",
)


def _state(inst: Instalment) -> tuple[object, ...]:
    return tuple(getattr(inst, f) for f in TRACKED)


def _changed(inst: Instalment, before: dict[int, tuple[object, ...]]) -> bool:
    return before[inst.pk] != _state(inst)


def _close_if_repaid(loan: Loan) -> bool:
    open_rows = loan.instalments.filter(superseded=False, settled_on__isnull=True)
    drawn = sum((d.amount for d in loan.drawdowns.all()), ZERO)
    if not open_rows.exists() and drawn >= loan.amount:
        loan.status = LoanStatus.CLOSED
        loan.save(update_fields=["status", "updated_at"])
        return True
    return False
