"""Small helpers shared by the risk pool pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest

from kejin.apps.riskpool import selectors
from kejin.apps.riskpool.models import RiskPool
from kejin.apps.riskpool.services.common import BANK_KINDS
from kejin.platform.tenancy import Actor


def is_bank(actor: Actor) -> bool:
    return actor.kind in BANK_KINDS


def pool_choices(actor: Actor) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in selectors.pool_list_for(actor)]


def chosen_pool(request: HttpRequest, actor: Actor) -> RiskPool | None:
    """The pool named by ``?pool=`` (404 if invisible), else the first active one."""
    raw = request.GET.get("pool", "")
    if raw.isdigit():
        return selectors.pool_get(actor, int(raw))
    return selectors.default_pool_for(actor)


def int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def date_or_none(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
