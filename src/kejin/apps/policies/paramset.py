"""The parameters in force: the YAML defaults of ``rules.params`` with the city office's dated
values from the database layered on top. Any context may call :func:`params_in_force`.

A draft value (not saved) can be layered on top too: the parameter what-if uses that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Max

from kejin.apps.policies.models import COMMITTED, ParameterLock, ParameterValue
from kejin.rules.calendar import PACKAGE_CALENDAR, WorkCalendar
from kejin.rules.params import ORIGIN_CITY, ParameterSet, ParamValue, Unit


def plain_decimal(value: Decimal) -> Decimal:
    """``60.000000`` → ``60``, ``52.500000`` → ``52.5`` (as the YAML defaults are written)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def city_values() -> list[ParamValue]:
    """Every value the city office entered, as rule records (origin ``city``)."""
    return [
        ParamValue(
            key=row.key,
            effective_from=row.effective_from,
            value=plain_decimal(row.value),
            unit=Unit(row.unit),
            source=row.source,
            origin=ORIGIN_CITY,
        )
        for row in ParameterValue.objects.order_by("key", "effective_from")
    ]


def params_in_force(extra: Iterable[ParamValue] = ()) -> ParameterSet:
    """Defaults + the city's values (+ ``extra`` draft values, for a what-if)."""
    params = ParameterSet.defaults(extra=city_values())
    extra = tuple(extra)
    return params.with_values(extra) if extra else params


def locked_until(key: str) -> date | None:
    """The latest date on which an approved award read ``key`` (``None`` if none did)."""
    found = ParameterLock.objects.filter(key=key, application__status__in=COMMITTED).aggregate(
        last=Max("read_on")
    )
    return found["last"]


def work_calendar() -> WorkCalendar:
    """Working days for notices: the State Council's schedule (``chinese_calendar``)."""
    return PACKAGE_CALENDAR
