"""Spreadsheets in and out: read xlsx/csv uploads into numbered rows; export any list to xlsx.

Imports are all-or-nothing: a service validates every row, collects a :class:`RowError` for each
problem (row number as the person sees it in the sheet, field, reason) and writes only when there is
none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kejin.rules.errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 100_000


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class ImportRejected(DomainError):
    """A spreadsheet with bad rows: nothing was imported; every problem is listed."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.row_errors = list(errors)
        fields = {f"row {e.row}.{e.field}": e.message for e in self.row_errors}
        super().__init__(
            code="import.invalid_rows",
            message=f"文件中有 {len(self.row_errors)} 处错误，未导入任何数据，请修改后重新上传",
            fields=fields,
            status=422,
        )


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the sheet, values by header)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(
    upload: BinaryIO, filename: str, aliases: dict[str, str], required: Iterable[str]
) -> Sheet:
    """Read an xlsx or csv file.

    ``aliases`` maps each accepted header (Chinese label or code) to the field code; ``required``
    are the field codes whose columns must be present. Unknown file types, unreadable files,
    unknown and missing columns are refused.
    """
    name = filename.lower()
    head = upload.read(4)
    upload.seek(0)
    if name.endswith(".xlsx"):
        if head != XLSX_MAGIC:
            raise _bad_file("文件扩展名为 .xlsx，但内容不是 Excel 工作簿")
        raw_rows = _xlsx_rows(upload)
    elif name.endswith(".csv"):
        raw_rows = _csv_rows(upload)
    else:
        raise _bad_file("只接受 .xlsx 或 .csv 文件")
    if not raw_rows:
        raise _bad_file("文件是空的")
    header_row = [_cell(h) for h in raw_rows[0]]
    headers = [aliases.get(h, aliases.get(h.lower(), "")) for h in header_row]
    unknown = [h for h, code in zip(header_row, headers, strict=True) if h and not code]
    missing = sorted(set(required) - set(headers))
    if unknown or missing:
        parts = []
        if missing:
            labels = [k for k, v in aliases.items() if v in missing and not k.isascii()]
            parts.append("缺少列：" + "、".join(labels or missing))
        if unknown:
            parts.append("无法识别的列：" + "、".join(unknown))
        raise DomainError(
            code="import.columns_mismatch",
            message="表头与模板不符：" + "；".join(parts),
            fields={"file": "；".join(parts)},
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for offset, raw in enumerate(raw_rows[1:], start=2):
        values = {code: _cell(v) for code, v in zip(headers, raw, strict=False) if code}
        if any(values.values()):
            rows.append((offset, values))
    if len(rows) > MAX_ROWS:
        raise _bad_file(f"一次最多导入 {MAX_ROWS} 行")
    return Sheet(headers=headers, rows=rows)


def _bad_file(reason: str) -> DomainError:
    return DomainError(code="import.bad_file", message=reason, fields={"file": reason})


def _xlsx_rows(upload: BinaryIO) -> list[Sequence[Any]]:
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:
        raise _bad_file("无法读取该 Excel 文件") from None
    ws = wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _csv_rows(upload: BinaryIO) -> list[Sequence[Any]]:
    data = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _bad_file("CSV 文件编码无法识别（请使用 UTF-8）")
    return list(csv.reader(io.StringIO(text)))


def export_xlsx(
    filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]]
) -> HttpResponse:
    """An xlsx download: ``columns`` are (key, header label); values are written with their types
    (Decimal amounts as numbers with two decimals, dates as dates)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append([label for _, label in columns])
    for row in rows:
        out = []
        for key, _ in columns:
            value = row.get(key)
            if isinstance(value, datetime):
                value = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
            out.append(value if isinstance(value, int | Decimal | date | str) else _cell(value))
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


def template_xlsx(filename: str, headers: Sequence[str], example: Sequence[Any]) -> HttpResponse:
    """A blank import template with its header row in bold and one example row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(headers))
    ws.append(list(example))
    for i, _ in enumerate(headers, start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(i)].width = 22
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
