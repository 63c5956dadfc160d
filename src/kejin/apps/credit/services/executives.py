"""Executives of an enterprise and their own consent to the use of their personal credit data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.credit import identity
from kejin.apps.credit.documents import check_document
from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.models import Executive, ExecutiveConsent, ExecutiveRole
from kejin.apps.credit.services.consent import clean_purpose, one_year_after
from kejin.apps.orgs.models import OrgKind
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied


def _require_admin(actor: Actor) -> None:
    actor.require_kind(OrgKind.ENTERPRISE, message="只有企业可以登记高管")
    actor.require_role("admin", message="只有企业管理员可以登记高管和上传其个人授权")


def executive_add(*, actor: Actor, name: str, role: str, id_number: str) -> Executive:
    """The enterprise's admin registers an executive (the ID number is kept masked and hashed)."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 50:
        errors["name"] = "请填写姓名（不超过50个字符）"
    if role not in ExecutiveRole.values:
        errors["role"] = "请选择职务"
    number = ""
    try:
        number = identity.validate(id_number, field="id_number")
    except DomainError as exc:
        errors.update(exc.fields)
    if errors:
        raise DomainError(CreditError.RECORD_INVALID, "；".join(errors.values()), errors)
    digest = identity.keyed_hash(number)
    if Executive.objects.filter(enterprise_id=actor.org_id, id_hash=digest).exists():
        raise Conflict(
            CreditError.EXECUTIVE_DUPLICATE,
            "该身份证号的高管已登记",
            {"id_number": "该高管已登记"},
        )
    with transaction.atomic():
        return Executive.objects.create(
            enterprise=actor.organisation,
            name=name,
            role=role,
            id_masked=identity.mask(number),
            id_hash=digest,
            created_by=actor.audit_user,
        )


def executive_consent_confirm(
    *,
    actor: Actor,
    executive_id: int,
    purpose: str,
    signed_on: date,
    valid_until: date,
    document: Any,
) -> ExecutiveConsent:
    """The enterprise's admin uploads the executive's own signed consent and confirms it."""
    _require_admin(actor)
    executive: Executive = access(actor, Executive.objects.all(), executive_id, what="高管")
    if executive.enterprise_id != actor.org_id:
        raise PermissionDenied("只能为本企业的高管上传授权")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    try:
        clean_purpose(purpose)
    except DomainError as exc:
        errors.update(exc.fields)
    if not isinstance(signed_on, date) or signed_on > today:
        errors["signed_on"] = "签署日期不能晚于今天"
    if not isinstance(valid_until, date) or valid_until < today:
        errors["valid_until"] = "有效期不能早于今天"
    elif isinstance(signed_on, date) and valid_until > one_year_after(signed_on):
        errors["valid_until"] = "个人授权最长一年（自签署日起）"
    try:
        check_document(document, field="document", what="本人签署的授权书", required=True)
    except DomainError as exc:
        errors.update(exc.fields)
    if errors:
        raise DomainError(CreditError.DOCUMENT_INVALID, "；".join(errors.values()), errors)
    with transaction.atomic():
        return ExecutiveConsent.objects.create(
            executive=executive,
            purpose=purpose,
            signed_on=signed_on,
            valid_until=valid_until,
            document=document,
            confirmed_by=actor.audit_user,
        )


def executive_consent_revoke(*, actor: Actor, consent_id: int) -> ExecutiveConsent:
    _require_admin(actor)
    with transaction.atomic():
        consent: ExecutiveConsent = access(
            actor, ExecutiveConsent.objects.all(), consent_id, what="个人授权", for_update=True
        )
        if consent.revoked_at is not None:
            raise Conflict(CreditError.CONSENT_REVOKED, "该个人授权已经撤销")
        consent.revoked_at = timezone.now()
        consent.save()
    return consent
