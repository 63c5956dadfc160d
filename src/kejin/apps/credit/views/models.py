"""Pages of the city office: scoring models (list, training with progress, model card, four-eyes
approval), rating batches with PSI monitoring, scoring parameters."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kejin.apps.credit import selectors
from kejin.apps.credit.forms import DecisionForm, ParameterForm, TrainForm
from kejin.apps.credit.modelling.catalogue import BY_CODE, CODES, OUTCOME
from kejin.apps.credit.models import ModelStatus, ScoringModel
from kejin.apps.credit.services import models as model_services
from kejin.apps.credit.services import parameters, ratings
from kejin.platform.pages import actor_of, apply_domain_error, login_required_actor
from kejin.platform.tenancy import Actor
from kejin.rules import scoring
from kejin.rules.errors import DomainError, PermissionDenied


def _city(actor: Actor) -> None:
    if not actor.is_city:
        raise PermissionDenied("评分模型仅供市科技局使用")


@login_required_actor
def model_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _city(actor)
    items = list(selectors.models_for(actor))
    batches = list(selectors.batches_for(actor)[:10])
    ctx = {
        "models": items,
        "batches": batches,
        "active": ratings.approved_model(),
        "latest": batches[0] if batches else None,
        "psi_alert": scoring.PSI_ALERT,
        "can_train": actor.has_role(*model_services.TRAINERS),
        "can_rate": actor.has_role("admin", "officer", "reviewer"),
    }
    return render(request, "credit/models.html", ctx)


@login_required_actor
def model_train(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _city(actor)
    form = TrainForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["source"] == "csv":
                upload = data.get("file")
                if upload is None:
                    raise DomainError(
                        "import.bad_file", "请上传 CSV 文件", {"file": "请上传 CSV 文件"}
                    )
                model = model_services.scoring_model_train_csv(
                    actor=actor, name=data["name"], upload=upload, filename=upload.name
                )
            else:
                model = model_services.scoring_model_train_platform(
                    actor=actor, name=data["name"], observation_date=data["observation_date"]
                )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("credit:model", model_id=model.pk)
    ctx = {"form": form, "codes": [(c, BY_CODE[c].label) for c in CODES], "outcome": OUTCOME}
    return render(request, "credit/train.html", ctx)


@login_required_actor
def training_template(request: HttpRequest) -> HttpResponse:
    """A CSV header of every feature column and the outcome, with one example row."""
    _city(actor_of(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CODES, OUTCOME])
    writer.writerow(["" for _ in CODES] + ["0"])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="training-template.csv"'
    return response


def _card_context(model: ScoringModel) -> dict[str, Any]:
    features = []
    if model.scorecard:
        card = model.card
        for fc in card.features:
            feature = BY_CODE.get(fc.code)
            features.append(
                {
                    "code": fc.code,
                    "label": feature.label if feature else fc.code,
                    "group": feature.group if feature else "",
                    "coefficient": fc.coefficient,
                    "iv": fc.iv,
                    "bins": [*fc.bins, fc.missing],
                    "best": fc.best_points,
                }
            )
    dist = model.distribution or {}
    batch = selectors.latest_batch(model.pk)
    chart = {
        "grades": list(scoring.GRADES),
        "training": [dist.get("grades", {}).get(g, 0) for g in scoring.GRADES],
        "latest": [batch.grades.get(g, 0) for g in scoring.GRADES] if batch else [],
    }
    return {
        "model": model,
        "features": features,
        "metrics": model.metrics or {},
        "summary": model.summary or {},
        "summary_features": [
            (BY_CODE[c].label if c in BY_CODE else c, v)
            for c, v in (model.summary or {}).get("features", {}).items()
        ],
        "distribution": dist,
        "chart": chart,
        "batch": batch,
        "psi_alert": scoring.PSI_ALERT,
    }


@login_required_actor
def model_card(request: HttpRequest, model_id: int) -> HttpResponse:
    actor = actor_of(request)
    _city(actor)
    model = selectors.model_get(actor, model_id)
    ctx = _card_context(model)
    ctx["form"] = DecisionForm()
    ctx["can_decide"] = (
        model.status == ModelStatus.TRAINED
        and actor.has_role(*model_services.APPROVERS)
        and actor.user is not None
        and actor.user.pk != model.trained_by_id
    )
    ctx["is_trainer"] = actor.user is not None and actor.user.pk == model.trained_by_id
    return render(request, "credit/model_card.html", ctx)


@login_required_actor
def model_progress(request: HttpRequest, model_id: int) -> HttpResponse:
    """The htmx fragment polled every 2 s while a model trains."""
    actor = actor_of(request)
    _city(actor)
    model = selectors.model_get(actor, model_id)
    response = render(request, "credit/_model_progress.html", {"model": model})
    if model.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required_actor
@require_POST
def model_decide(request: HttpRequest, model_id: int) -> HttpResponse:
    actor = actor_of(request)
    _city(actor)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            model = model_services.scoring_model_approve(actor=actor, model_id=model_id, note=note)
            messages.success(request, f"模型 {model.label} 已审批启用")
        else:
            model = model_services.scoring_model_reject(actor=actor, model_id=model_id, note=note)
            messages.success(request, f"模型 {model.label} 未予启用")
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect("credit:model", model_id=model_id)


@login_required_actor
@require_POST
def batch_start(request: HttpRequest) -> HttpResponse:
    try:
        batch = ratings.rating_batch_start(actor=actor_of(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credit:models")
    return redirect("credit:batch", batch_id=batch.pk)


@login_required_actor
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = actor_of(request)
    batch = selectors.batch_get(actor, batch_id)
    template = (
        "credit/_batch_progress.html" if request.headers.get("HX-Request") else "credit/batch.html"
    )
    ctx = {"batch": batch, "psi_alert": scoring.PSI_ALERT, "grades": scoring.GRADES}
    response = render(request, template, ctx)
    if request.headers.get("HX-Request") and batch.status in ("done", "failed"):
        response["HX-Refresh"] = "true"
    return response


@login_required_actor
def parameter_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _city(actor)
    form = ParameterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            parameters.scoring_parameter_add(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "已新增评分参数取值")
            return redirect("credit:parameters")
    today = timezone.localdate()
    in_force = ratings.scaling_params_on(today)
    ctx = {
        "form": form,
        "values": selectors.scoring_parameters(),
        "in_force": in_force,
        "factor": in_force.factor,
        "offset": in_force.offset,
        "can_edit": actor.has_role("admin"),
    }
    return render(request, "credit/parameters.html", ctx)
