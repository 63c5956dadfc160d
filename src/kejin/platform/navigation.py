"""The side navigation, by the actor's organisation kind and roles."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from kejin.platform.tenancy import Actor


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def nav_for(actor: Actor) -> list[tuple[str, list[NavItem]]]:
    """Groups of links the actor may use (what they may not use is not shown)."""
    public: list[NavItem] = [NavItem(_("金融机构名录"), "orgs:directory")]
    contributed = [pair for contribute in _contributors() for pair in contribute(actor)]
    public += [item for group, item in contributed if group == "public"]
    if actor.is_public:
        return [
            (
                _("公共服务"),
                [
                    NavItem(_("平台首页"), "home"),
                    *public,
                    NavItem(_("企业注册"), "register"),
                    NavItem(_("登录"), "login"),
                ],
            )
        ]
    work: list[NavItem] = [NavItem(_("工作台"), "home")]
    manage: list[NavItem] = []
    if actor.is_city or actor.is_district:
        work.append(NavItem(_("机构与企业"), "orgs:list"))
        work.append(NavItem(_("注册审核"), "orgs:pending"))
    if actor.is_city and actor.has_role("admin"):
        manage.append(NavItem(_("新建机构"), "orgs:create"))
        manage.append(NavItem(_("批量导入机构"), "orgs:import"))
    if not actor.is_city or actor.has_role("admin"):
        work.append(NavItem(_("本机构信息"), "orgs:mine"))
    if actor.has_role("admin") or (actor.is_city and actor.has_role("security_admin")):
        manage.append(NavItem(_("人员与角色"), "orgs:people"))
    if actor.has_role("admin"):
        manage.append(NavItem(_("接口令牌"), "orgs:tokens"))
    if actor.has_role("auditor") or actor.has_role("admin"):
        manage.append(NavItem(_("审计日志"), "audit:list"))
    for group, item in contributed:
        if group == "work":
            work.append(item)
        elif group == "manage":
            manage.append(item)
    groups = [(_("业务"), work)]
    if manage:
        groups.append((_("管理"), manage))
    groups.append((_("公共服务"), public))
    return groups


CONTEXTS_WITH_NAV = (
    "enterprises",
    "credit",
    "loans",
    "funds",
    "policies",
    "riskpool",
    "marketplace",
)


def _contributors() -> list[Callable[[Actor], list[tuple[str, NavItem]]]]:
    """Each context may add links with ``apps/<context>/nav.py: items(actor)``; group ``"work"``,
    ``"manage"`` or ``"public"`` (pages anyone may open, shown to everybody)."""
    found = []
    for name in CONTEXTS_WITH_NAV:
        try:
            module = importlib.import_module(f"kejin.apps.{name}.nav")
        except ModuleNotFoundError:
            continue
        found.append(module.items)
    return found


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context: the actor and the navigation."""
    actor: Actor = getattr(request, "actor", None) or Actor.public()
    return {"actor": actor, "nav_groups": nav_for(actor), "current_path": request.path}
