"""Institutions report loans, drawdowns and repayments (API in bulk, spreadsheets, pages).

Idempotent by the institution's own external id: re-sending the same item changes nothing;
the same id with different content is refused. A batch is written whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kejin.apps.loans.errors import LoanError
from kejin.apps.loans.models import (
    Category,
    Drawdown,
    Loan,
    LoanStatus,
    Origin,
    ProductKind,
    RateType,
    Repayment,
    RepaymentMethodChoice,
)
from kejin.apps.loans.services.batch import content_hash, run_batch
from kejin.apps.loans.services.rates import rate_table
from kejin.apps.loans.services.schedule import months_between, schedule_create
from kejin.apps.loans.services.servicing import repayment_apply
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor
from kejin.rules import uscc
from kejin.rules.errors import Conflict, DomainError, NotFound, PermissionDenied
from kejin.rules.money import to_decimal

LENDER_KINDS = frozenset(
    {
        OrgKind.BANK,
        OrgKind.TECH_SUB_BRANCH,
        OrgKind.MICRO_LENDER,
        OrgKind.TECH_MICRO_LENDER,
        OrgKind.LEASING_COMPANY,
    }
)
MAX_CONTRACT_RATE = Decimal(36)


@dataclass(frozen=True)
class LoanInput:
    external_id: str
    borrower_uscc: str
    product_kind: str
    amount: Decimal
    contract_date: date
    maturity_date: date
    contract_rate: Decimal
    repayment_method: str
    payment_day: int
    rate_type: str = RateType.FIXED
    spread: Decimal | None = None
    day_count: str = "ACT/360"
    collateral: str = ""
    guarantor: str = ""
    purpose: str = ""
    reported_category: str = ""


@dataclass(frozen=True)
class DrawdownInput:
    loan_external_id: str
    external_id: str
    date: date
    amount: Decimal


@dataclass(frozen=True)
class RepaymentInput:
    loan_external_id: str
    external_id: str
    date: date
    amount: Decimal
    is_prepayment: bool = False
    prepayment_mode: str = "shorter_term"


@dataclass(frozen=True)
class Reported:
    id: int
    external_id: str
    created: bool


def require_lender(actor: Actor) -> Organisation:
    if actor.organisation is None or actor.kind not in LENDER_KINDS:
        raise PermissionDenied("只有银行、小额贷款公司、融资租赁公司等放贷机构可以报送贷款")
    actor.require_role("admin", "officer", message="报送贷款需要经办人或管理员角色")
    return actor.organisation


def _err(field: str, message: str, code: str) -> DomainError:
    return DomainError(code=code, message=message, fields={field: message})


def _check_loan(item: LoanInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    ext = item.external_id.strip()
    if not ext:
        errors["external_id"] = "合同编号不能为空"
    amount = to_decimal(item.amount, field="amount")
    if amount <= 0:
        errors["amount"] = f"合同金额必须大于零（收到 {amount}）"
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = "金额须精确到分"
    rate = to_decimal(item.contract_rate, field="contract_rate")
    if not Decimal(0) < rate <= MAX_CONTRACT_RATE:
        errors["contract_rate"] = f"合同年利率须在 0–36% 之间（收到 {rate}%）"
    if item.maturity_date <= item.contract_date:
        errors["maturity_date"] = "到期日必须晚于合同日期"
    if item.product_kind not in ProductKind.values:
        errors["product_kind"] = f"未知的产品类型“{item.product_kind}”"
    if item.repayment_method not in RepaymentMethodChoice.values:
        errors["repayment_method"] = f"未知的还款方式“{item.repayment_method}”"
    if not 1 <= int(item.payment_day) <= 31:
        errors["payment_day"] = "每月还款日应为 1–31"
    if item.rate_type not in RateType.values:
        errors["rate_type"] = f"未知的利率类型“{item.rate_type}”"
    elif item.rate_type == RateType.FLOATING and item.spread is None:
        errors["spread"] = "浮动利率贷款须填写 LPR 加点"
    if item.reported_category and item.reported_category not in Category.values:
        errors["reported_category"] = f"未知的五级分类“{item.reported_category}”"
    try:
        code = uscc.validate(item.borrower_uscc)
    except DomainError as exc:
        errors["borrower_uscc"] = exc.message
        code = ""
    borrower = None
    if code:
        borrower = Organisation.objects.filter(
            uscc=code, kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE
        ).first()
        if borrower is None:
            errors["borrower_uscc"] = f"平台上没有统一社会信用代码为 {code} 的在册企业"
    if errors:
        raise DomainError(
            code=LoanError.BATCH_INVALID, message=next(iter(errors.values())), fields=errors
        )
    term = months_between(item.contract_date, item.maturity_date)
    benchmark = rate_table().benchmark_for(item.contract_date, term)
    src = benchmark.source
    return {
        "external_id": ext,
        "borrower": borrower,
        "product_kind": item.product_kind,
        "amount": amount,
        "contract_date": item.contract_date,
        "maturity_date": item.maturity_date,
        "term_months": term,
        "rate_type": item.rate_type,
        "spread": item.spread,
        "contract_rate": rate,
        "benchmark_rate": benchmark.rate,
        "benchmark_source": f"{src.table.value.upper()} {src.tenor} {src.effective_date}",
        "repayment_method": item.repayment_method,
        "payment_day": int(item.payment_day),
        "day_count": item.day_count,
        "collateral": item.collateral,
        "guarantor": item.guarantor,
        "purpose": item.purpose,
        "reported_category": item.reported_category,
    }


def loan_report_one(
    lender: Organisation, item: LoanInput, *, origin: str = Origin.REPORTED
) -> Reported:
    digest = content_hash(item)
    existing = Loan.objects.filter(lender=lender, external_id=item.external_id.strip()).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise Conflict(
                code=LoanError.EXTERNAL_ID_CONFLICT,
                message=(
                    f"合同编号 {existing.external_id} 已报送且内容不同；修改已报送贷款请走更正流程"
                ),
                fields={"external_id": "同一编号已报送过不同内容"},
            )
        return Reported(existing.pk, existing.external_id, created=False)
    data = _check_loan(item)
    loan = Loan.objects.create(lender=lender, content_hash=digest, origin=origin, **data)
    return Reported(loan.pk, loan.external_id, created=True)


def loans_report(*, actor: Actor, items: list[LoanInput]) -> list[Reported]:
    """Report a batch of loans of the actor's institution (all or nothing, idempotent)."""
    lender = require_lender(actor)
    return run_batch(items, lambda _i, item: loan_report_one(lender, item), label="loans")


def _own_loan(lender: Organisation, external_id: str, *, for_update: bool = False) -> Loan:
    qs = Loan.objects.filter(lender=lender, external_id=external_id.strip())
    if for_update:
        qs = qs.select_for_update()
    loan = qs.first()
    if loan is None:
        raise NotFound("贷款", code=LoanError.LOAN_UNKNOWN) from None
    return loan


def _loan_field_not_found(fn):  # type: ignore[no-untyped-def]
    def wrapped(lender: Organisation, item):  # type: ignore[no-untyped-def]
        try:
            return fn(lender, item)
        except NotFound:
            raise _err(
                "loan_external_id",
                f"本机构没有编号为 {item.loan_external_id} 的贷款",
                LoanError.LOAN_UNKNOWN,
            ) from None

    return wrapped


@_loan_field_not_found
def drawdown_report_one(lender: Organisation, item: DrawdownInput) -> Reported:
    loan = _own_loan(lender, item.loan_external_id, for_update=True)
    existing = Drawdown.objects.filter(loan=loan, external_id=item.external_id.strip()).first()
    if existing is not None:
        same = existing.date == item.date and existing.amount == to_decimal(item.amount)
        if not same:
            raise Conflict(
                code=LoanError.EXTERNAL_ID_CONFLICT,
                message=f"借据编号 {existing.external_id} 已报送且内容不同",
                fields={"external_id": "同一编号已报送过不同内容"},
            )
        return Reported(existing.pk, existing.external_id, created=False)
    amount = to_decimal(item.amount, field="amount")
    if amount <= 0:
        raise _err("amount", "放款金额必须大于零", "drawdown.not_positive")
    if not loan.contract_date <= item.date < loan.maturity_date:
        raise _err("date", "放款日期须在合同日期与到期日之间", LoanError.DRAWDOWN_DATE)
    drawn = sum((d.amount for d in loan.drawdowns.all()), Decimal(0))
    if drawn + amount > loan.amount:
        raise _err(
            "amount",
            f"累计放款 {drawn + amount} 元将超过合同金额 {loan.amount} 元",
            LoanError.DRAWDOWN_EXCEEDS,
        )
    drawdown = Drawdown.objects.create(
        loan=loan, external_id=item.external_id.strip(), date=item.date, amount=amount
    )
    schedule_create(drawdown)
    if loan.status == LoanStatus.APPROVED:
        loan.status = LoanStatus.ACTIVE
        loan.save(update_fields=["status", "updated_at"])
    return Reported(drawdown.pk, drawdown.external_id, created=True)


def drawdowns_report(*, actor: Actor, items: list[DrawdownInput]) -> list[Reported]:
    lender = require_lender(actor)
    return run_batch(items, lambda _i, item: drawdown_report_one(lender, item), label="drawdowns")


@_loan_field_not_found
def repayment_report_one(lender: Organisation, item: RepaymentInput) -> Reported:
    loan = _own_loan(lender, item.loan_external_id, for_update=True)
    digest = content_hash(item)
    existing = Repayment.objects.filter(loan=loan, external_id=item.external_id.strip()).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise Conflict(
                code=LoanError.EXTERNAL_ID_CONFLICT,
                message=f"还款流水号 {existing.external_id} 已报送且内容不同",
                fields={"external_id": "同一编号已报送过不同内容"},
            )
        return Reported(existing.pk, existing.external_id, created=False)
    repayment = repayment_apply(
        loan=loan,
        external_id=item.external_id.strip(),
        on=item.date,
        amount=to_decimal(item.amount, field="amount"),
        is_prepayment=item.is_prepayment,
        prepayment_mode=item.prepayment_mode,
        content_hash=digest,
    )
    return Reported(repayment.pk, repayment.external_id, created=True)


def repayments_report(*, actor: Actor, items: list[RepaymentInput]) -> list[Reported]:
    lender = require_lender(actor)
    ordered = sorted(enumerate(items), key=lambda p: (p[1].date, p[0]))
    results = run_batch(
        [item for _, item in ordered],
        lambda _i, item: repayment_report_one(lender, item),
        label="repayments",
        index_of=[orig for orig, _ in ordered],
    )
    by_index = {orig: res for (orig, _), res in zip(ordered, results, strict=True)}
    return [by_index[i] for i in range(len(items))]
