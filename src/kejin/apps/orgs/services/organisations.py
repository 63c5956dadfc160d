"""Writes on organisations: create (city office), update, verify (district office), status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kejin.apps.orgs.errors import OrgError
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor, access
from kejin.rules import divisions, uscc
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

EDITABLE_FIELDS = (
    "name",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "industry",
    "district_code",
)


@dataclass(frozen=True)
class OrganisationInput:
    kind: str
    name: str
    uscc: str
    district_code: str
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    address: str = ""
    industry: str = ""


def clean_kind(raw: str, *, field: str = "kind") -> str:
    """Accept a kind code (``bank``) or its Chinese label (``银行``)."""
    value = (raw or "").strip()
    for code, label in OrgKind.choices:
        if value in (code, str(label)):
            return code
    raise DomainError(
        code=OrgError.KIND_INVALID,
        message=f"机构类型“{value}”无效",
        fields={field: "请从机构类型列表中选择"},
    )


def clean_district(raw: str, *, kind: str, field: str = "district_code") -> str:
    """A known division code; district offices and enterprises must lie in the platform's city."""
    code = divisions.require_known((raw or "").strip(), field=field).code
    city = settings.KEJIN_CITY_DIVISION_CODE
    parent = divisions.parent(code)
    in_city = code == city or (parent is not None and parent.code == city)
    if kind in (OrgKind.ENTERPRISE, OrgKind.DISTRICT_OFFICE) and not in_city:
        raise DomainError(
            code=OrgError.DISTRICT_OUTSIDE_CITY,
            message=f"行政区划 {code} 不属于本市（{divisions.name(city)}）",
            fields={field: "请选择本市所辖的区县"},
        )
    if kind == OrgKind.DISTRICT_OFFICE and code == city:
        raise DomainError(
            code=OrgError.DISTRICT_OUTSIDE_CITY,
            message="区科技局须绑定到一个区县代码",
            fields={field: "请选择区县，而非市本级"},
        )
    return code


def clean_name(raw: str, *, field: str = "name") -> str:
    name = (raw or "").strip()
    if not name:
        raise DomainError(
            code=OrgError.NAME_REQUIRED, message="名称不能为空", fields={field: "请填写名称"}
        )
    if len(name) > 200:
        raise DomainError(
            code=OrgError.NAME_REQUIRED, message="名称过长", fields={field: "名称不超过200个字符"}
        )
    return name


def clean_uscc(raw: str, *, field: str = "uscc", exclude_pk: int | None = None) -> str:
    """Validate per GB 32100-2015 and refuse a code already registered."""
    try:
        code = uscc.validate(raw)
    except DomainError as exc:
        raise DomainError(code=exc.code, message=exc.message, fields={field: exc.message}) from None
    clash = Organisation.objects.filter(uscc=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            code=OrgError.USCC_DUPLICATE,
            message=f"统一社会信用代码 {code} 已被注册",
            fields={field: "该代码已存在于平台"},
        )
    return code


def clean_organisation(data: OrganisationInput) -> dict[str, Any]:
    """Validate every field and report all field errors at once in one DomainError."""
    errors: dict[str, str] = {}
    conflicts = 0
    cleaned: dict[str, Any] = {}

    def run(name: str, step: Any) -> None:
        nonlocal conflicts
        try:
            cleaned[name] = step()
        except DomainError as exc:
            errors.update(exc.fields or {name: exc.message})
            conflicts += exc.status == 409

    run("kind", lambda: clean_kind(data.kind))
    run("name", lambda: clean_name(data.name))
    run("uscc", lambda: clean_uscc(data.uscc))
    if "kind" in cleaned:
        run("district_code", lambda: clean_district(data.district_code, kind=cleaned["kind"]))
    if errors:
        only_conflicts = conflicts == len(errors)
        raise DomainError(
            code=OrgError.USCC_DUPLICATE if only_conflicts else "organisation.invalid",
            message="；".join(errors.values()),
            fields=errors,
            status=409 if only_conflicts else 422,
        )
    for extra in ("legal_representative", "contact_name", "contact_phone", "address", "industry"):
        cleaned[extra] = (getattr(data, extra) or "").strip()
    cleaned["contact_email"] = (data.contact_email or "").strip()
    return cleaned


def organisation_create(
    *, actor: Actor, data: OrganisationInput, status: str = OrgStatus.ACTIVE
) -> Organisation:
    """The city office creates an institution, a district office or any organisation."""
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以创建机构")
    actor.require_role("admin", message="只有市科技局系统管理员可以创建机构")
    cleaned = clean_organisation(data)
    with transaction.atomic():
        org = Organisation(**cleaned, status=status)
        if status == OrgStatus.ACTIVE:
            org.verified_at = timezone.now()
            org.verified_by = actor.audit_user
        org.save()
    return org


def organisation_update(*, actor: Actor, org_id: int, changes: dict[str, Any]) -> Organisation:
    """An organisation's admin edits its own profile; the city office edits any."""
    with transaction.atomic():
        org: Organisation = access(
            actor, Organisation.objects.all(), org_id, what="机构", for_update=True
        )
        own = org.pk == actor.org_id
        if not (actor.is_city and actor.has_role("admin")) and not (
            own and actor.has_role("admin") and actor.token is None
        ):
            raise PermissionDenied("只能由本机构管理员或市科技局修改机构信息")
        errors: dict[str, str] = {}
        for key, value in changes.items():
            if key not in EDITABLE_FIELDS:
                errors[key] = "该字段不可修改"
                continue
            try:
                if key == "name":
                    cleaned = clean_name(value)
                elif key == "district_code":
                    cleaned = clean_district(value, kind=org.kind)
                else:
                    cleaned = (value or "").strip()
            except DomainError as exc:
                errors.update(exc.fields or {key: exc.message})
                continue
            setattr(org, key, cleaned)
        if errors:
            raise DomainError(
                code="organisation.invalid", message=next(iter(errors.values())), fields=errors
            )
        org.save()
    return org


def organisation_verify(
    *, actor: Actor, org_id: int, approve: bool, reason: str = ""
) -> Organisation:
    """A district office verifies an enterprise of its district (or rejects it with a reason)."""
    actor.require_kind(
        OrgKind.DISTRICT_OFFICE, OrgKind.CITY_OFFICE, message="只有区、市科技局可以审核企业注册"
    )
    actor.require_role("admin", "reviewer", "officer", message="您没有审核企业注册的角色")
    with transaction.atomic():
        org: Organisation = access(
            actor, Organisation.objects.all(), org_id, what="企业", for_update=True
        )
        if org.status != OrgStatus.PENDING:
            raise Conflict(
                code=OrgError.STATUS_TRANSITION,
                message=f"该机构当前状态为“{org.get_status_display()}”，不是待审核",
            )
        if not approve and not reason.strip():
            raise DomainError(
                code="registration.reason_required",
                message="驳回注册须填写理由",
                fields={"reason": "请填写驳回理由"},
            )
        org.status = OrgStatus.ACTIVE if approve else OrgStatus.REJECTED
        org.status_reason = reason.strip()
        org.verified_at = timezone.now()
        org.verified_by = actor.audit_user
        org.save()
    return org


def organisation_set_status(*, actor: Actor, org_id: int, status: str, reason: str) -> Organisation:
    """The city office suspends or reactivates an organisation, with a reason."""
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以停用或恢复机构")
    actor.require_role("admin", message="只有市科技局系统管理员可以停用或恢复机构")
    if status not in (OrgStatus.ACTIVE, OrgStatus.SUSPENDED):
        raise DomainError(
            code=OrgError.STATUS_TRANSITION, message="状态无效", fields={"status": "只能停用或恢复"}
        )
    if not reason.strip():
        raise DomainError(
            code="organisation.reason_required",
            message="须填写理由",
            fields={"reason": "请填写理由"},
        )
    with transaction.atomic():
        org: Organisation = access(
            actor, Organisation.objects.all(), org_id, what="机构", for_update=True
        )
        if org.pk == actor.org_id:
            raise PermissionDenied("不能停用本机构")
        org.status = status
        org.status_reason = reason.strip()
        org.save()
    return org
