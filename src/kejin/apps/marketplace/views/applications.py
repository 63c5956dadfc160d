"""Applications on both sides: the enterprise's 我的申请, the institution's 收到的申请, the
district's and the city's views; one detail page with the actions each side may take."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.forms import GrantForm, MessageForm, RatingForm, ReasonForm
from kejin.apps.marketplace.models import Application, ApplicationStatus
from kejin.apps.marketplace.services import applications, granting
from kejin.apps.marketplace.services.leads import lead_credit_view
from kejin.apps.marketplace.views.common import done, failed
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

APPLICATION_COLUMNS = [
    ("id", "申请编号"),
    ("enterprise", "申请企业"),
    ("institution", "受理机构"),
    ("product", "产品"),
    ("amount", "申请金额（元）"),
    ("term_months", "期限（月）"),
    ("status", "状态"),
    ("submitted_on", "提交日期"),
    ("due_on", "承诺答复日期"),
    ("response_days", "答复用时（工作日）"),
    ("granted_amount", "批准金额（元）"),
    ("rating", "服务评价"),
]


def application_row(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "enterprise": a.enterprise.name,
        "institution": a.institution.name,
        "product": a.product.name,
        "amount": a.amount,
        "term_months": a.term_months,
        "status": a.get_status_display(),
        "submitted_on": a.submitted_on,
        "due_on": a.due_on,
        "response_days": a.response_working_days,
        "granted_amount": a.granted_amount,
        "rating": a.rating,
    }


def _list(request: HttpRequest, *, overdue: bool = False, title: str = "") -> HttpResponse:
    actor = actor_of(request)
    g = request.GET
    f = selectors.ApplicationFilter(
        q=g.get("q", "").strip(),
        status=g.get("status", ""),
        overdue=overdue or g.get("overdue") == "1",
        sort=g.get("sort", "-submitted"),
    )
    qs = selectors.applications_for(actor, f)
    if wants_export(request):
        return export_list("applications", APPLICATION_COLUMNS, qs.iterator(), application_row)
    if not title:
        title = {
            OrgKind.ENTERPRISE: "我的申请",
        }.get(
            actor.kind or "", "收到的申请" if actor.kind in OrgKind.institutions() else "产品申请"
        )
    ctx: dict[str, Any] = {
        **paginate(request, qs),
        "f": f,
        "statuses": ApplicationStatus.choices,
        "title": title,
        "institution_kinds": OrgKind.institutions(),
    }
    ctx["overdue_ids"] = {a.pk for a in ctx["page"] if selectors.is_overdue(a)}
    return render(request, "marketplace/applications.html", ctx)


@login_required_actor
def application_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@login_required_actor
def overdue_list(request: HttpRequest) -> HttpResponse:
    return _list(request, overdue=True, title="逾期未答复的申请")


@login_required_actor
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    app = selectors.application_get(actor, application_id)
    is_institution = app.institution_id == actor.org_id
    is_enterprise = app.enterprise_id == actor.org_id
    credit = None
    credit_error = ""
    if request.GET.get("credit") == "1" and not is_enterprise:
        try:
            credit = lead_credit_view(actor=actor, enterprise_id=app.enterprise_id)
        except DomainError as exc:
            credit_error = exc.message
    ctx = {
        "app": app,
        "events": selectors.events_of(app),
        "is_institution": is_institution,
        "is_enterprise": is_enterprise,
        "overdue": selectors.is_overdue(app),
        "credit": credit,
        "credit_error": credit_error,
        "message_form": MessageForm(),
        "reason_form": ReasonForm(),
        "rating_form": RatingForm(),
        "can_rate": is_enterprise
        and app.status in ApplicationStatus.completed()
        and app.rating is None,
    }
    return render(request, "marketplace/application_detail.html", ctx)


ACTIONS = {
    "accept": ("institution", "申请已受理"),
    "request_info": ("institution", "已通知企业补充材料"),
    "decline": ("institution", "已告知企业未获批及原因"),
    "provide_info": ("enterprise", "补充材料已提交"),
    "withdraw": ("enterprise", "申请已撤回"),
    "rate": ("enterprise", "感谢您的评价"),
}


@login_required_actor
@require_POST
def application_action(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise PermissionDenied("未知的操作")
    p = request.POST
    try:
        if action == "accept":
            applications.application_accept(
                actor=actor, application_id=application_id, note=p.get("message", "")
            )
        elif action == "request_info":
            applications.application_request_info(
                actor=actor, application_id=application_id, message=p.get("message", "")
            )
        elif action == "decline":
            applications.application_decline(
                actor=actor, application_id=application_id, reason=p.get("reason", "")
            )
        elif action == "provide_info":
            applications.application_provide_info(
                actor=actor, application_id=application_id, message=p.get("message", "")
            )
        elif action == "withdraw":
            applications.application_withdraw(actor=actor, application_id=application_id)
        else:
            applications.application_rate(
                actor=actor,
                application_id=application_id,
                rating=p.get("rating"),
                comment=p.get("comment", ""),
            )
    except DomainError as exc:
        return failed(request, exc, "marketplace:application", application_id)
    return done(request, ACTIONS[action][1], "marketplace:application", application_id)


@login_required_actor
def grant(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    app = selectors.application_get(actor, application_id)
    if app.institution_id != actor.org_id:
        raise PermissionDenied("只有受理机构可以批准申请")
    initial = {
        "amount": app.amount,
        "term_months": app.term_months,
        "rate": app.product.rate_min,
        "repayment_method": "annuity",
    }
    form = GrantForm(request.POST or None, initial=initial, kind=app.product.kind)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            granting.application_grant(
                actor=actor, application_id=app.pk, data=granting.GrantInput(**data)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return done(request, "已批准该申请", "marketplace:application", app.pk)
    return render(request, "marketplace/grant.html", {"form": form, "app": app})
