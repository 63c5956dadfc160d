"""Links of the enterprises context in the side navigation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    links: list[tuple[str, NavItem]] = []
    if actor.kind == "enterprise":
        links += [
            ("work", NavItem(_("企业信息"), "enterprises:mine")),
            ("work", NavItem(_("科技型中小企业自评"), "enterprises:self_evaluation_mine")),
            ("work", NavItem(_("高新技术企业"), "enterprises:hnte_mine")),
        ]
    if actor.is_city or actor.is_district:
        links += [
            ("work", NavItem(_("企业评价结果"), "enterprises:results")),
            ("work", NavItem(_("评价统计（分区县）"), "enterprises:stats")),
            ("work", NavItem(_("高企证书到期"), "enterprises:hnte_expiring")),
            ("work", NavItem(_("数据更正申请"), "enterprises:correction_queue")),
        ]
    if actor.is_city:
        links.append(("manage", NavItem(_("批量评价与公示"), "enterprises:runs")))
    links.append(("public", NavItem(_("科技型中小企业公示"), "enterprises:public_tech_sme")))
    return links
