"""Template filters of the house: division names, amounts in yuan."""

from __future__ import annotations

from decimal import Decimal

from django import template

from kejin.rules import divisions
from kejin.rules.money import fmt_yuan

register = template.Library()


@register.filter
def division(code: str) -> str:
    """``220104`` → ``朝阳区``."""
    d = divisions.get(code or "")
    return d.name if d else code


@register.filter
def yuan(value: Decimal | None) -> str:
    """``Decimal("1234567.8")`` → ``1,234,567.80``."""
    return "—" if value is None else fmt_yuan(value)
