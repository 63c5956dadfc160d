"""Pages anyone may open: the product shelf, a product, the crowdfunding board, search."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.facts import INDUSTRY_LABELS
from kejin.apps.marketplace.fits import fits_for
from kejin.apps.marketplace.forms import ModerateForm, ProgressForm
from kejin.apps.marketplace.models import (
    CrowdfundingKind,
    Guarantee,
    Product,
    ProductKind,
    ProductStatus,
    ProjectStatus,
)
from kejin.apps.marketplace.views.common import get_int
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import actor_of, export_list, paginate, wants_export
from kejin.rules import divisions

PRODUCT_COLUMNS = [
    ("name", "产品名称"),
    ("institution", "发布机构"),
    ("kind", "产品类型"),
    ("amount", "额度（元）"),
    ("term", "期限（月）"),
    ("rate", "年利率（%）"),
    ("guarantee", "担保方式"),
    ("response_days", "承诺答复（工作日）"),
    ("status", "状态"),
]


def product_row(p: Product) -> dict[str, Any]:
    rate = f"{p.rate_min}–{p.rate_max}" if p.rate_min is not None else "—"
    return {
        "name": p.name,
        "institution": p.institution.name,
        "kind": p.get_kind_display(),
        "amount": f"{p.amount_min}–{p.amount_max}",
        "term": f"{p.term_min}–{p.term_max}",
        "rate": rate,
        "guarantee": p.get_guarantee_display(),
        "response_days": p.response_days,
        "status": p.get_status_display(),
    }


PROJECT_COLUMNS = [
    ("title", "项目名称"),
    ("enterprise", "发起企业"),
    ("kind", "众筹类型"),
    ("host", "众筹平台"),
    ("target_amount", "目标金额（元）"),
    ("raised_amount", "已筹金额（元）"),
    ("backers", "支持人数"),
    ("deadline", "截止日期"),
    ("status", "状态"),
]


def project_row(p: Any) -> dict[str, Any]:
    return {
        "title": p.title,
        "enterprise": p.enterprise.name,
        "kind": p.get_kind_display(),
        "host": p.host.name,
        "target_amount": p.target_amount,
        "raised_amount": p.raised_amount,
        "backers": p.backers,
        "deadline": p.deadline,
        "status": p.get_status_display(),
    }


def index(request: HttpRequest) -> HttpResponse:
    """/market/: where each person starts."""
    actor = actor_of(request)
    if actor.kind == OrgKind.ENTERPRISE:
        return redirect("marketplace:demands")
    if actor.kind in OrgKind.institutions():
        return redirect("marketplace:leads")
    if actor.is_city or actor.is_district:
        return redirect("marketplace:stats")
    return redirect("marketplace:products")


def product_shelf(request: HttpRequest) -> HttpResponse:
    g = request.GET
    f = selectors.ProductFilter(
        q=g.get("q", "").strip(),
        kind=g.get("kind", ""),
        guarantee=g.get("guarantee", ""),
        sort=g.get("sort", "-listed"),
    )
    qs = selectors.products_public(f)
    if wants_export(request):
        return export_list("products", PRODUCT_COLUMNS, qs.iterator(), product_row)
    ctx = {
        **paginate(request, qs),
        "f": f,
        "kinds": ProductKind.choices,
        "guarantees": Guarantee.choices,
    }
    return render(request, "marketplace/products.html", ctx)


def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = actor_of(request)
    product = selectors.product_get(actor, product_id)
    ctx = {
        "product": product,
        "fits": fits_for(actor, product) if actor.kind == OrgKind.ENTERPRISE else [],
        "is_owner": product.institution_id == actor.org_id,
        "can_review": actor.is_city and product.status == ProductStatus.PENDING,
        "districts": [divisions.name(c) for c in product.districts],
        "industries": [INDUSTRY_LABELS.get(c, c) for c in product.industries],
        "moderate_form": ModerateForm(),
    }
    return render(request, "marketplace/product_detail.html", ctx)


def project_board(request: HttpRequest) -> HttpResponse:
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    qs = selectors.projects_public(q=q, kind=kind)
    if wants_export(request):
        return export_list("crowdfunding", PROJECT_COLUMNS, qs.iterator(), project_row)
    ctx = {
        **paginate(request, qs, per_page=12),
        "q": q,
        "kind": kind,
        "kinds": CrowdfundingKind.choices,
    }
    return render(request, "marketplace/projects.html", ctx)


def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = selectors.project_get(actor, project_id)
    is_host = project.host_id == actor.org_id and project.status == ProjectStatus.PUBLISHED
    ctx = {
        "project": project,
        "reports": selectors.progress_of(project)[:20],
        "is_host": is_host,
        "progress_form": ProgressForm(
            initial={"raised_amount": project.raised_amount, "backers": project.backers}
        ),
        "can_moderate": actor.is_city,
        "moderate_form": ModerateForm(),
    }
    return render(request, "marketplace/project_detail.html", ctx)


def search(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = request.GET.get("q", "").strip()
    results = selectors.search_for(actor, q) if q else None
    return render(
        request,
        "marketplace/search.html",
        {"q": q, "results": results, "page_id": get_int(request, "page")},
    )
