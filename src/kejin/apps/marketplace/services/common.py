"""What every marketplace service checks: who may act, and the shape of amounts, rates, terms,
ranges and code lists. Field errors are collected and raised together (one DomainError naming
every field), so a form shows all its problems at once and nothing is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.models import Application, ApplicationEvent
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError, PermissionDenied
from kejin.rules.money import to_decimal

MAX_RATE = Decimal(36)
MAX_TERM_MONTHS = 360
WRITE_ROLES = ("admin", "officer")
CITY_ROLES = ("admin", "reviewer", "officer")


@dataclass
class FieldErrors:
    """Errors by field; the first error's code is the code of the whole."""

    errors: dict[str, str] = field(default_factory=dict)
    code: str = ""

    def add(self, name: str, message: str, code: str = MarketError.INVALID) -> None:
        if name not in self.errors:
            self.errors[name] = message
            self.code = self.code or code

    def absorb(self, exc: DomainError, name: str) -> None:
        for key, message in (exc.fields or {name: exc.message}).items():
            self.add(key if key != "amount" else name, message, exc.code)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(
                code=self.code, message="；".join(self.errors.values()), fields=dict(self.errors)
            )


def require_active(org: Organisation | None) -> Organisation:
    if org is None or org.status != OrgStatus.ACTIVE:
        raise DomainError(
            code=MarketError.INSTITUTION_UNREVIEWED,
            message="本机构尚未通过平台审核（或已停用），不能在金融服务超市办理业务",
            fields={"institution": "机构未通过审核"},
            status=403,
        )
    return org


def require_institution(actor: Actor, *roles: str) -> Organisation:
    """A financial institution that passed the city's review, acting through one of ``roles``."""
    if actor.kind not in OrgKind.institutions():
        raise PermissionDenied("只有金融机构可以办理此项业务")
    org = require_active(actor.organisation)
    actor.require_role(
        *(roles or WRITE_ROLES), message="您没有办理此项业务的角色（需经办人或管理员）"
    )
    return org


def require_enterprise(actor: Actor, *roles: str) -> Organisation:
    if actor.kind != OrgKind.ENTERPRISE:
        raise PermissionDenied("只有企业可以办理此项业务")
    org = require_active(actor.organisation)
    actor.require_role(
        *(roles or WRITE_ROLES), message="您没有办理此项业务的角色（需经办人或管理员）"
    )
    return org


def require_city(actor: Actor, *roles: str) -> Organisation:
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以办理此项业务")
    actor.require_role(*(roles or CITY_ROLES), message="您没有办理此项业务的角色")
    assert actor.organisation is not None
    return actor.organisation


# --- values ---------------------------------------------------------------------------------


def clean_money(
    raw: Any,
    name: str,
    label: str,
    errors: FieldErrors,
    *,
    required: bool = True,
    allow_zero: bool = False,
) -> Decimal | None:
    """An amount of yuan, exact to the fen and above zero (or zero, when ``allow_zero``)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(name, f"请填写{label}")
        return None
    try:
        value = to_decimal(raw, field=name)
    except DomainError as exc:
        errors.add(name, f"{label}须为数字", exc.code)
        return None
    except TypeError:
        errors.add(name, f"{label}须为数字（不接受浮点数）")
        return None
    if value < 0 or (value == 0 and not allow_zero):
        floor = "不能为负数" if allow_zero else "须大于零"
        errors.add(name, f"{label}{floor}（收到 {value}）", MarketError.AMOUNT_NOT_POSITIVE)
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.add(name, f"{label}须精确到分")
        return None
    return value.quantize(Decimal("0.01"))


def clean_rate(
    raw: Any, name: str, label: str, errors: FieldErrors, *, required: bool = False
) -> Decimal | None:
    """An annual rate in percent: 0–36 %, at most two decimals."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(name, f"请填写{label}")
        return None
    try:
        value = to_decimal(raw, field=name)
    except (DomainError, TypeError):
        errors.add(name, f"{label}须为数字")
        return None
    if not Decimal(0) <= value <= MAX_RATE:
        errors.add(
            name,
            f"{label}须在 0–36% 之间（收到 {value}%）",
            MarketError.RATE_OUT_OF_RANGE,
        )
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.add(name, f"{label}最多保留两位小数")
        return None
    return value.quantize(Decimal("0.01"))


def clean_int(
    raw: Any,
    name: str,
    label: str,
    errors: FieldErrors,
    *,
    low: int = 1,
    high: int = MAX_TERM_MONTHS,
    required: bool = True,
) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(name, f"请填写{label}")
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors.add(name, f"{label}须为整数")
        return None
    if not low <= value <= high:
        errors.add(name, f"{label}须在 {low}–{high} 之间（收到 {value}）")
        return None
    return value


def clean_range(
    low: Any, high: Any, names: tuple[str, str], label: str, errors: FieldErrors
) -> None:
    """Refuse a range whose lower bound exceeds its upper bound."""
    if low is not None and high is not None and low > high:
        errors.add(
            names[0],
            f"{label}下限（{low}）不能大于上限（{high}）",
            MarketError.RANGE_INVERTED,
        )


def clean_codes(
    raw: Iterable[str] | None,
    allowed: Mapping[str, Any],
    name: str,
    label: str,
    errors: FieldErrors,
) -> list[str]:
    values = sorted({str(v).strip() for v in (raw or []) if str(v).strip()})
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors.add(name, f"{label}中有无效取值：{'、'.join(unknown)}")
    return [v for v in values if v in allowed]


def clean_text(
    raw: Any, name: str, label: str, errors: FieldErrors, *, max_length: int, required: bool = True
) -> str:
    text = str(raw or "").strip()
    if required and not text:
        errors.add(name, f"请填写{label}")
    elif len(text) > max_length:
        errors.add(name, f"{label}不超过 {max_length} 个字")
    return text


def clean_date(raw: Any, name: str, label: str, errors: FieldErrors) -> date | None:
    if isinstance(raw, date):
        return raw
    if raw in (None, ""):
        errors.add(name, f"请填写{label}")
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors.add(name, f"{label}须为日期（YYYY-MM-DD）")
        return None


def log_event(
    application: Application, actor: Actor | None, action: str, note: str = ""
) -> ApplicationEvent:
    """One step on an application's timeline (inside the caller's transaction)."""
    assert transaction.get_connection().in_atomic_block
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        note=note,
        by_organisation=actor.organisation if actor else None,
        by_user=actor.audit_user if actor else None,
    )
