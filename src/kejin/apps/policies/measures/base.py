"""What every measure adapter shares: its input fields, input cleaning helpers, and the shape
of a computation (the rule's Award plus what the application must remember of it).

A measure adapter turns an application's inputs into the arguments of its rule in
``kejin.rules.subsidies`` and calls it. The rule computes; the adapter only gathers facts from
the platform (the loan book, milestones, earlier awards).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kejin.apps.orgs.models import Organisation
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.models import CLOSED, COMMITTED, ClaimKey, Program
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError
from kejin.rules.money import round_fen, to_decimal
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.trace import Award


@dataclass(frozen=True)
class InputField:
    """One input of a measure, for the page form and the API.

    ``kind``: ``text``, ``date``, ``int``, ``choice``, ``loans`` (the applicant's loans),
    ``milestone`` / ``milestones`` (recorded milestones), ``lines`` (one item per line,
    comma-separated ``columns``).
    """

    name: str
    label: str
    kind: str
    help: str = ""
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()


@dataclass
class Computed:
    """A computation for one application."""

    award: Award
    claims: list[str] = field(default_factory=list)
    year_amounts: dict[int, Decimal] = field(default_factory=dict)
    interest_lines: list[dict[str, Any]] = field(default_factory=list)
    milestone_id: int | None = None
    event_date: date | None = None


@dataclass(frozen=True)
class Context:
    """What a computation may read: who is acting (their view of the loan book), the program,
    the applicant, its inputs (already cleaned), the parameters, and which application this is
    (its own earlier claims and amounts never count against it)."""

    actor: Actor
    program: Program
    applicant: Organisation
    inputs: Mapping[str, Any]
    params: ParameterSet
    application_id: int | None = None


class Measure(ABC):
    """Base class of the measure adapters: each one cleans its inputs and computes its award."""

    code: str = ""
    title: str = ""
    clause: str = ""
    applicant_kinds: tuple[str, ...] = ("enterprise",)
    param_prefixes: tuple[str, ...] = ()
    fields: tuple[InputField, ...] = ()
    needs_coverage: bool = False

    @abstractmethod
    def clean(
        self, raw: Mapping[str, Any], *, actor: Actor, applicant: Organisation, program: Program
    ) -> dict[str, Any]:
        """Validate the inputs; return them JSON-ready. All field errors at once."""

    @abstractmethod
    def compute(self, ctx: Context) -> Computed:
        """The amount and its trace, from the cleaned inputs and the parameters in force."""

    def uses(self, key: str) -> bool:
        """Whether the measure reads parameter ``key``."""
        return any(key.startswith(p) for p in self.param_prefixes)


class Errors:
    """Collects field errors so that every bad input is reported at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def raise_if_any(self, what: str = "申报事项填写有误") -> None:
        if self.fields:
            raise DomainError(
                code=PolicyError.INPUT_INVALID,
                message=f"{what}：" + "；".join(self.fields.values()),
                fields=dict(self.fields),
            )


def text(
    raw: Mapping[str, Any], name: str, label: str, errors: Errors, *, max_len: int = 200
) -> str:
    value = str(raw.get(name) or "").strip()
    if not value:
        errors.add(name, f"请填写{label}")
    elif len(value) > max_len:
        errors.add(name, f"{label}不超过 {max_len} 个字符")
    return value


def a_date(
    raw: Mapping[str, Any], name: str, label: str, errors: Errors, *, required: bool = True
) -> date | None:
    value = raw.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, f"请填写{label}")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(name, f"{label}须为日期（YYYY-MM-DD），收到“{value}”")
        return None


def an_int(raw: Mapping[str, Any], name: str, label: str, errors: Errors) -> int | None:
    value = raw.get(name)
    if value in (None, ""):
        errors.add(name, f"请填写{label}")
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        errors.add(name, f"{label}须为整数，收到“{value}”")
        return None


def money(value: Any, name: str, label: str, errors: Errors) -> Decimal | None:
    """A non-negative amount at the fen (``12,345.67`` accepted; a float is refused)."""
    try:
        amount = to_decimal(value if not isinstance(value, float) else repr(value), field=name)
    except DomainError:
        errors.add(name, f"{label}须为金额数字，收到“{value}”")
        return None
    if amount < 0:
        errors.add(name, f"{label}不能为负数")
        return None
    if amount != round_fen(amount):
        errors.add(name, f"{label}须精确到分")
        return None
    return amount


def ids(raw: Mapping[str, Any], name: str, label: str, errors: Errors) -> list[int]:
    value = raw.get(name)
    items: Sequence[Any]
    if value in (None, ""):
        items = []
    elif isinstance(value, list | tuple):
        items = value
    else:
        items = re.split(r"[,\s，]+", str(value).strip())
    out: list[int] = []
    for item in items:
        if str(item).strip() == "":
            continue
        try:
            out.append(int(str(item).strip()))
        except ValueError:
            errors.add(name, f"{label}须为编号，收到“{item}”")
            return []
    if not out:
        errors.add(name, f"请选择{label}")
    return sorted(set(out))


def lines(
    raw: Mapping[str, Any], name: str, label: str, columns: int, errors: Errors
) -> list[list[str]]:
    """Items given as a list of lists (API) or as text, one item per line, comma-separated."""
    value = raw.get(name)
    rows: list[list[str]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                rows.append([str(v).strip() for v in item.values()])
            else:
                rows.append([str(v).strip() for v in item])
    else:
        for line in str(value or "").splitlines():
            if line.strip():
                rows.append([c.strip() for c in re.split(r"[,，]", line)])
    if not rows:
        errors.add(name, f"请填写{label}（每行一项）")
    for i, row in enumerate(rows, start=1):
        if len(row) != columns:
            errors.add(name, f"{label}第 {i} 行应有 {columns} 项，以逗号分隔（收到 {len(row)} 项）")
            return []
    return rows


def in_coverage(program: Program, day: date | None, name: str, label: str, errors: Errors) -> None:
    """An event date must lie in the program's coverage, when the program sets one."""
    if day is None:
        return
    start, end = program.coverage_start, program.coverage_end
    if (start and day < start) or (end and day > end):
        span = f"{start or '—'} 至 {end or '—'}"
        errors.add(name, f"{label} {day} 不在本项目支持的期间（{span}）内")


def committed_claims(prefix: str, *, exclude_application: int | None) -> list[tuple[str, int]]:
    """Claim keys starting with ``prefix`` held by approved awards: (key, application id)."""
    qs = ClaimKey.objects.filter(key__startswith=prefix, application__status__in=COMMITTED)
    if exclude_application is not None:
        qs = qs.exclude(application_id=exclude_application)
    return list(qs.values_list("key", "application_id"))


def live_claims(prefix: str, *, exclude_application: int | None) -> set[str]:
    """Claim keys starting with ``prefix`` held by any application not rejected or withdrawn."""
    qs = ClaimKey.objects.filter(key__startswith=prefix).exclude(application__status__in=CLOSED)
    if exclude_application is not None:
        qs = qs.exclude(application_id=exclude_application)
    return set(qs.values_list("key", flat=True))


def norm(value: str) -> str:
    """A name as a claim key part: no spaces, upper case."""
    return re.sub(r"\s+", "", value).upper()
