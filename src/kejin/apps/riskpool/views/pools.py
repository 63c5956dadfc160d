"""Pool pages: the city's pool list and set-up, the report with charts, agreements, money in,
the ledger, the trial balance, suspensions; and the public totals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.loans.models import ProductKind
from kejin.apps.riskpool import exports, reports, selectors
from kejin.apps.riskpool.accounts import account_label
from kejin.apps.riskpool.forms import (
    AgreementForm,
    ContributionForm,
    LiftForm,
    PoolForm,
    VersionForm,
)
from kejin.apps.riskpool.funding import risk_compensation_lines
from kejin.apps.riskpool.models import BorrowerKind, JournalKind, PartyKind
from kejin.apps.riskpool.services import contributions, pools, suspensions
from kejin.apps.riskpool.services.common import require_city, today
from kejin.apps.riskpool.views.common import chosen_pool, date_or_none
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.rules.errors import DomainError, NotFound, PermissionDenied
from kejin.rules.money import fmt_yuan


def _chart(report: reports.PoolReport) -> dict[str, Any]:
    return {
        "balance": {
            "months": [m for m, _ in report.balance_series],
            "values": [str(v) for _, v in report.balance_series],
        },
        "banks": {
            "names": [b.name for b in report.banks],
            "outstanding": [str(b.registered_outstanding) for b in report.banks],
            "npl": [str(b.npl_ratio_shown) for b in report.banks],
            "threshold": [str(b.threshold or "") for b in report.banks],
        },
        "claims": {
            "months": [str(r["month"]) for r in report.claims_by_month],
            "pool": [str(r["pool"]) for r in report.claims_by_month],
            "bank": [str(r["bank"]) for r in report.claims_by_month],
            "insurer": [str(r["insurer"]) for r in report.claims_by_month],
        },
    }


@login_required_actor
def pool_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_city:
        pool = selectors.default_pool_for(actor)
        if pool is not None:
            return redirect("riskpool:pool", pool_id=pool.pk)
    on = today()
    rows = [reports.pool_totals(p, on) for p in selectors.pool_list_for(actor)]
    can_create = actor.is_city and actor.has_role("admin")
    return render(request, "riskpool/pool_list.html", {"rows": rows, "can_create": can_create})


@login_required_actor
def pool_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_city(actor, "admin")
    form = PoolForm(request.POST or None, initial={"opened_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            pool = pools.pool_create(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已设立资金池：{pool.name}")
            return redirect("riskpool:pool", pool_id=pool.pk)
    return render(request, "riskpool/form.html", {"form": form, "title": "设立风险补偿资金池"})


@login_required_actor
def pool_detail(request: HttpRequest, pool_id: int) -> HttpResponse:
    actor = actor_of(request)
    pool = selectors.pool_get(actor, pool_id)
    on = date_or_none(request.GET.get("on")) or today()
    report = reports.pool_report_for(actor, pool, on)
    if wants_export(request):
        return exports.report_xlsx(report)
    ctx = {
        "pool": pool,
        "on": on,
        "report": report,
        "t": report.totals,
        "chart": _chart(report),
        "agreements": selectors.agreements_of(actor, pool.pk),
        "suspensions": selectors.suspensions_for(actor, pool.pk)[:20],
        "is_city": actor.is_city,
        "can_admin": actor.is_city and actor.has_role("admin"),
        "lift_form": LiftForm(),
    }
    return render(request, "riskpool/pool_detail.html", ctx)


def public(request: HttpRequest) -> HttpResponse:
    """Anyone: the pools' totals."""
    on = today()
    rows = [reports.pool_totals(p, on) for p in selectors.public_pools()]
    return render(request, "riskpool/public.html", {"rows": rows, "on": on})


def _parties() -> list[tuple[str, str]]:
    return [
        (str(o.pk), f"{o.name}（{o.get_kind_display()}）") for o in selectors.agreement_candidates()
    ]


@login_required_actor
def agreement_create(request: HttpRequest, pool_id: int) -> HttpResponse:
    actor = actor_of(request)
    require_city(actor, "admin")
    pool = selectors.pool_get(actor, pool_id)
    initial = {"signed_on": today(), "effective_from": today()}
    form = AgreementForm(request.POST or None, parties=_parties(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            party = int(data.pop("party"))
            agreement = pools.agreement_create(
                actor=actor,
                pool_id=pool.pk,
                party_id=party,
                reference=data.pop("reference"),
                signed_on=data.pop("signed_on"),
                version=form.version_input(),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已签订合作协议：{agreement.reference}")
            return redirect("riskpool:agreement", agreement_id=agreement.pk)
    title = f"新增合作协议 · {pool.name}"
    note = (
        "银行协议须填写各项参数（留空取市级默认值）；"
        "保险公司协议只需生效日期、依据和承保的产品类型。"
    )
    return render(request, "riskpool/form.html", {"form": form, "title": title, "note": note})


@login_required_actor
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = selectors.agreement_get(actor, agreement_id)
    insurer = agreement.party_kind == PartyKind.INSURER
    form = VersionForm(request.POST or None, insurer=insurer, initial={"effective_from": today()})
    can_admin = actor.is_city and actor.has_role("admin")
    if request.method == "POST":
        if not can_admin:
            raise PermissionDenied("只有市科技局系统管理员可以修改合作协议")
        if form.is_valid():
            try:
                pools.agreement_version_add(
                    actor=actor, agreement_id=agreement.pk, version=form.version_input()
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, "已新增协议版本")
                return redirect("riskpool:agreement", agreement_id=agreement.pk)
    borrowers, products = dict(BorrowerKind.choices), dict(ProductKind.choices)
    versions = [
        (
            v,
            "、".join(str(borrowers.get(k, k)) for k in v.eligible_borrowers),
            "、".join(str(products.get(k, k)) for k in v.product_kinds),
        )
        for v in selectors.versions_of(agreement)
    ]
    ctx = {
        "agreement": agreement,
        "versions": versions,
        "form": form,
        "can_admin": can_admin,
        "insurer": insurer,
    }
    return render(request, "riskpool/agreement_detail.html", ctx)


@login_required_actor
def contribution_create(request: HttpRequest, pool_id: int) -> HttpResponse:
    actor = actor_of(request)
    require_city(actor)
    pool = selectors.pool_get(actor, pool_id)
    banks = [(o.pk, o.name) for o in selectors.cooperating_parties(pool.pk, PartyKind.BANK)]
    lines = [
        (line.id, f"{line.label}（可用 {fmt_yuan(line.available)} 元）")
        for line in risk_compensation_lines(actor)
    ]
    form = ContributionForm(
        request.POST or None, banks=banks, lines=lines, initial={"received_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            journal = contributions.contribution_record(
                actor=actor, pool_id=pool.pk, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已记账：{journal}")
            return redirect("riskpool:pool", pool_id=pool.pk)
    title = f"登记注资 · {pool.name}"
    return render(request, "riskpool/form.html", {"form": form, "title": title})


@login_required_actor
def ledger(request: HttpRequest, pool_id: int) -> HttpResponse:
    actor = actor_of(request)
    pool = selectors.pool_get(actor, pool_id)
    g = request.GET
    f = selectors.JournalFilter(
        kind=g.get("kind", ""),
        date_from=date_or_none(g.get("date_from")),
        date_to=date_or_none(g.get("date_to")),
    )
    qs = selectors.journals_for(actor, pool.pk, f)
    if wants_export(request):
        return exports.journals_xlsx(qs)
    ctx = {
        **paginate(request, qs),
        "pool": pool,
        "f": f,
        "kinds": JournalKind.choices,
        "label": account_label,
    }
    return render(request, "riskpool/ledger.html", ctx)


@login_required_actor
def trial_balance(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    pool = chosen_pool(request, actor)
    if pool is None:
        raise NotFound("风险补偿资金池")
    tb = selectors.trial_balance_for(actor, pool.pk)
    if wants_export(request):
        return exports.trial_balance_xlsx(tb)
    ctx = {"pool": pool, "tb": tb, "pools": selectors.pool_list_for(actor)}
    return render(request, "riskpool/trial_balance.html", ctx)


@login_required_actor
@require_POST
def suspension_lift(request: HttpRequest, suspension_id: int) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.suspension_get(actor, suspension_id)
    try:
        suspensions.suspension_lift(
            actor=actor, suspension_id=found.pk, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已恢复{found.bank.name}的新增入池")
    return redirect("riskpool:pool", pool_id=found.pool_id)


@login_required_actor
@require_POST
def npl_review(request: HttpRequest, pool_id: int) -> HttpResponse:
    actor = actor_of(request)
    pool = selectors.pool_get(actor, pool_id)
    try:
        created = suspensions.pool_npl_review(actor=actor, pool_id=pool.pk)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        names = "、".join(s.bank.name for s in created)
        messages.success(
            request, f"不良率检查完成：{'新暂停 ' + names if created else '没有新的暂停'}"
        )
    return redirect("riskpool:pool", pool_id=pool.pk)
