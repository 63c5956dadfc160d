"""The city office's pages: product review and crowdfunding moderation, the statistics with their
charts, the whole-market rematch (with its progress)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.forms import ModerateForm
from kejin.apps.marketplace.services import crowdfunding, matching, products
from kejin.apps.marketplace.stats import GROUPINGS, StatFilter, StatRow, chart_data, market_stats
from kejin.apps.marketplace.views.common import done, failed, get_date
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import actor_of, login_required_actor
from kejin.platform.spreadsheets import export_xlsx
from kejin.rules.errors import DomainError, PermissionDenied

STAT_COLUMNS = [
    ("label", "分组"),
    ("demands", "需求数"),
    ("matches", "匹配数"),
    ("applications", "申请数"),
    ("granted", "获批数"),
    ("declined", "未获批数"),
    ("grant_rate", "获批率（%）"),
    ("avg_response_days", "平均首次答复用时（工作日）"),
    ("amount_granted", "获批金额（元）"),
]


def _stat_row(r: StatRow) -> dict[str, Any]:
    return {name: getattr(r, name) for name, _ in STAT_COLUMNS}


@login_required_actor
def review(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_city:
        raise PermissionDenied("只有市科技局可以审核产品和众筹项目")
    ctx = {
        "products": selectors.products_to_review(actor),
        "projects": selectors.projects_to_moderate(actor),
        "form": ModerateForm(),
    }
    return render(request, "marketplace/review.html", ctx)


@login_required_actor
@require_POST
def product_review(request: HttpRequest, product_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    try:
        products.product_review(
            actor=actor_of(request),
            product_id=product_id,
            approve=approve,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return failed(request, exc, "marketplace:review")
    return done(request, "产品已上架" if approve else "产品已退回", "marketplace:review")


@login_required_actor
@require_POST
def project_moderate(request: HttpRequest, project_id: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    try:
        crowdfunding.project_moderate(
            actor=actor_of(request),
            project_id=project_id,
            decision=decision,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return failed(request, exc, "marketplace:project", project_id)
    labels = {"publish": "项目已发布", "reject": "项目已退回", "hide": "项目已屏蔽"}
    return done(request, labels.get(decision, "已处理"), "marketplace:project", project_id)


@login_required_actor
def stats(request: HttpRequest) -> HttpResponse:
    """对接统计: by institution, product kind or district, with charts and an xlsx export."""
    actor = actor_of(request)
    if not (actor.is_city or actor.is_district or actor.kind in OrgKind.institutions()):
        raise PermissionDenied("您没有查看对接统计的权限")
    f = StatFilter(
        by=request.GET.get("by", "institution"),
        date_from=get_date(request, "date_from"),
        date_to=get_date(request, "date_to"),
    )
    rows, total = market_stats(actor, f)
    if request.GET.get("export") == "xlsx":
        return export_xlsx(
            f"market-stats-{f.by}", STAT_COLUMNS, [_stat_row(r) for r in [*rows, total]]
        )
    year = f.date_from.year if f.date_from else None
    ctx = {
        "f": f,
        "rows": rows,
        "total": total,
        "groupings": GROUPINGS,
        "group_label": GROUPINGS.get(f.by, ""),
        "chart": json.dumps(chart_data(rows), ensure_ascii=False),
        "linkage": selectors.linkage_kpis(actor, year=year),
        "runs": selectors.rematch_runs(actor)[:5],
        "query": request.GET.urlencode(),
    }
    return render(request, "marketplace/stats.html", ctx)


@login_required_actor
@require_POST
def rematch(request: HttpRequest) -> HttpResponse:
    try:
        run = matching.market_rematch_start(actor=actor_of(request))
    except DomainError as exc:
        return failed(request, exc, "marketplace:stats")
    return done(request, "已开始全市场重新匹配", "marketplace:rematch_run", run.pk)


@login_required_actor
def rematch_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.rematch_run_get(actor_of(request), run_id)
    polling = bool(request.headers.get("HX-Request"))
    template = "marketplace/_rematch_progress.html" if polling else "marketplace/rematch.html"
    response = render(request, template, {"run": run})
    if polling and run.status in ("done", "failed"):
        response["HX-Refresh"] = "true"
    return response
