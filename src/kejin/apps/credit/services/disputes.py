"""Disputes (信用修复 / 异议): an enterprise contests a record with a reason and evidence; the city
office or the record's source resolves it — upheld (the record is withdrawn or corrected and the
enterprise re-rated) or rejected with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.credit.documents import check_document
from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.models import (
    CreditRecord,
    Dispute,
    DisputeStatus,
    RecordKind,
    RecordStatus,
)
from kejin.apps.credit.services import ratings
from kejin.apps.credit.services.records import TAX_GRADE_LETTERS, _amount, _date, _int
from kejin.apps.orgs.models import OrgKind
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

CORRECTABLE: dict[str, str] = {
    "grade": "纳税信用等级",
    "headcount": "社保缴纳人数",
    "amount": "金额（元）",
    "days_past_due": "逾期天数",
    "ended_on": "结束/移出日期",
    "description": "说明",
}


def dispute_raise(*, actor: Actor, record_id: int, reason: str, attachment: Any = None) -> Dispute:
    """The enterprise (admin or officer) disputes one of its records."""
    actor.require_kind(OrgKind.ENTERPRISE, message="只有企业可以对本企业的信用记录提出异议")
    actor.require_role("admin", "officer", message="您没有提出异议的角色")
    record: CreditRecord = access(actor, CreditRecord.objects.all(), record_id, what="信用记录")
    if record.enterprise_id != actor.org_id:
        raise PermissionDenied("只能对本企业的信用记录提出异议")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if len(reason) < 5:
        errors["reason"] = "请写明异议理由（至少5个字）"
    elif len(reason) > 2000:
        errors["reason"] = "异议理由不超过2000字"
    if record.status == RecordStatus.WITHDRAWN:
        errors["record_id"] = "该记录已撤销，无需提出异议"
    try:
        check_document(attachment, field="attachment", what="证明材料", required=False)
    except DomainError as exc:
        errors.update(exc.fields)
    if errors:
        raise DomainError(CreditError.DISPUTE_INVALID, "；".join(errors.values()), errors)
    if Dispute.objects.filter(record=record, status=DisputeStatus.OPEN).exists():
        raise Conflict(CreditError.DISPUTE_OPEN, "该记录已有一个正在处理的异议")
    with transaction.atomic():
        dispute = Dispute(
            record=record,
            enterprise_id=record.enterprise_id,
            reason=reason,
            raised_by=actor.audit_user,
        )
        if attachment is not None:
            dispute.attachment = attachment
        dispute.save()
    return dispute


def _clean_correction(record: CreditRecord, changes: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, raw in changes.items():
        if raw in (None, ""):
            continue
        try:
            if key not in CORRECTABLE:
                raise ValueError("该字段不可更正")
            if key == "grade":
                value: Any = str(raw).strip().upper()
                if record.kind != RecordKind.TAX_GRADE or value not in TAX_GRADE_LETTERS:
                    raise ValueError("纳税信用等级须为 A、B、M、C、D 之一（仅纳税记录）")
            elif key in ("headcount", "days_past_due"):
                value = _int(raw, 0, 10_000_000)
            elif key == "amount":
                value = _amount(raw)
            elif key == "ended_on":
                value = _date(raw)
                if value is not None and value < record.record_date:
                    raise ValueError("不能早于记录日期")
            else:
                value = str(raw).strip()[:500]
        except ValueError as exc:
            errors[f"correction.{key}"] = str(exc)
            continue
        out[key] = value
    if not out and not errors:
        errors["correction"] = "更正记录须至少填写一项更正内容"
    if errors:
        raise DomainError(CreditError.DISPUTE_INVALID, "；".join(errors.values()), errors)
    return out


def dispute_resolve(
    *,
    actor: Actor,
    dispute_id: int,
    upheld: bool,
    note: str,
    resolution: str = "withdraw",
    correction: Mapping[str, Any] | None = None,
) -> Dispute:
    """The city office or the record's source decides a dispute."""
    with transaction.atomic():
        dispute: Dispute = access(
            actor,
            Dispute.objects.select_related("record"),
            dispute_id,
            what="异议",
            for_update=True,
        )
        record = dispute.record
        if not (actor.is_city or actor.org_id == record.source_id):
            raise PermissionDenied("只有市科技局或该记录的报送机构可以处理异议")
        actor.require_role("admin", "officer", "reviewer", message="您没有处理异议的角色")
        if dispute.status != DisputeStatus.OPEN:
            raise Conflict(CreditError.DISPUTE_CLOSED, "该异议已经处理完毕")
        note = (note or "").strip()
        if not note:
            raise DomainError(
                CreditError.DISPUTE_INVALID, "请填写处理意见", {"note": "处理意见必填"}
            )
        if upheld:
            if resolution not in ("withdraw", "correct"):
                raise DomainError(
                    CreditError.DISPUTE_INVALID, "处理方式无效", {"resolution": "请选择撤销或更正"}
                )
            if resolution == "correct":
                cleaned = _clean_correction(record, correction or {})
                for key, value in cleaned.items():
                    setattr(record, key, value)
                record.status = RecordStatus.CORRECTED
                dispute.correction = {k: str(v) for k, v in cleaned.items()}
            else:
                record.status = RecordStatus.WITHDRAWN
            record.save()
            dispute.resolution = resolution
        dispute.status = DisputeStatus.UPHELD if upheld else DisputeStatus.REJECTED
        dispute.resolution_note = note
        dispute.resolved_by = actor.audit_user
        dispute.resolved_org = actor.organisation
        dispute.resolved_at = timezone.now()
        dispute.save()
        if upheld and ratings.approved_model() is not None and not record.is_personal:
            ratings.rating_compute(enterprise_id=record.enterprise_id, trigger="correction")
    return dispute
