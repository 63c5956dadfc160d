"""Links of the special fund in the side navigation (the city office only)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    if not actor.is_city:
        return []
    links = [("work", NavItem(_("专项资金"), "funds:overview"))]
    links.append(("work", NavItem(_("资金台账"), "funds:ledger")))
    if actor.has_role("admin"):
        links.append(("manage", NavItem(_("新建预算科目"), "funds:line_create")))
    return links
