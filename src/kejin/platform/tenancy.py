"""Data scope in one place: who is acting, and which rows they may see.

Every private model declares a :class:`Scope` (the paths to the organisations that own a row and to
its district) and uses :class:`ScopedQuerySet`. Selectors call ``.visible_to(actor)``; nothing else
filters by tenant. The rule:

- the city office sees everything;
- a district office sees the rows of its district (and its own);
- any other organisation sees the rows it is a party to;
- the public (no actor) sees nothing private: public reads go through published selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import Q

from kejin.rules.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from kejin.apps.orgs.models import ApiToken, Organisation, User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Where a model keeps its owners.

    ``orgs``: lookup paths to the organisation(s) party to a row (``"pk"`` on Organisation itself,
    ``"lender"`` and ``"borrower"`` on a loan). ``district``: lookup path to the row's division
    code, or ``None`` when district offices see only their own rows. Paths follow forward
    (many-to-one) relations only, so the filter never duplicates rows and needs no DISTINCT
    (which PostgreSQL refuses together with ``SELECT … FOR UPDATE``).
    """

    orgs: tuple[str, ...]
    district: str | None = None


@dataclass(frozen=True)
class Actor:
    """The one acting: a person, or an organisation's system through an API token."""

    organisation: Organisation | None
    user: User | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    token: ApiToken | None = None

    @property
    def is_public(self) -> bool:
        return self.organisation is None

    @property
    def org_id(self) -> int | None:
        return self.organisation.pk if self.organisation else None

    @property
    def kind(self) -> str | None:
        return self.organisation.kind if self.organisation else None

    @property
    def is_city(self) -> bool:
        return self.kind == "city_office"

    @property
    def is_district(self) -> bool:
        return self.kind == "district_office"

    @property
    def district_code(self) -> str | None:
        return self.organisation.district_code if self.organisation else None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def require_role(self, *roles: str, message: str | None = None) -> None:
        """Refuse unless the actor holds one of ``roles``."""
        if not self.has_role(*roles):
            raise PermissionDenied(message or "您没有执行此操作的角色权限")

    def require_kind(self, *kinds: str, message: str | None = None) -> None:
        """Refuse unless the actor's organisation is of one of ``kinds``."""
        if self.kind not in kinds:
            raise PermissionDenied(message or "您的机构类型不能执行此操作")

    @property
    def audit_user(self) -> User | None:
        """The person recorded in the audit log (a token acts for the person who created it)."""
        if self.user is not None:
            return self.user
        return self.token.created_by if self.token else None

    @classmethod
    def public(cls) -> Actor:
        return cls(organisation=None)

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        """The actor of a logged-in person (anonymous → public)."""
        if user is None or not user.is_authenticated or user.organisation_id is None:
            return cls.public()
        org = user.organisation
        if org.status != "active":
            return cls.public()
        return cls(organisation=org, user=user, roles=frozenset(user.roles))


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what an actor may see."""

    def visible_to(self, actor: Actor) -> Self:
        scope: Scope = self.model.scope
        if actor.is_public:
            return self.none()
        if actor.is_city:
            return self.all()
        own = Q()
        for path in scope.orgs:
            own |= Q(**{path: actor.org_id})
        if actor.is_district and scope.district is not None:
            return self.filter(own | Q(**{scope.district: actor.district_code}))
        return self.filter(own)


def access(
    actor: Actor,
    queryset: ScopedQuerySet,
    pk: Any,
    *,
    what: str = "记录",
    for_update: bool = False,
) -> M:
    """Fetch one object the actor may see, or raise NotFound (invisible is the same as absent)."""
    qs = queryset.visible_to(actor)
    if for_update:
        # lock the object's own row only: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer joins that select_related makes for optional relations
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(what) from None
