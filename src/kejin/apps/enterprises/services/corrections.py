"""Correction requests: the only way to change a locked year.

The enterprise asks (the new values and a reason); the city office approves or rejects with a
reason. Approval applies the change to the filing, checked again against the row as it is then;
the filing's own audit history records the change, the request records who asked and who decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.enterprises.access import access_editable_enterprise, require_city
from kejin.apps.enterprises.errors import EnterpriseError
from kejin.apps.enterprises.models import CorrectionRequest, CorrectionStatus, FinancialYear
from kejin.apps.enterprises.services.fields import FieldErrors, as_text
from kejin.apps.enterprises.services.financials import (
    YEAR_FIELD_NAMES,
    clean_year_data,
    clean_year_number,
)
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, NotFound

DECIDER_ROLES = ("admin", "reviewer")


def _reason(text: Any, field: str = "reason") -> str:
    reason = str(text or "").strip()
    if not reason:
        raise DomainError(EnterpriseError.REASON_REQUIRED, "请填写理由", {field: "理由为必填项"})
    if len(reason) > 2000:
        raise DomainError(EnterpriseError.INVALID, "理由过长", {field: "理由不超过 2000 个字符"})
    return reason


def _current(row: FinancialYear) -> dict[str, Any]:
    return {name: getattr(row, name) for name in YEAR_FIELD_NAMES}


def _merge(row: FinancialYear, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values with ``changes`` applied, cleaned and checked together."""
    errors = FieldErrors()
    for key in changes:
        if key not in YEAR_FIELD_NAMES:
            errors.add(key, "该字段不能通过更正申请修改")
    cleaned = clean_year_data({**_current(row), **changes}, errors)
    errors.raise_if_any()
    return cleaned


def correction_request_create(
    *, actor: Actor, enterprise_id: int, year: Any, changes: Mapping[str, Any], reason: Any
) -> CorrectionRequest:
    """Ask the city office to change a locked year (only the fields that really change)."""
    with transaction.atomic():
        enterprise = access_editable_enterprise(actor, enterprise_id)
        errors = FieldErrors()
        number = clean_year_number(year, errors)
        errors.raise_if_any()
        row = FinancialYear.objects.filter(enterprise_id=enterprise_id, year=number).first()
        if row is None:
            raise NotFound(f"{number} 年度数据")
        if not row.is_locked:
            raise Conflict(
                EnterpriseError.CORRECTION_NOT_LOCKED,
                f"{number} 年度数据未锁定，可直接修改，无需提交更正申请",
            )
        text = _reason(reason)
        cleaned = _merge(row, changes)
        current = _current(row)
        delta = {k: v for k, v in cleaned.items() if k in changes and v != current[k]}
        if not delta:
            raise DomainError(
                EnterpriseError.CORRECTION_EMPTY,
                "更正内容与现有数据相同，没有需要更正的项目",
                {"changes": "请至少修改一项数据"},
            )
        if row.corrections.filter(status=CorrectionStatus.PENDING).exists():
            raise Conflict(
                EnterpriseError.CORRECTION_PENDING,
                f"{number} 年度已有待审核的更正申请，请等待审核结果",
            )
        return CorrectionRequest.objects.create(
            enterprise=enterprise,
            financial_year=row,
            changes={k: as_text(v) for k, v in delta.items()},
            previous={k: as_text(current[k]) for k in delta},
            reason=text,
            requested_by=actor.audit_user,
        )


def correction_request_decide(
    *, actor: Actor, correction_id: int, approve: bool, reason: Any
) -> CorrectionRequest:
    """The city office approves (the change is applied) or rejects, always with a reason."""
    require_city(actor, *DECIDER_ROLES, message="只有市科技局管理员或审核人可以审核更正申请")
    text = _reason(reason)
    with transaction.atomic():
        request: CorrectionRequest = access(
            actor,
            CorrectionRequest.objects.select_related("enterprise"),
            correction_id,
            what="更正申请",
            for_update=True,
        )
        if request.status != CorrectionStatus.PENDING:
            raise Conflict(
                EnterpriseError.CORRECTION_DECIDED,
                f"该申请已审核（{request.get_status_display()}），不能重复审核",
            )
        if approve:
            row = FinancialYear.objects.select_for_update().get(pk=request.financial_year_id)
            row.enterprise = request.enterprise
            for name, value in _merge(row, request.changes).items():
                setattr(row, name, value)
            row.save()
        request.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
        request.decided_by = actor.audit_user
        request.decided_at = timezone.now()
        request.decision_reason = text
        request.save()
    return request
