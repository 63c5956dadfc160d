"""A bank registers loans in bulk from a spreadsheet: every bad row is reported with its row
number, and the rows are registered all together or not at all (leverage counted cumulatively)."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from django.db import transaction

from kejin.apps.orgs.models import Organisation, OrgKind
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import Registration
from kejin.apps.riskpool.services.common import require_bank, today
from kejin.apps.riskpool.services.registrations import (
    RegistrationInput,
    register_one,
    registration_guard,
)
from kejin.apps.riskpool.services.suspensions import suspended_error
from kejin.platform.spreadsheets import ImportRejected, RowError, read_sheet
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

COLUMNS: list[tuple[str, str]] = [
    ("loan_external_id", "贷款合同编号"),
    ("registered_on", "登记日期"),
    ("insurer_uscc", "保险公司统一社会信用代码"),
    ("policy_number", "保单号"),
]
REQUIRED = ("loan_external_id",)
ALIASES = {label: code for code, label in COLUMNS} | {code: code for code, _ in COLUMNS}
FIELD_OF = {"loan_id": "loan_external_id", "insurer_id": "insurer_uscc", "loan": "loan_external_id"}


class _Rollback(Exception):
    pass


def _parse(row: int, values: dict[str, str], errors: list[RowError]) -> RegistrationInput | None:
    ext = values.get("loan_external_id", "").strip()
    if not ext:
        errors.append(RowError(row, "loan_external_id", "必填项为空"))
        return None
    day = None
    raw_day = values.get("registered_on", "").strip()
    if raw_day:
        try:
            day = date.fromisoformat(raw_day[:10])
        except ValueError:
            errors.append(RowError(row, "registered_on", f"“{raw_day}”不是日期（YYYY-MM-DD）"))
            return None
    insurer_id = None
    code = values.get("insurer_uscc", "").strip().upper()
    if code:
        insurer_id = (
            Organisation.objects.filter(uscc=code, kind=OrgKind.INSURER)
            .values_list("pk", flat=True)
            .first()
        )
        if insurer_id is None:
            errors.append(RowError(row, "insurer_uscc", f"平台上没有代码为 {code} 的保险公司"))
            return None
    return RegistrationInput(
        loan_external_id=ext,
        registered_on=day,
        insurer_id=insurer_id,
        policy_number=values.get("policy_number", "").strip(),
    )


def registrations_import(
    *, actor: Actor, pool_id: int, upload: BinaryIO, filename: str
) -> list[Registration]:
    require_bank(actor)
    sheet = read_sheet(upload, filename, ALIASES, REQUIRED)
    errors: list[RowError] = []
    parsed: list[tuple[int, RegistrationInput]] = []
    seen: dict[str, int] = {}
    for row, values in sheet.rows:
        item = _parse(row, values, errors)
        if item is None:
            continue
        if item.loan_external_id in seen:
            errors.append(
                RowError(row, "loan_external_id", f"与第 {seen[item.loan_external_id]} 行重复")
            )
            continue
        seen[item.loan_external_id] = row
        parsed.append((row, item))
    if not sheet.rows:
        raise DomainError(
            code=PoolError.IMPORT_EMPTY, message="文件中没有数据行", fields={"file": "没有数据行"}
        )
    created: list[Registration] = []
    suspension = None
    try:
        with transaction.atomic():
            on = max((item.registered_on or today() for _, item in parsed), default=today())
            pool, suspension = registration_guard(actor, pool_id, on)
            if suspension is None:
                for row, item in parsed:
                    try:
                        with transaction.atomic():
                            created.append(register_one(actor, pool, item))
                    except DomainError as exc:
                        fields = exc.fields or {"loan_external_id": exc.message}
                        errors.extend(
                            RowError(row, FIELD_OF.get(f, f), m) for f, m in fields.items()
                        )
                if errors:
                    raise _Rollback
    except _Rollback:
        pass
    if suspension is not None:
        raise suspended_error(suspension)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return created
