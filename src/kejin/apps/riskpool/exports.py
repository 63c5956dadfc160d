"""Rows and columns of the risk pool's xlsx exports (pages and API share them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from kejin.apps.riskpool.accounts import TrialBalance
from kejin.apps.riskpool.models import Claim, Registration
from kejin.apps.riskpool.reports import PoolReport
from kejin.platform.pages import export_list
from kejin.platform.spreadsheets import export_xlsx
from kejin.rules import divisions

REGISTRATION_COLUMNS = [
    ("loan", "贷款合同编号"),
    ("bank", "贷款银行"),
    ("borrower", "借款企业"),
    ("district", "区县"),
    ("product_kind", "产品类型"),
    ("registered_on", "登记日期"),
    ("principal", "登记时贷款余额（元）"),
    ("insurer", "履约保证保险公司"),
    ("policy_number", "保单号"),
    ("status", "状态"),
]


def registration_row(r: Registration) -> dict[str, Any]:
    return {
        "loan": r.loan.external_id,
        "bank": r.bank.name,
        "borrower": r.borrower.name,
        "district": divisions.name(r.district_code),
        "product_kind": r.loan.get_product_kind_display(),
        "registered_on": r.registered_on,
        "principal": r.principal,
        "insurer": r.insurer.name if r.insurer else "",
        "policy_number": r.policy_number,
        "status": r.get_status_display(),
    }


CLAIM_COLUMNS = [
    ("id", "申请编号"),
    ("loan", "贷款合同编号"),
    ("bank", "贷款银行"),
    ("borrower", "借款企业"),
    ("filed_on", "申请日期"),
    ("default_date", "逾期超过90天之日"),
    ("loss", "申请损失（元）"),
    ("approved_loss", "核定损失（元）"),
    ("pool_share", "资金池分担（元）"),
    ("bank_share", "银行分担（元）"),
    ("insurer_share", "保险公司分担（元）"),
    ("status", "状态"),
]


def claim_row(c: Claim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "loan": c.registration.loan.external_id,
        "bank": c.bank.name,
        "borrower": c.borrower.name,
        "filed_on": c.filed_on,
        "default_date": c.default_date,
        "loss": c.loss,
        "approved_loss": c.approved_loss,
        "pool_share": c.pool_share,
        "bank_share": c.bank_share,
        "insurer_share": c.insurer_share,
        "status": c.get_status_display(),
    }


JOURNAL_COLUMNS = [
    ("number", "凭证号"),
    ("date", "记账日期"),
    ("kind", "类型"),
    ("memo", "摘要"),
    ("account", "科目"),
    ("debit", "借方（元）"),
    ("credit", "贷方（元）"),
    ("reference", "凭证依据"),
]


def journal_rows(journals: Any) -> Any:
    for j in journals:
        for line in j.lines.all():
            yield {
                "number": j.number,
                "date": j.date,
                "kind": j.get_kind_display(),
                "memo": j.memo,
                "account": line.account,
                "debit": line.debit,
                "credit": line.credit,
                "reference": j.reference,
            }


def journals_xlsx(journals: Any) -> HttpResponse:
    return export_xlsx("risk-pool-ledger", JOURNAL_COLUMNS, journal_rows(journals))


def trial_balance_xlsx(tb: TrialBalance) -> HttpResponse:
    columns = [
        ("account", "科目代码"),
        ("label", "科目"),
        ("kind", "类别"),
        ("debit_total", "借方发生额"),
        ("credit_total", "贷方发生额"),
        ("debit_balance", "借方余额"),
        ("credit_balance", "贷方余额"),
    ]
    rows = [
        {
            "account": r.account,
            "label": r.label,
            "kind": r.kind_label,
            "debit_total": r.debit_total,
            "credit_total": r.credit_total,
            "debit_balance": r.debit_balance,
            "credit_balance": r.credit_balance,
        }
        for r in tb.rows
    ]
    rows.append(
        {
            "label": "合计",
            "debit_total": tb.debit_total,
            "credit_total": tb.credit_total,
            "debit_balance": tb.debit_balances,
            "credit_balance": tb.credit_balances,
        }
    )
    return export_xlsx("risk-pool-trial-balance", columns, rows)


BANK_COLUMNS = [
    ("name", "合作银行"),
    ("registered_count", "入池贷款笔数"),
    ("registered_outstanding", "入池贷款余额（元）"),
    ("npl_outstanding", "不良贷款余额（元）"),
    ("npl_ratio", "不良率（%）"),
    ("threshold", "暂停阈值（%）"),
    ("leverage", "放大倍数"),
    ("suspended", "暂停入池"),
    ("claims_paid", "已代偿笔数"),
    ("compensation_received", "获资金池代偿（元）"),
]


def report_xlsx(report: PoolReport) -> HttpResponse:
    """Totals first, then one row per bank (one sheet, two blocks)."""
    t = report.totals
    rows: list[dict[str, Any]] = [
        {"name": "资金池", "registered_count": t.name},
        {"name": "统计日期", "registered_count": t.as_of},
        {"name": "资金池余额（元）", "registered_count": t.balance},
        {"name": "财政注资（元）", "registered_count": t.contributed_government},
        {"name": "银行注资（元）", "registered_count": t.contributed_banks},
        {"name": "入池贷款余额（元）", "registered_count": t.registered_outstanding},
        {"name": "入池贷款笔数", "registered_count": t.registered_count},
        {"name": "已用放大倍数", "registered_count": t.leverage_used or ""},
        {"name": "已代偿笔数", "registered_count": t.claims_paid},
        {"name": "核定损失合计（元）", "registered_count": t.losses_approved},
        {"name": "资金池已付代偿（元）", "registered_count": t.compensation_paid},
        {"name": "追偿回收合计（元）", "registered_count": t.recoveries_total},
        {"name": "回收率（%）", "registered_count": t.recovery_rate or ""},
        {},
        dict(BANK_COLUMNS),
    ]
    for b in report.banks:
        rows.append(
            {
                "name": b.name,
                "registered_count": b.registered_count,
                "registered_outstanding": b.registered_outstanding,
                "npl_outstanding": b.npl_outstanding,
                "npl_ratio": b.npl_ratio_shown,
                "threshold": b.threshold,
                "leverage": b.leverage,
                "suspended": "是" if b.suspended else "否",
                "claims_paid": b.claims_paid,
                "compensation_received": b.compensation_received,
            }
        )
    columns = [(k, "") for k, _ in BANK_COLUMNS]
    columns[0] = ("name", "风险补偿资金池报表")
    return export_xlsx("risk-pool-report", columns, rows)


def registrations_xlsx(qs: Any) -> HttpResponse:
    return export_list(
        "risk-pool-registrations", REGISTRATION_COLUMNS, qs.iterator(), registration_row
    )


def claims_xlsx(qs: Any) -> HttpResponse:
    return export_list("risk-pool-claims", CLAIM_COLUMNS, qs.iterator(), claim_row)
