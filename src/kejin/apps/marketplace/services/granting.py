"""The institution grants an application. What the grant creates depends on the product:

- a loan product (credit, IP pledge, equity pledge, leasing): the loan, reported to the loans
  context (``loan_report_one``) under the institution's contract number, with its drawdown when a
  drawdown date is given; it then appears in the enterprise's loans (/loans/);
- an equity investment: an :class:`Investment` record;
- a guarantee or an insurance policy: the granted amount, fee rate and term on the application.

Everything is written in one transaction: if the loans context refuses the loan, nothing of the
grant stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.services.reporting import (
    DrawdownInput,
    LoanInput,
    drawdown_report_one,
    loan_report_one,
)
from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.models import (
    Application,
    ApplicationStatus,
    Investment,
    Product,
    ProductKind,
)
from kejin.apps.marketplace.services.applications import (
    institution_application,
    mark_first_response,
    require_status,
    tell_enterprise,
)
from kejin.apps.marketplace.services.common import (
    FieldErrors,
    clean_int,
    clean_money,
    clean_rate,
    clean_text,
    log_event,
)
from kejin.apps.orgs.models import Organisation
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError
from kejin.rules.money import to_decimal

LOAN_KINDS: dict[str, str] = {
    ProductKind.CREDIT_LOAN: "credit",
    ProductKind.IP_PLEDGE: "ip_pledge",
    ProductKind.EQUITY_PLEDGE: "equity_pledge",
    ProductKind.LEASING: "leasing",
}
"""Marketplace product kind → the loans context's product kind."""
REPAYMENT_METHODS = {
    "annuity": "等额本息",
    "equal_principal": "等额本金",
    "interest_only": "先息后本",
    "bullet": "到期一次还本付息",
}
LOAN_FIELDS = {
    "external_id": "contract_no",
    "amount": "amount",
    "contract_rate": "rate",
    "contract_date": "contract_date",
    "maturity_date": "maturity_date",
    "repayment_method": "repayment_method",
    "payment_day": "payment_day",
    "date": "drawdown_date",
}
"""The loans context's field names → the grant form's."""


@dataclass(frozen=True)
class GrantInput:
    amount: Any
    rate: Any = None
    term_months: Any = None
    contract_no: str = ""
    contract_date: date | None = None
    maturity_date: date | None = None
    repayment_method: str = "annuity"
    payment_day: Any = None
    drawdown_date: date | None = None
    equity_share: Any = None
    invested_on: date | None = None
    note: str = ""


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def is_loan_product(product: Product) -> bool:
    return product.kind in LOAN_KINDS


def _clean_common(app: Application, data: GrantInput, e: FieldErrors) -> dict[str, Any]:
    product = app.product
    amount = clean_money(data.amount, "amount", "批准金额", e)
    if amount is not None and amount > product.amount_max:
        e.add(
            "amount",
            f"批准金额不能超过产品最高额度 {product.amount_max} 元",
            MarketError.OUTSIDE_PRODUCT,
        )
    rate = clean_rate(data.rate, "rate", "批准年利率/费率", e, required=is_loan_product(product))
    if (
        rate is not None
        and product.rate_min is not None
        and product.rate_max is not None
        and not (product.rate_min <= rate <= product.rate_max)
    ):
        e.add(
            "rate",
            f"批准利率须在产品利率区间 {product.rate_min}%–{product.rate_max}% 之内",
            MarketError.OUTSIDE_PRODUCT,
        )
    term = clean_int(
        data.term_months if data.term_months not in (None, "") else app.term_months,
        "term_months",
        "批准期限（月）",
        e,
    )
    note = clean_text(data.note, "note", "说明", e, max_length=2000, required=False)
    return {"amount": amount, "rate": rate, "term": term, "note": note}


def _grant_loan(
    app: Application, lender: Organisation, data: GrantInput, v: dict[str, Any], e: FieldErrors
) -> int:
    contract_no = clean_text(data.contract_no, "contract_no", "贷款合同编号", e, max_length=64)
    if data.repayment_method not in REPAYMENT_METHODS:
        e.add("repayment_method", "请选择还款方式")
    contract_date = data.contract_date or timezone.localdate()
    maturity = data.maturity_date or (add_months(contract_date, v["term"]) if v["term"] else None)
    if maturity is not None and maturity <= contract_date:
        e.add("maturity_date", "到期日必须晚于合同日期")
    payment_day = clean_int(
        data.payment_day if data.payment_day not in (None, "") else contract_date.day,
        "payment_day",
        "每月还款日",
        e,
        low=1,
        high=31,
    )
    e.raise_if_any()
    item = LoanInput(
        external_id=contract_no,
        borrower_uscc=app.enterprise.uscc,
        product_kind=LOAN_KINDS[app.product.kind],
        amount=v["amount"],
        contract_date=contract_date,
        maturity_date=maturity,  # type: ignore[arg-type]
        contract_rate=v["rate"],
        repayment_method=data.repayment_method,
        payment_day=payment_day,  # type: ignore[arg-type]
        guarantor=app.institution.name if app.product.guarantee == "guarantee_company" else "",
        purpose=app.demand.purpose[:300],
    )
    try:
        loan = loan_report_one(lender, item)
        if data.drawdown_date is not None:
            drawdown_report_one(
                lender,
                DrawdownInput(
                    loan_external_id=contract_no,
                    external_id=f"{contract_no}-1",
                    date=data.drawdown_date,
                    amount=v["amount"],
                ),
            )
    except DomainError as exc:
        fields = {LOAN_FIELDS.get(k, "contract_no"): m for k, m in (exc.fields or {}).items()}
        raise DomainError(
            exc.code, exc.message, fields or {"contract_no": exc.message}, exc.status
        ) from None
    return loan.id


def _grant_investment(
    app: Application,
    *,
    investor: Organisation,
    actor: Actor,
    data: GrantInput,
    v: dict[str, Any],
    e: FieldErrors,
) -> Investment:
    share = None
    if data.equity_share not in (None, ""):
        try:
            share = to_decimal(data.equity_share, field="equity_share")
        except (DomainError, TypeError):
            e.add("equity_share", "持股比例须为数字")
        else:
            if not Decimal(0) < share <= Decimal(100):
                e.add("equity_share", f"持股比例须在 0–100% 之间（收到 {share}%）")
    e.raise_if_any()
    return Investment.objects.create(
        investor=investor,
        enterprise=app.enterprise,
        amount=v["amount"],
        equity_share=share,
        invested_on=data.invested_on or timezone.localdate(),
        note=f"金融服务超市申请 #{app.pk}",
        created_by=actor.audit_user,
    )


def application_grant(*, actor: Actor, application_id: int, data: GrantInput) -> Application:
    """The institution grants the application (see the module docstring)."""
    with transaction.atomic():
        app = institution_application(actor, application_id)
        require_status(app, ApplicationStatus.pending(), "批准")
        e = FieldErrors()
        v = _clean_common(app, data, e)
        institution = app.institution
        if is_loan_product(app.product):
            app.loan_id = _grant_loan(app, institution, data, v, e)
        elif app.product.kind == ProductKind.EQUITY_INVESTMENT:
            app.investment = _grant_investment(
                app, investor=institution, actor=actor, data=data, v=v, e=e
            )
        else:
            e.raise_if_any()
        app.status = ApplicationStatus.GRANTED
        app.granted_amount = v["amount"]
        app.granted_rate = v["rate"]
        app.granted_term = v["term"]
        app.decided_at = timezone.now()
        app.decided_by = actor.audit_user
        mark_first_response(app)
        app.save()
        what = f"批准金额 {v['amount']} 元" + (f"，年利率 {v['rate']}%" if v["rate"] else "")
        log_event(app, actor, "granted", f"{what}。{v['note']}".strip("。"))
        tell_enterprise(app, f"您对“{app.product.name}”的申请已获批", what)
    return app
