"""Day count conventions: how many days of interest a period carries and over which basis.

Chinese loan contracts quote an annual rate and accrue daily at 年利率 ÷ 360 on the actual days
elapsed (ACT/360, RULES §2); it is the default everywhere. ACT/365 (fixed) and 30/360 are offered as
product parameters.

- :func:`accrual_days` counts the days of a period ``[start, end)`` under a convention.
- :func:`interest` gives the *unrounded* interest ``principal × rate% × days / basis``; the caller
  rounds once (half-up to the fen, :func:`kejin.rules.money.round_fen`) at the end of its rule step.

30/360 is the ISDA 2006 §4.16(f) "bond basis": a start day of 31 counts as 30, and an end day of 31
counts as 30 when the start day is 30 or 31. February is not adjusted (a period ending on 28 or 29
February counts its actual day number).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from enum import StrEnum

from kejin.rules.errors import DomainError
from kejin.rules.money import Number, to_decimal

#: Working precision for interest arithmetic: far beyond the 12–16 digits a yuan amount needs, so
#: the one rounding to the fen is never disturbed by an intermediate rounding.
INTEREST_PRECISION = 50


class DayCount(StrEnum):
    """A day count convention: the days counted for a period and the days in a year."""

    ACT_360 = "ACT/360"
    ACT_365 = "ACT/365"
    THIRTY_360 = "30/360"

    @property
    def basis(self) -> int:
        """Days in the year the annual rate is divided by (360 or 365)."""
        return 365 if self is DayCount.ACT_365 else 360

    @property
    def label(self) -> str:
        """Chinese label for forms and documents."""
        return _LABELS[self]


_LABELS: dict[DayCount, str] = {
    DayCount.ACT_360: "实际天数/360",
    DayCount.ACT_365: "实际天数/365",
    DayCount.THIRTY_360: "30/360",
}

DEFAULT_DAY_COUNT = DayCount.ACT_360


def parse_day_count(value: DayCount | str) -> DayCount:
    """Return the convention named by ``value`` (``"ACT/360"``, ``"ACT/365"`` or ``"30/360"``)."""
    if isinstance(value, DayCount):
        return value
    try:
        return DayCount(value.strip().upper())
    except ValueError:
        raise DomainError(
            code="daycount.unknown",
            message=f"未知的计息基准“{value}”",
            fields={"convention": "请选择 ACT/360、ACT/365 或 30/360"},
        ) from None


def require_date(value: object, field: str = "date") -> date:
    """Business dates are ``date`` objects; a ``datetime`` (a subclass of it) is refused."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{field}: expected datetime.date, got {type(value).__name__}")
    return value


def thirty_360_days(start: date, end: date) -> int:
    """Days from ``start`` to ``end`` under 30/360 bond basis (ISDA 2006 §4.16(f))."""
    d1 = min(start.day, 30)
    d2 = end.day
    if d2 == 31 and d1 == 30:
        d2 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def accrual_days(start: date, end: date, convention: DayCount | str = DEFAULT_DAY_COUNT) -> int:
    """Days of interest in the period ``[start, end)`` under ``convention``.

    For ACT conventions it is the calendar days elapsed (``end - start``); for 30/360 see
    :func:`thirty_360_days`. An ``end`` before ``start`` is an error.
    """
    require_date(start, "start")
    require_date(end, "end")
    if end < start:
        raise DomainError(
            code="daycount.end_before_start",
            message="计息结束日不能早于起息日",
            fields={"end": f"结束日 {end} 早于起息日 {start}"},
        )
    conv = parse_day_count(convention)
    if conv is DayCount.THIRTY_360:
        return thirty_360_days(start, end)
    return (end - start).days


def accrued_interest(
    principal: Number, rate_days: Number, convention: DayCount | str = DEFAULT_DAY_COUNT
) -> Decimal:
    """Unrounded interest ``principal × rate_days / (100 × basis)``.

    ``rate_days`` is the sum of ``annual rate % × days`` over the accrual's segments (one segment
    when the rate does not change): multiplied out first and divided once, at
    :data:`INTEREST_PRECISION` digits, so the one rounding to the fen sees the exact value.
    """
    p = to_decimal(principal, field="principal")
    rd = to_decimal(rate_days, field="rate_days")
    basis = parse_day_count(convention).basis
    with localcontext(prec=INTEREST_PRECISION, rounding=ROUND_HALF_EVEN):
        return p * rd / (100 * basis)


def interest_for_days(
    principal: Number,
    annual_rate_percent: Number,
    days: int,
    convention: DayCount | str = DEFAULT_DAY_COUNT,
) -> Decimal:
    """Unrounded interest on ``principal`` at ``annual_rate_percent`` for ``days`` days.

    ``principal × rate / 100 × days / basis``.
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    r = to_decimal(annual_rate_percent, field="annual_rate")
    return accrued_interest(principal, r * days, convention)


def interest(
    principal: Number,
    annual_rate_percent: Number,
    start: date,
    end: date,
    convention: DayCount | str = DEFAULT_DAY_COUNT,
) -> Decimal:
    """Unrounded interest on ``principal`` at an annual percent rate over ``[start, end)``.

    Example (ACT/360): 100,000 yuan at 3.45% from 2024-01-01 to 2024-02-01 (31 days) is
    ``100000 × 3.45 / 100 × 31 / 360 = 297.0833…``; rounded by the caller to 297.08.
    """
    days = accrual_days(start, end, convention)
    return interest_for_days(principal, annual_rate_percent, days, convention)


def year_fraction(
    start: date, end: date, convention: DayCount | str = DEFAULT_DAY_COUNT
) -> Decimal:
    """The period as a fraction of a year: ``accrual_days / basis`` (unrounded)."""
    conv = parse_day_count(convention)
    with localcontext(prec=INTEREST_PRECISION, rounding=ROUND_HALF_EVEN):
        return Decimal(accrual_days(start, end, conv)) / conv.basis
