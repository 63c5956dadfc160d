"""The reviewers' pages: the district and city queues (filters, SLA ageing, export), the review
actions of one application, and the city's bulk approval."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.policies import selectors
from kejin.apps.policies.services import review
from kejin.apps.policies.views.common import (
    APPLICATION_COLUMNS,
    application_filter,
    application_row,
    filter_context,
    with_ageing,
)
from kejin.platform.pages import actor_of, export_list, login_required_actor, paginate, wants_export
from kejin.rules.errors import DomainError, NotFound, PermissionDenied


@login_required_actor
def district_queue(request: HttpRequest) -> HttpResponse:
    """申报初审: the district office's queue, oldest deadline first."""
    actor = actor_of(request)
    if not actor.is_district:
        raise PermissionDenied("申报初审由区科技局办理")
    f = application_filter(request, sort="due")
    qs = selectors.district_queue(actor, f)
    if wants_export(request):
        return export_list("district-review", APPLICATION_COLUMNS, qs.iterator(), application_row)
    ctx = {
        **paginate(request, qs),
        "f": f,
        **filter_context(),
        "title": "申报初审",
        "level": "district",
    }
    with_ageing(ctx["page"])
    return render(request, "policies/queue.html", ctx)


@login_required_actor
def city_queue(request: HttpRequest) -> HttpResponse:
    """申报复审: proposals to make and proposals to approve (bulk approval here)."""
    actor = actor_of(request)
    if not actor.is_city:
        raise PermissionDenied("申报复审由市科技局办理")
    f = application_filter(request, sort="due")
    qs = selectors.city_queue(actor, f)
    if wants_export(request):
        return export_list("city-review", APPLICATION_COLUMNS, qs.iterator(), application_row)
    ctx = {
        **paginate(request, qs),
        "f": f,
        **filter_context(),
        "title": "申报复审",
        "level": "city",
    }
    with_ageing(ctx["page"])
    return render(request, "policies/queue.html", ctx)


@login_required_actor
def all_applications(request: HttpRequest) -> HttpResponse:
    """Every application the actor may see (district: its district; city: all)."""
    actor = actor_of(request)
    f = application_filter(request)
    qs = selectors.application_list_for(actor, f)
    if wants_export(request):
        return export_list("applications", APPLICATION_COLUMNS, qs.iterator(), application_row)
    ctx = {**paginate(request, qs), "f": f, **filter_context(), "title": "全部申报", "level": "all"}
    with_ageing(ctx["page"])
    return render(request, "policies/queue.html", ctx)


def _act(request: HttpRequest, pk: int, done: str, fn, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        a = fn(actor=actor_of(request), application_id=pk, **kwargs)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"申报 {a.number}：{done}（{a.get_status_display()}）")
    return redirect("policies:application", pk=pk)


@login_required_actor
@require_POST
def district_review(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    return _act(
        request,
        pk,
        "初审意见已提交",
        review.application_district_review,
        decision=decision,
        reason=request.POST.get("reason", ""),
    )


@login_required_actor
@require_POST
def city_review(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    return _act(
        request,
        pk,
        "复审意见已提交",
        review.application_city_review,
        decision=decision,
        reason=request.POST.get("reason", ""),
    )


@login_required_actor
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "已审批，资金已占用", review.application_city_approve)


@login_required_actor
@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    if not ids:
        messages.error(request, "请勾选要审批的申报")
        return redirect("policies:review_city")
    try:
        result = review.applications_bulk_approve(actor=actor_of(request), application_ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policies:review_city")
    if result.approved:
        numbers = "、".join(a.number for a in result.approved)
        messages.success(request, f"已审批 {len(result.approved)} 项：{numbers}")
    for _pk, message in result.refused:
        messages.error(request, message)
    return redirect("policies:review_city")
