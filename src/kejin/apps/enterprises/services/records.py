"""Writes on an enterprise's dated records: IP items, HNTE certificates, national awards,
standards led, recognised R&D institutions and executives.

One registry (:data:`RECORD_KINDS`) says, for each kind, its model, its fields and its cross-field
checks (dates in order, certificate validity); three services create, update and delete any kind.
Every write is one transaction and is audited (the models are registered with auditlog).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction

from kejin.apps.enterprises.access import access_editable_enterprise, access_record
from kejin.apps.enterprises.errors import EnterpriseError
from kejin.apps.enterprises.models import (
    AwardCategory,
    Executive,
    HnteCertificate,
    InstitutionLevel,
    IpItem,
    IpKind,
    NationalAward,
    RdInstitution,
    StandardLed,
    StandardLevel,
)
from kejin.apps.enterprises.services.fields import FieldErrors, FieldSpec, clean_fields
from kejin.platform.tenancy import Actor
from kejin.rules import hnte
from kejin.rules.errors import Conflict, DomainError

Check = Callable[[dict[str, Any], FieldErrors], None]


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    model: type[models.Model]
    fields: tuple[FieldSpec, ...]
    check: Check | None = None
    unique: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _order(first: str, first_label: str, second: str, second_label: str) -> Check:
    def check(cleaned: dict[str, Any], errors: FieldErrors) -> None:
        a, b = cleaned.get(first), cleaned.get(second)
        if a is not None and b is not None and b < a:
            errors.add(
                second,
                f"{second_label}（{b}）早于{first_label}（{a}）",
                EnterpriseError.DATES_OUT_OF_ORDER,
            )

    return check


def _check_certificate(cleaned: dict[str, Any], errors: FieldErrors) -> None:
    issue, expiry = cleaned.get("issue_date"), cleaned.get("expiry_date")
    if issue is None:
        return
    longest = hnte.certificate_expiry(issue)
    if expiry is None and "expiry_date" in cleaned:
        cleaned["expiry_date"] = expiry = longest
    if expiry is not None and expiry < issue:
        errors.add(
            "issue_date",
            f"发证日期（{issue}）晚于有效期至（{expiry}）",
            EnterpriseError.DATES_OUT_OF_ORDER,
        )
    elif expiry is not None and expiry > longest:
        errors.add(
            "expiry_date",
            f"高新技术企业证书有效期为三年：有效期至不能晚于 {longest}（收到 {expiry}）",
            EnterpriseError.DATES_OUT_OF_ORDER,
        )
    revoked = cleaned.get("revoked_on")
    if revoked is not None and revoked < issue:
        errors.add(
            "revoked_on",
            f"撤销日期（{revoked}）早于发证日期（{issue}）",
            EnterpriseError.DATES_OUT_OF_ORDER,
        )


_check_ip = _order("grant_date", "授权日期", "expiry_date", "有效期至")


IP_FIELDS = (
    FieldSpec(
        "kind",
        "知识产权类型",
        "choice",
        choices=IpKind.choices,
        choice_code=EnterpriseError.IP_KIND_UNKNOWN,
    ),
    FieldSpec("number", "编号", "text", max_length=64),
    FieldSpec("title", "名称", "text"),
    FieldSpec("grant_date", "授权日期", "past_date"),
    FieldSpec("expiry_date", "有效期至", "date"),
    FieldSpec("disputed", "存在权属纠纷", "bool", required=False, default=False),
    FieldSpec("related_to_main_products", "与主营产品相关", "bool", required=False, default=True),
)
CERTIFICATE_FIELDS = (
    FieldSpec("number", "证书编号", "text", max_length=32),
    FieldSpec("issue_date", "发证日期", "past_date"),
    FieldSpec("expiry_date", "有效期至", "date", required=False, help="留空则为发证日期起三年"),
    FieldSpec("revoked_on", "撤销日期", "past_date", required=False),
)

RECORD_KINDS: dict[str, RecordKind] = {
    kind.key: kind
    for kind in (
        RecordKind(
            "ip",
            "知识产权",
            IpItem,
            IP_FIELDS,
            _check_ip,
            unique=("kind", "number"),
        ),
        RecordKind(
            "hnte_certificates",
            "高新技术企业证书",
            HnteCertificate,
            CERTIFICATE_FIELDS,
            _check_certificate,
        ),
        RecordKind(
            "awards",
            "国家级科技奖励",
            NationalAward,
            (
                FieldSpec("name", "获奖项目", "text"),
                FieldSpec("category", "奖项", "choice", choices=AwardCategory.choices),
                FieldSpec("grade", "等级", "text", required=False, default="", max_length=32),
                FieldSpec("award_date", "获奖日期", "past_date"),
                FieldSpec("rank", "获奖单位排名", "rank"),
            ),
        ),
        RecordKind(
            "standards",
            "主导制定的标准",
            StandardLed,
            (
                FieldSpec("code", "标准编号", "text", max_length=64),
                FieldSpec("title", "标准名称", "text"),
                FieldSpec("level", "标准级别", "choice", choices=StandardLevel.choices),
                FieldSpec("published_date", "发布日期", "past_date"),
            ),
        ),
        RecordKind(
            "institutions",
            "研发机构",
            RdInstitution,
            (
                FieldSpec("name", "研发机构名称", "text"),
                FieldSpec("level", "认定级别", "choice", choices=InstitutionLevel.choices),
                FieldSpec("recognised_by", "认定部门", "text"),
                FieldSpec("recognised_date", "认定日期", "past_date"),
            ),
        ),
        RecordKind(
            "executives",
            "高管",
            Executive,
            (
                FieldSpec("name", "姓名", "text", max_length=100),
                FieldSpec("position", "职务", "text", max_length=100),
                FieldSpec("appointed_on", "任职日期", "past_date", required=False),
            ),
        ),
    )
}


def record_kind(key: str) -> RecordKind:
    try:
        return RECORD_KINDS[key]
    except KeyError:
        raise DomainError(
            code=EnterpriseError.INVALID, message=f"未知的记录类型：{key}", status=404
        ) from None


def clean_record(kind: RecordKind, raw: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Clean one record's fields and run the kind's cross-field check."""
    cleaned = clean_fields(kind.fields, raw, errors)
    if kind.check is not None:
        kind.check(cleaned, errors)
    return cleaned


def _duplicate(kind: RecordKind) -> Conflict:
    if kind.key == "hnte_certificates":
        return Conflict(
            EnterpriseError.DUPLICATE, "该证书编号已登记", {"number": "该证书编号已登记"}
        )
    return Conflict(
        EnterpriseError.DUPLICATE,
        f"同类{kind.label}中已有相同编号",
        {"number": "已登记过相同类型和编号的记录"},
    )


def _exists(kind: RecordKind, enterprise_id: int, cleaned: dict[str, Any], pk: Any = None) -> bool:
    if kind.key == "hnte_certificates":
        qs = HnteCertificate.objects.filter(number=cleaned["number"])
    elif kind.unique:
        lookup = {f: cleaned[f] for f in kind.unique}
        qs = kind.model.objects.filter(enterprise_id=enterprise_id, **lookup)  # type: ignore[attr-defined]
    else:
        return False
    return bool(qs.exclude(pk=pk).exists())


def record_create(
    *, actor: Actor, enterprise_id: int, kind: str, data: Mapping[str, Any]
) -> models.Model:
    """Add a record of ``kind`` to the actor's own enterprise."""
    spec = record_kind(kind)
    with transaction.atomic():
        enterprise = access_editable_enterprise(actor, enterprise_id)
        errors = FieldErrors()
        cleaned = clean_record(spec, data, errors)
        errors.raise_if_any()
        if _exists(spec, enterprise_id, cleaned):
            raise _duplicate(spec)
        record = spec.model(enterprise=enterprise, **cleaned)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise _duplicate(spec) from None
    return record


def record_update(
    *, actor: Actor, enterprise_id: int, kind: str, pk: int, changes: Mapping[str, Any]
) -> models.Model:
    """Change some fields of a record (the others keep their values; all are re-checked)."""
    spec = record_kind(kind)
    with transaction.atomic():
        access_editable_enterprise(actor, enterprise_id)
        record = access_record(
            actor,
            spec.model.objects.select_related("enterprise"),  # type: ignore[attr-defined]
            enterprise_id,
            pk,
            what=spec.label,
            for_update=True,
        )
        errors = FieldErrors()
        for key in changes:
            if key not in spec.field_names:
                errors.add(key, "该字段不可修改")
        current = {name: getattr(record, name) for name in spec.field_names}
        cleaned = clean_record(spec, {**current, **changes}, errors)
        errors.raise_if_any()
        if _exists(spec, enterprise_id, cleaned, pk=record.pk):
            raise _duplicate(spec)
        for name, value in cleaned.items():
            setattr(record, name, value)
        record.save()
    return record


def record_delete(*, actor: Actor, enterprise_id: int, kind: str, pk: int) -> None:
    """Remove a record (the audit history keeps what it was)."""
    spec = record_kind(kind)
    with transaction.atomic():
        access_editable_enterprise(actor, enterprise_id)
        record = access_record(
            actor,
            spec.model.objects.select_related("enterprise"),  # type: ignore[attr-defined]
            enterprise_id,
            pk,
            what=spec.label,
            for_update=True,
        )
        record.delete()


def certificate_default_expiry(issue_date: date) -> date:
    """What the expiry of a certificate issued on ``issue_date`` is when none is given."""
    return hnte.certificate_expiry(issue_date)
