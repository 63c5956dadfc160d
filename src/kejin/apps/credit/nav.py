"""Links of the credit context in the side navigation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kejin.apps.orgs.models import OrgKind
from kejin.platform.navigation import NavItem
from kejin.platform.tenancy import Actor


def items(actor: Actor) -> list[tuple[str, NavItem]]:
    out: list[tuple[str, NavItem]] = []
    if actor.kind == OrgKind.ENTERPRISE:
        out += [
            ("work", NavItem(_("信用档案"), "credit:mine")),
            ("work", NavItem(_("授权管理"), "credit:consents")),
            ("work", NavItem(_("查询记录"), "credit:reads")),
            ("work", NavItem(_("异议与修复"), "credit:disputes")),
        ]
    elif actor.kind in OrgKind.institutions():
        out.append(("work", NavItem(_("企业信用查询"), "credit:lookup")))
        out.append(("work", NavItem(_("异议处理"), "credit:disputes")))
    if actor.kind == OrgKind.DATA_PROVIDER or actor.is_city:
        out.append(("work", NavItem(_("信用数据报送"), "credit:records")))
    if actor.kind == OrgKind.DATA_PROVIDER:
        out.append(("work", NavItem(_("异议处理"), "credit:disputes")))
    if actor.is_city:
        out.append(("work", NavItem(_("评分模型"), "credit:models")))
        out.append(("work", NavItem(_("异议处理"), "credit:disputes")))
    return out
