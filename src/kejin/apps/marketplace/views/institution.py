"""An institution's pages: its products (draft, submit, edit, pause, resume, retire) and its
leads (需求对接: the demands matching its products or sent to it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.forms import ProductForm
from kejin.apps.marketplace.models import Product, ProductStatus
from kejin.apps.marketplace.services import products
from kejin.apps.marketplace.services.leads import lead_credit_view
from kejin.apps.marketplace.views.common import done, failed, public_card, reasons_of
from kejin.apps.marketplace.views.enterprise import DEMAND_COLUMNS, demand_row
from kejin.apps.marketplace.views.public import PRODUCT_COLUMNS, product_row
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.rules.errors import DomainError, PermissionDenied

PRODUCT_FIELDS = list(ProductForm.base_fields)


def _require_institution(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if actor.kind not in OrgKind.institutions():
        raise PermissionDenied("只有金融机构可以使用此页面")
    return actor


@login_required_actor
def my_products(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not (actor.kind in OrgKind.institutions() or actor.is_city):
        raise PermissionDenied("只有金融机构可以管理产品")
    g = request.GET
    f = selectors.ProductFilter(
        q=g.get("q", "").strip(),
        kind=g.get("kind", ""),
        status=g.get("status", ""),
        sort=g.get("sort", "-created"),
    )
    qs = selectors.products_for(actor, f)
    if wants_export(request):
        return export_list("my-products", PRODUCT_COLUMNS, qs.iterator(), product_row)
    ctx = {**paginate(request, qs), "f": f, "statuses": ProductStatus.choices}
    return render(request, "marketplace/my_products.html", ctx)


def _product_input(form: ProductForm) -> products.ProductInput:
    return products.ProductInput(**form.cleaned_data)


@login_required_actor
def product_new(request: HttpRequest) -> HttpResponse:
    actor = _require_institution(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("submit") == "1"
        try:
            product = products.product_create(actor=actor, data=_product_input(form), submit=submit)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            message = "产品已提交市科技局审核" if submit else "产品已保存为草稿"
            return done(request, message, "marketplace:product", product.pk)
    return render(request, "marketplace/product_form.html", {"form": form, "product": None})


def _initial(product: Product) -> dict[str, Any]:
    return {name: getattr(product, name) for name in PRODUCT_FIELDS}


@login_required_actor
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _require_institution(request)
    product = selectors.product_get(actor, product_id)
    if product.institution_id != actor.org_id:
        raise PermissionDenied("只有发布机构可以修改产品")
    form = ProductForm(request.POST or None, initial=_initial(product))
    if request.method == "POST" and form.is_valid():
        try:
            product = products.product_update(
                actor=actor, product_id=product.pk, data=_product_input(form)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return done(
                request,
                f"产品已保存（{product.get_status_display()}）",
                "marketplace:product",
                product.pk,
            )
    return render(request, "marketplace/product_form.html", {"form": form, "product": product})


PRODUCT_ACTIONS = {
    "submit": (products.product_submit, "产品已提交市科技局审核"),
    "pause": (products.product_pause, "产品已暂停，暂停期间不参与匹配"),
    "resume": (products.product_resume, "产品已恢复上架"),
    "retire": (products.product_retire, "产品已下架"),
}


@login_required_actor
@require_POST
def product_action(request: HttpRequest, product_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in PRODUCT_ACTIONS:
        raise PermissionDenied("未知的操作")
    service, message = PRODUCT_ACTIONS[action]
    try:
        service(actor=actor_of(request), product_id=product_id)
    except DomainError as exc:
        return failed(request, exc, "marketplace:product", product_id)
    return done(request, message, "marketplace:product", product_id)


@login_required_actor
def lead_list(request: HttpRequest) -> HttpResponse:
    """需求对接: the open demands matching the institution's products or sent to it."""
    actor = _require_institution(request)
    g = request.GET
    f = selectors.DemandFilter(q=g.get("q", "").strip(), sort=g.get("sort", "-score"))
    qs = selectors.leads_for(actor, f)
    if wants_export(request):
        return export_list("leads", DEMAND_COLUMNS, qs.iterator(), demand_row)
    return render(request, "marketplace/leads.html", {**paginate(request, qs), "f": f})


@login_required_actor
def lead_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    """One lead: the demand, the enterprise's public card, the institution's matching products
    with their reasons; the credit profile only under the enterprise's consent (each read
    logged)."""
    actor = _require_institution(request)
    demand = selectors.demand_get(actor, demand_id)
    credit, credit_error = None, ""
    if request.GET.get("credit") == "1":
        try:
            credit = lead_credit_view(actor=actor, enterprise_id=demand.enterprise_id)
        except DomainError as exc:
            credit_error = exc.message
    matches = [
        {"match": m, "reasons": reasons_of(actor, m, consent=credit is not None)}
        for m in selectors.matches_for(actor, demand_id=demand.pk)
    ]
    ctx = {
        "demand": demand,
        "card": public_card(demand.enterprise_id),
        "matches": matches,
        "targeted": actor.org_id in [t.pk for t in selectors.targets_of(demand)],
        "credit": credit,
        "credit_error": credit_error,
        "applications": selectors.applications_for(actor).filter(demand_id=demand.pk),
    }
    return render(request, "marketplace/lead_detail.html", ctx)
