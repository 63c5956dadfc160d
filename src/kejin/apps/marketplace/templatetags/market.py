"""Template filters of the marketplace: amounts in 万元 as people read them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from kejin.rules.matching import fmt_amount

register = template.Library()


@register.filter
def wan(value: Decimal | None) -> str:
    """``Decimal("5000000")`` → ``500万元``; ``800`` → ``800元``."""
    return "—" if value is None else fmt_amount(Decimal(value))


@register.filter
def stars(value: int | None) -> str:
    return "—" if not value else "★" * int(value) + "☆" * (5 - int(value))
