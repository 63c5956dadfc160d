"""Administrative divisions (GB/T 2260) of Jilin province, loaded from ``data/divisions_jilin.csv``.

The table (code, name, parent_code, level) is the reference list a district office is bound to and
an enterprise's registered district is chosen from. It is read once and cached; nothing here is
retyped. Levels: ``province`` → ``prefecture`` (地级) → ``county``
(县级: 市辖区, 县级市, 县, 自治县).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Literal, cast

from kejin.rules.errors import DomainError

Level = Literal["province", "prefecture", "county"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county")
LEVEL_NAMES: dict[Level, str] = {"province": "省级", "prefecture": "地级", "county": "县级"}
DATA_FILE = "divisions_jilin.csv"


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division: 6-digit code, Chinese name, parent code, level."""

    code: str
    name: str
    parent_code: str | None
    level: Level


@dataclass(frozen=True, slots=True)
class _Table:
    ordered: tuple[Division, ...]
    by_code: MappingProxyType[str, Division]
    children: MappingProxyType[str, tuple[Division, ...]]


def _parse(text: str) -> _Table:
    """Parse and check the CSV: unique 6-digit codes, known levels, parents present and one up."""
    rows = list(csv.DictReader(io.StringIO(text)))
    by_code: dict[str, Division] = {}
    for row in rows:
        code, level = row["code"].strip(), row["level"].strip()
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValueError(f"{DATA_FILE}: bad code {code!r}")
        if level not in LEVELS:
            raise ValueError(f"{DATA_FILE}: bad level {level!r} for {code}")
        if code in by_code:
            raise ValueError(f"{DATA_FILE}: duplicate code {code}")
        parent = row["parent_code"].strip() or None
        by_code[code] = Division(code, row["name"].strip(), parent, cast(Level, level))
    children: dict[str, list[Division]] = {}
    for division in by_code.values():
        if division.parent_code is None:
            if division.level != "province":
                raise ValueError(f"{DATA_FILE}: {division.code} has no parent")
            continue
        parent_division = by_code.get(division.parent_code)
        if parent_division is None:
            raise ValueError(f"{DATA_FILE}: {division.code} has unknown parent")
        if LEVELS.index(parent_division.level) != LEVELS.index(division.level) - 1:
            raise ValueError(f"{DATA_FILE}: {division.code} is not one level below its parent")
        children.setdefault(division.parent_code, []).append(division)
    ordered = tuple(sorted(by_code.values(), key=lambda d: d.code))
    return _Table(
        ordered=ordered,
        by_code=MappingProxyType({d.code: d for d in ordered}),
        children=MappingProxyType(
            {k: tuple(sorted(v, key=lambda d: d.code)) for k, v in children.items()}
        ),
    )


@functools.cache
def _table() -> _Table:
    text = resources.files("kejin.rules").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return _parse(text)


def all_divisions() -> tuple[Division, ...]:
    """Every division, ordered by code."""
    return _table().ordered


def get(code: str) -> Division | None:
    """The division with this code, or ``None`` when the code is not in the table."""
    return _table().by_code.get(code)


def require_known(code: str, field: str = "division_code") -> Division:
    """The division with this code, or a ``division.unknown`` :class:`DomainError` on ``field``."""
    division = get(code)
    if division is None:
        message = f"行政区划代码“{code}”不在本省区划表中"
        raise DomainError(code="division.unknown", message=message, fields={field: message})
    return division


def children(code: str) -> tuple[Division, ...]:
    """Direct children of a known division (empty for a county); unknown codes raise."""
    require_known(code)
    return _table().children.get(code, ())


def districts_of(prefecture_code: str) -> tuple[Division, ...]:
    """County-level divisions (districts, county-level cities, counties) under a prefecture."""
    division = require_known(prefecture_code, "prefecture_code")
    if division.level != "prefecture":
        message = f"“{division.name}”（{division.code}）不是地级行政区"
        raise DomainError(
            code="division.not_prefecture", message=message, fields={"prefecture_code": message}
        )
    return tuple(d for d in children(prefecture_code) if d.level == "county")


def prefectures() -> tuple[Division, ...]:
    """All prefecture-level divisions, ordered by code."""
    return tuple(d for d in all_divisions() if d.level == "prefecture")


def name(code: str) -> str:
    """Chinese name of a known division (``220102`` → ``南关区``)."""
    return require_known(code).name


def level(code: str) -> Level:
    """Level of a known division."""
    return require_known(code).level


def parent(code: str) -> Division | None:
    """Parent of a known division (``None`` for the province)."""
    division = require_known(code)
    return None if division.parent_code is None else get(division.parent_code)


def ancestors(code: str) -> tuple[Division, ...]:
    """The division and its ancestors, from the province down (``吉林省, 长春市, 南关区``)."""
    chain = [require_known(code)]
    while (up := parent(chain[-1].code)) is not None:
        chain.append(up)
    return tuple(reversed(chain))


def full_name(code: str) -> str:
    """Names from the province down, joined (``220102`` → ``吉林省长春市南关区``)."""
    return "".join(d.name for d in ancestors(code))


def prefecture_of(code: str) -> Division | None:
    """The prefecture a prefecture or county belongs to (itself for a prefecture)."""
    return next((d for d in ancestors(code) if d.level == "prefecture"), None)
