"""Links of the marketplace in the side navigation: ``work`` by role, ``public`` for everyone
(the product shelf and the crowdfunding board)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.apps.marketplace.services.linkage import INVESTORS
from kejin.apps.marketplace.services.products import LENDERS
from kejin.apps.orgs.models import OrgKind
from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    links: list[tuple[str, NavItem]] = [
        ("public", NavItem(_("金融产品"), "marketplace:products")),
        ("public", NavItem(_("众筹项目"), "marketplace:projects")),
    ]
    if actor.kind == OrgKind.ENTERPRISE:
        links += [
            ("work", NavItem(_("融资需求"), "marketplace:demands")),
            ("work", NavItem(_("匹配产品"), "marketplace:matches")),
            ("work", NavItem(_("我的申请"), "marketplace:applications")),
            ("work", NavItem(_("我的众筹"), "marketplace:my_projects")),
        ]
    elif actor.kind in OrgKind.institutions():
        links += [
            ("work", NavItem(_("我的产品"), "marketplace:my_products")),
            ("work", NavItem(_("需求对接"), "marketplace:leads")),
            ("work", NavItem(_("收到的申请"), "marketplace:received")),
        ]
        if actor.kind in INVESTORS | LENDERS:
            links.append(("work", NavItem(_("投贷联动"), "marketplace:linkage")))
    elif actor.is_city:
        links += [
            ("work", NavItem(_("产品审核"), "marketplace:review")),
            ("work", NavItem(_("对接统计"), "marketplace:stats")),
        ]
    elif actor.is_district:
        links.append(("work", NavItem(_("对接统计"), "marketplace:stats")))
    return links
