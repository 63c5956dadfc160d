"""Milestones (股改、辅导协议、挂牌…): the enterprise records its own; a broker records those of
the enterprises it tutors. Each carries its evidence; each kind is recorded once per enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.policies import clock
from kejin.apps.policies.codes import MilestoneKind
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.models import Milestone
from kejin.apps.policies.services.apply import check_document
from kejin.platform.tenancy import Actor
from kejin.rules import uscc as uscc_rules
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

BROKER_ONLY = (MilestoneKind.NEEQ_QUOTATION,)


@dataclass(frozen=True)
class MilestoneInput:
    kind: str
    reached_on: date | None
    enterprise_uscc: str = ""
    note: str = ""


def milestone_record(
    *, actor: Actor, data: MilestoneInput, evidence: UploadedFile | None
) -> Milestone:
    if actor.kind not in (OrgKind.ENTERPRISE, OrgKind.BROKER):
        raise PermissionDenied("里程碑由企业本身或其辅导券商登记")
    actor.require_role("admin", "officer", message="须由本单位管理员或经办人登记")
    errors: dict[str, str] = {}
    if data.kind not in MilestoneKind.values:
        errors["kind"] = "请选择里程碑类型"
    elif data.kind in BROKER_ONLY and actor.kind != OrgKind.BROKER:
        errors["kind"] = "新三板挂牌由辅导券商登记"
    if data.reached_on is None:
        errors["reached_on"] = "请填写达成日期"
    elif data.reached_on > clock.today():
        errors["reached_on"] = "达成日期不能晚于今天"
    enterprise: Organisation | None = actor.organisation
    broker = None
    if actor.kind == OrgKind.BROKER:
        broker = actor.organisation
        try:
            code = uscc_rules.validate(data.enterprise_uscc)
        except DomainError as exc:
            errors["enterprise_uscc"] = exc.message
            code = ""
        enterprise = (
            Organisation.objects.filter(
                uscc=code, kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE
            ).first()
            if code
            else None
        )
        if code and enterprise is None:
            errors["enterprise_uscc"] = f"平台上没有统一社会信用代码为 {code} 的在册企业"
    if evidence is None:
        errors["evidence"] = "请上传证明材料"
    else:
        try:
            check_document(evidence)
        except DomainError as exc:
            errors["evidence"] = next(iter(exc.fields.values()), exc.message)
    if errors:
        raise DomainError(
            code=PolicyError.MILESTONE_INVALID,
            message="里程碑登记有误：" + "；".join(errors.values()),
            fields=errors,
        )
    assert enterprise is not None
    try:
        with transaction.atomic():
            return Milestone.objects.create(
                enterprise=enterprise,
                kind=data.kind,
                reached_on=data.reached_on,
                broker=broker,
                evidence=evidence,
                evidence_note=(data.note or "").strip()[:300],
                recorded_by_org=actor.organisation,
                recorded_by=actor.audit_user,
            )
    except IntegrityError:
        raise Conflict(
            PolicyError.MILESTONE_INVALID,
            f"{enterprise.name} 已登记过“{MilestoneKind(data.kind).label}”",
            {"kind": "每类里程碑只登记一次"},
        ) from None
