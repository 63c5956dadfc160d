"""Field-by-field cleaning shared by forms, the API, spreadsheet imports and corrections.

A :class:`FieldSpec` says what a field is (amount, count, date, yes/no, choice, text) and its
Chinese label; :func:`clean_fields` cleans a mapping of raw values (strings from a sheet or a form,
typed values from the API) and reports **every** bad field at once, each message naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from kejin.apps.enterprises.errors import EnterpriseError
from kejin.rules.errors import DomainError
from kejin.rules.money import round_fen

MAX_AMOUNT = Decimal(10**14)
MAX_COUNT = 10_000_000
TRUE_WORDS = frozenset({"是", "有", "true", "1", "yes", "y", "t", "on"})
FALSE_WORDS = frozenset({"否", "无", "false", "0", "no", "n", "f", "off"})


@dataclass(frozen=True)
class FieldSpec:
    """``kind``: ``amount`` (yuan ≥ 0), ``signed`` (yuan, may be negative), ``count``, ``date``,
    ``past_date`` (not after today), ``bool``, ``choice``, ``text``, ``rank`` (integer ≥ 1)."""

    name: str
    label: str
    kind: str
    required: bool = True
    choices: Sequence[tuple[str, str]] = ()
    max_length: int = 200
    default: Any = None
    choice_code: str = EnterpriseError.INVALID
    help: str = ""


class FieldErrors:
    """Collects one message (and one code) per field."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}
        self.codes: list[str] = []

    def add(self, field: str, message: str, code: str = EnterpriseError.INVALID) -> None:
        if field not in self.messages:
            self.messages[field] = message
            self.codes.append(code)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self) -> None:
        if not self.messages:
            return
        codes = set(self.codes)
        code = self.codes[0] if len(codes) == 1 else EnterpriseError.INVALID
        raise DomainError(
            code=code, message="；".join(self.messages.values()), fields=self.messages
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(spec: FieldSpec, value: Any, errors: FieldErrors) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)  # JSON numbers arrive as floats: take their shortest decimal text
    if isinstance(value, bool):
        errors.add(spec.name, f"{spec.label}须为金额数字")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        errors.add(spec.name, f"{spec.label}须为金额数字（收到“{value}”）")
        return None
    if not amount.is_finite():
        errors.add(spec.name, f"{spec.label}须为有限数字")
        return None
    if spec.kind == "amount" and amount < 0:
        errors.add(spec.name, f"{spec.label}不能为负数（收到 {amount}）", EnterpriseError.NEGATIVE)
        return None
    if abs(amount) > MAX_AMOUNT:
        errors.add(spec.name, f"{spec.label}超过上限（收到 {amount}）", EnterpriseError.TOO_LARGE)
        return None
    if amount != round_fen(amount):
        errors.add(
            spec.name,
            f"{spec.label}最多保留两位小数（收到 {amount}）",
            EnterpriseError.PRECISION,
        )
        return None
    return round_fen(amount)


def _integer(spec: FieldSpec, value: Any, errors: FieldErrors) -> int | None:
    if isinstance(value, bool):
        errors.add(spec.name, f"{spec.label}须为整数")
        return None
    text = str(value).strip()
    try:
        number = int(text) if not isinstance(value, int) else value
    except ValueError:
        errors.add(spec.name, f"{spec.label}须为整数（收到“{value}”）")
        return None
    minimum = 1 if spec.kind == "rank" else 0
    if number < minimum:
        code = EnterpriseError.NEGATIVE if number < 0 else EnterpriseError.INVALID
        errors.add(spec.name, f"{spec.label}不能小于 {minimum}（收到 {number}）", code)
        return None
    if number > MAX_COUNT:
        errors.add(spec.name, f"{spec.label}超过上限（收到 {number}）", EnterpriseError.TOO_LARGE)
        return None
    return number


def _date(spec: FieldSpec, value: Any, errors: FieldErrors) -> date | None:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            errors.add(spec.name, f"{spec.label}须为日期，格式 YYYY-MM-DD（收到“{value}”）")
            return None
    if spec.kind == "past_date" and day > timezone.localdate():
        errors.add(spec.name, f"{spec.label}不能晚于今天（收到 {day}）")
        return None
    return day


def _boolean(spec: FieldSpec, value: Any, errors: FieldErrors) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    errors.add(spec.name, f"{spec.label}请填“是”或“否”（收到“{value}”）")
    return None


def _choice(spec: FieldSpec, value: Any, errors: FieldErrors) -> str | None:
    text = str(value).strip()
    for key, label in spec.choices:
        if text in (key, str(label)):
            return key
    allowed = "、".join(str(label) for _, label in spec.choices)
    errors.add(spec.name, f"{spec.label}“{text}”无效，可选：{allowed}", spec.choice_code)
    return None


_PARSERS: dict[str, Callable[[FieldSpec, Any, FieldErrors], Any]] = {
    "amount": _amount,
    "signed": _amount,
    "count": _integer,
    "rank": _integer,
    "date": _date,
    "past_date": _date,
    "bool": _boolean,
    "choice": _choice,
}


def clean_fields(
    specs: Iterable[FieldSpec],
    raw: Mapping[str, Any],
    errors: FieldErrors,
) -> dict[str, Any]:
    """Clean each field of ``specs`` found in ``raw`` (blank → ``default``, or an error when
    required). Returns the cleaned values of the fields that are valid."""
    cleaned: dict[str, Any] = {}
    for spec in specs:
        value = raw.get(spec.name)
        if _blank(value):
            if spec.required:
                errors.add(spec.name, f"{spec.label}为必填项")
            else:
                cleaned[spec.name] = spec.default
            continue
        if spec.kind in _PARSERS:
            result = _PARSERS[spec.kind](spec, value, errors)
            if result is not None:
                cleaned[spec.name] = result
            continue
        text = str(value).strip()
        if len(text) > spec.max_length:
            errors.add(spec.name, f"{spec.label}不超过 {spec.max_length} 个字符")
            continue
        cleaned[spec.name] = text
    return cleaned


def as_text(value: Any) -> str:
    """A cleaned value as the text a person typed (corrections keep their changes as text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
