"""Repayment schedules (RULES §3): annuity, equal principal, interest-only, bullet.

Instalments fall monthly on the loan's payment day: instalment ``k`` is due in the ``k``-th month
after the month of the first drawdown, on the payment day, or on the month's last day when the
payment day is beyond it (payment day 31 pays on 29 February 2024, 31 March, 30 April).

Each instalment's interest is ``opening principal × rate% / 100 × days / 360`` (ACT/360 by default,
the period's actual days), rounded half-up to the fen once per instalment. Principal by method:

- annuity (等额本息): the level instalment ``A = P·r·(1+r)^n / ((1+r)^n − 1)`` with ``r`` =
  annual rate / 12, rounded to the fen; principal = ``A −`` interest (never below zero: when a long
  period's interest exceeds ``A`` the instalment is that interest and no principal);
- equal principal (等额本金): ``P / n`` rounded to the fen each month;
- interest-only (先息后本): no principal until maturity;
- bullet (到期一次还本付息): one instalment at maturity with all the interest of the term, accrued
  month by month on the same grid (rate resets apply per month) and rounded once.

The last instalment pays whatever principal is left, so principal repaid equals the loan amount
exactly; a schedule ends earlier if the principal is repaid before maturity (after a prepayment
that shortens the term). Floating rates: ``rate_resets`` apply to the periods starting on or after
each reset's date; an annuity's instalment is recomputed over the instalments left to maturity at
the first period with a new rate. The vectorised twin is :mod:`kejin.rules.schedules_batch`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from enum import StrEnum

from kejin.rules.daycount import (
    DEFAULT_DAY_COUNT,
    INTEREST_PRECISION,
    DayCount,
    accrual_days,
    accrued_interest,
    parse_day_count,
    require_date,
)
from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, Number, round_fen, to_decimal
from kejin.rules.rates import RateRow, RateTable

#: Limits that keep every amount exact in the int64 batch path (documented there).
MAX_TERM_MONTHS = 600
MAX_PRINCIPAL = Decimal("100000000000.00")  # 1,000 亿 yuan = 10^13 fen
MAX_RATE = Decimal(100)
RATE_PLACES = 4  # a rate is quoted to at most 4 decimals of a percent (0.01 bp)


class RepaymentMethod(StrEnum):
    """How principal is repaid."""

    ANNUITY = "annuity"
    EQUAL_PRINCIPAL = "equal_principal"
    INTEREST_ONLY = "interest_only"
    BULLET = "bullet"

    @property
    def label(self) -> str:
        """Chinese name."""
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    RepaymentMethod.ANNUITY: "等额本息",
    RepaymentMethod.EQUAL_PRINCIPAL: "等额本金",
    RepaymentMethod.INTEREST_ONLY: "先息后本",
    RepaymentMethod.BULLET: "到期一次还本付息",
}


class PrepaymentMode(StrEnum):
    """What a prepayment changes: the term (same instalment) or the instalment (same term)."""

    SHORTER_TERM = "shorter_term"
    LOWER_INSTALMENT = "lower_instalment"

    @property
    def label(self) -> str:
        """Chinese name."""
        return "缩短期限" if self is PrepaymentMode.SHORTER_TERM else "减少月供"


class InstalmentKind(StrEnum):
    """A scheduled instalment or a prepayment inserted into the schedule."""

    REGULAR = "regular"
    PREPAYMENT = "prepayment"


@dataclass(frozen=True)
class RateReset:
    """A new contract rate for the periods starting on or after ``effective_date``."""

    effective_date: date
    rate: Decimal
    source: RateRow | None = None  # the benchmark row it was derived from, for the trace


@dataclass(frozen=True)
class Prepayment:
    """Principal repaid early on ``on``, with the interest accrued on the loan up to that day."""

    on: date
    amount: Decimal
    mode: PrepaymentMode = PrepaymentMode.SHORTER_TERM


@dataclass(frozen=True)
class LoanTerms:
    """Everything a schedule is computed from (validated by :func:`loan_terms`)."""

    principal: Decimal
    annual_rate: Decimal
    start: date
    term_months: int
    method: RepaymentMethod
    payment_day: int
    convention: DayCount = DEFAULT_DAY_COUNT
    rate_resets: tuple[RateReset, ...] = ()
    prepayments: tuple[Prepayment, ...] = ()

    @property
    def maturity(self) -> date:
        """The contractual last due date."""
        return due_date(self.start, self.term_months, self.payment_day)

    def due_dates(self) -> list[date]:
        """The contractual due dates of instalments 1..term (for bullet: the grid of accrual)."""
        return [due_date(self.start, k, self.payment_day) for k in range(1, self.term_months + 1)]

    def rate_on(self, day: date) -> Decimal:
        """The rate of a period starting on ``day``: the latest reset on or before it."""
        rate = self.annual_rate
        for reset in self.rate_resets:  # sorted by date; for one date the last listed wins
            if reset.effective_date > day:
                break
            rate = reset.rate
        return rate


@dataclass(frozen=True)
class Instalment:
    """One row of a schedule; money in yuan at the fen."""

    number: int
    due_date: date
    period_start: date
    days: int
    opening_principal: Decimal
    principal: Decimal
    interest: Decimal
    total: Decimal
    closing_principal: Decimal
    kind: InstalmentKind = InstalmentKind.REGULAR


@dataclass(frozen=True)
class Schedule:
    """A loan's repayment schedule: its terms and its rows in date order."""

    terms: LoanTerms
    instalments: tuple[Instalment, ...]

    @property
    def total_principal(self) -> Decimal:
        """Principal repaid over all rows (equals the loan amount)."""
        return sum((i.principal for i in self.instalments), ZERO)

    @property
    def total_interest(self) -> Decimal:
        """Interest paid over all rows."""
        return sum((i.interest for i in self.instalments), ZERO)

    @property
    def total(self) -> Decimal:
        """Everything paid."""
        return self.total_principal + self.total_interest

    @property
    def last_due_date(self) -> date:
        """The date of the last row (earlier than the maturity when the term was shortened)."""
        return self.instalments[-1].due_date

    def regular(self) -> tuple[Instalment, ...]:
        """The scheduled instalments without prepayment rows."""
        return tuple(i for i in self.instalments if i.kind is InstalmentKind.REGULAR)


def due_date(start: date, k: int, payment_day: int) -> date:
    """Due date of instalment ``k``: the payment day of the ``k``-th month after ``start``'s month.

    A payment day beyond the month's length pays on the month's last day.
    """
    index = start.year * 12 + start.month - 1 + k
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(payment_day, last))


def _invalid(code: str, field: str, message: str) -> DomainError:
    return DomainError(code=f"schedule.{code}", message=message, fields={field: message})


def check_rate(value: Number, field: str = "annual_rate") -> Decimal:
    """A rate in percent: ``0 <= rate <= 100`` with at most :data:`RATE_PLACES` decimals."""
    rate = to_decimal(value, field=field)
    if rate < 0 or rate > MAX_RATE:
        raise _invalid("rate_out_of_range", field, f"年利率 {rate}% 应在 0 到 100 之间")
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise _invalid("rate_too_precise", field, f"年利率 {rate}% 最多保留 4 位小数")
    return rate


def check_amount(value: Number, field: str = "principal") -> Decimal:
    """A positive amount at the fen, at most :data:`MAX_PRINCIPAL`."""
    amount = to_decimal(value, field=field)
    if amount != round_fen(amount):
        raise _invalid("amount_not_fen", field, f"金额 {amount} 须精确到分")
    if amount <= 0:
        raise _invalid("amount_not_positive", field, "金额必须大于零")
    if amount > MAX_PRINCIPAL:
        raise _invalid("amount_too_large", field, f"金额不能超过 {MAX_PRINCIPAL} 元")
    return round_fen(amount)


def _normalise_resets(resets: Iterable[RateReset | tuple[date, Number]]) -> tuple[RateReset, ...]:
    out: list[RateReset] = []
    for item in resets:
        reset = item if isinstance(item, RateReset) else RateReset(item[0], to_decimal(item[1]))
        require_date(reset.effective_date, "rate_resets")
        out.append(replace(reset, rate=check_rate(reset.rate, "rate_resets")))
    return tuple(sorted(out, key=lambda r: r.effective_date))  # stable: last listed wins


def loan_terms(
    principal: Number,
    annual_rate: Number,
    start: date,
    term_months: int,
    method: RepaymentMethod | str,
    *,
    payment_day: int | None = None,
    convention: DayCount | str = DEFAULT_DAY_COUNT,
    rate_resets: Iterable[RateReset | tuple[date, Number]] = (),
    prepayments: Iterable[Prepayment] = (),
) -> LoanTerms:
    """Validate the inputs of a schedule (``payment_day`` defaults to the start's day)."""
    require_date(start, "start")
    if isinstance(term_months, bool) or not isinstance(term_months, int):
        raise TypeError("term_months must be an int")
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise _invalid("term_invalid", "term_months", f"期限应为 1 到 {MAX_TERM_MONTHS} 个月")
    day = start.day if payment_day is None else payment_day
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
        raise _invalid("payment_day_invalid", "payment_day", "还款日应为每月 1 到 31 日")
    try:
        kind = RepaymentMethod(method)
    except ValueError:
        raise _invalid("method_unknown", "method", f"未知的还款方式“{method}”") from None
    pps = tuple(
        sorted(
            (replace(p, amount=check_amount(p.amount, "amount")) for p in prepayments),
            key=lambda p: p.on,
        )
    )
    return LoanTerms(
        principal=check_amount(principal),
        annual_rate=check_rate(annual_rate),
        start=start,
        term_months=term_months,
        method=kind,
        payment_day=day,
        convention=parse_day_count(convention),
        rate_resets=_normalise_resets(rate_resets),
        prepayments=pps,
    )


def annuity_payment(principal: Decimal, annual_rate: Decimal, n: int) -> Decimal:
    """Level instalment of ``principal`` over ``n`` months, rounded half-up to the fen.

    ``P·r·(1+r)^n / ((1+r)^n − 1)`` with ``r = annual_rate / 100 / 12``, ``P / n`` when the rate
    is zero. Computed exactly in integers: with the rate in 1/10,000 % (``R``) and
    ``B = 1200 × 10^4``, ``r = R / B`` and ``A = P·R·(B+R)^n / (B·((B+R)^n − B^n))``, a fraction
    rounded half-up to the fen with no intermediate rounding. Example: 10,000 at 6% over 2 months:
    ``r = 0.005``, ``10000 × 1.010025 / 2.005 = 5037.5311…`` → 5037.53.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    fen = principal * 100
    rate_e4 = annual_rate * 10**RATE_PLACES
    if fen != fen.to_integral_value() or rate_e4 != rate_e4.to_integral_value():
        raise ValueError("annuity_payment needs a principal at the fen and a rate of <= 4 places")
    p, r = int(fen), int(rate_e4)
    if r == 0:
        numerator, denominator = p, n
    else:
        base = 1200 * 10**RATE_PLACES
        grown = (base + r) ** n
        numerator = p * r * grown
        denominator = base * (grown - base**n)
    return Decimal((2 * numerator + denominator) // (2 * denominator)).scaleb(-2)


def equal_principal_part(principal: Decimal, n: int) -> Decimal:
    """Principal of each equal-principal instalment: ``P / n`` rounded half-up to the fen."""
    with localcontext(prec=INTEREST_PRECISION, rounding=ROUND_HALF_EVEN):
        return round_fen(principal / n)


def _level(method: RepaymentMethod, outstanding: Decimal, rate: Decimal, n: int) -> Decimal:
    if method is RepaymentMethod.ANNUITY:
        return annuity_payment(outstanding, rate, n)
    if method is RepaymentMethod.EQUAL_PRINCIPAL:
        return equal_principal_part(outstanding, n)
    return ZERO


def _check_prepayments(terms: LoanTerms) -> None:
    maturity = terms.maturity
    for p in terms.prepayments:
        require_date(p.on, "prepay_date")
        if not terms.start < p.on < maturity:
            raise DomainError(
                code="prepayment.date_invalid",
                message=f"提前还款日 {p.on} 应在放款日 {terms.start} 之后、到期日 {maturity} 之前",
                fields={"prepay_date": "提前还款日不在贷款期内"},
            )


def _exceeds(on: date, amount: Decimal, outstanding: Decimal) -> DomainError:
    return DomainError(
        code="prepayment.exceeds_outstanding",
        message=f"{on} 提前还款 {amount} 元超过剩余本金 {outstanding} 元",
        fields={"amount": f"最多可提前还款 {outstanding} 元"},
    )


def _generate(terms: LoanTerms) -> tuple[Instalment, ...]:
    """The engine; :mod:`kejin.rules.schedules_batch` mirrors it step by step."""
    _check_prepayments(terms)
    method, n, conv = terms.method, terms.term_months, terms.convention
    bullet = method is RepaymentMethod.BULLET
    dues = terms.due_dates()
    pending = list(terms.prepayments)
    rows: list[Instalment] = []
    outstanding = terms.principal
    rate_days = Decimal(0)  # Σ rate% × days accrued since accrual_start, not yet paid
    days_accrued = 0
    accrual_start = terms.start
    level = ZERO
    previous_rate: Decimal | None = None

    def pay(k: int, on: date, principal: Decimal, kind: InstalmentKind) -> None:
        nonlocal outstanding, rate_days, days_accrued, accrual_start
        interest = round_fen(accrued_interest(outstanding, rate_days, conv))
        rows.append(
            Instalment(
                number=1 if bullet else k,
                due_date=on,
                period_start=accrual_start,
                days=days_accrued,
                opening_principal=outstanding,
                principal=principal,
                interest=interest,
                total=principal + interest,
                closing_principal=outstanding - principal,
                kind=kind,
            )
        )
        outstanding -= principal
        rate_days, days_accrued, accrual_start = Decimal(0), 0, on

    for k in range(1, n + 1):
        period_start = dues[k - 2] if k > 1 else terms.start
        due = dues[k - 1]
        rate = terms.rate_on(period_start)
        if previous_rate is None or (method is RepaymentMethod.ANNUITY and rate != previous_rate):
            level = _level(method, outstanding, rate, n - k + 1)
        previous_rate = rate
        segment_start = period_start
        while pending and pending[0].on < due:
            prepayment = pending.pop(0)
            days = accrual_days(segment_start, prepayment.on, conv)
            rate_days += rate * days
            days_accrued += days
            amount = prepayment.amount
            if amount > outstanding:
                raise _exceeds(prepayment.on, amount, outstanding)
            pay(k, prepayment.on, amount, InstalmentKind.PREPAYMENT)
            segment_start = prepayment.on
            if outstanding == 0:
                break
            if prepayment.mode is PrepaymentMode.LOWER_INSTALMENT:
                level = _level(method, outstanding, rate, n - k + 1)
        if outstanding == 0:
            break
        days = accrual_days(segment_start, due, conv)
        rate_days += rate * days
        days_accrued += days
        if bullet and k < n:
            continue
        if k == n:
            principal = outstanding
        elif method is RepaymentMethod.ANNUITY:
            interest_due = round_fen(accrued_interest(outstanding, rate_days, conv))
            principal = min(max(level - interest_due, ZERO), outstanding)
        else:
            principal = min(level, outstanding)
        pay(k, due, principal, InstalmentKind.REGULAR)
        if outstanding == 0:
            break
    if pending:
        raise DomainError(
            code="prepayment.after_repaid",
            message=f"贷款已于 {rows[-1].due_date} 还清，{pending[0].on} 不能再提前还款",
            fields={"prepay_date": "贷款已还清"},
        )
    return tuple(rows)


def schedule_for(terms: LoanTerms) -> Schedule:
    """The schedule of validated ``terms``."""
    return Schedule(terms=terms, instalments=_generate(terms))


def build_schedule(
    principal: Number,
    annual_rate: Number,
    start: date,
    term_months: int,
    method: RepaymentMethod | str,
    *,
    payment_day: int | None = None,
    convention: DayCount | str = DEFAULT_DAY_COUNT,
    rate_resets: Iterable[RateReset | tuple[date, Number]] = (),
) -> Schedule:
    """Schedule of a loan of ``principal`` yuan at ``annual_rate`` % drawn on ``start``.

    Example (interest-only, ACT/360): 100,000 at 3.45% from 2024-01-15, 3 months, payment day 15:
    31 days → ``100000 × 3.45 / 100 × 31 / 360 = 297.0833…`` → 297.08; 29 days (to 2024-03-15,
    through 29 February) → 277.9166… → 277.92; 31 days → 297.08 plus the 100,000 principal.
    """
    terms = loan_terms(
        principal,
        annual_rate,
        start,
        term_months,
        method,
        payment_day=payment_day,
        convention=convention,
        rate_resets=rate_resets,
    )
    return schedule_for(terms)


def reschedule_after_prepayment(
    schedule: Schedule,
    prepay_date: date,
    amount: Number,
    mode: PrepaymentMode | str = PrepaymentMode.SHORTER_TERM,
) -> Schedule:
    """The schedule after repaying ``amount`` of principal early on ``prepay_date``.

    Rows due on or before ``prepay_date`` are unchanged. A prepayment row on ``prepay_date`` pays
    ``amount`` plus the interest accrued on the whole outstanding since the last due date (for a
    bullet loan: since the drawdown). Then, with ``shorter_term``, the instalment (annuity) or the
    monthly principal (equal principal) stays and the loan ends earlier; with
    ``lower_instalment`` it is recomputed over the instalments left to the same maturity.
    Interest-only and bullet loans keep their maturity in both modes. Repaying the whole
    outstanding closes the loan; more than that is ``prepayment.exceeds_outstanding``.
    """
    require_date(prepay_date, "prepay_date")
    try:
        how = PrepaymentMode(mode)
    except ValueError:
        raise _invalid("prepayment_mode_unknown", "mode", f"未知的提前还款方式“{mode}”") from None
    prepayment = Prepayment(on=prepay_date, amount=check_amount(amount, "amount"), mode=how)
    terms = schedule.terms
    pps = tuple(sorted((*terms.prepayments, prepayment), key=lambda p: p.on))
    return schedule_for(replace(terms, prepayments=pps))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def anniversary_resets(
    contract_date: date,
    term_months: int,
    spread: Number,
    rate_table: RateTable,
    *,
    as_of: date | None = None,
) -> tuple[RateReset, ...]:
    """Repricing on each anniversary of ``contract_date`` at benchmark + ``spread`` (in % points).

    The benchmark is the one in force on the anniversary for the loan's tenor ``term_months``
    (:meth:`RateTable.benchmark_for`, which raises ``rates.no_benchmark`` for a date it cannot
    know). Anniversaries at or after the end of the term are not repricings. ``as_of`` stops at
    the anniversaries that have happened by then (a projection keeps the last known rate).
    """
    require_date(contract_date, "contract_date")
    margin = to_decimal(spread, field="spread")
    resets: list[RateReset] = []
    year = 1
    while 12 * year < term_months:
        anniversary = _add_years(contract_date, year)
        if as_of is not None and anniversary > as_of:
            break
        benchmark = rate_table.benchmark_for(anniversary, term_months)
        rate = benchmark.rate + margin
        resets.append(RateReset(anniversary, check_rate(rate, "spread"), source=benchmark.source))
        year += 1
    return tuple(resets)
