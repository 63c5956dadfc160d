"""Spreadsheet imports of an enterprise's yearly financials and IP items: every row or none.

Each bad row is reported with its row number in the sheet, the field and the reason; a locked year
or a duplicate (in the file or already registered) is a row error too. Each row is saved on its
own so that the audit history records every change.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from django.db import transaction

from kejin.apps.enterprises.access import access_editable_enterprise
from kejin.apps.enterprises.models import FinancialYear, IpItem
from kejin.apps.enterprises.services.fields import FieldErrors
from kejin.apps.enterprises.services.financials import (
    YEAR_FIELDS,
    clean_year_data,
    clean_year_number,
    year_locked_error,
)
from kejin.apps.enterprises.services.records import RECORD_KINDS, clean_record
from kejin.platform.spreadsheets import ImportRejected, RowError, read_sheet
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

YEAR_COLUMNS: list[tuple[str, str]] = [("year", "年度"), *((f.name, f.label) for f in YEAR_FIELDS)]
YEAR_REQUIRED = ("year", *(f.name for f in YEAR_FIELDS if f.required))
IP_COLUMNS: list[tuple[str, str]] = [(f.name, f.label) for f in RECORD_KINDS["ip"].fields]
IP_REQUIRED = tuple(f.name for f in RECORD_KINDS["ip"].fields if f.required)


def aliases(columns: list[tuple[str, str]]) -> dict[str, str]:
    return {label: code for code, label in columns} | {code: code for code, _ in columns}


def _row_errors(row_no: int, errors: FieldErrors) -> list[RowError]:
    return [RowError(row_no, field, message) for field, message in errors.messages.items()]


def _empty() -> DomainError:
    return DomainError(
        code="import.empty", message="文件中没有数据行", fields={"file": "没有数据行"}
    )


@transaction.atomic
def financial_years_import(
    *, actor: Actor, enterprise_id: int, upload: BinaryIO, filename: str
) -> list[FinancialYear]:
    """File several years at once (new years are created, unlocked years are replaced)."""
    enterprise = access_editable_enterprise(actor, enterprise_id)
    sheet = read_sheet(upload, filename, aliases(YEAR_COLUMNS), YEAR_REQUIRED)
    present = set(sheet.headers)
    problems: list[RowError] = []
    cleaned_rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    existing = {
        row.year: row
        for row in FinancialYear.objects.select_for_update().filter(enterprise_id=enterprise_id)
    }
    for row_no, values in sheet.rows:
        errors = FieldErrors()
        year = clean_year_number(values.get("year", ""), errors)
        cleaned = clean_year_data(values, errors)
        if year is not None and year in seen:
            errors.add("year", f"与第 {seen[year]} 行的年度重复")
        elif year is not None and year in existing and existing[year].is_locked:
            errors.add("year", year_locked_error(year).message)
        if errors:
            problems.extend(_row_errors(row_no, errors))
            continue
        assert year is not None
        seen[year] = row_no
        cleaned_rows.append((year, {k: v for k, v in cleaned.items() if k in present}))
    if problems:
        raise ImportRejected(problems)
    if not cleaned_rows:
        raise _empty()
    saved = []
    for year, cleaned in cleaned_rows:
        row = existing.get(year) or FinancialYear(enterprise=enterprise, year=year)
        row.enterprise = enterprise
        for name, value in cleaned.items():
            setattr(row, name, value)
        row.save()
        saved.append(row)
    return saved


@transaction.atomic
def ip_items_import(
    *, actor: Actor, enterprise_id: int, upload: BinaryIO, filename: str
) -> list[IpItem]:
    """Register several IP items at once."""
    enterprise = access_editable_enterprise(actor, enterprise_id)
    sheet = read_sheet(upload, filename, aliases(IP_COLUMNS), IP_REQUIRED)
    kind = RECORD_KINDS["ip"]
    problems: list[RowError] = []
    cleaned_rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    registered = set(
        IpItem.objects.filter(enterprise_id=enterprise_id).values_list("kind", "number")
    )
    for row_no, values in sheet.rows:
        errors = FieldErrors()
        cleaned = clean_record(kind, values, errors)
        key = (cleaned.get("kind", ""), cleaned.get("number", ""))
        if "kind" in cleaned and "number" in cleaned:
            if key in seen:
                errors.add("number", f"与第 {seen[key]} 行的类型和编号重复")
            elif key in registered:
                errors.add("number", "该类型和编号的知识产权已登记")
        if errors:
            problems.extend(_row_errors(row_no, errors))
            continue
        seen[key] = row_no
        cleaned_rows.append(cleaned)
    if problems:
        raise ImportRejected(problems)
    if not cleaned_rows:
        raise _empty()
    created = []
    for cleaned in cleaned_rows:
        item = IpItem(enterprise=enterprise, **cleaned)
        item.save()
        created.append(item)
    return created
