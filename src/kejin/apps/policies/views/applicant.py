"""The applicant's pages: programs open to me, apply, my applications, one application (its
trace, documents, history and the actions the viewer may take), milestones, messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.policies import selectors
from kejin.apps.policies.codes import ACTION_LABELS
from kejin.apps.policies.forms import ApplicationForm, DocumentForm, MilestoneForm, ReasonForm
from kejin.apps.policies.measures import measure_of
from kejin.apps.policies.models import COMMITTED, OPEN, WITHDRAWABLE, Application, Status
from kejin.apps.policies.notifications import notification_mark_read, notifications_for
from kejin.apps.policies.services import apply, milestones
from kejin.apps.policies.services.apply import missing_documents
from kejin.apps.policies.services.workflow import APPROVE_ROLES, REVIEW_ROLES
from kejin.apps.policies.views.common import (
    APPLICATION_COLUMNS,
    application_filter,
    application_row,
    filter_context,
    with_ageing,
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
from kejin.rules import divisions
from kejin.rules.errors import DomainError, NotFound


def programs(request: HttpRequest) -> HttpResponse:
    """扶持政策与申报: the programs open to me (everyone else: every published program)."""
    actor = actor_of(request)
    if actor.is_public or actor.is_city:
        ctx = {"programs": selectors.programs_public(), "mine": False}
    else:
        ctx = {"programs": selectors.programs_open_to(actor), "mine": True}
    return render(request, "policies/programs.html", ctx)


@login_required_actor
def apply_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    program = selectors.program_public(pk)
    measure = measure_of(program.measure)
    org = actor.organisation
    initial = {
        "payee_name": org.name if org else "",
        "contact_name": org.contact_name if org else "",
        "contact_phone": org.contact_phone if org else "",
    }
    form = ApplicationForm(request.POST or None, measure=measure, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = apply.application_create(
                actor=actor,
                data=apply.ApplicationInput(
                    program_id=program.pk, inputs=form.inputs(), **form.extra()
                ),
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_fields(dict(exc.fields or {}), exc.message)
            if exc.fields and not form.non_field_errors():
                form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"已保存申报草稿 {created.number}，请核对测算结果、上传材料后提交"
            )
            return redirect("policies:application", pk=created.pk)
    return render(
        request, "policies/apply.html", {"form": form, "program": program, "measure": measure}
    )


@login_required_actor
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor, pk)
    measure = measure_of(application.program.measure)
    form = ApplicationForm(
        request.POST or None,
        measure=measure,
        actor=actor,
        initial=ApplicationForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            apply.application_update(
                actor=actor, application_id=pk, changes={"inputs": form.inputs(), **form.extra()}
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_fields(dict(exc.fields or {}), exc.message)
            if exc.fields and not form.non_field_errors():
                form.add_error(None, exc.message)
        else:
            messages.success(request, "申报已保存，测算结果已更新")
            return redirect("policies:application", pk=pk)
    return render(
        request,
        "policies/apply.html",
        {
            "form": form,
            "program": application.program,
            "measure": measure,
            "application": application,
        },
    )


@login_required_actor
def mine(request: HttpRequest) -> HttpResponse:
    """我的申报."""
    actor = actor_of(request)
    f = application_filter(request)
    qs = selectors.my_applications(actor, f)
    if wants_export(request):
        return export_list("my-applications", APPLICATION_COLUMNS, qs.iterator(), application_row)
    ctx = {**paginate(request, qs), "f": f, **filter_context(), "title": "我的申报"}
    with_ageing(ctx["page"])
    return render(request, "policies/mine.html", ctx)


def _can(actor: Actor, a: Application) -> dict[str, bool]:
    applicant = actor.org_id == a.applicant_id and actor.has_role("admin", "officer")
    city = actor.is_city
    me = actor.audit_user
    return {
        "edit": applicant and a.status in (Status.DRAFT, Status.RETURNED),
        "submit": applicant and a.status in (Status.DRAFT, Status.RETURNED),
        "withdraw": applicant and a.status in WITHDRAWABLE,
        "district": actor.is_district
        and actor.district_code == a.district_code
        and a.status == Status.SUBMITTED
        and actor.has_role(*REVIEW_ROLES),
        "city_review": city
        and a.status in (Status.CITY_REVIEW, Status.CITY_PROPOSED)
        and actor.has_role(*REVIEW_ROLES),
        "approve": city
        and a.status == Status.CITY_PROPOSED
        and actor.has_role(*APPROVE_ROLES)
        and (me is None or a.proposed_by_id != me.pk),
        "own_proposal": city
        and a.status == Status.CITY_PROPOSED
        and me is not None
        and a.proposed_by_id == me.pk,
    }


@login_required_actor
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    a = selectors.application_get(actor, pk)
    can = _can(actor, a)
    events = list(selectors.events_of(a))
    for e in events:
        e.label = ACTION_LABELS.get(e.action, e.action)
    ctx: dict[str, Any] = {
        "a": a,
        "can": can,
        "ageing": selectors.ageing(a),
        "events": events,
        "documents": selectors.documents_of(a),
        "lines": selectors.interest_lines_of(a),
        "missing": missing_documents(a) if a.status in OPEN else [],
        "document_form": DocumentForm(program=a.program) if can["edit"] else None,
        "reason_form": ReasonForm(),
        "objections": selectors.objections_of(actor, a),
        "district_name": divisions.name(a.district_code),
        "committed": a.status in COMMITTED,
        "inputs": _inputs_display(actor, a),
        "trace_text": "\n".join(a.trace_lines or []),
    }
    return render(request, "policies/application.html", ctx)


def _inputs_display(actor: Actor, a: Application) -> list[tuple[str, str]]:
    """The application's inputs as (label, text); loans by their contract numbers."""
    measure = measure_of(a.program.measure)
    labels = {f.name: f.label for f in measure.fields}
    kinds = {f.name: f.kind for f in measure.fields}
    choices = {f.name: dict(f.choices) for f in measure.fields}
    out = []
    for name, value in (a.inputs or {}).items():
        if kinds.get(name) == "loans":
            text = "、".join(selectors.loans_named(actor, value or [])) or "—"
        elif kinds.get(name) in ("milestone", "milestones"):
            rows = selectors.milestones_for(actor, value if isinstance(value, list) else [value])
            text = "、".join(
                f"{m.enterprise.name} {m.get_kind_display()} {m.reached_on}" for m in rows
            ) or str(value)
        elif kinds.get(name) == "choice":
            text = str(choices[name].get(value, value))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            text = "；".join("，".join(str(v) for v in item.values()) for item in value)
        elif isinstance(value, list):
            text = "、".join(str(v) for v in value)
        else:
            text = "" if value is None else str(value)
        out.append((labels.get(name, name), text))
    return out


@login_required_actor
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    a = selectors.application_get(actor, pk)
    form = DocumentForm(request.POST, request.FILES, program=a.program)
    if form.is_valid():
        try:
            doc = apply.application_document_add(
                actor=actor,
                application_id=pk,
                code=form.cleaned_data["code"],
                upload=form.cleaned_data["file"],
            )
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已上传：{doc.label}")
    else:
        messages.error(request, "请选择材料名称和文件")
    return redirect("policies:application", pk=pk)


@login_required_actor
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    doc = selectors.document_get(actor_of(request), pk)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name)


@login_required_actor
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        a = apply.application_submit(actor=actor_of(request), application_id=pk)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"申报 {a.number} 已提交，当前状态：{a.get_status_display()}")
    return redirect("policies:application", pk=pk)


@login_required_actor
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        a = apply.application_withdraw(
            actor=actor_of(request), application_id=pk, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"申报 {a.number} 已撤回")
    return redirect("policies:application", pk=pk)


@login_required_actor
def milestone_list(request: HttpRequest) -> HttpResponse:
    """里程碑: the enterprise's own, or those a broker recorded for the enterprises it tutors."""
    actor = actor_of(request)
    form = MilestoneForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            m = milestones.milestone_record(
                actor=actor,
                data=milestones.MilestoneInput(
                    kind=data["kind"],
                    reached_on=data["reached_on"],
                    enterprise_uscc=data.get("enterprise_uscc", ""),
                    note=data.get("note", ""),
                ),
                evidence=data["evidence"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已登记：{m.enterprise.name} {m.get_kind_display()}")
            return redirect("policies:milestones")
    ctx = {**paginate(request, selectors.milestones_for(actor)), "form": form}
    return render(request, "policies/milestones.html", ctx)


@login_required_actor
def notifications(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        pk = request.POST.get("id", "")
        notification_mark_read(actor=actor, notification_id=int(pk) if pk.isdigit() else None)
        return redirect(request.POST.get("next") or "policies:notifications")
    qs = notifications_for(actor, unread_only=request.GET.get("unread") == "1")
    return render(request, "policies/notifications.html", paginate(request, qs))
