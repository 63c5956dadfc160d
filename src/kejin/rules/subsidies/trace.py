"""Awards and their traces: every computed amount says how it was reached.

A :class:`Trace` holds the inputs, the ordered :class:`TraceStep` list (each with its intermediate
amount, the formula with the numbers filled in, the parameter values it used with their effective
dates and sources, and any reason) and the seed clause. It serialises to a dict / JSON for storage
and renders as Chinese text lines for the application page and the public notice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from kejin.rules.money import ZERO, fmt_yuan
from kejin.rules.params import ParamValue

SEED = "实施意见"


def clause(number: str) -> str:
    """Citation of a clause of the seed policy: ``clause("十三")`` → ``实施意见（十三）``."""
    return f"{SEED}（{number}）"


def _plain(value: Any) -> Any:
    """Turn a trace input into a JSON-ready value (Decimal and date as strings)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


@dataclass(frozen=True)
class TraceStep:
    """One step of a computation.

    ``label`` names the step in Chinese; ``amount`` is the step's result in yuan (at the fen) or
    ``None`` for a step that only decides; ``formula`` shows the arithmetic with the numbers;
    ``params`` are the parameter values read, ``on`` the date they were read for (the reference
    date of the step); ``note`` gives a reason (why an amount is zero, why it was cut).
    """

    label: str
    amount: Decimal | None = None
    formula: str = ""
    params: tuple[ParamValue, ...] = ()
    note: str = ""
    code: str = ""
    on: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "label": self.label,
            "amount": None if self.amount is None else str(self.amount),
            "formula": self.formula,
            "params": [p.to_dict() for p in self.params],
            "on": None if self.on is None else self.on.isoformat(),
            "note": self.note,
            "code": self.code,
        }

    def lines(self, number: int) -> list[str]:
        """Chinese text lines for this step."""
        head = f"{number}. {self.label}"
        if self.formula:
            head += f"：{self.formula}"
        elif self.amount is not None:
            head += f"：{fmt_yuan(self.amount)} 元"
        out = [head]
        out.extend(f"   参数 {p.describe()}" for p in self.params)
        if self.note:
            out.append(f"   说明：{self.note}")
        return out


@dataclass(frozen=True)
class Trace:
    """Inputs, steps and the seed clause of one computation."""

    measure: str
    title: str
    clause: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    steps: tuple[TraceStep, ...] = ()

    def add(self, *steps: TraceStep) -> Trace:
        """A new trace with ``steps`` appended."""
        return replace(self, steps=(*self.steps, *steps))

    @property
    def params(self) -> tuple[ParamValue, ...]:
        """Every distinct parameter value used, in the order first used."""
        seen: dict[tuple[str, date], ParamValue] = {}
        for step in self.steps:
            for p in step.params:
                seen.setdefault((p.key, p.effective_from), p)
        return tuple(seen.values())

    def reads(self) -> dict[str, date]:
        """For each parameter key, the latest date it was read for.

        An approved award locks these dates: a new value of the key effective on or before its
        date would change the award (see :func:`kejin.rules.params.check_new_value`).
        """
        out: dict[str, date] = {}
        for step in self.steps:
            if step.on is None:
                continue
            for p in step.params:
                out[p.key] = max(out.get(p.key, step.on), step.on)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "measure": self.measure,
            "title": self.title,
            "clause": self.clause,
            "inputs": _plain(self.inputs),
            "steps": [s.to_dict() for s in self.steps],
        }

    def lines(self) -> list[str]:
        """The trace as Chinese text, one line per item."""
        out = [f"{self.title}（依据：{self.clause}）"]
        if self.inputs:
            out.append("输入：")
            out.extend(f"  {k}：{_render(v)}" for k, v in self.inputs.items())
        out.append("计算：")
        for i, step in enumerate(self.steps, start=1):
            out.extend(f"  {line}" for line in step.lines(i))
        return out


def _render(value: Any) -> str:
    plain = _plain(value)
    if isinstance(plain, str):
        return plain
    return json.dumps(plain, ensure_ascii=False)


@dataclass(frozen=True)
class Award:
    """A computed amount for one beneficiary under one measure, with its trace.

    ``amount`` is in yuan at the fen. ``reference_date`` is the date whose parameter values the
    rule read (for a multi-period award, the last one). ``reasons`` lists why the amount is zero or
    reduced, in Chinese.
    """

    measure: str
    beneficiary: str
    amount: Decimal
    reference_date: date
    trace: Trace
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "measure": self.measure,
            "beneficiary": self.beneficiary,
            "amount": str(self.amount),
            "reference_date": self.reference_date.isoformat(),
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "trace": self.trace.to_dict(),
        }

    def to_json(self) -> str:
        """Serialised form for storage beside the approved award."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def lines(self) -> list[str]:
        """The trace followed by the result, as Chinese text."""
        out = self.trace.lines()
        out.append(f"结果：{self.beneficiary} 获得 {fmt_yuan(self.amount)} 元")
        out.extend(f"原因：{r}" for r in self.reasons)
        out.extend(f"提示：{w}" for w in self.warnings)
        return out


def total(awards: Sequence[Award]) -> Decimal:
    """Sum of award amounts (exact: each is already at the fen)."""
    return sum((a.amount for a in awards), ZERO)


def pct(value: Decimal) -> str:
    """A percent for formulas: ``50`` → ``50%``."""
    return f"{value:f}%"
