"""Links of the policies context in the side navigation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    links: list[tuple[str, NavItem]] = [("public", NavItem(_("政策与公示"), "policies:index"))]
    if actor.is_public:
        return links
    if actor.is_city:
        links += [
            ("work", NavItem(_("申报复审"), "policies:review_city")),
            ("work", NavItem(_("公示"), "policies:notices_manage")),
            ("work", NavItem(_("拨付"), "policies:payments")),
            ("manage", NavItem(_("项目管理"), "policies:programs_manage")),
            ("manage", NavItem(_("免申即享测算"), "policies:batch_runs")),
        ]
        if actor.has_role("admin", "officer", "reviewer", "auditor"):
            links.append(("manage", NavItem(_("参数管理"), "policies:parameters")))
    elif actor.is_district:
        links += [
            ("work", NavItem(_("申报初审"), "policies:review_district")),
            ("work", NavItem(_("本区申报"), "policies:applications")),
        ]
    else:
        links += [
            ("work", NavItem(_("扶持政策与申报"), "policies:programs")),
            ("work", NavItem(_("我的申报"), "policies:mine")),
        ]
        if actor.kind in ("enterprise", "broker"):
            links.append(("work", NavItem(_("上市挂牌里程碑"), "policies:milestones")))
    links.append(("work", NavItem(_("消息通知"), "policies:notifications")))
    return links
