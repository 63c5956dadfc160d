"""Pages of the tech micro-loan business: the list (queue), apply, the case page with its actions,
and the parameters and limits. They call the same services and selectors as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.loans.models import LoanApplication
from kejin.apps.loans.origination import apply, contract, decide, disburse, price, selectors
from kejin.apps.loans.origination.forms import (
    ApplicationForm,
    ApproveForm,
    ContractForm,
    DeclineForm,
    DisburseForm,
    FilterForm,
)
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError, PermissionDenied
from kejin.rules.pricing import show_rate

EXPORT_COLUMNS = [
    ("id", "申请编号"),
    ("borrower", "申请企业"),
    ("uscc", "统一社会信用代码"),
    ("lender", "科技小额贷款公司"),
    ("amount", "申请金额"),
    ("term_months", "期限（月）"),
    ("purpose", "用途"),
    ("grade", "信用等级"),
    ("benchmark_rate", "基准利率%"),
    ("spread", "风险加点"),
    ("offered_rate", "定价利率%"),
    ("required_level", "审批权限"),
    ("maker", "经办人"),
    ("status", "状态"),
    ("submitted_at", "提交时间"),
    ("loan", "合同编号"),
]


def _row(a: LoanApplication) -> dict[str, Any]:
    return {
        "id": a.pk,
        "borrower": a.borrower.name,
        "uscc": a.borrower.uscc,
        "lender": a.lender.name,
        "amount": a.amount,
        "term_months": a.term_months,
        "purpose": a.purpose,
        "grade": a.grade or ("未评级" if a.offered_rate is not None else ""),
        "benchmark_rate": a.benchmark_rate,
        "spread": a.spread,
        "offered_rate": a.offered_rate,
        "required_level": a.get_required_level_display(),
        "maker": str(a.maker) if a.maker_id else "",
        "status": a.get_status_display(),
        "submitted_at": a.submitted_at.strftime("%Y-%m-%d %H:%M"),
        "loan": a.loan.external_id if a.loan_id else "",  # type: ignore[union-attr]
    }


@login_required_actor
def microloan_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = FilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    f = selectors.ApplicationFilter(
        q=(data.get("q") or "").strip(),
        status=data.get("status") or "",
        required_level=data.get("required_level") or "",
        todo=bool(data.get("todo")),
        sort=data.get("sort") or "-submitted_at",
    )
    qs = selectors.application_list_for(actor, f)
    if wants_export(request):
        return export_list("microloan-applications", EXPORT_COLUMNS, qs.iterator(), _row)
    ctx = {
        **paginate(request, qs),
        "filters": filters,
        "can_apply": actor.kind == "enterprise" and actor.has_role("admin", "officer"),
        "is_lender": actor.kind == "tech_micro_lender",
    }
    return render(request, "loans/microloans/list.html", ctx)


@login_required_actor
def microloan_apply(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind != "enterprise":
        raise PermissionDenied("只有企业可以申请科技小贷")
    lenders = selectors.lender_choices()
    initial = {"lender_id": request.GET.get("lender", "")}
    form = ApplicationForm(request.POST or None, lenders=lenders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = apply.application_submit(
                actor=actor, data=apply.ApplicationInput(**form.cleaned_data)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "申请已提交，已授权该公司查询本企业信用信息用于贷款审查")
            return redirect("loans:microloan_detail", application_id=application.pk)
    ctx = {"form": form, "parameters": selectors.parameters_in_force()}
    return render(request, "loans/microloans/apply.html", ctx)


def _detail(
    request: HttpRequest,
    actor: Actor,
    application: LoanApplication,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    forms_ = {
        "approve": ApproveForm(),
        "decline": DeclineForm(),
        "contract": ContractForm(),
        "disburse": DisburseForm(),
        **(bound or {}),
    }
    trace = application.pricing_trace or {}
    ctx = {
        "a": application,
        "decisions": selectors.decisions_of(application),
        "actions": selectors.actions_for(actor, application),
        "forms": forms_,
        "trace": trace,
        "authority": trace.get("authority", {}),
        "limit_checks": trace.get("limit_checks", []),
        "action_error": error,
        "headroom": selectors.borrower_headroom_for(actor, application),
        "shown": {
            "benchmark": show_rate(application.benchmark_rate)
            if application.benchmark_rate is not None
            else "",
            "spread": show_rate(application.spread) if application.spread is not None else "",
        },
        "maker_waiting": application.status == "in_approval"
        and actor.audit_user is not None
        and application.maker_id == actor.audit_user.pk,
    }
    return render(request, "loans/microloans/detail.html", ctx, status=status)


@login_required_actor
def microloan_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    return _detail(request, actor, selectors.application_get(actor, application_id))


def _act(
    request: HttpRequest,
    application_id: int,
    *,
    name: str,
    form_class: type[forms.Form] | None,
    run: Callable[[Actor, dict[str, Any]], LoanApplication],
    done: str,
) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor, application_id)  # 404 when invisible
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, actor, application, bound={name: form}, status=422)
    try:
        run(actor, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        application = selectors.application_get(actor, application_id)
        error = exc.message
        if form is not None and any(f in form.fields for f in exc.fields or {}):
            apply_domain_error(form, exc)
            error = ""
        bound = {name: form} if form else None
        return _detail(request, actor, application, bound=bound, error=error, status=exc.status)
    messages.success(request, done)
    return redirect("loans:microloan_detail", application_id=application_id)


@require_POST
@login_required_actor
def microloan_price(request: HttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        name="price",
        form_class=None,
        run=lambda actor, _d: price.application_price(actor=actor, application_id=application_id),
        done="已受理并完成定价，案件进入审批",
    )


@require_POST
@login_required_actor
def microloan_approve(request: HttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        name="approve",
        form_class=ApproveForm,
        run=lambda actor, d: decide.application_approve(
            actor=actor, application_id=application_id, reason=d["reason"]
        ),
        done="已提交同意意见",
    )


@require_POST
@login_required_actor
def microloan_decline(request: HttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        name="decline",
        form_class=DeclineForm,
        run=lambda actor, d: decide.application_decline(
            actor=actor, application_id=application_id, reason=d["reason"]
        ),
        done="申请已拒绝",
    )


@require_POST
@login_required_actor
def microloan_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        name="withdraw",
        form_class=None,
        run=lambda actor, _d: apply.application_withdraw(
            actor=actor, application_id=application_id
        ),
        done="申请已撤回",
    )


@require_POST
@login_required_actor
def microloan_contract(request: HttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        name="contract",
        form_class=ContractForm,
        run=lambda actor, d: contract.application_contract(
            actor=actor, application_id=application_id, **d
        ),
        done="合同已签订，贷款已登记到贷款台账",
    )


@require_POST
@login_required_actor
def microloan_disburse(request: HttpRequest, application_id: int) -> HttpResponse:
    return _act(
        request,
        application_id,
        name="disburse",
        form_class=DisburseForm,
        run=lambda actor, d: disburse.application_disburse(
            actor=actor, application_id=application_id, on=d["date"]
        ),
        done="已放款，还款计划已生成",
    )


@login_required_actor
def microloan_limits(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    ctx = {"p": selectors.parameters_in_force(), "book": selectors.lender_book_for(actor)}
    return render(request, "loans/microloans/limits.html", ctx)
