"""Spreadsheet import of organisations by the city office: all rows or none."""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.orgs.services.organisations import OrganisationInput, clean_organisation
from kejin.platform.spreadsheets import ImportRejected, RowError, read_sheet
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

COLUMNS: list[tuple[str, str]] = [
    ("name", "名称"),
    ("uscc", "统一社会信用代码"),
    ("kind", "机构类型"),
    ("district_code", "行政区划代码"),
    ("legal_representative", "法定代表人"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("contact_email", "联系邮箱"),
    ("address", "注册地址"),
    ("industry", "所属行业"),
]
REQUIRED = ("name", "uscc", "kind", "district_code")
ALIASES = {label: code for code, label in COLUMNS} | {code: code for code, _ in COLUMNS}


def organisations_import(*, actor: Actor, upload: BinaryIO, filename: str) -> list[Organisation]:
    """Validate every row (duplicates within the file included); write all of them or none."""
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以批量导入机构")
    actor.require_role("admin", message="只有市科技局系统管理员可以批量导入机构")
    sheet = read_sheet(upload, filename, ALIASES, REQUIRED)
    errors: list[RowError] = []
    cleaned_rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for row_no, values in sheet.rows:
        missing = [f for f in REQUIRED if not values.get(f)]
        for f in missing:
            errors.append(RowError(row_no, f, "必填项为空"))
        if missing:
            continue
        try:
            cleaned = clean_organisation(
                OrganisationInput(**{c: values.get(c, "") for c, _ in COLUMNS})
            )
        except DomainError as exc:
            errors.extend(RowError(row_no, f, m) for f, m in exc.fields.items())
            continue
        code = str(cleaned["uscc"])
        if code in seen:
            errors.append(RowError(row_no, "uscc", f"与第 {seen[code]} 行的代码重复"))
            continue
        seen[code] = row_no
        cleaned_rows.append(cleaned)
    if errors:
        raise ImportRejected(errors)
    if not cleaned_rows:
        raise DomainError(
            code="import.empty", message="文件中没有数据行", fields={"file": "没有数据行"}
        )
    now = timezone.now()
    created = []
    with transaction.atomic():
        for cleaned in cleaned_rows:
            org = Organisation(
                **cleaned, status=OrgStatus.ACTIVE, verified_at=now, verified_by=actor.audit_user
            )
            org.save()
            created.append(org)
    return created
