"""An enterprise's pages: its demands (posted, edited, closed), its matches with reasons, and
applying to a product. District and city offices read the demands of their scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.forms import ApplyForm, DemandForm
from kejin.apps.marketplace.models import Demand, DemandStatus
from kejin.apps.marketplace.services import applications, demands, matching
from kejin.apps.marketplace.views.common import done, failed, reasons_of
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

DEMAND_COLUMNS = [
    ("title", "需求标题"),
    ("enterprise", "企业"),
    ("amount", "融资金额（元）"),
    ("term_months", "期限（月）"),
    ("max_rate", "最高年利率（%）"),
    ("needed_by", "资金需求日期"),
    ("audience", "发布范围"),
    ("status", "状态"),
    ("created_at", "发布时间"),
]


def demand_row(d: Demand) -> dict[str, Any]:
    return {
        "title": d.title,
        "enterprise": d.enterprise.name,
        "amount": d.amount,
        "term_months": d.term_months,
        "max_rate": d.max_rate,
        "needed_by": d.needed_by,
        "audience": d.get_audience_display(),
        "status": d.get_status_display(),
        "created_at": d.created_at,
    }


MATCH_COLUMNS = [
    ("demand", "融资需求"),
    ("product", "产品"),
    ("institution", "机构"),
    ("score", "匹配度"),
    ("reasons", "匹配理由"),
]


def match_row(m: Any, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    """A match as exported; ``reasons`` as the reader may see them (private ones hidden)."""
    return {
        "demand": m.demand.title,
        "product": m.product.name,
        "institution": m.product.institution.name,
        "score": m.score,
        "reasons": "；".join(f"{r['label']}：{r['text']}" for r in reasons),
    }


def _institution_choices() -> list[tuple[int, str]]:
    return [(o.pk, f"{o.name}（{o.get_kind_display()}）") for o in selectors.active_institutions()]


def _demand_input(form: DemandForm) -> demands.DemandInput:
    data = form.cleaned_data
    return demands.DemandInput(
        title=data["title"],
        purpose=data["purpose"],
        amount=data["amount"],
        term_months=data["term_months"],
        needed_by=data["needed_by"],
        max_rate=data["max_rate"],
        guarantees=data["guarantees"],
        kinds=data["kinds"],
        audience=data["audience"],
        targets=[int(t) for t in data["targets"]],
    )


@login_required_actor
def demand_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind in OrgKind.institutions():
        return redirect("marketplace:leads")
    g = request.GET
    f = selectors.DemandFilter(
        q=g.get("q", "").strip(),
        status=g.get("status", ""),
        district_code=g.get("district_code", ""),
        sort=g.get("sort", "-created"),
    )
    if actor.kind == OrgKind.ENTERPRISE:
        matching.enterprise_rematch_if_stale(actor.org_id)  # type: ignore[arg-type]
    qs = selectors.demands_for(actor, f)
    if wants_export(request):
        return export_list("demands", DEMAND_COLUMNS, qs.iterator(), demand_row)
    ctx = {**paginate(request, qs), "f": f, "statuses": DemandStatus.choices}
    return render(request, "marketplace/demands.html", ctx)


@login_required_actor
def demand_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind != OrgKind.ENTERPRISE:
        raise PermissionDenied("只有企业可以发布融资需求")
    form = DemandForm(request.POST or None, institutions=_institution_choices())
    if request.method == "POST" and form.is_valid():
        try:
            demand = demands.demand_create(actor=actor, data=_demand_input(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            n = selectors.matches_for(actor, demand_id=demand.pk).count()
            return done(
                request, f"需求已发布，匹配到 {n} 个金融产品", "marketplace:demand", demand.pk
            )
    return render(request, "marketplace/demand_form.html", {"form": form, "demand": None})


@login_required_actor
def demand_edit(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor = actor_of(request)
    demand = selectors.demand_get(actor, demand_id)
    initial = {
        "title": demand.title,
        "purpose": demand.purpose,
        "amount": demand.amount,
        "term_months": demand.term_months,
        "max_rate": demand.max_rate,
        "needed_by": demand.needed_by,
        "guarantees": demand.guarantees,
        "kinds": demand.kinds,
        "audience": demand.audience,
        "targets": [str(t.pk) for t in selectors.targets_of(demand)],
    }
    form = DemandForm(request.POST or None, initial=initial, institutions=_institution_choices())
    if request.method == "POST" and form.is_valid():
        try:
            demands.demand_update(actor=actor, demand_id=demand.pk, data=_demand_input(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return done(request, "需求已更新并重新匹配", "marketplace:demand", demand.pk)
    return render(request, "marketplace/demand_form.html", {"form": form, "demand": demand})


@login_required_actor
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor = actor_of(request)
    demand = selectors.demand_get(actor, demand_id)
    if actor.kind in OrgKind.institutions():
        return redirect("marketplace:lead", demand.pk)
    matches = [
        {"match": m, "reasons": reasons_of(actor, m)}
        for m in selectors.matches_for(actor, demand_id=demand.pk)[:50]
    ]
    ctx = {
        "demand": demand,
        "matches": matches,
        "targets": selectors.targets_of(demand),
        "applications": selectors.applications_for(actor).filter(demand_id=demand.pk),
        "is_owner": demand.enterprise_id == actor.org_id,
    }
    return render(request, "marketplace/demand_detail.html", ctx)


@login_required_actor
@require_POST
def demand_close(request: HttpRequest, demand_id: int) -> HttpResponse:
    try:
        demands.demand_close(
            actor=actor_of(request), demand_id=demand_id, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        return failed(request, exc, "marketplace:demand", demand_id)
    return done(request, "需求已关闭", "marketplace:demand", demand_id)


@login_required_actor
def match_list(request: HttpRequest) -> HttpResponse:
    """匹配产品: every eligible match of the enterprise's open demands, best first."""
    actor = actor_of(request)
    if actor.kind == OrgKind.ENTERPRISE:
        matching.enterprise_rematch_if_stale(actor.org_id)  # type: ignore[arg-type]
    qs = selectors.open_matches_for(actor)
    if wants_export(request):
        return export_list(
            "matches", MATCH_COLUMNS, qs.iterator(), lambda m: match_row(m, reasons_of(actor, m))
        )
    ctx = paginate(request, qs, per_page=20)
    ctx["rows"] = [{"match": m, "reasons": reasons_of(actor, m)} for m in ctx["page"]]
    return render(request, "marketplace/matches.html", ctx)


@login_required_actor
def apply(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind != OrgKind.ENTERPRISE:
        raise PermissionDenied("只有企业可以申请金融产品")
    product = selectors.product_get(actor, product_id)
    open_demands = [
        (d.pk, f"{d.title}（{d.amount} 元，{d.term_months} 个月）")
        for d in selectors.open_demands_of(actor)
    ]
    if not open_demands:
        messages.info(request, "请先发布融资需求，再申请产品")
        return redirect("marketplace:demand_new")
    chosen = request.GET.get("demand")
    first = next((d for d in selectors.open_demands_of(actor) if str(d.pk) == chosen), None)
    first = first or selectors.open_demands_of(actor).first()
    initial = {"demand_id": first.pk, "amount": first.amount, "term_months": first.term_months}
    form = ApplyForm(request.POST or None, initial=initial, demands=open_demands)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        until = data["consent_valid_until"] if data["consent"] else None
        if data["consent"] and until is None:
            form.add_error("consent_valid_until", "请填写授权有效期")
        else:
            try:
                app = applications.application_submit(
                    actor=actor,
                    data=applications.ApplyInput(
                        demand_id=data["demand_id"],
                        product_id=product.pk,
                        amount=data["amount"],
                        term_months=data["term_months"],
                        note=data["note"],
                        consent_valid_until=until,
                    ),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return done(
                    request,
                    f"申请已提交，{product.institution.name}承诺在 "
                    f"{product.response_days} 个工作日内答复",
                    "marketplace:application",
                    app.pk,
                )
    return render(request, "marketplace/apply.html", {"form": form, "product": product})
