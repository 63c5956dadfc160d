"""The only doors to an enterprise's data for an actor.

- Reading: the enterprise's own people (any role), its district office, the city office.
  Financial institutions never read enterprise data here (the credit context governs that, with
  the enterprise's consent); for them an enterprise is absent (404).
- Editing: the enterprise's own admins and officers. District and city offices read; the city
  changes a locked year only by approving a correction request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from kejin.apps.orgs import selectors as org_selectors
from kejin.platform.tenancy import Actor, ScopedQuerySet, access
from kejin.rules.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from kejin.apps.orgs.models import Organisation

M = TypeVar("M", bound=models.Model)
EDITOR_ROLES = ("admin", "officer")
ENTERPRISE_KIND = "enterprise"


def access_enterprise(actor: Actor, enterprise_id: int) -> Organisation:
    """The enterprise ``enterprise_id`` if the actor may read its data; otherwise 404."""
    if actor.is_public or actor.kind not in (ENTERPRISE_KIND, "district_office", "city_office"):
        raise NotFound("企业")
    try:
        org = org_selectors.organisation_get(actor, enterprise_id)
    except NotFound:
        raise NotFound("企业") from None
    if org.kind != ENTERPRISE_KIND:
        raise NotFound("企业")
    return org


def can_edit(actor: Actor, enterprise_id: int) -> bool:
    return actor.org_id == enterprise_id and actor.has_role(*EDITOR_ROLES)


def require_editor(actor: Actor, enterprise_id: int) -> None:
    """Only the enterprise's admins and officers change its data."""
    if not can_edit(actor, enterprise_id):
        raise PermissionDenied("只有本企业的管理员或经办人可以修改企业数据")


def access_editable_enterprise(actor: Actor, enterprise_id: int) -> Organisation:
    """The enterprise, checked for reading (404) and then for editing (403)."""
    org = access_enterprise(actor, enterprise_id)
    require_editor(actor, enterprise_id)
    return org


def access_record(
    actor: Actor,
    queryset: ScopedQuerySet,
    enterprise_id: int,
    pk: Any,
    *,
    what: str = "记录",
    for_update: bool = False,
) -> Any:
    """One row of one enterprise: invisible, or belonging to another enterprise, is 404."""
    access_enterprise(actor, enterprise_id)
    record = access(actor, queryset, pk, what=what, for_update=for_update)
    if record.enterprise_id != enterprise_id:
        raise NotFound(what)
    return record


def require_city(actor: Actor, *roles: str, message: str) -> None:
    """The city office, with one of ``roles``."""
    if not actor.is_city or not actor.has_role(*roles):
        raise PermissionDenied(message)


def require_government(actor: Actor) -> None:
    """District and city offices only (lists across enterprises)."""
    if not (actor.is_city or actor.is_district):
        raise PermissionDenied("只有区、市科技局可以查看此页面")
