"""Products, demands, matches and leads over the API: thin handlers (auth → access → service →
schema)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.models import Demand, Match, Product
from kejin.apps.marketplace.schemas import (
    CloseIn,
    CreditOut,
    DemandIn,
    DemandOut,
    LeadDetailOut,
    LeadOut,
    MatchOut,
    ProductIn,
    ProductOut,
    ReviewIn,
)
from kejin.apps.marketplace.services import demands, products
from kejin.apps.marketplace.services.leads import lead_credit_view
from kejin.apps.marketplace.views.common import public_card, reasons_of
from kejin.platform import pages
from kejin.platform.api import ERROR_RESPONSES, actor_of
from kejin.platform.tenancy import Actor
from kejin.rules.errors import NotFound

router = Router(tags=["marketplace 金融服务超市"])


class ProductQuery(Schema):
    q: str = ""
    kind: str = ""
    guarantee: str = ""
    status: str = ""
    sort: str = "-listed"


class DemandQuery(Schema):
    q: str = ""
    status: str = ""
    district_code: str = ""
    sort: str = "-created"


def match_out(actor: Actor, match: Match, *, consent: bool = False) -> dict[str, Any]:
    return {
        "id": match.pk,
        "demand_id": match.demand_id,
        "product_id": match.product_id,
        "product_name": match.product.name,
        "institution_id": match.institution_id,
        "institution_name": match.product.institution.name,
        "enterprise_id": match.enterprise_id,
        "score": match.score,
        "eligible": match.eligible,
        "reasons": reasons_of(actor, match, consent=consent),
        "score_trace": match.score_trace,
        "computed_at": match.computed_at,
    }


# --- products ------------------------------------------------------------------------------


@router.get("/products", response=list[ProductOut], auth=None)
@paginate(PageNumberPagination)
def product_shelf(request: HttpRequest, filters: Query[ProductQuery]) -> object:
    """Public: the listed products."""
    return selectors.products_public(selectors.ProductFilter(**filters.dict()))


@router.get("/products/mine", response=list[ProductOut])
@paginate(PageNumberPagination)
def product_list_mine(request: HttpRequest, filters: Query[ProductQuery]) -> object:
    """The institution's own products in every state (the city office: all)."""
    return selectors.products_for(actor_of(request), selectors.ProductFilter(**filters.dict()))


@router.get("/products/{product_id}", response={200: ProductOut, **ERROR_RESPONSES}, auth=None)
def product_detail(request: HttpRequest, product_id: int) -> Product:
    return selectors.product_get(pages.actor_of(request), product_id)


@router.post("/products", response={201: ProductOut, **ERROR_RESPONSES})
def product_create(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    data = payload.dict()
    submit = data.pop("submit")
    product = products.product_create(
        actor=actor_of(request), data=products.ProductInput(**data), submit=submit
    )
    return Status(201, product)


@router.put("/products/{product_id}", response={200: ProductOut, **ERROR_RESPONSES})
def product_update(request: HttpRequest, product_id: int, payload: ProductIn) -> Product:
    data = payload.dict()
    data.pop("submit")
    return products.product_update(
        actor=actor_of(request), product_id=product_id, data=products.ProductInput(**data)
    )


@router.post("/products/{product_id}/submit", response={200: ProductOut, **ERROR_RESPONSES})
def product_submit(request: HttpRequest, product_id: int) -> Product:
    return products.product_submit(actor=actor_of(request), product_id=product_id)


@router.post("/products/{product_id}/review", response={200: ProductOut, **ERROR_RESPONSES})
def product_review(request: HttpRequest, product_id: int, payload: ReviewIn) -> Product:
    return products.product_review(actor=actor_of(request), product_id=product_id, **payload.dict())


@router.post("/products/{product_id}/pause", response={200: ProductOut, **ERROR_RESPONSES})
def product_pause(request: HttpRequest, product_id: int) -> Product:
    return products.product_pause(actor=actor_of(request), product_id=product_id)


@router.post("/products/{product_id}/resume", response={200: ProductOut, **ERROR_RESPONSES})
def product_resume(request: HttpRequest, product_id: int) -> Product:
    return products.product_resume(actor=actor_of(request), product_id=product_id)


@router.post("/products/{product_id}/retire", response={200: ProductOut, **ERROR_RESPONSES})
def product_retire(request: HttpRequest, product_id: int) -> Product:
    return products.product_retire(actor=actor_of(request), product_id=product_id)


# --- demands and matches ---------------------------------------------------------------------


@router.get("/demands", response=list[DemandOut])
@paginate(PageNumberPagination)
def demand_list(request: HttpRequest, filters: Query[DemandQuery]) -> object:
    return selectors.demands_for(actor_of(request), selectors.DemandFilter(**filters.dict()))


@router.post("/demands", response={201: DemandOut, **ERROR_RESPONSES})
def demand_create(request: HttpRequest, payload: DemandIn) -> Status[Demand]:
    demand = demands.demand_create(
        actor=actor_of(request), data=demands.DemandInput(**payload.dict())
    )
    return Status(201, demand)


@router.get("/demands/{demand_id}", response={200: DemandOut, **ERROR_RESPONSES})
def demand_detail(request: HttpRequest, demand_id: int) -> Demand:
    actor = actor_of(request)
    demand = selectors.demand_get(actor, demand_id)
    if actor.kind != "enterprise" and not (actor.is_city or actor.is_district):
        raise NotFound("融资需求")  # institutions read demands as leads
    return demand


@router.put("/demands/{demand_id}", response={200: DemandOut, **ERROR_RESPONSES})
def demand_update(request: HttpRequest, demand_id: int, payload: DemandIn) -> Demand:
    return demands.demand_update(
        actor=actor_of(request), demand_id=demand_id, data=demands.DemandInput(**payload.dict())
    )


@router.post("/demands/{demand_id}/close", response={200: DemandOut, **ERROR_RESPONSES})
def demand_close(request: HttpRequest, demand_id: int, payload: CloseIn) -> Demand:
    return demands.demand_close(actor=actor_of(request), demand_id=demand_id, status=payload.status)


@router.get("/demands/{demand_id}/matches", response={200: list[MatchOut], **ERROR_RESPONSES})
def demand_matches(request: HttpRequest, demand_id: int) -> list[dict[str, Any]]:
    actor = actor_of(request)
    demand = selectors.demand_get(actor, demand_id)
    return [match_out(actor, m) for m in selectors.matches_for(actor, demand_id=demand.pk)]


@router.get("/matches", response=list[MatchOut])
@paginate(PageNumberPagination)
def match_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The enterprise's eligible matches, best first."""
    actor = actor_of(request)
    return [match_out(actor, m) for m in selectors.matches_for(actor)]


# --- leads (institutions) ----------------------------------------------------------------------


@router.get("/leads", response=list[LeadOut])
@paginate(PageNumberPagination)
def lead_list(request: HttpRequest, filters: Query[DemandQuery]) -> object:
    f = selectors.DemandFilter(**{**filters.dict(), "sort": filters.sort or "-score"})
    return selectors.leads_for(actor_of(request), f)


@router.get("/leads/{demand_id}", response={200: LeadDetailOut, **ERROR_RESPONSES})
def lead_detail(request: HttpRequest, demand_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    demand = selectors.leads_for(actor).filter(pk=demand_id).first()
    if demand is None:
        raise NotFound("融资需求")
    matches = selectors.matches_for(actor, demand_id=demand.pk)
    return {
        "demand": demand,
        "enterprise": public_card(demand.enterprise_id),
        "matches": [match_out(actor, m) for m in matches],
        "targeted": bool(demand.is_targeted),
    }


@router.get("/leads/{demand_id}/credit", response={200: CreditOut, **ERROR_RESPONSES})
def lead_credit(request: HttpRequest, demand_id: int) -> object:
    """The enterprise's grade and revenue: only under its consent (each read logged)."""
    actor = actor_of(request)
    demand = selectors.demand_get(actor, demand_id)
    return lead_credit_view(actor=actor, enterprise_id=demand.enterprise_id)
