"""Links of the loans context in the side navigation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.apps.loans.services.reporting import LENDER_KINDS
from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    links: list[tuple[str, NavItem]] = []
    is_lender = actor.kind in LENDER_KINDS
    if is_lender or actor.is_city or actor.is_district or actor.kind == "enterprise":
        links.append(("work", NavItem(_("贷款台账"), "loans:list")))
    if is_lender or actor.is_city or actor.is_district or actor.kind == "enterprise":
        links.append(("work", NavItem(_("贷款组合"), "loans:portfolio")))
    if is_lender or actor.is_city:
        links.append(("work", NavItem(_("风险预警名单"), "loans:watch_list")))
    if actor.is_city:
        links.append(("manage", NavItem(_("日终批处理"), "loans:book_runs")))
    if is_lender:
        links.append(("work", NavItem(_("报送贷款"), "loans:report")))
    if actor.kind in ("enterprise", "tech_micro_lender") or actor.is_city or actor.is_district:
        links.append(("work", NavItem(_("科技小贷"), "loans:microloan_queue")))
    if actor.kind == "enterprise" and actor.has_role("admin", "officer"):
        links.append(("work", NavItem(_("申请科技小贷"), "loans:microloan_apply")))
    if actor.kind == "tech_micro_lender":
        links.append(("work", NavItem(_("定价、权限与限额"), "loans:microloan_limits")))
    links.append(("work", NavItem(_("基准利率表"), "loans:rates")))
    return links
