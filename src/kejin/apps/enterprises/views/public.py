"""The public list of qualified tech SMEs under (or past) their public notice: no login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.views.common import district_options
from kejin.platform.pages import paginate


def public_tech_sme(request: HttpRequest) -> HttpResponse:
    g = request.GET
    year = g.get("year", "")
    district = g.get("district_code", "")
    q = g.get("q", "").strip()
    run, qs = selectors.published_tech_smes(
        year=int(year) if year.isdigit() else None, district_code=district, q=q
    )
    ctx = paginate(request, qs) | {
        "run": run,
        "runs": selectors.published_runs(),
        "district_code": district,
        "q": q,
        "districts": district_options(),
        "export_url": None,
    }
    return render(request, "enterprises/public_tech_sme.html", ctx)
