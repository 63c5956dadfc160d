"""HNTE pages: an enterprise's certificates (expiring ones flagged), the pre-check of the
criteria, and the list of certificates expiring within 90 days for districts and the city."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.forms import HntePrecheckForm
from kejin.apps.enterprises.hnte_check import PrecheckInput, hnte_precheck_for
from kejin.apps.enterprises.services import records
from kejin.apps.enterprises.views.common import district_options, enterprise_context, to_mine
from kejin.apps.enterprises.views.data import record_form
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.rules import divisions, hnte
from kejin.rules.errors import DomainError


@login_required_actor
def hnte_mine(request: HttpRequest) -> HttpResponse:
    return to_mine(request, "enterprises:hnte")


def certificate_state(cert: Any, today: Any) -> tuple[str, str]:
    """(css class, label) of a certificate today."""
    rule = hnte.HnteCertificate(cert.number, cert.issue_date, cert.expiry_date, cert.revoked_on)
    if cert.revoked_on and cert.revoked_on <= today:
        return "rejected", "已撤销"
    if hnte.expiring_within(rule, today, selectors.EXPIRING_DAYS):
        days = (cert.expiry_date - today).days
        return "pending", f"{days} 天后到期"
    if hnte.is_valid_on(rule, today):
        return "active", "有效"
    if cert.issue_date > today:
        return "", "尚未生效"
    return "suspended", "已过期"


@login_required_actor
def certificates(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "hnte")
    form = record_form(request, enterprise_id, "hnte_certificates")
    if isinstance(form, HttpResponse):
        return form
    today = timezone.localdate()
    qs = selectors.records_for(actor_of(request), enterprise_id, "hnte_certificates")
    rows = [(c, *certificate_state(c, today)) for c in qs]
    spec = records.record_kind("hnte_certificates")
    ctx |= {"rows": rows, "form": form, "spec": spec, "days": selectors.EXPIRING_DAYS}
    return render(request, "enterprises/hnte.html", ctx)


@login_required_actor
def precheck(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "hnte")
    form = HntePrecheckForm(request.GET or None)
    result = years = None
    if request.GET and form.is_valid():
        answers = form.answers()
        on = answers.pop("reference_date")
        try:
            result, years = hnte_precheck_for(
                actor_of(request), enterprise_id, PrecheckInput(**answers), on=on
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
    ctx |= {"form": form, "result": result, "years": years}
    return render(request, "enterprises/hnte_precheck.html", ctx)


EXPIRING_EXPORT = [
    ("enterprise", "企业"),
    ("district", "区县"),
    ("number", "证书编号"),
    ("issue_date", "发证日期"),
    ("expiry_date", "有效期至"),
    ("days_left", "剩余天数"),
]


@login_required_actor
def expiring(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    g = request.GET
    try:
        days = max(1, min(int(g.get("days", selectors.EXPIRING_DAYS)), 3650))
    except ValueError:
        days = selectors.EXPIRING_DAYS
    district = g.get("district_code", "")
    qs = selectors.expiring_certificates_for(actor, days=days, district_code=district)
    today = timezone.localdate()

    def row(c: Any) -> dict[str, Any]:
        return {
            "enterprise": c.enterprise.name,
            "district": divisions.name(c.enterprise.district_code),
            "number": c.number,
            "issue_date": c.issue_date,
            "expiry_date": c.expiry_date,
            "days_left": (c.expiry_date - today).days,
        }

    if wants_export(request):
        return export_list("hnte-expiring", EXPIRING_EXPORT, qs, row)
    page = paginate(request, qs)
    ctx = page | {
        "rows": [row(c) | {"cert": c} for c in page["page"]],
        "days": days,
        "district_code": district,
        "districts": district_options() if actor.is_city else [],
    }
    return render(request, "enterprises/hnte_expiring.html", ctx)
