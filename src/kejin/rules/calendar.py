"""Working days of mainland China: public holidays and adjusted working weekends (RULES §2).

The State Council's schedule comes from the ``chinese_calendar`` package (PyPI ``chinesecalendar``),
which knows the years announced when it was released. For a later year the city office enters the
schedule itself (:class:`YearSchedule`: the holidays and the adjusted working days, 调休上班); an
entered year overrides the package for that year. A date in a year known to neither is an error
(``calendar.unknown_year``), never a silent guess that Monday to Friday are working days.

A public notice (公示) of N working days opening on day d ends at the end of the N-th working day
after d: :func:`notice_end`. The opening day itself is not counted, even when it is a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar  # type: ignore[import-untyped]  # the package ships no py.typed

from kejin.rules.daycount import require_date
from kejin.rules.errors import DomainError

#: Guard against a runaway search (more than ten years of days without enough working days).
_MAX_STEPS = 3660


@lru_cache(maxsize=16384)
def _package_is_workday(day: date) -> bool:
    """``chinese_calendar.is_workday``, cached (the package scans its tables on every call).

    Raises ``NotImplementedError`` for a year outside the package's data (not cached).
    """
    return bool(chinese_calendar.is_workday(day))


def _unknown_year(year: int) -> DomainError:
    return DomainError(
        code="calendar.unknown_year",
        message=f"{year} 年的节假日安排尚未录入，无法计算工作日",
        fields={"date": f"请先录入 {year} 年的节假日和调休上班日"},
    )


@dataclass(frozen=True)
class YearSchedule:
    """One year's schedule entered by the city office.

    ``holidays``: the days off of the public holidays that fall on Monday–Friday (weekend days of a
    holiday may be listed too); ``working_days``: the adjusted working days that fall on a weekend.
    Every other Monday–Friday is a working day, every other weekend day is not.
    """

    year: int
    holidays: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        for day in self.holidays | self.working_days:
            require_date(day)
            if day.year != self.year:
                raise DomainError(
                    code="calendar.date_outside_year",
                    message=f"{day} 不在 {self.year} 年内",
                    fields={"date": f"{day} 不属于 {self.year} 年的安排"},
                )
        both = self.holidays & self.working_days
        if both:
            first = min(both)
            raise DomainError(
                code="calendar.holiday_and_working_day",
                message=f"{first} 不能既是假日又是调休上班日",
                fields={"date": f"{first} 同时出现在假日和上班日中"},
            )

    def is_working_day(self, day: date) -> bool:
        """Working day under this schedule (the day must be in :attr:`year`)."""
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: the city office's :class:`YearSchedule` entries over the package's data.

    ``use_package=False`` ignores ``chinese_calendar`` (tests of the entered-schedule path).
    """

    schedules: tuple[YearSchedule, ...] = ()
    use_package: bool = True
    _by_year: dict[int, YearSchedule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in self.schedules:
            if schedule.year in by_year:
                raise DomainError(
                    code="calendar.duplicate_year",
                    message=f"{schedule.year} 年的安排录入了两次",
                    fields={"year": "每年只能有一份节假日安排"},
                )
            by_year[schedule.year] = schedule
        object.__setattr__(self, "schedules", tuple(self.schedules))
        object.__setattr__(self, "_by_year", by_year)

    def with_schedule(self, schedule: YearSchedule) -> WorkCalendar:
        """A calendar with ``schedule`` added, replacing an earlier entry for the same year."""
        kept = tuple(s for s in self.schedules if s.year != schedule.year)
        return WorkCalendar((*kept, schedule), use_package=self.use_package)

    def knows_year(self, year: int) -> bool:
        """Whether the working days of ``year`` are known (entered or in the package)."""
        if year in self._by_year:
            return True
        if not self.use_package:
            return False
        try:
            _package_is_workday(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day; ``calendar.unknown_year`` if its year is unknown."""
        require_date(day)
        entered = self._by_year.get(day.year)
        if entered is not None:
            return entered.is_working_day(day)
        if not self.use_package:
            raise _unknown_year(day.year)
        try:
            return _package_is_workday(day)
        except NotImplementedError:
            raise _unknown_year(day.year) from None

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (before it when ``n`` is negative).

        ``start`` itself is never counted; ``n == 0`` returns ``start`` unchanged.
        """
        require_date(start)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        step = timedelta(days=1 if n >= 0 else -1)
        left = abs(n)
        day = start
        steps = 0
        while left:
            day += step
            steps += 1
            if steps > _MAX_STEPS + 3 * abs(n):
                raise DomainError(
                    code="calendar.no_working_day",
                    message="在合理范围内找不到足够的工作日",
                    fields={"n": f"{n} 个工作日无法计算"},
                )
            if self.is_working_day(day):
                left -= 1
        return day

    def notice_end(self, open_date: date, n: int) -> date:
        """Last day of a public notice of ``n`` working days that opens on ``open_date``.

        The notice ends at the end of the ``n``-th working day after the opening day.
        """
        if n < 1:
            raise DomainError(
                code="calendar.notice_days_invalid",
                message="公示期至少为 1 个工作日",
                fields={"n": f"公示期 {n} 个工作日无效"},
            )
        return self.add_working_days(open_date, n)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end`` (negative when ``end`` is before ``start``).

        So ``working_days_between(s, add_working_days(s, n)) == n``.
        """
        require_date(start)
        require_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days ``d`` with ``start <= d <= end``."""
        require_date(start)
        require_date(end)
        days: list[date] = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days


#: The package's calendar with no entered years.
PACKAGE_CALENDAR = WorkCalendar()


def make_calendar(schedules: Iterable[YearSchedule] = ()) -> WorkCalendar:
    """A calendar of the package's years plus the city office's entered ``schedules``."""
    return WorkCalendar(tuple(schedules))


def is_working_day(day: date, calendar: WorkCalendar = PACKAGE_CALENDAR) -> bool:
    """Whether ``day`` is a working day in mainland China (:meth:`WorkCalendar.is_working_day`)."""
    return calendar.is_working_day(day)


def add_working_days(start: date, n: int, calendar: WorkCalendar = PACKAGE_CALENDAR) -> date:
    """The ``n``-th working day after ``start`` (see :meth:`WorkCalendar.add_working_days`)."""
    return calendar.add_working_days(start, n)


def notice_end(open_date: date, n: int, calendar: WorkCalendar = PACKAGE_CALENDAR) -> date:
    """Last day of an ``n``-working-day notice opening on ``open_date``."""
    return calendar.notice_end(open_date, n)


def working_days_between(start: date, end: date, calendar: WorkCalendar = PACKAGE_CALENDAR) -> int:
    """Working days ``d`` with ``start < d <= end`` (:meth:`WorkCalendar.working_days_between`)."""
    return calendar.working_days_between(start, end)
