"""Pages of the evaluations: the enterprise's self-evaluation, correction requests, the city's
runs (progress polled with htmx) and publication, results and per-district statistics."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.access import require_government
from kejin.apps.enterprises.forms import (
    CorrectionForm,
    DecisionForm,
    PublishForm,
    RunForm,
    SelfEvaluationForm,
)
from kejin.apps.enterprises.models import CorrectionStatus
from kejin.apps.enterprises.services import corrections, evaluation, runs
from kejin.apps.enterprises.services.financials import YEAR_FIELDS, YEAR_LABELS
from kejin.apps.enterprises.views.common import district_options, enterprise_context, to_mine
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.rules import divisions
from kejin.rules.errors import DomainError


@login_required_actor
def self_evaluation_mine(request: HttpRequest) -> HttpResponse:
    return to_mine(request, "enterprises:self_evaluation")


@login_required_actor
def self_evaluation(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "self_evaluation")
    actor = actor_of(request)
    filed = [row.year for row in selectors.financial_years_for(actor, enterprise_id)]
    form = SelfEvaluationForm(request.POST or None, years=filed)
    if request.method == "POST" and form.is_valid():
        try:
            record = evaluation.self_evaluation_run(
                actor=actor, enterprise_id=enterprise_id, year=form.cleaned_data["year"],
                reference_date=form.cleaned_data["reference_date"],
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect(
                "enterprises:self_evaluation_detail", enterprise_id=enterprise_id, pk=record.pk
            )
    history = selectors.self_evaluations_for(actor, enterprise_id)
    ctx |= paginate(request, history) | {"form": form, "filed": filed, "export_url": None}
    return render(request, "enterprises/self_evaluation.html", ctx)


@login_required_actor
def self_evaluation_detail(request: HttpRequest, enterprise_id: int, pk: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "self_evaluation")
    record = selectors.self_evaluation_get(actor_of(request), enterprise_id, pk)
    ctx |= {"record": record, "o": record.outcome, "facts": record.facts}
    return render(request, "enterprises/self_evaluation_detail.html", ctx)


def _changes_of(form: CorrectionForm, row: Any) -> dict[str, Any]:
    """The fields the person changed on the correction form."""
    changes: dict[str, Any] = {}
    for spec in YEAR_FIELDS:
        value = form.cleaned_data.get(spec.name)
        if value in (None, ""):
            continue
        current = getattr(row, spec.name)
        if spec.kind == "bool":
            if current is None or value != ("yes" if current else "no"):
                changes[spec.name] = value
        elif str(value) != str(current):
            changes[spec.name] = value
    return changes


@login_required_actor
@require_POST
def correction_create(request: HttpRequest, enterprise_id: int, year: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "years")
    row = selectors.financial_year_for(actor_of(request), enterprise_id, year)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            corrections.correction_request_create(
                actor=actor_of(request), enterprise_id=enterprise_id, year=year,
                changes=_changes_of(form, row), reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as exc:
            if exc.status == 404:
                raise
            apply_domain_error(form, exc)
        else:
            messages.success(request, "更正申请已提交，请等待市科技局审核")
            return redirect("enterprises:corrections", enterprise_id=enterprise_id)
    ctx |= {"row": row, "form": form}
    return render(request, "enterprises/year_edit.html", ctx, status=422)


def _lines(record: Any) -> list[tuple[str, str, str]]:
    """(label, old value, new value) of each field a correction changes."""
    return [
        (YEAR_LABELS.get(k, k), record.previous.get(k, ""), v) for k, v in record.changes.items()
    ]


def _correction_page(request: HttpRequest, qs: Any) -> dict[str, Any]:
    page = paginate(request, qs)
    for record in page["page"]:
        record.lines = _lines(record)
    return page | {"export_url": None}


@login_required_actor
def enterprise_corrections(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "corrections")
    qs = selectors.corrections_for(actor_of(request), enterprise_id=enterprise_id)
    ctx |= _correction_page(request, qs)
    return render(request, "enterprises/corrections.html", ctx)


@login_required_actor
def correction_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_government(actor)
    status = request.GET.get("status", CorrectionStatus.PENDING)
    qs = selectors.corrections_for(actor, status=status)
    ctx = _correction_page(request, qs) | {
        "status": status,
        "statuses": CorrectionStatus.choices,
        "queue": True,
    }
    return render(request, "enterprises/corrections.html", ctx)


@login_required_actor
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.correction_get(actor, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            corrections.correction_request_decide(
                actor=actor, correction_id=pk, approve=approve, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            apply_domain_error(form, exc)
        else:
            messages.success(request, "已批准，数据已更正" if approve else "已驳回")
            return redirect("enterprises:correction_queue")
    lines = _lines(record)
    can_decide = (
        actor.is_city
        and actor.has_role(*corrections.DECIDER_ROLES)
        and record.status == CorrectionStatus.PENDING
    )
    ctx = {"record": record, "lines": lines, "form": form, "can_decide": can_decide}
    return render(request, "enterprises/correction_detail.html", ctx)


RESULT_EXPORT = [
    ("name", "企业"),
    ("uscc", "统一社会信用代码"),
    ("district", "区县"),
    ("year", "年度"),
    ("complete", "资料齐全"),
    ("missing", "缺少的资料"),
    ("tech_staff_points", "科技人员得分"),
    ("rd_points", "研发投入得分"),
    ("ip_points", "知识产权得分"),
    ("total_score", "总分"),
    ("eligible", "符合资格条件"),
    ("direct_qualification", "直接认定"),
    ("qualified", "符合条件"),
]


def _result_row(r: Any) -> dict[str, Any]:
    flags = ("complete", "eligible", "direct_qualification", "qualified")
    row = {name: getattr(r, name) for name, _ in RESULT_EXPORT if hasattr(r, name)}
    row |= {f: "是" if getattr(r, f) else "否" for f in flags}
    return row | {
        "name": r.enterprise.name,
        "uscc": r.enterprise.uscc,
        "district": divisions.name(r.enterprise.district_code),
    }


@login_required_actor
def results(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    g = request.GET
    f = selectors.ResultFilter(
        run_id=int(g["run"]) if g.get("run", "").isdigit() else None,
        year=int(g["year"]) if g.get("year", "").isdigit() else None,
        district_code=g.get("district_code", ""),
        outcome=g.get("outcome", ""),
        q=g.get("q", "").strip(),
    )
    run, qs = selectors.results_for(actor, f)
    if wants_export(request):
        return export_list("tech-sme-results", RESULT_EXPORT, qs, _result_row)
    ctx = paginate(request, qs) | {
        "run": run,
        "f": f,
        "years": selectors.evaluated_years(),
        "districts": district_options() if actor.is_city else [],
    }
    return render(request, "enterprises/results.html", ctx)


@login_required_actor
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(actor_of(request), pk)
    outcome = evaluation.explain_snapshot(result.facts) if result.facts else None
    return render(request, "enterprises/result_detail.html", {"result": result, "o": outcome})


@login_required_actor
def stats(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_government(actor)
    year = request.GET.get("year", "")
    run = selectors.current_run(int(year) if year.isdigit() else None)
    rows = selectors.district_stats(actor, run) if run else []
    for row in rows:
        row["name"] = divisions.name(str(row["district_code"]))
        row["share"] = (
            f"{row['qualified'] * 100 / row['complete']:.1f}%" if row["complete"] else "—"
        )
    chart = {
        "names": [r["name"] for r in rows],
        "qualified": [r["qualified"] for r in rows],
        "complete": [r["complete"] for r in rows],
    }
    totals = {k: sum(int(r[k]) for r in rows) for k in ("total", "complete", "qualified", "direct")}
    ctx = {
        "run": run,
        "rows": rows,
        "totals": totals,
        "chart": chart,
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "years": selectors.evaluated_years(),
    }
    return render(request, "enterprises/stats.html", ctx)


@login_required_actor
def run_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.runs_for(actor)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.evaluation_run_start(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已发起 {run.year} 年度批量评价")
            return redirect("enterprises:run_detail", pk=run.pk)
    ctx = paginate(request, qs) | {"form": form, "export_url": None}
    return render(request, "enterprises/runs.html", ctx)


@login_required_actor
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    run = selectors.run_get(actor, pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            runs.evaluation_run_publish(actor=actor, run_id=pk, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 404:
                raise
            apply_domain_error(form, exc)
        else:
            messages.success(request, "评价结果已公示")
            return redirect("enterprises:run_detail", pk=pk)
    stats = selectors.district_stats(actor, run) if run.is_finished else []
    for row in stats:
        row["name"] = divisions.name(str(row["district_code"]))
    ctx = {"run": run, "form": form, "stats": stats, "today": timezone.localdate()}
    return render(request, "enterprises/run_detail.html", ctx)


@login_required_actor
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the run page polls every 2 s (htmx); it stops once finished."""
    run = selectors.run_get(actor_of(request), pk)
    response = render(request, "enterprises/_run_progress.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
