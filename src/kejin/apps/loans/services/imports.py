"""Spreadsheet reporting of loans, drawdowns and repayments: every bad row reported by its row
number; the batch is written whole or not at all (the same services as the API)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from kejin.apps.loans.services import reporting
from kejin.apps.loans.services.batch import BatchRejected
from kejin.platform.spreadsheets import ImportRejected, RowError, read_sheet
from kejin.platform.tenancy import Actor

COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    # kind: (field, Chinese header, required)
    "loans": [
        ("external_id", "合同编号", True),
        ("borrower_uscc", "借款企业统一社会信用代码", True),
        ("product_kind", "产品类型", True),
        ("amount", "合同金额", True),
        ("contract_date", "合同日期", True),
        ("maturity_date", "到期日", True),
        ("contract_rate", "合同年利率", True),
        ("repayment_method", "还款方式", True),
        ("payment_day", "每月还款日", True),
        ("rate_type", "利率类型", False),
        ("spread", "LPR加点", False),
        ("day_count", "计息基础", False),
        ("collateral", "抵质押物", False),
        ("guarantor", "保证人", False),
        ("purpose", "贷款用途", False),
        ("reported_category", "五级分类", False),
    ],
    "drawdowns": [
        ("loan_external_id", "合同编号", True),
        ("external_id", "借据编号", True),
        ("date", "放款日期", True),
        ("amount", "放款金额", True),
    ],
    "repayments": [
        ("loan_external_id", "合同编号", True),
        ("external_id", "还款流水号", True),
        ("date", "还款日期", True),
        ("amount", "还款金额", True),
        ("is_prepayment", "提前还款", False),
        ("prepayment_mode", "提前还款方式", False),
    ],
}
DATES = {"contract_date", "maturity_date", "date"}
DECIMALS = {"amount", "contract_rate", "spread"}
TRUE = {"1", "true", "yes", "是", "y"}


def _convert(field: str, raw: str) -> Any:
    if field in DATES:
        return date.fromisoformat(raw)
    if field in DECIMALS:
        return Decimal(raw.replace(",", "")) if raw else None
    if field == "payment_day":
        return int(raw)
    if field == "is_prepayment":
        return raw.strip().lower() in TRUE
    return raw


def loans_import(*, actor: Actor, kind: str, upload: BinaryIO, filename: str) -> list[Any]:
    cols = COLUMNS[kind]
    aliases = {label: f for f, label, _ in cols} | {f: f for f, _, _ in cols}
    sheet = read_sheet(upload, filename, aliases, [f for f, _, req in cols if req])
    errors: list[RowError] = []
    items: list[Any] = []
    rows: list[int] = []
    make: Callable[..., Any] = {
        "loans": reporting.LoanInput,
        "drawdowns": reporting.DrawdownInput,
        "repayments": reporting.RepaymentInput,
    }[kind]
    for row_no, values in sheet.rows:
        data: dict[str, Any] = {}
        bad = False
        for field, _label, required in cols:
            raw = values.get(field, "").strip()
            if not raw:
                if required:
                    errors.append(RowError(row_no, field, "必填项为空"))
                    bad = True
                continue
            try:
                data[field] = _convert(field, raw)
            except (ValueError, InvalidOperation):
                kind_msg = "日期须为 YYYY-MM-DD" if field in DATES else "须为数字"
                errors.append(RowError(row_no, field, f"“{raw}”无效：{kind_msg}"))
                bad = True
        if not bad:
            items.append(make(**data))
            rows.append(row_no)
    if errors:
        raise ImportRejected(errors)
    report = {
        "loans": reporting.loans_report,
        "drawdowns": reporting.drawdowns_report,
        "repayments": reporting.repayments_report,
    }[kind]
    try:
        return report(actor=actor, items=items)
    except BatchRejected as exc:
        raise ImportRejected(
            [RowError(rows[e.index], e.field, e.message) for e in exc.item_errors]
        ) from None
