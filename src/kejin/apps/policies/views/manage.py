"""The city office's management pages: programs, parameters (with the what-if before saving),
and the book-wide interest subsidy run (免申即享) with its progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kejin.apps.policies import clock, selectors
from kejin.apps.policies.forms import ParameterForm, ProgramForm, RunForm
from kejin.apps.policies.services import batch, parameters, programs
from kejin.platform.pages import actor_of, apply_domain_error, login_required_actor, paginate
from kejin.rules.errors import DomainError, NotFound, PermissionDenied


def _city(request: HttpRequest) -> None:
    if not actor_of(request).is_city:
        raise PermissionDenied("由市科技局管理")


@login_required_actor
def program_list(request: HttpRequest) -> HttpResponse:
    """项目管理."""
    _city(request)
    qs = selectors.programs_for_city(actor_of(request))
    today = clock.today()
    ctx = {**paginate(request, qs), "today": today}
    for p in ctx["page"]:
        p.phase = p.phase_on(today)
    return render(request, "policies/program_list.html", ctx)


@login_required_actor
def program_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _city(request)
    actor = actor_of(request)
    program = selectors.program_for_city(actor, pk) if pk else None
    initial = (
        ProgramForm.initial_from(program)
        if program
        else {"year": clock.today().year, "published": True}
    )
    form = ProgramForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = programs.ProgramInput(**form.data_for_service())
        try:
            saved = (
                programs.program_update(actor=actor, program_id=program.pk, data=data)
                if program
                else programs.program_create(actor=actor, data=data)
            )
        except NotFound:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"扶持项目已保存：{saved.title}")
            return redirect("policies:program", pk=saved.pk)
    return render(request, "policies/program_form.html", {"form": form, "program": program})


@login_required_actor
def parameter_page(request: HttpRequest) -> HttpResponse:
    """参数管理: every parameter's history; a draft value's what-if; adding the value."""
    _city(request)
    actor = actor_of(request)
    rows = selectors.parameter_overview()
    keys = [(r.key, f"{r.label}（{r.key}）") for r in rows]
    form = ParameterForm(request.POST or None, keys=keys)
    what_if = None
    if request.method == "POST" and form.is_valid():
        draft = parameters.DraftValue(**form.cleaned_data)
        try:
            if request.POST.get("action") == "save":
                saved = parameters.parameter_value_add(actor=actor, draft=draft)
                messages.success(
                    request,
                    f"参数 {saved.key} 已新增取值 {saved.value.normalize():f}，"
                    f"自 {saved.effective_from} 起施行",
                )
                return redirect("policies:parameters")
            what_if = parameters.parameter_what_if(actor=actor, draft=draft)
        except DomainError as exc:
            apply_domain_error(form, exc)
    ctx = {"rows": rows, "form": form, "what_if": what_if, "today": clock.today()}
    return render(request, "policies/parameters.html", ctx)


@login_required_actor
def run_list(request: HttpRequest) -> HttpResponse:
    """免申即享: start a book-wide run; past runs."""
    _city(request)
    actor = actor_of(request)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = batch.interest_batch_start(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("policies:batch_run", pk=run.pk)
    ctx = {**paginate(request, selectors.runs_for(actor)), "form": form}
    return render(request, "policies/runs.html", ctx)


@login_required_actor
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(actor_of(request), pk)
    drafts = run.proposed_applications.select_related("applicant").order_by("-amount", "pk")
    return render(request, "policies/run.html", {"run": run, **paginate(request, drafts)})


@login_required_actor
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block, polled every 2 s by the run page while the run is going."""
    run = selectors.run_get(actor_of(request), pk)
    return render(request, "policies/_run_progress.html", {"run": run})
