"""Reads of the marketplace, always scoped to the actor.

- Products: the public sees listed products; an institution its own in every state; the city
  office all.
- Demands: an enterprise its own; a district office its district's; the city all. An institution
  sees a demand only as a *lead*: an open demand that matches one of its products on the public
  criteria, or that was sent to it (never a demand sent only to others).
- Matches: an enterprise sees its eligible matches; an institution its products' matches on its
  leads, with the private reasons (revenue, credit grade) only under the enterprise's consent.
- Applications: the enterprise and the institution party to it; the district; the city.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from kejin.apps.marketplace.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CrowdfundingProgress,
    CrowdfundingProject,
    Demand,
    DemandStatus,
    DemandTarget,
    Investment,
    LinkageDeal,
    LinkageStatus,
    Match,
    Product,
    ProductStatus,
    ProjectStatus,
    RematchRun,
)
from kejin.apps.marketplace.search import search_filter
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import NotFound
from kejin.rules.money import ZERO, round_fen

PRIVATE_HIDDEN = "须经企业授权后可见"

# --- products ------------------------------------------------------------------------------

PRODUCT_SORTS = {
    "-listed": "-listed_at",
    "name": "name",
    "rate": "rate_min",
    "-amount": "-amount_max",
    "response": "response_days",
    "-created": "-created_at",
}


@dataclass(frozen=True)
class ProductFilter:
    q: str = ""
    kind: str = ""
    guarantee: str = ""
    status: str = ""
    institution_id: int | None = None
    sort: str = "-listed"


def _filter_products(qs: QuerySet[Product], f: ProductFilter) -> QuerySet[Product]:
    if f.q:
        qs = search_filter(qs, f.q)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.guarantee:
        qs = qs.filter(guarantee=f.guarantee)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.institution_id:
        qs = qs.filter(institution_id=f.institution_id)
    return qs.select_related("institution").order_by(PRODUCT_SORTS.get(f.sort, "-listed_at"), "pk")


def products_public(f: ProductFilter | None = None) -> QuerySet[Product]:
    """The shelf anyone may browse: listed products."""
    f = f or ProductFilter()
    return _filter_products(
        Product.objects.filter(status=ProductStatus.LISTED),
        replace(f, status=""),
    )


def products_for(actor: Actor, f: ProductFilter | None = None) -> QuerySet[Product]:
    """An institution's own products in every state; the city office's view of all."""
    f = f or ProductFilter(sort="-created")
    return _filter_products(Product.objects.visible_to(actor), f)


def product_get(actor: Actor, product_id: int) -> Product:
    """A listed product (anyone), or one the actor owns or reviews (any state)."""
    qs = Product.objects.select_related("institution", "reviewed_by")
    product = qs.filter(pk=product_id).first()
    if product is None:
        raise NotFound("产品")
    if product.status == ProductStatus.LISTED:
        return product
    return access(actor, qs, product_id, what="产品")


def products_to_review(actor: Actor) -> QuerySet[Product]:
    if not actor.is_city:
        return Product.objects.none()
    return (
        Product.objects.filter(status=ProductStatus.PENDING)
        .select_related("institution")
        .order_by("submitted_at", "pk")
    )


# --- demands and leads -----------------------------------------------------------------------


@dataclass(frozen=True)
class DemandFilter:
    q: str = ""
    status: str = ""
    district_code: str = ""
    sort: str = "-created"


DEMAND_SORTS = {
    "-created": "-created_at",
    "needed_by": "needed_by",
    "-amount": "-amount",
    "-score": "-best_score",
}


def _filter_demands(qs: QuerySet[Demand], f: DemandFilter, default: str) -> QuerySet[Demand]:
    if f.q:
        qs = search_filter(qs, f.q)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.district_code:
        qs = qs.filter(enterprise__district_code=f.district_code)
    order = DEMAND_SORTS.get(f.sort, default)
    if order == "-best_score" and "best_score" not in qs.query.annotations:
        order = default
    return qs.select_related("enterprise").order_by(order, "-pk")


def demands_for(actor: Actor, f: DemandFilter | None = None) -> QuerySet[Demand]:
    """The enterprise's own demands; the district's; all (city). Institutions use leads."""
    f = f or DemandFilter()
    qs = Demand.objects.visible_to(actor).annotate(
        match_count=Count("matches", filter=Q(matches__eligible=True))
    )
    return _filter_demands(qs, f, "-created_at")


def _lead_conditions(institution_id: int) -> tuple[QuerySet[Match], QuerySet[DemandTarget]]:
    matched = Match.objects.filter(
        institution_id=institution_id, eligible_public=True, demand_id=OuterRef("pk")
    )
    targeted = DemandTarget.objects.filter(institution_id=institution_id, demand_id=OuterRef("pk"))
    return matched, targeted


def leads_for(actor: Actor, f: DemandFilter | None = None) -> QuerySet[Demand]:
    """Open demands matching the institution's products (public criteria) or sent to it."""
    f = f or DemandFilter(sort="-score")
    if actor.kind not in OrgKind.institutions():
        return Demand.objects.none()
    matched, targeted = _lead_conditions(actor.org_id)  # type: ignore[arg-type]
    qs = (
        Demand.objects.filter(status=DemandStatus.OPEN)
        .filter(Exists(matched) | Exists(targeted))
        .annotate(
            best_score=Subquery(matched.order_by("-score").values("score")[:1]),
            product_count=Subquery(
                matched.order_by().values("demand_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            is_targeted=Exists(targeted),
        )
    )
    return _filter_demands(qs, f, "-best_score")


def is_lead(actor: Actor, demand: Demand) -> bool:
    return leads_for(actor).filter(pk=demand.pk).exists()


def demand_get(actor: Actor, demand_id: int) -> Demand:
    """A demand the actor may see: its own, its district's, all (city), or a lead of the
    institution (an institution also keeps seeing a demand it has an application on)."""
    qs = Demand.objects.select_related("enterprise")
    if actor.kind in OrgKind.institutions():
        demand = leads_for(actor, DemandFilter()).filter(pk=demand_id).first()
        if demand is None and str(demand_id).isdigit():
            applied = Application.objects.filter(
                institution_id=actor.org_id, demand_id=demand_id
            ).exists()
            demand = qs.filter(pk=demand_id).first() if applied else None
        if demand is None:
            raise NotFound("融资需求")
        return demand
    return access(actor, qs, demand_id, what="融资需求")


def targets_of(demand: Demand) -> list[Organisation]:
    return [t.institution for t in demand.targets.select_related("institution").order_by("pk")]


# --- matches -------------------------------------------------------------------------------


def matches_for(actor: Actor, *, demand_id: int | None = None) -> QuerySet[Match]:
    """The enterprise's eligible matches (best first); a district's or the city's view; an
    institution's matches on its leads."""
    qs = Match.objects.visible_to(actor).select_related(
        "product", "product__institution", "demand", "enterprise"
    )
    if actor.kind == OrgKind.ENTERPRISE:
        qs = qs.filter(enterprise_id=actor.org_id, eligible=True)
    elif actor.kind in OrgKind.institutions():
        qs = qs.filter(
            institution_id=actor.org_id, eligible_public=True, demand__status=DemandStatus.OPEN
        )
    if demand_id is not None:
        qs = qs.filter(demand_id=demand_id)
    return qs.order_by("-score", "product__name", "pk")


def open_matches_for(actor: Actor) -> QuerySet[Match]:
    """The matches of open demands (the enterprise's 匹配产品)."""
    return matches_for(actor).filter(demand__status=DemandStatus.OPEN)


def match_of(actor: Actor, demand_id: int, product_id: int) -> Match | None:
    return (
        Match.objects.visible_to(actor).filter(demand_id=demand_id, product_id=product_id).first()
    )


def present_reasons(reasons: list[dict[str, Any]], *, show_private: bool) -> list[dict[str, Any]]:
    """The reasons as a person may read them: private ones (revenue, credit grade) hidden unless
    ``show_private`` (the enterprise itself, the city, or an institution under consent)."""
    out = []
    for r in reasons:
        if r.get("private") and not show_private:
            out.append({**r, "ok": None, "text": PRIVATE_HIDDEN})
        else:
            out.append(r)
    return out


# --- applications --------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationFilter:
    q: str = ""
    status: str = ""
    overdue: bool = False
    product_id: int | None = None
    sort: str = "-submitted"


APPLICATION_SORTS = {
    "-submitted": "-submitted_at",
    "due_on": "due_on",
    "-amount": "-amount",
}


def applications_for(actor: Actor, f: ApplicationFilter | None = None) -> QuerySet[Application]:
    f = f or ApplicationFilter()
    qs = Application.objects.visible_to(actor).select_related(
        "product", "enterprise", "institution", "demand"
    )
    if f.q:
        qs = qs.filter(
            Q(product__name__icontains=f.q)
            | Q(enterprise__name__icontains=f.q)
            | Q(institution__name__icontains=f.q)
            | Q(demand__title__icontains=f.q)
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.product_id:
        qs = qs.filter(product_id=f.product_id)
    return qs.order_by(APPLICATION_SORTS.get(f.sort, "-submitted_at"), "-pk")


def overdue_q(today: date | None = None) -> Q:
    """Unanswered after the promised date."""
    today = today or timezone.localdate()
    return Q(status=ApplicationStatus.SUBMITTED, first_response_at__isnull=True, due_on__lt=today)


def is_overdue(application: Application, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        application.status == ApplicationStatus.SUBMITTED
        and application.first_response_at is None
        and application.due_on is not None
        and application.due_on < today
    )


def application_get(actor: Actor, application_id: int) -> Application:
    return access(
        actor,
        Application.objects.select_related(
            "product", "enterprise", "institution", "demand", "investment", "decided_by"
        ),
        application_id,
        what="申请",
    )


def events_of(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("by_organisation", "by_user").order_by("at", "pk")


def application_for_pair(actor: Actor, demand_id: int, product_id: int) -> Application | None:
    return (
        Application.objects.visible_to(actor)
        .filter(demand_id=demand_id, product_id=product_id)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )


# --- linkage, investments, crowdfunding ------------------------------------------------------


def linkage_for(actor: Actor, status: str = "") -> QuerySet[LinkageDeal]:
    qs = LinkageDeal.objects.visible_to(actor).select_related("enterprise", "investor", "bank")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-signed_on", "-pk")


def linkage_get(actor: Actor, deal_id: int) -> LinkageDeal:
    return access(
        actor,
        LinkageDeal.objects.select_related("enterprise", "investor", "bank", "investment"),
        deal_id,
        what="投贷联动",
    )


def linkage_kpis(actor: Actor, *, year: int | None = None) -> dict[str, Any]:
    """Confirmed linkage deals the actor may see: count, amounts, by district (for oversight)."""
    qs = LinkageDeal.objects.visible_to(actor).filter(status=LinkageStatus.CONFIRMED)
    if year:
        qs = qs.filter(signed_on__year=year)
    sums = {
        "deals": Count("pk"),
        "investment": Sum("investment_amount"),
        "loans": Sum("loan_amount"),
    }

    def exact(row: dict[str, Any]) -> dict[str, Any]:
        return {
            **row,
            "investment": round_fen(row["investment"] or ZERO),
            "loans": round_fen(row["loans"] or ZERO),
        }

    by_district = [
        exact(r)
        for r in qs.values("enterprise__district_code")
        .annotate(**sums)
        .order_by("enterprise__district_code")
    ]
    return {**exact(qs.aggregate(**sums)), "by_district": by_district}


def investments_for(actor: Actor) -> QuerySet[Investment]:
    return Investment.objects.visible_to(actor).select_related("investor", "enterprise")


def projects_public(q: str = "", kind: str = "") -> QuerySet[CrowdfundingProject]:
    """Published and closed projects: what the public sees of the board."""
    qs = CrowdfundingProject.objects.filter(
        status__in=(ProjectStatus.PUBLISHED, ProjectStatus.CLOSED)
    )
    if q:
        qs = search_filter(qs, q)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("enterprise", "host").order_by("status", "deadline", "pk")


def projects_for(actor: Actor, status: str = "") -> QuerySet[CrowdfundingProject]:
    """The enterprise's own projects, the host's, a district's, all (city)."""
    qs = CrowdfundingProject.objects.visible_to(actor).select_related("enterprise", "host")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def project_get(actor: Actor, project_id: int) -> CrowdfundingProject:
    qs = CrowdfundingProject.objects.select_related("enterprise", "host", "moderated_by")
    project = qs.filter(pk=project_id).first()
    if project is None:
        raise NotFound("众筹项目")
    if project.status in (ProjectStatus.PUBLISHED, ProjectStatus.CLOSED):
        return project
    return access(actor, qs, project_id, what="众筹项目")


def projects_to_moderate(actor: Actor) -> QuerySet[CrowdfundingProject]:
    if not actor.is_city:
        return CrowdfundingProject.objects.none()
    return (
        CrowdfundingProject.objects.filter(status=ProjectStatus.PENDING)
        .select_related("enterprise", "host")
        .order_by("created_at")
    )


def progress_of(project: CrowdfundingProject) -> QuerySet[CrowdfundingProgress]:
    return project.progress_reports.select_related("reported_by").order_by("-reported_on", "-pk")


# --- choices for forms -----------------------------------------------------------------------


def active_institutions(kinds: frozenset[str] | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(
        kind__in=kinds or OrgKind.institutions(), status=OrgStatus.ACTIVE
    )
    return qs.order_by("kind", "name")


def open_demands_of(actor: Actor) -> QuerySet[Demand]:
    if actor.kind != OrgKind.ENTERPRISE:
        return Demand.objects.none()
    return (
        Demand.objects.visible_to(actor)
        .filter(enterprise_id=actor.org_id, status=DemandStatus.OPEN)
        .order_by("-created_at")
    )


def enterprises_for_linkage(actor: Actor, q: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    return qs.order_by("name")


def rematch_runs(actor: Actor) -> QuerySet[RematchRun]:
    if not actor.is_city:
        return RematchRun.objects.none()
    return RematchRun.objects.select_related("started_by").order_by("-created_at")


def rematch_run_get(actor: Actor, run_id: int) -> RematchRun:
    run = rematch_runs(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound("重新匹配任务")
    return run


# --- search --------------------------------------------------------------------------------


def search_for(actor: Actor, query: str, *, limit: int = 20) -> dict[str, list[Any]]:
    """Products, demands and crowdfunding projects whose text contains every term of ``query``
    (Chinese by bigrams), each limited to what the actor may see."""
    visible = Q(status=ProductStatus.LISTED)
    if actor.kind in OrgKind.institutions():
        visible |= Q(institution_id=actor.org_id)
    products = _filter_products(
        Product.objects.all() if actor.is_city else Product.objects.filter(visible),
        ProductFilter(q=query),
    )
    if actor.kind in OrgKind.institutions():
        demands = leads_for(actor, DemandFilter(q=query))
    elif actor.is_public:
        demands = Demand.objects.none()
    else:
        demands = demands_for(actor, DemandFilter(q=query))
    projects = projects_public(q=query)
    return {
        "products": list(products[:limit]),
        "demands": list(demands[:limit]),
        "projects": list(projects[:limit]),
    }
