"""Pages of the loan book: list, detail with schedule, reporting by form and spreadsheet, rates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kejin.apps.loans import selectors
from kejin.apps.loans.forms import ImportForm, LoanForm, RateForm, RepaymentForm
from kejin.apps.loans.models import Category, Loan, LoanStatus, ProductKind
from kejin.apps.loans.services import imports, rates, reporting
from kejin.apps.loans.services.batch import BatchRejected
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.spreadsheets import ImportRejected, template_xlsx
from kejin.rules.errors import DomainError

EXPORT_COLUMNS = [
    ("external_id", "合同编号"),
    ("lender", "贷款机构"),
    ("borrower", "借款企业"),
    ("uscc", "统一社会信用代码"),
    ("product_kind", "产品类型"),
    ("amount", "合同金额"),
    ("contract_date", "合同日期"),
    ("maturity_date", "到期日"),
    ("contract_rate", "合同利率%"),
    ("benchmark_rate", "基准利率%"),
    ("repayment_method", "还款方式"),
    ("status", "状态"),
]


def _row(loan: Loan) -> dict[str, Any]:
    return {
        "external_id": loan.external_id,
        "lender": loan.lender.name,
        "borrower": loan.borrower.name,
        "uscc": loan.borrower.uscc,
        "product_kind": loan.get_product_kind_display(),
        "amount": loan.amount,
        "contract_date": loan.contract_date,
        "maturity_date": loan.maturity_date,
        "contract_rate": loan.contract_rate,
        "benchmark_rate": loan.benchmark_rate,
        "repayment_method": loan.get_repayment_method_display(),
        "status": loan.get_status_display(),
    }


def _field_errors(form: Any, exc: BatchRejected) -> None:
    for e in exc.item_errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


@login_required_actor
def loan_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    f = selectors.LoanFilter(
        q=g.get("q", "").strip(),
        status=g.get("status", ""),
        product_kind=g.get("product_kind", ""),
        sort=g.get("sort", "-contract_date"),
    )
    qs = selectors.loan_list_for(actor_of(request), f)
    if wants_export(request):
        return export_list("loans", EXPORT_COLUMNS, qs.iterator(), _row)
    ctx = {
        **paginate(request, qs),
        "f": f,
        "statuses": LoanStatus.choices,
        "kinds": ProductKind.choices,
        "can_report": actor_of(request).kind in reporting.LENDER_KINDS,
    }
    return render(request, "loans/list.html", ctx)


@login_required_actor
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    loan = selectors.loan_get(actor, loan_id)
    today = timezone.localdate()
    position = selectors.position_of(loan, today)
    ctx = {
        "loan": loan,
        "position": position,
        "category_label": Category(position.category).label,
        "schedule": selectors.schedule_of(loan),
        "repayments": selectors.repayments_of(loan),
        "drawdowns": loan.drawdowns.all(),
        "today": today,
        "can_repay": loan.lender_id == actor.org_id and actor.has_role("admin", "officer"),
    }
    return render(request, "loans/detail.html", ctx)


@login_required_actor
def loan_report(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = LoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dd_amount = data.pop("first_drawdown_amount")
        dd_date = data.pop("first_drawdown_date")
        data = {k: ("" if v is None and k != "spread" else v) for k, v in data.items()}
        try:
            reported = reporting.loans_report(actor=actor, items=[reporting.LoanInput(**data)])
            if dd_amount:
                reporting.drawdowns_report(
                    actor=actor,
                    items=[
                        reporting.DrawdownInput(
                            loan_external_id=data["external_id"],
                            external_id=f"{data['external_id']}-1",
                            date=dd_date or data["contract_date"],
                            amount=dd_amount,
                        )
                    ],
                )
        except BatchRejected as exc:
            _field_errors(form, exc)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "贷款已报送")
            return redirect("loans:detail", loan_id=reported[0].id)
    return render(request, "loans/report.html", {"form": form})


@login_required_actor
def repayment_report(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    loan = selectors.loan_get(actor, loan_id)
    form = RepaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = reporting.RepaymentInput(loan_external_id=loan.external_id, **form.cleaned_data)
        try:
            reporting.repayments_report(actor=actor, items=[item])
        except BatchRejected as exc:
            for e in exc.item_errors:
                name = {"payment": "amount", "loan_external_id": None}.get(e.field, e.field)
                form.add_error(name if name in form.fields else None, e.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "还款已报送并按 罚息→利息→本金 顺序分配")
            return redirect("loans:detail", loan_id=loan.pk)
    return render(request, "loans/repay.html", {"form": form, "loan": loan})


@login_required_actor
def loan_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    kind = request.GET.get("template")
    if kind in imports.COLUMNS:
        headers = [label for _, label, _ in imports.COLUMNS[kind]]
        return template_xlsx(f"{kind}-template", headers, [""] * len(headers))
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            done = imports.loans_import(
                actor=actor, kind=form.cleaned_data["kind"], upload=upload, filename=upload.name
            )
        except ImportRejected as exc:
            row_errors = [e.as_dict() for e in exc.row_errors]
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            created = sum(1 for r in done if r.created)
            messages.success(
                request, f"导入完成：新增 {created} 条，已存在未变 {len(done) - created} 条"
            )
            return redirect("loans:list")
    return render(
        request,
        "loans/import.html",
        {"form": form, "row_errors": row_errors, "kinds": imports.COLUMNS},
    )


@login_required_actor
def rate_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rates.benchmark_rate_add(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "基准利率已录入")
            return redirect("loans:rates")
    table = rates.rate_table()
    packaged = rates.packaged_rows()
    rows = sorted(table.rows, key=lambda r: (r.effective_date, r.table, r.tenor), reverse=True)
    ctx = {
        "rows": [(r, r in packaged) for r in rows],
        "form": form,
        "can_edit": actor.is_city and actor.has_role("admin", "officer"),
        "answers_until": table.answers_until,
    }
    return render(request, "loans/rates.html", ctx)
