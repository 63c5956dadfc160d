"""Pages: disputes (异议与修复 for the enterprise, 异议处理 for the city office and sources)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kejin.apps.credit import selectors
from kejin.apps.credit.forms import DisputeForm, ResolveForm
from kejin.apps.credit.models import DisputeStatus, RecordStatus
from kejin.apps.credit.services import disputes
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import actor_of, apply_domain_error, login_required_actor, paginate
from kejin.rules.errors import DomainError


@login_required_actor
def dispute_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = request.GET.get("status", "")
    qs = selectors.disputes_for(actor, status)
    ctx = {
        **paginate(request, qs),
        "status": status,
        "statuses": DisputeStatus.choices,
        "is_enterprise": actor.kind == OrgKind.ENTERPRISE,
    }
    if actor.kind == OrgKind.ENTERPRISE:
        ctx["records"] = (
            selectors.records_of(actor.org_id or 0)
            .filter(person_id_hash="")
            .exclude(status=RecordStatus.WITHDRAWN)[:200]
        )
    return render(request, "credit/disputes.html", ctx)


@login_required_actor
def dispute_new(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.record_get(actor, record_id)
    form = DisputeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = disputes.dispute_raise(
                actor=actor,
                record_id=record.pk,
                reason=form.cleaned_data["reason"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "异议已提交，请在本页跟踪处理进度")
            return redirect("credit:dispute", dispute_id=made.pk)
    return render(request, "credit/dispute_form.html", {"form": form, "record": record})


@login_required_actor
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    actor = actor_of(request)
    dispute = selectors.dispute_get(actor, dispute_id)
    can_resolve = (
        dispute.status == DisputeStatus.OPEN
        and (actor.is_city or actor.org_id == dispute.record.source_id)
        and actor.has_role("admin", "officer", "reviewer")
    )
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and can_resolve and form.is_valid():
        data = form.cleaned_data
        try:
            disputes.dispute_resolve(
                actor=actor,
                dispute_id=dispute.pk,
                upheld=data["decision"] == "upheld",
                note=data["note"],
                resolution=data.get("resolution") or "withdraw",
                correction=form.correction(),
            )
        except DomainError as exc:
            fields = {k.replace("correction.", "correction_"): v for k, v in exc.fields.items()}
            apply_domain_error(form, DomainError(exc.code, exc.message, fields, exc.status))
        else:
            messages.success(request, "异议已处理")
            return redirect("credit:dispute", dispute_id=dispute.pk)
    ctx = {"dispute": dispute, "record": dispute.record, "form": form, "can_resolve": can_resolve}
    return render(request, "credit/dispute_detail.html", ctx)
