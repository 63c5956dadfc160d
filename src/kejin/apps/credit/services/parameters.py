"""The city office adds dated values of the scoring parameters (base score, odds, PDO, grade
floors). A value is never edited; a change takes effect from a date not in the past, so ratings
already given keep the grades they were given."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.models import ScoringParameter
from kejin.apps.orgs.models import OrgKind
from kejin.platform.tenancy import Actor
from kejin.rules import scoring
from kejin.rules.errors import Conflict, DomainError


def scoring_parameter_add(
    *, actor: Actor, key: str, effective_from: date, value: Any, source: str
) -> ScoringParameter:
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以调整评分参数")
    actor.require_role("admin", message="只有市科技局管理员可以调整评分参数")
    errors: dict[str, str] = {}
    if key not in scoring.PARAMETER_LABELS:
        errors["key"] = "未知的评分参数"
    if not isinstance(effective_from, date) or effective_from < timezone.localdate():
        errors["effective_from"] = "生效日期不能早于今天（已给出的评级不追溯调整）"
    try:
        number = Decimal(str(value).strip())
        if isinstance(value, float) or not number.is_finite() or number <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["value"] = "取值须为大于 0 的数字"
        number = Decimal(0)
    if key.startswith("credit.grade.") and number != number.to_integral_value():
        errors["value"] = "等级分数下限须为整数"
    if not (source or "").strip():
        errors["source"] = "请注明依据（文件名称和条款）"
    if errors:
        raise DomainError(CreditError.PARAMETER_INVALID, "；".join(errors.values()), errors)
    if ScoringParameter.objects.filter(key=key, effective_from=effective_from).exists():
        raise Conflict(
            CreditError.PARAMETER_INVALID,
            "该参数在该日期已有取值",
            {"effective_from": "同一生效日期只能有一个取值"},
        )
    new = scoring.DatedValue(key, effective_from, number, source.strip(), origin="city")
    existing = [p.as_dated() for p in ScoringParameter.objects.all()]
    try:
        scoring.scaling_params_at(effective_from, [*existing, new])
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, {"value": exc.message}) from None
    with transaction.atomic():
        return ScoringParameter.objects.create(
            key=key,
            effective_from=effective_from,
            value=number,
            source=source.strip()[:300],
            created_by=actor.audit_user,
        )
