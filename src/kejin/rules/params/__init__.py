"""Dated parameters: every number the city can change, with the date it took effect and its source.

Modelled on OpenFisca parameters. A *parameter* has a key (``interest_subsidy.proportion``), a
unit and a history of *values*; each value carries ``effective_from``, the ``value`` (an exact
``Decimal``) and ``source`` (the clause it comes from, e.g. ``实施意见（十三）``). A rule never
reads "the" value of a parameter: it asks :meth:`ParameterSet.value_at` for the value in force on
its reference date and copies the returned :class:`ParamValue` into its trace.

Defaults live in ``rules/params/*.yaml`` (loaded by :meth:`ParameterSet.defaults`). The city
office's changes live in the database; the app layer passes them in as extra :class:`ParamValue`
records (:meth:`ParameterSet.with_values`). An old value is never edited: a change is a new dated
value. A value added on the same date as an existing one replaces it in the set (a city value may
supersede a default from the day it took effect); two extra values for one key and one date are
refused.

:func:`check_new_value` guards the history: once an award has been approved with the value in force
on some date, a new value taking effect on or before that date would change the approved award and
is refused.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any

import yaml

from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import to_decimal


class Unit(StrEnum):
    """What a parameter's number means."""

    PERCENT = "percent"
    YUAN = "yuan"
    MULTIPLE = "multiple"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"


UNIT_LABELS: Mapping[Unit, str] = {
    Unit.PERCENT: "%",
    Unit.YUAN: "元",
    Unit.MULTIPLE: "倍",
    Unit.DAYS: "天",
    Unit.WORKING_DAYS: "个工作日",
    Unit.MONTHS: "个月",
}

ORIGIN_DEFAULT = "default"
ORIGIN_CITY = "city"


@dataclass(frozen=True)
class ParamValue:
    """One dated value of a parameter: the record a trace quotes."""

    key: str
    effective_from: date
    value: Decimal
    unit: Unit
    source: str
    origin: str = ORIGIN_DEFAULT

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form (dates ISO, decimals as strings)."""
        return {
            "key": self.key,
            "effective_from": self.effective_from.isoformat(),
            "value": str(self.value),
            "unit": self.unit.value,
            "source": self.source,
            "origin": self.origin,
        }

    def describe(self) -> str:
        """Chinese text for a trace line: ``key = 50%（自 2016-01-01 起施行；依据：…）``."""
        shown = f"{self.value:,}" if self.unit is Unit.YUAN else f"{self.value}"
        return (
            f"{self.key} = {shown}{UNIT_LABELS[self.unit]}"
            f"（自 {self.effective_from.isoformat()} 起施行；依据：{self.source}）"
        )

    @property
    def fraction(self) -> Decimal:
        """A percent value as a fraction (50 → 0.5); refused for other units."""
        if self.unit is not Unit.PERCENT:
            raise ValueError(f"{self.key} is in {self.unit}, not percent")
        return self.value / 100


@dataclass(frozen=True)
class Parameter:
    """A parameter's definition and its full history, oldest first."""

    key: str
    unit: Unit
    label: str
    values: tuple[ParamValue, ...] = field(default_factory=tuple)


def _not_in_force(key: str, on: date, first: date | None) -> DomainError:
    since = f"，最早的取值自 {first.isoformat()} 起施行" if first else ""
    return DomainError(
        code="params.not_in_force",
        message=f"参数 {key} 在 {on.isoformat()} 尚无有效取值{since}",
        fields={"date": f"{on.isoformat()} 早于参数 {key} 的首个生效日期"},
    )


def _check_value(key: str, unit: Unit, value: Decimal) -> None:
    if value < 0:
        raise DomainError(
            code="params.negative",
            message=f"参数 {key} 的取值不能为负数",
            fields={"value": f"取值不能为负数（收到 {value}）"},
        )
    if unit is Unit.PERCENT and value > 100:
        raise DomainError(
            code="params.percent_over_100",
            message=f"参数 {key} 是百分比，取值不能超过 100",
            fields={"value": f"百分比不能超过 100（收到 {value}）"},
        )
    if unit in (Unit.DAYS, Unit.WORKING_DAYS, Unit.MONTHS) and value != value.to_integral_value():
        raise DomainError(
            code="params.not_whole",
            message=f"参数 {key} 以{UNIT_LABELS[unit]}计，必须是整数",
            fields={"value": f"必须是整数（收到 {value}）"},
        )


def _yaml_value(key: str, raw: Any) -> Decimal:
    if isinstance(raw, float):
        raise TypeError(f"{key}: YAML float {raw!r}; write the value as a quoted string")
    return to_decimal(raw, field="value")


def load_yaml(text: str) -> list[Parameter]:
    """Parse one YAML document of parameter definitions (see ``rules/params/*.yaml``)."""
    data = yaml.safe_load(text) or {}
    params: list[Parameter] = []
    for key, spec in data.items():
        unit = Unit(spec["unit"])
        values = []
        for raw in spec["values"]:
            eff = raw["effective_from"]
            if not isinstance(eff, date):
                raise TypeError(f"{key}: effective_from must be a YAML date, got {eff!r}")
            value = _yaml_value(key, raw["value"])
            _check_value(key, unit, value)
            source = str(raw["source"]).strip()
            if not source:
                raise ValueError(f"{key}: every value needs a source")
            values.append(ParamValue(key, eff, value, unit, source, ORIGIN_DEFAULT))
        values.sort(key=lambda v: v.effective_from)
        if len({v.effective_from for v in values}) != len(values):
            raise ValueError(f"{key}: two default values on one date")
        params.append(Parameter(key, unit, str(spec.get("label", key)), tuple(values)))
    return params


@functools.cache
def _default_parameters() -> tuple[Parameter, ...]:
    params: list[Parameter] = []
    folder = resources.files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            params.extend(load_yaml(entry.read_text(encoding="utf-8")))
    keys = [p.key for p in params]
    if len(set(keys)) != len(keys):
        raise ValueError("a parameter key is defined in two YAML files")
    return tuple(params)


class ParameterSet:
    """An immutable set of dated parameters: the defaults plus any city values layered on top."""

    def __init__(self, parameters: Iterable[Parameter]) -> None:
        self._params: dict[str, Parameter] = {p.key: p for p in parameters}

    @classmethod
    def defaults(cls, extra: Iterable[ParamValue] = ()) -> ParameterSet:
        """The YAML defaults, with the city's dated values (``extra``) added."""
        base = cls(_default_parameters())
        extra = tuple(extra)
        return base.with_values(extra) if extra else base

    def keys(self) -> list[str]:
        """All parameter keys, sorted."""
        return sorted(self._params)

    def parameter(self, key: str) -> Parameter:
        """The definition and history of one parameter."""
        try:
            return self._params[key]
        except KeyError:
            raise DomainError(
                code="params.unknown_key",
                message=f"没有名为 {key} 的参数",
                fields={"key": f"未知参数 {key}"},
            ) from None

    def history(self, key: str) -> tuple[ParamValue, ...]:
        """Every value of ``key``, oldest first."""
        return self.parameter(key).values

    def value_at(self, key: str, on: date) -> ParamValue:
        """The value of ``key`` in force on ``on`` (the latest value with effective_from ≤ on).

        Raises ``params.not_in_force`` when ``on`` is before the first value.
        """
        values = self.parameter(key).values
        found: ParamValue | None = None
        for v in values:
            if v.effective_from <= on:
                found = v
            else:
                break
        if found is None:
            raise _not_in_force(key, on, values[0].effective_from if values else None)
        return found

    def decimal_at(self, key: str, on: date) -> Decimal:
        """Shortcut for ``value_at(key, on).value``."""
        return self.value_at(key, on).value

    def with_values(self, extra: Iterable[ParamValue]) -> ParameterSet:
        """A new set with ``extra`` dated values added (a value on an existing date supersedes it).

        Each extra value must name a known key and use that key's unit; two extra values for one
        key on one date are refused (``params.duplicate_date``).
        """
        params = dict(self._params)
        seen: set[tuple[str, date]] = set()
        for v in extra:
            current = params.get(v.key) or self.parameter(v.key)
            if v.unit is not current.unit:
                raise DomainError(
                    code="params.wrong_unit",
                    message=f"参数 {v.key} 的单位是 {current.unit.value}，不是 {v.unit.value}",
                    fields={"unit": f"应为 {current.unit.value}"},
                )
            if (v.key, v.effective_from) in seen:
                raise Conflict(
                    code="params.duplicate_date",
                    message=f"参数 {v.key} 在 {v.effective_from.isoformat()} 已有一个新增取值",
                    fields={"effective_from": "同一生效日期只能有一个取值"},
                )
            seen.add((v.key, v.effective_from))
            _check_value(v.key, v.unit, v.value)
            if not v.source.strip():
                raise DomainError(
                    code="params.no_source",
                    message=f"参数 {v.key} 的新取值必须注明依据",
                    fields={"source": "请填写文件名称和条款"},
                )
            kept = [old for old in current.values if old.effective_from != v.effective_from]
            values = tuple(sorted([*kept, v], key=lambda x: x.effective_from))
            params[v.key] = Parameter(current.key, current.unit, current.label, values)
        return ParameterSet(params.values())


def check_new_value(key: str, effective_from: date, locked_until: date | None) -> None:
    """Refuse a new value of ``key`` that would change an award already approved.

    ``locked_until`` is the latest reference date on which an approved award read ``key`` (the app
    layer finds it; ``None`` when no approved award used the parameter). A new value effective on
    or before that date would change what that award should have been, so it is refused with
    ``params.locked`` (409): the city enters the change from the day after ``locked_until``.
    """
    if locked_until is not None and effective_from <= locked_until:
        raise Conflict(
            code="params.locked",
            message=(
                f"参数 {key} 在 {locked_until.isoformat()} 及以前的取值已被已批准的奖补使用，"
                f"新取值的生效日期须晚于该日"
            ),
            fields={"effective_from": f"生效日期须晚于 {locked_until.isoformat()}"},
        )


__all__ = [
    "ORIGIN_CITY",
    "ORIGIN_DEFAULT",
    "ParamValue",
    "Parameter",
    "ParameterSet",
    "Unit",
    "check_new_value",
    "load_yaml",
]
