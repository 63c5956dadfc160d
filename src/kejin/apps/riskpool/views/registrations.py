"""Registration pages: a bank's list (with its suspension shown), register one loan, import a
spreadsheet; the detail with the recovery form once the loan is compensated."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kejin.apps.riskpool import exports, selectors
from kejin.apps.riskpool.forms import ImportForm, RecoveryForm, RegistrationForm
from kejin.apps.riskpool.models import ClaimStatus, RegistrationStatus
from kejin.apps.riskpool.services import imports, recoveries, registrations
from kejin.apps.riskpool.services.common import require_bank, today
from kejin.apps.riskpool.services.suspensions import describe
from kejin.apps.riskpool.views.common import int_or_none, is_bank, pool_choices
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.spreadsheets import ImportRejected, template_xlsx
from kejin.rules import divisions
from kejin.rules.errors import DomainError


@login_required_actor
def registration_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    g = request.GET
    f = selectors.RegistrationFilter(
        q=g.get("q", "").strip(),
        pool_id=int_or_none(g.get("pool")),
        bank_id=int_or_none(g.get("bank")),
        status=g.get("status", ""),
        district_code=g.get("district_code", ""),
        insured=g.get("insured", ""),
    )
    qs = selectors.registration_list_for(actor, f)
    if wants_export(request):
        return exports.registrations_xlsx(qs)
    active = list(selectors.suspensions_for(actor, active_only=True)) if is_bank(actor) else []
    ctx = {
        **paginate(request, qs),
        "f": f,
        "statuses": RegistrationStatus.choices,
        "pools": selectors.pool_list_for(actor),
        "is_bank": is_bank(actor),
        "suspensions": [(s, describe(s)) for s in active],
        "divisions": divisions,
    }
    return render(request, "riskpool/registration_list.html", ctx)


@login_required_actor
def registration_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_bank(actor)
    insurers = [(o.pk, o.name) for o in selectors.insurers()]
    form = RegistrationForm(
        request.POST or None,
        pools=pool_choices(actor),
        insurers=insurers,
        initial={"registered_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = registrations.registration_create(
                actor=actor,
                pool_id=d["pool"],
                data=registrations.RegistrationInput(
                    loan_external_id=d["loan_external_id"],
                    registered_on=d["registered_on"],
                    insurer_id=d["insurer_id"],
                    policy_number=d["policy_number"],
                ),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"贷款 {reg.loan.external_id} 已登记入池")
            return redirect("riskpool:registration", registration_id=reg.pk)
    ctx = {"form": form, "loans": selectors.registrable_loans_for(actor)}
    return render(request, "riskpool/registration_form.html", ctx)


@login_required_actor
def registration_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_bank(actor)
    if request.GET.get("template"):
        headers = [label for _, label in imports.COLUMNS]
        return template_xlsx(
            "入池登记导入模板", headers, ["JL-2024-001", today().isoformat(), "", ""]
        )
    form = ImportForm(request.POST or None, request.FILES or None, pools=pool_choices(actor))
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = imports.registrations_import(
                actor=actor, pool_id=form.cleaned_data["pool"], upload=upload, filename=upload.name
            )
        except ImportRejected as exc:
            row_errors = [e.as_dict() for e in exc.row_errors]
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已登记入池 {len(created)} 笔贷款")
            return redirect("riskpool:registrations")
    labels = dict(imports.COLUMNS)
    for e in row_errors:
        e["label"] = labels.get(e["field"], e["field"])
    return render(
        request, "riskpool/registration_import.html", {"form": form, "row_errors": row_errors}
    )


@login_required_actor
def registration_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    actor = actor_of(request)
    reg = selectors.registration_get(actor, registration_id)
    claims = selectors.claims_of(reg)
    paid = next((c for c in claims if c.status == ClaimStatus.PAID), None)
    can_recover = paid is not None and (
        actor.is_city or (is_bank(actor) and actor.org_id == reg.bank_id)
    )
    form = RecoveryForm(request.POST or None, initial={"received_on": today()})
    if request.method == "POST" and can_recover and form.is_valid():
        try:
            recovery = recoveries.recovery_record(
                actor=actor, registration_id=reg.pk, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"已登记追偿回收 {recovery.amount} 元：返还资金池 {recovery.pool_part} 元、"
                f"银行 {recovery.bank_part} 元、保险公司 {recovery.insurer_part} 元",
            )
            return redirect("riskpool:registration", registration_id=reg.pk)
    ctx = {
        "reg": reg,
        "claims": claims,
        "paid": paid,
        "recoveries": selectors.recoveries_of(paid) if paid else [],
        "can_recover": can_recover,
        "form": form,
        "divisions": divisions,
    }
    return render(request, "riskpool/registration_detail.html", ctx)
