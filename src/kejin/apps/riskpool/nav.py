"""Links of the risk pool in the side navigation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.apps.riskpool.services.common import BANK_KINDS
from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    return [("public", NavItem(_("风险补偿资金池公开信息"), "riskpool:public")), *_work(actor)]


def _work(actor: Actor) -> list[tuple[str, NavItem]]:
    if actor.kind in BANK_KINDS:
        return [
            ("work", NavItem(_("风险补偿登记"), "riskpool:registrations")),
            ("work", NavItem(_("代偿申请"), "riskpool:claims")),
        ]
    if actor.kind == "insurer":
        return [("work", NavItem(_("代偿分担"), "riskpool:claims"))]
    if actor.is_city and not actor.has_role("security_admin", "auditor"):
        return [
            ("work", NavItem(_("风险补偿资金池"), "riskpool:pools")),
            ("work", NavItem(_("代偿审核"), "riskpool:review")),
            ("manage", NavItem(_("试算平衡"), "riskpool:trial_balance")),
        ]
    if actor.is_district:
        return [("work", NavItem(_("风险补偿入池贷款"), "riskpool:registrations"))]
    return []
