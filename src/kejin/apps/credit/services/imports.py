"""Spreadsheet import of credit records by data providers and the city office: all rows or none,
every bad row reported with its row number and field."""

from __future__ import annotations

from typing import BinaryIO

from kejin.apps.credit.models import CreditRecord
from kejin.apps.credit.services.records import (
    FIELD_LABELS,
    RecordInput,
    clean_batch,
    require_filer,
    save_batch,
)
from kejin.platform.spreadsheets import ImportRejected, RowError, read_sheet
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

COLUMNS: list[tuple[str, str]] = [(code, label) for code, label in FIELD_LABELS.items()]
REQUIRED = ("kind", "uscc")
ALIASES = {label: code for code, label in COLUMNS} | {code: code for code, _ in COLUMNS}
EXAMPLE = [
    "纳税信用等级",
    "",
    "2025-04-30",
    "2024",
    "",
    "A",
    "",
    "",
    "",
    "国家税务总局长春市税务局",
    "",
    "",
    "",
    "",
]


def credit_records_import(*, actor: Actor, upload: BinaryIO, filename: str) -> list[CreditRecord]:
    """Validate every row; write all of them or none."""
    require_filer(actor)
    sheet = read_sheet(upload, filename, ALIASES, REQUIRED)
    if not sheet.rows:
        raise DomainError("import.empty", "文件中没有数据行", {"file": "没有数据行"})
    numbers = [n for n, _ in sheet.rows]
    items = [RecordInput.from_mapping(values) for _, values in sheet.rows]
    cleaned, errors = clean_batch(items, numbers)
    if errors:
        raise ImportRejected([RowError(n, f, m) for n, f, m in errors])
    return save_batch(actor, cleaned)
