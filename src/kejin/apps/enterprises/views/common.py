"""What every page of one enterprise shares: the header card, the tabs, the edit right."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.access import can_edit
from kejin.platform.pages import actor_of
from kejin.rules import divisions
from kejin.rules.errors import PermissionDenied

TABS = [
    ("detail", "企业概况"),
    ("years", "年度数据"),
    ("ip", "知识产权"),
    ("hnte", "高新技术企业"),
    ("records", "奖励·标准·研发机构"),
    ("self_evaluation", "科技型中小企业自评"),
    ("corrections", "更正申请"),
]


def enterprise_context(request: HttpRequest, enterprise_id: int, tab: str) -> dict[str, Any]:
    """The header of an enterprise's pages (404 when the actor may not read its data)."""
    actor = actor_of(request)
    card = selectors.enterprise_card(actor, enterprise_id)
    return {
        "ent": card,
        "enterprise_id": enterprise_id,
        "can_edit": can_edit(actor, enterprise_id),
        "tab": tab,
        "tabs": TABS,
    }


def own_enterprise_id(request: HttpRequest) -> int:
    """The actor's own enterprise (pages under /enterprises/mine/…)."""
    actor = actor_of(request)
    if actor.kind != "enterprise" or actor.org_id is None:
        raise PermissionDenied("此页面仅供企业用户使用")
    return actor.org_id


def to_mine(request: HttpRequest, url_name: str) -> HttpResponse:
    return redirect(url_name, enterprise_id=own_enterprise_id(request))


def yes_no(value: str | None) -> str:
    return {"yes": "是", "no": "否"}.get(value or "", value or "")


def district_options() -> list[tuple[str, str]]:
    """The districts of the platform's city, for filters."""
    city = settings.KEJIN_CITY_DIVISION_CODE
    return [(d.code, d.name) for d in divisions.children(city)]
