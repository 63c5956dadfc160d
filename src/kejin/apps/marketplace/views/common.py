"""What the marketplace pages share: reading filters, the enterprise card an institution may see,
the reasons as a reader may see them, the redirect after an action."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.facts import INDUSTRY_LABELS, enterprise_facts
from kejin.apps.marketplace.models import Match
from kejin.platform.tenancy import Actor
from kejin.rules import divisions
from kejin.rules.errors import DomainError, NotFound


def get_int(request: HttpRequest, name: str) -> int | None:
    raw = (request.GET.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


def get_date(request: HttpRequest, name: str) -> date | None:
    raw = (request.GET.get(name) or "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def public_card(enterprise_id: int) -> dict[str, Any]:
    """What any institution with a lead may see of the enterprise: registry facts, not its
    financial or credit data."""
    facts = enterprise_facts([enterprise_id], timezone.localdate()).get(enterprise_id)
    if facts is None:
        return {}
    return {
        "district": divisions.full_name(facts.district_code),
        "industry": INDUSTRY_LABELS.get(facts.industry, facts.industry),
        "years": facts.years_in_business,
        "tech_sme": facts.tech_sme,
        "hnte": facts.hnte,
    }


def shows_private(actor: Actor, match: Match | None = None) -> bool:
    """The enterprise itself, its district office and the city office read every reason."""
    return (
        actor.is_city
        or actor.is_district
        or (match is not None and match.enterprise_id == actor.org_id)
    )


def reasons_of(actor: Actor, match: Match, *, consent: bool = False) -> list[dict[str, Any]]:
    return selectors.present_reasons(
        match.reasons, show_private=consent or shows_private(actor, match)
    )


def done(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


def failed(request: HttpRequest, exc: DomainError, to: str, *args: Any) -> HttpResponse:
    """An action refused: its message on the next page. Invisible stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    messages.error(request, exc.message)
    return redirect(to, *args)
