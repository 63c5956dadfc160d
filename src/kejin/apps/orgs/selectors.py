"""Reads on parties, always scoped to the actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kejin.apps.orgs.models import ApiToken, Organisation, OrgKind, OrgStatus, User
from kejin.platform.tenancy import Actor, access

ORG_SORTS = {
    "name": "name",
    "-name": "-name",
    "created": "created_at",
    "-created": "-created_at",
    "kind": "kind",
    "district": "district_code",
    "status": "status",
}


@dataclass(frozen=True)
class OrgFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    district_code: str = ""
    sort: str = "name"


def organisation_list_for(actor: Actor, f: OrgFilter | None = None) -> QuerySet[Organisation]:
    """Organisations the actor may see, filtered and sorted."""
    f = f or OrgFilter()
    qs = Organisation.objects.visible_to(actor)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(uscc__icontains=f.q.upper()))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.district_code:
        qs = qs.filter(district_code=f.district_code)
    return qs.order_by(ORG_SORTS.get(f.sort, "name"), "pk")


def organisation_get(actor: Actor, org_id: int) -> Organisation:
    return access(actor, Organisation.objects.all(), org_id, what="机构")


def pending_registrations_for(actor: Actor) -> QuerySet[Organisation]:
    """Enterprises waiting for verification by the actor's district office (the city sees all)."""
    if not (actor.is_district or actor.is_city):
        return Organisation.objects.none()
    return (
        Organisation.objects.visible_to(actor)
        .filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.PENDING)
        .order_by("created_at", "pk")
    )


def institution_directory() -> QuerySet[Organisation]:
    """What the public may see of organisations: active financial institutions, by name."""
    return Organisation.objects.filter(
        kind__in=OrgKind.institutions(), status=OrgStatus.ACTIVE
    ).order_by("kind", "name")


def people_of(actor: Actor, org_id: int | None = None) -> QuerySet[User]:
    """People the actor may see: its own organisation's; the city's system and security
    administrators see everyone."""
    qs = User.objects.visible_to(actor).select_related("organisation")
    sees_all = actor.is_city and actor.has_role("admin", "security_admin")
    if org_id is not None:
        qs = qs.filter(organisation_id=org_id)
    elif not sees_all:
        qs = qs.filter(organisation_id=actor.org_id)
    return qs.order_by("organisation__name", "username")


def person_get(actor: Actor, user_id: int) -> User:
    return access(actor, User.objects.select_related("organisation"), user_id, what="用户")


def tokens_of(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's organisation's API tokens (never another's, not even for the city)."""
    return ApiToken.objects.filter(organisation_id=actor.org_id).select_related(
        "created_by", "revoked_by"
    )


def organisation_counts_for(actor: Actor) -> dict[str, int]:
    """Counts by kind and status for the home page of a district or the city."""
    qs = Organisation.objects.visible_to(actor)
    rows = qs.values("kind", "status").annotate(n=Count("pk"))
    counts: dict[str, int] = {"total": 0, "pending": 0, "enterprise": 0, "institution": 0}
    institutions = OrgKind.institutions()
    for row in rows:
        counts["total"] += row["n"]
        if row["status"] == OrgStatus.PENDING:
            counts["pending"] += row["n"]
        if row["kind"] == OrgKind.ENTERPRISE:
            counts["enterprise"] += row["n"]
        elif row["kind"] in institutions:
            counts["institution"] += row["n"]
    return counts


def enterprises_grouped_for(actor: Actor, by: str) -> list[dict[str, object]]:
    """Active enterprises the actor may see, counted by ``district_code`` or ``industry``."""
    if by not in ("district_code", "industry"):
        raise ValueError(by)
    return list(
        Organisation.objects.visible_to(actor)
        .filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
        .values(by)
        .annotate(n=Count("pk"))
        .order_by(by)
    )
