"""Pages: consents (授权管理), executives and their personal consent, the read log (查询记录)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kejin.apps.credit import selectors
from kejin.apps.credit.forms import ConsentForm, ExecutiveConsentForm, ExecutiveForm
from kejin.apps.credit.models import Purpose, ReadLog, ReadOutcome
from kejin.apps.credit.services import consent, executives
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.rules.errors import DomainError, NotFound


@login_required_actor
def consents(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ConsentForm(request.POST or None, institutions=selectors.institutions_for_consent())
    if request.method == "POST" and form.is_valid():
        try:
            made = consent.consent_grant(
                actor=actor,
                institution_id=form.cleaned_data["institution"],
                purpose=form.cleaned_data["purpose"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except DomainError as exc:
            apply_domain_error(form, renamed(exc, {"institution_id": "institution"}))
        else:
            messages.success(request, f"已授权 {made.institution.name} 查询本企业信用信息")
            return redirect("credit:consents")
    today = timezone.localdate()
    rows = [(c, c.state_on(today)) for c in selectors.consents_for(actor)]
    ctx = {
        "form": form,
        "rows": rows,
        "can_manage": actor.kind == OrgKind.ENTERPRISE and actor.has_role("admin"),
    }
    return render(request, "credit/consents.html", ctx)


def renamed(exc: DomainError, names: dict[str, str]) -> DomainError:
    """The same error with the service's field names mapped to the form's."""
    fields = {names.get(k, k): v for k, v in exc.fields.items()}
    return DomainError(exc.code, exc.message, fields, exc.status)


@login_required_actor
@require_POST
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    try:
        consent.consent_revoke(actor=actor_of(request), consent_id=consent_id)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "授权已撤销，立即失效")
    return redirect("credit:consents")


@login_required_actor
def executive_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind != OrgKind.ENTERPRISE:
        return redirect("credit:index")
    people = list(selectors.executives_of(actor))
    action = request.POST.get("action") if request.method == "POST" else None
    form = ExecutiveForm(request.POST if action == "add" else None)
    consent_form = ExecutiveConsentForm(
        request.POST if action == "consent" else None,
        request.FILES if action == "consent" else None,
        executives=people,
    )
    try:
        if action == "add" and form.is_valid():
            executives.executive_add(actor=actor, **form.cleaned_data)
            messages.success(request, "已登记高管")
            return redirect("credit:executives")
        if action == "consent" and consent_form.is_valid():
            data = consent_form.cleaned_data
            executives.executive_consent_confirm(
                actor=actor,
                executive_id=data["executive"],
                purpose=data["purpose"],
                signed_on=data["signed_on"],
                valid_until=data["valid_until"],
                document=data["document"],
            )
            messages.success(request, "已上传并确认高管本人授权")
            return redirect("credit:executives")
    except DomainError as exc:
        apply_domain_error(form if action == "add" else consent_form, exc)
    today = timezone.localdate()
    ctx = {
        "people": people,
        "form": form,
        "consent_form": consent_form,
        "today": today,
        "can_manage": actor.has_role("admin"),
    }
    return render(request, "credit/executives.html", ctx)


@login_required_actor
@require_POST
def executive_consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    try:
        executives.executive_consent_revoke(actor=actor_of(request), consent_id=consent_id)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "个人授权已撤销")
    return redirect("credit:executives")


READ_COLUMNS = [
    ("at", "时间"),
    ("enterprise", "被查询企业"),
    ("reader", "查询机构"),
    ("user", "查询人"),
    ("what", "查询内容"),
    ("purpose", "用途"),
    ("consent", "授权编号"),
    ("outcome", "结果"),
    ("reason", "说明"),
]


def _read_row(r: ReadLog) -> dict[str, Any]:
    return {
        "at": r.at,
        "enterprise": r.enterprise.name,
        "reader": r.reader.name,
        "user": str(r.reader_user or r.via_token),
        "what": r.get_what_display(),
        "purpose": r.purpose_label,
        "consent": r.consent_id or "",
        "outcome": r.get_outcome_display(),
        "reason": r.reason,
    }


@login_required_actor
def reads(request: HttpRequest) -> HttpResponse:
    """Who read the enterprise's credit data, when and why (and who was refused)."""
    actor = actor_of(request)
    g = request.GET
    f = selectors.ReadFilter(outcome=g.get("outcome", ""), reader=g.get("reader", "").strip())
    qs = selectors.reads_for(actor, f)
    if wants_export(request):
        return export_list("credit-reads", READ_COLUMNS, qs.iterator(), _read_row)
    ctx = {**paginate(request, qs), "f": f, "outcomes": ReadOutcome.choices, "purposes": Purpose}
    return render(request, "credit/reads.html", ctx)
