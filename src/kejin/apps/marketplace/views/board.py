"""Investment-loan linkage deals and the enterprise's side of the crowdfunding board."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.forms import LinkageForm, ProgressForm, ProjectForm, ReasonForm
from kejin.apps.marketplace.models import LinkageStatus, ProjectStatus
from kejin.apps.marketplace.services import crowdfunding, linkage
from kejin.apps.marketplace.services.linkage import INVESTORS
from kejin.apps.marketplace.services.products import LENDERS
from kejin.apps.marketplace.views.common import done, failed
from kejin.apps.marketplace.views.public import PROJECT_COLUMNS, project_row
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

LINKAGE_COLUMNS = [
    ("enterprise", "企业"),
    ("investor", "投资机构"),
    ("investment_amount", "投资金额（元）"),
    ("bank", "贷款银行"),
    ("loan_amount", "贷款金额（元）"),
    ("signed_on", "签约日期"),
    ("status", "状态"),
]


def linkage_row(d: Any) -> dict[str, Any]:
    return {
        "enterprise": d.enterprise.name,
        "investor": d.investor.name,
        "investment_amount": d.investment_amount,
        "bank": d.bank.name,
        "loan_amount": d.loan_amount,
        "signed_on": d.signed_on,
        "status": d.get_status_display(),
    }


@login_required_actor
def linkage_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = request.GET.get("status", "")
    qs = selectors.linkage_for(actor, status)
    if wants_export(request):
        return export_list("linkage", LINKAGE_COLUMNS, qs.iterator(), linkage_row)
    ctx = {
        **paginate(request, qs),
        "status": status,
        "statuses": LinkageStatus.choices,
        "can_propose": actor.kind in INVESTORS | LENDERS,
        "kpis": selectors.linkage_kpis(actor),
    }
    return render(request, "marketplace/linkage.html", ctx)


def _choices(kinds: frozenset[str]) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.active_institutions(kinds)]


@login_required_actor
def linkage_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind not in INVESTORS | LENDERS:
        raise PermissionDenied("只有投资机构或银行可以发起投贷联动")
    q = request.GET.get("q", "").strip()
    enterprises = [
        (o.pk, f"{o.name}（{o.uscc}）") for o in selectors.enterprises_for_linkage(actor, q)[:300]
    ]
    initial = (
        {"investor_id": actor.org_id} if actor.kind in INVESTORS else {"bank_id": actor.org_id}
    )
    form = LinkageForm(
        request.POST or None,
        initial=initial,
        enterprises=enterprises,
        investors=_choices(INVESTORS),
        banks=_choices(LENDERS),
    )
    if request.method == "POST" and form.is_valid():
        try:
            deal = linkage.linkage_propose(
                actor=actor, data=linkage.LinkageInput(**form.cleaned_data)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return done(
                request, "投贷联动已发起，等待对方确认", "marketplace:linkage_detail", deal.pk
            )
    return render(request, "marketplace/linkage_form.html", {"form": form, "q": q})


@login_required_actor
def linkage_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    actor = actor_of(request)
    deal = selectors.linkage_get(actor, deal_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                linkage.linkage_confirm(actor=actor, deal_id=deal.pk)
            elif action == "cancel":
                linkage.linkage_cancel(
                    actor=actor, deal_id=deal.pk, reason=request.POST.get("reason", "")
                )
            else:
                raise PermissionDenied("未知的操作")
        except DomainError as exc:
            return failed(request, exc, "marketplace:linkage_detail", deal.pk)
        return done(
            request,
            "已确认" if action == "confirm" else "已取消",
            "marketplace:linkage_detail",
            deal.pk,
        )
    side = (
        "investor"
        if deal.investor_id == actor.org_id
        else ("bank" if deal.bank_id == actor.org_id else "")
    )
    ctx = {
        "deal": deal,
        "can_confirm": deal.status == LinkageStatus.PROPOSED
        and side
        and getattr(deal, f"{side}_confirmed_at") is None,
        "can_cancel": deal.status == LinkageStatus.PROPOSED and bool(side),
        "reason_form": ReasonForm(),
    }
    return render(request, "marketplace/linkage_detail.html", ctx)


@login_required_actor
def my_projects(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.projects_for(actor, request.GET.get("status", ""))
    if wants_export(request):
        return export_list("my-crowdfunding", PROJECT_COLUMNS, qs.iterator(), project_row)
    ctx = {
        **paginate(request, qs),
        "statuses": ProjectStatus.choices,
        "status": request.GET.get("status", ""),
        "can_create": actor.kind == OrgKind.ENTERPRISE,
    }
    return render(request, "marketplace/my_projects.html", ctx)


@login_required_actor
def project_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind != OrgKind.ENTERPRISE:
        raise PermissionDenied("只有企业可以发起众筹项目")
    hosts = [(o.pk, o.name) for o in selectors.active_institutions()]
    form = ProjectForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            project = crowdfunding.project_create(
                actor=actor, data=crowdfunding.ProjectInput(**form.cleaned_data)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return done(
                request, "项目已提交，市科技局审核后公开展示", "marketplace:project", project.pk
            )
    return render(request, "marketplace/project_form.html", {"form": form})


@login_required_actor
@require_POST
def project_progress(request: HttpRequest, project_id: int) -> HttpResponse:
    form = ProgressForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return failed(
            request,
            DomainError("market.project_invalid", str(first)),
            "marketplace:project",
            project_id,
        )
    try:
        crowdfunding.project_report_progress(
            actor=actor_of(request), project_id=project_id, **form.cleaned_data
        )
    except DomainError as exc:
        return failed(request, exc, "marketplace:project", project_id)
    return done(request, "进度已更新", "marketplace:project", project_id)
