"""The composition root of pages: each role's home page with its real counts and to-dos."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kejin.apps.orgs import selectors as org_selectors
from kejin.platform.home import Widget
from kejin.platform.navigation import CONTEXTS_WITH_NAV
from kejin.platform.pages import actor_of
from kejin.platform.tenancy import Actor
from kejin.rules import divisions


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.is_public:
        counts = {
            "institutions": org_selectors.institution_directory().count(),
        }
        return render(request, "home_public.html", {"counts": counts})
    ctx: dict[str, object] = {}
    if actor.is_city or actor.is_district:
        ctx["counts"] = org_selectors.organisation_counts_for(actor)
        ctx["pending"] = org_selectors.pending_registrations_for(actor)[:10]
        if actor.is_city:
            rows = org_selectors.enterprises_grouped_for(actor, "district_code")
            names = [divisions.name(str(r["district_code"])) for r in rows]
            ctx["chart_title"] = _("各区县已入驻企业")
        else:
            rows = org_selectors.enterprises_grouped_for(actor, "industry")
            names = [str(r["industry"] or _("未填写")) for r in rows]
            ctx["chart_title"] = _("本区已入驻企业（按战略性新兴产业）")
        ctx["chart"] = json.dumps(
            {"names": names, "values": [r["n"] for r in rows]}, ensure_ascii=False
        )
    if actor.has_role("admin"):
        ctx["people_count"] = org_selectors.people_of(actor, actor.org_id).count()
        ctx["token_count"] = org_selectors.tokens_of(actor).filter(revoked_at__isnull=True).count()
    ctx["widgets"] = [w for contribute in _widget_sources() for w in contribute(actor)]
    return render(request, "home.html", ctx)


def _widget_sources() -> list[Callable[[Actor], list[Widget]]]:
    """Each context may add figures and to-dos to the home page with
    ``apps/<context>/home.py: widgets(actor) -> list[Widget]``."""
    found = []
    for name in CONTEXTS_WITH_NAV:
        try:
            module = importlib.import_module(f"kejin.apps.{name}.home")
        except ModuleNotFoundError:
            continue
        found.append(module.widgets)
    return found
