"""Reads on the audit history: the city's auditor sees all; an organisation's admin sees the
entries about its own data. Nobody can change an entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from kejin.platform.audit.models import AuditEntry
from kejin.platform.tenancy import Actor
from kejin.rules.errors import PermissionDenied


@dataclass(frozen=True)
class AuditFilter:
    q: str = ""
    actor: str = ""
    model: str = ""
    action: int | None = None
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_list_for(actor: Actor, f: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    f = f or AuditFilter()
    if actor.is_city and actor.has_role("auditor"):
        qs = AuditEntry.objects.all()
    elif actor.has_role("admin") and not actor.is_public:
        qs = AuditEntry.objects.filter(
            Q(organisation_id_of_object=actor.org_id) | Q(actor_organisation_id=actor.org_id)
        )
    else:
        raise PermissionDenied("只有安全审计员或机构管理员可以查看审计日志")
    qs = qs.select_related("actor", "actor_organisation", "content_type")
    if f.q:
        qs = qs.filter(Q(object_repr__icontains=f.q) | Q(changes_text__icontains=f.q))
    if f.actor:
        qs = qs.filter(
            Q(actor__username__icontains=f.actor) | Q(actor__display_name__icontains=f.actor)
        )
    if f.model:
        qs = qs.filter(content_type__model=f.model.lower())
    if f.action is not None:
        qs = qs.filter(action=f.action)
    if f.organisation_id:
        qs = qs.filter(
            Q(organisation_id_of_object=f.organisation_id)
            | Q(actor_organisation_id=f.organisation_id)
        )
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(timestamp__gte=datetime.combine(f.date_from, time.min, tzinfo=tz))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(timestamp__lt=end)
    return qs.order_by("-timestamp", "-pk")
