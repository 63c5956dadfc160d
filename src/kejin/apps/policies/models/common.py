"""Shared pieces of the policies models: money fields and the city-only queryset."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from kejin.platform.tenancy import ScopedQuerySet

if TYPE_CHECKING:
    from kejin.platform.tenancy import Actor

MONEY = {"max_digits": 18, "decimal_places": 2}


class CityOnlyQuerySet(ScopedQuerySet):
    """Rows only the city office sees (objections with contact details, payment batches, runs)."""

    def visible_to(self, actor: Actor) -> Self:
        return self.all() if actor.is_city else self.none()
