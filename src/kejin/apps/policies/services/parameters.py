"""The city office changes a parameter by adding a dated value (never editing an old one), after
seeing what the draft value would do to the open applications (the what-if)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.measures import MEASURES
from kejin.apps.policies.models import OPEN, Application, ParameterValue
from kejin.apps.policies.paramset import locked_until, params_in_force
from kejin.apps.policies.services import compute as computing
from kejin.apps.policies.services.workflow import require_city
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import ZERO, to_decimal
from kejin.rules.params import ORIGIN_CITY, ParamValue, check_new_value


@dataclass(frozen=True)
class DraftValue:
    key: str
    effective_from: date | None
    value: Any
    source: str
    note: str = ""


def clean_draft(draft: DraftValue) -> ParamValue:
    """The draft as a rule record, every field checked (all errors at once)."""
    errors: dict[str, str] = {}
    params = params_in_force()
    unit = None
    known = params.keys()
    if draft.key not in known:
        errors["key"] = f"没有名为 {draft.key} 的参数"
    else:
        unit = params.parameter(draft.key).unit
    if not isinstance(draft.effective_from, date):
        errors["effective_from"] = "请填写生效日期（YYYY-MM-DD）"
    value = None
    try:
        raw = draft.value if not isinstance(draft.value, float) else repr(draft.value)
        value = to_decimal(raw, field="value")
    except (DomainError, TypeError):
        errors["value"] = f"取值须为数字（收到 {draft.value}）"
    if not (draft.source or "").strip():
        errors["source"] = "请填写依据（文件名称和条款）"
    if errors:
        raise DomainError(
            code=PolicyError.PARAMETER_INVALID,
            message="参数取值填写有误：" + "；".join(errors.values()),
            fields=errors,
        )
    assert unit is not None
    assert value is not None
    assert draft.effective_from is not None
    record = ParamValue(
        key=draft.key,
        effective_from=draft.effective_from,
        value=value,
        unit=unit,
        source=draft.source.strip(),
        origin=ORIGIN_CITY,
    )
    try:
        params.with_values([record])
    except DomainError as exc:
        own = {k: v for k, v in (exc.fields or {}).items() if k in ("value", "source", "unit")}
        raise DomainError(
            code=PolicyError.PARAMETER_INVALID,
            message=exc.message,
            fields=own or {"value": exc.message},
        ) from None
    return record


def check_not_locked(record: ParamValue) -> None:
    """``check_new_value``: refuse a date on or before what an approved award read."""
    check_new_value(record.key, record.effective_from, locked_until(record.key))


def parameter_value_add(*, actor: Actor, draft: DraftValue) -> ParameterValue:
    """Add a dated value (the city office's system administrator)."""
    require_city(actor, "admin", what="调整政策参数")
    record = clean_draft(draft)
    with transaction.atomic():
        check_not_locked(record)
        if ParameterValue.objects.filter(
            key=record.key, effective_from=record.effective_from
        ).exists():
            raise Conflict(
                "params.duplicate_date",
                f"参数 {record.key} 在 {record.effective_from} 已有市级取值，旧值不修改，"
                "请选择其他生效日期",
                {"effective_from": "同一生效日期只能有一个取值"},
            )
        try:
            return ParameterValue.objects.create(
                key=record.key,
                effective_from=record.effective_from,
                value=record.value,
                unit=record.unit.value,
                source=record.source,
                note=(draft.note or "").strip()[:300],
                created_by=actor.audit_user,
            )
        except IntegrityError:
            raise Conflict(
                "params.duplicate_date",
                f"参数 {record.key} 在 {record.effective_from} 已有市级取值",
                {"effective_from": "同一生效日期只能有一个取值"},
            ) from None


@dataclass(frozen=True)
class WhatIfRow:
    application: Application
    stored: Decimal
    before: Decimal
    after: Decimal
    error: str = ""

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class WhatIf:
    record: ParamValue
    rows: list[WhatIfRow]
    blocked: str

    @property
    def total_before(self) -> Decimal:
        return sum((r.before for r in self.rows), ZERO)

    @property
    def total_after(self) -> Decimal:
        return sum((r.after for r in self.rows), ZERO)

    @property
    def total_difference(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.difference != 0)


def parameter_what_if(*, actor: Actor, draft: DraftValue) -> WhatIf:
    """Recompute every open application whose rule reads the parameter, with the current values
    and with the draft value; nothing is written. ``blocked`` says why saving would be refused."""
    require_city(actor, "admin", "officer", "reviewer", what="参数影响测算")
    record = clean_draft(draft)
    blocked = ""
    try:
        check_not_locked(record)
    except DomainError as exc:
        blocked = exc.message
    current = params_in_force()
    changed = params_in_force(extra=[record])
    measures = [code for code, m in MEASURES.items() if m.uses(record.key)]
    apps = (
        Application.objects.filter(status__in=OPEN, program__measure__in=measures)
        .select_related("program", "applicant")
        .order_by("program_id", "pk")
    )
    rows = []
    for application in apps:
        try:
            before = computing.compute(application, actor=actor, params=current).award.amount
            after = computing.compute(application, actor=actor, params=changed).award.amount
        except DomainError as exc:
            rows.append(WhatIfRow(application, application.amount, ZERO, ZERO, exc.message))
            continue
        rows.append(WhatIfRow(application, application.amount, before, after))
    return WhatIf(record, rows, blocked)
