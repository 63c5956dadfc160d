"""Working days of mainland China and public-notice ends (RULES §2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.rules.calendar import (
    PACKAGE_CALENDAR,
    WorkCalendar,
    YearSchedule,
    add_working_days,
    is_working_day,
    make_calendar,
    notice_end,
    working_days_between,
)
from kejin.rules.errors import DomainError

# A schedule for 2027 as the city office would enter it before the package knows the year.
# (Test input only: New Year's Day on Friday, a made-up Spring Festival week, a working Sunday.)
SCHEDULE_2027 = YearSchedule(
    year=2027,
    holidays=frozenset(
        [date(2027, 1, 1)] + [date(2027, 2, 5) + timedelta(days=i) for i in range(8)]
    ),
    working_days=frozenset([date(2027, 2, 14)]),
)


def test_spring_festival_2024_days_off() -> None:
    # 2024-02-10 (Sat) … 2024-02-17 (Sat) off, Monday 12th to Friday 16th included
    for offset in range(8):
        assert not is_working_day(date(2024, 2, 10) + timedelta(days=offset))


def test_adjusted_working_sundays_of_2024_spring_festival() -> None:
    assert date(2024, 2, 4).weekday() == 6  # a Sunday…
    assert is_working_day(date(2024, 2, 4))  # …worked (调休上班)
    assert is_working_day(date(2024, 2, 18))
    assert not is_working_day(date(2024, 2, 3))  # the Saturday before stays off


def test_national_day_week_2024() -> None:
    assert all(not is_working_day(date(2024, 10, d)) for d in range(1, 8))
    assert is_working_day(date(2024, 9, 29))  # Sunday worked
    assert is_working_day(date(2024, 10, 12))  # Saturday worked
    assert not is_working_day(date(2024, 10, 13))


def test_notice_over_spring_festival_2024() -> None:
    # opens Thursday 2024-02-08; the working days after it: Fri 9th (1), [10th–17th off],
    # Sun 18th worked (2), Mon 19th (3), Tue 20th (4), Wed 21st (5) → ends 2024-02-21
    assert notice_end(date(2024, 2, 8), 5) == date(2024, 2, 21)


def test_notice_over_national_day_2024() -> None:
    # opens Friday 2024-09-27: Sun 29th (1), Mon 30th (2), [1st–7th off], Tue 8th (3)
    assert notice_end(date(2024, 9, 27), 3) == date(2024, 10, 8)


def test_opening_day_is_not_counted_even_if_working() -> None:
    # Monday 2024-03-04 opens a 1-day notice: it ends on Tuesday 5th
    assert notice_end(date(2024, 3, 4), 1) == date(2024, 3, 5)
    # a notice opening on Saturday 2024-03-02 for 1 day ends Monday 4th
    assert notice_end(date(2024, 3, 2), 1) == date(2024, 3, 4)


def test_add_working_days_backwards_and_zero() -> None:
    # 3 working days before Monday 2024-02-19: Sun 18th (1), Fri 9th (2), Thu 8th (3)
    assert add_working_days(date(2024, 2, 19), -3) == date(2024, 2, 8)
    assert add_working_days(date(2024, 2, 12), 0) == date(2024, 2, 12)


def test_working_days_between_counts_the_end_not_the_start() -> None:
    # (2024-02-08, 2024-02-21]: 9th, 18th, 19th, 20th, 21st = 5
    assert working_days_between(date(2024, 2, 8), date(2024, 2, 21)) == 5
    assert working_days_between(date(2024, 2, 21), date(2024, 2, 8)) == -5
    assert working_days_between(date(2024, 2, 10), date(2024, 2, 17)) == 0


def test_unknown_year_is_an_error_not_a_guess() -> None:
    assert not PACKAGE_CALENDAR.knows_year(2099)
    with pytest.raises(DomainError) as caught:
        is_working_day(date(2099, 3, 2))
    assert caught.value.code == "calendar.unknown_year"
    with pytest.raises(DomainError):
        is_working_day(date(2003, 6, 2))


def test_counting_into_an_unknown_year_is_an_error() -> None:
    year = 2004
    while PACKAGE_CALENDAR.knows_year(year + 1):
        year += 1
    with pytest.raises(DomainError) as caught:
        add_working_days(date(year, 12, 20), 30)
    assert caught.value.code == "calendar.unknown_year"


def test_city_office_schedule_for_a_year_the_package_does_not_know() -> None:
    assert not PACKAGE_CALENDAR.knows_year(2027)
    calendar = make_calendar([SCHEDULE_2027])
    assert calendar.knows_year(2027)
    assert not calendar.is_working_day(date(2027, 1, 1))  # Friday, New Year's Day
    assert calendar.is_working_day(date(2027, 1, 4))  # Monday
    assert not calendar.is_working_day(date(2027, 2, 8))  # Monday in the holiday week
    assert calendar.is_working_day(date(2027, 2, 14))  # adjusted working Sunday
    assert not calendar.is_working_day(date(2027, 2, 13))  # plain Saturday
    # notice opening Thursday 2027-02-04: [5th–12th off], Sun 14th (1), Mon 15th (2)
    assert calendar.notice_end(date(2027, 2, 4), 2) == date(2027, 2, 15)
    # the package years still work through the same calendar
    assert calendar.is_working_day(date(2024, 2, 4))


def test_notice_from_a_known_year_into_an_entered_year() -> None:
    calendar = WorkCalendar((SCHEDULE_2027,))
    last = date(2026, 12, 31)
    assert calendar.is_working_day(last)  # Thursday
    # opens 2026-12-31: Fri 2027-01-01 off, Mon 4th (1), Tue 5th (2)
    assert calendar.notice_end(last, 2) == date(2027, 1, 5)


def test_entered_year_overrides_the_package() -> None:
    # the city office corrects 2024: 2024-02-09 (Friday, 除夕) declared a day off
    corrected = YearSchedule(
        year=2024,
        holidays=frozenset([date(2024, 2, 9)]),
        working_days=frozenset(),
    )
    calendar = make_calendar([corrected])
    assert is_working_day(date(2024, 2, 9))
    assert not calendar.is_working_day(date(2024, 2, 9))
    replaced = calendar.with_schedule(YearSchedule(year=2024))
    assert replaced.is_working_day(date(2024, 2, 9))


def test_package_can_be_switched_off() -> None:
    calendar = WorkCalendar((SCHEDULE_2027,), use_package=False)
    with pytest.raises(DomainError) as caught:
        calendar.is_working_day(date(2024, 2, 4))
    assert caught.value.code == "calendar.unknown_year"


def test_schedule_validation() -> None:
    with pytest.raises(DomainError) as caught:
        YearSchedule(year=2027, holidays=frozenset([date(2028, 1, 1)]))
    assert caught.value.code == "calendar.date_outside_year"
    with pytest.raises(DomainError) as caught:
        YearSchedule(
            year=2027,
            holidays=frozenset([date(2027, 2, 14)]),
            working_days=frozenset([date(2027, 2, 14)]),
        )
    assert caught.value.code == "calendar.holiday_and_working_day"
    with pytest.raises(DomainError) as caught:
        WorkCalendar((SCHEDULE_2027, SCHEDULE_2027))
    assert caught.value.code == "calendar.duplicate_year"
    with pytest.raises(DomainError) as caught:
        notice_end(date(2024, 3, 4), 0)
    assert caught.value.code == "calendar.notice_days_invalid"


def test_working_days_list() -> None:
    days = PACKAGE_CALENDAR.working_days(date(2024, 9, 28), date(2024, 10, 13))
    assert days == [
        date(2024, 9, 29),
        date(2024, 9, 30),
        date(2024, 10, 8),
        date(2024, 10, 9),
        date(2024, 10, 10),
        date(2024, 10, 11),
        date(2024, 10, 12),
    ]


@settings(deadline=None)
@given(
    start=st.dates(min_value=date(2010, 1, 1), max_value=date(2025, 6, 30)),
    n=st.integers(min_value=0, max_value=60),
)
def test_between_inverts_add(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or is_working_day(end)


@settings(deadline=None)
@given(
    start=st.dates(min_value=date(2010, 1, 10), max_value=date(2025, 6, 30)),
    n=st.integers(min_value=1, max_value=40),
)
def test_notice_end_is_at_least_n_calendar_days_later(start: date, n: int) -> None:
    end = notice_end(start, n)
    assert (end - start).days >= n
    assert add_working_days(end, -n) <= start
