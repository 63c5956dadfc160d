"""The enterprises context's data, read only through its published selectors.

The credit context uses ``financials_of``, ``profile_of``, ``hnte_valid`` and ``tech_sme_status``
from :mod:`kejin.apps.enterprises.selectors`. Where that module or a selector is not there, or an
enterprise has no such data, the answer is empty and the features built from it are *missing*: the
scorecard scores them with its missing bin and the reasons say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from kejin.rules.errors import DomainError


def _selector(name: str) -> Callable[..., Any] | None:
    try:
        from kejin.apps.enterprises import selectors  # noqa: PLC0415 - optional neighbour
    except ImportError:
        return None
    return getattr(selectors, name, None)


def financials(enterprise_ids: Sequence[int], year: int) -> dict[int, Any]:
    """Yearly financials by enterprise id (fields revenue, net_profit, rd_expense, …)."""
    fn = _selector("financials_of")
    if fn is None or not enterprise_ids:
        return {}
    return dict(fn(list(enterprise_ids), year=year) or {})


def profiles(enterprise_ids: Sequence[int]) -> dict[int, Any]:
    """Profiles (established_date, registered_capital, industry, employees, tech_staff)."""
    many = _selector("profiles_of")
    if many is not None:
        return dict(many(list(enterprise_ids)) or {})
    one = _selector("profile_of")
    if one is None:
        return {}
    found: dict[int, Any] = {}
    for pk in enterprise_ids:
        try:
            profile = one(pk)
        except (DomainError, ObjectDoesNotExist):
            continue
        if profile is not None:
            found[pk] = profile
    return found


def hnte(enterprise_ids: Sequence[int], on: date) -> dict[int, bool]:
    fn = _selector("hnte_valid")
    return dict(fn(list(enterprise_ids), on) or {}) if fn and enterprise_ids else {}


def tech_sme(enterprise_ids: Sequence[int], on: date) -> dict[int, bool]:
    fn = _selector("tech_sme_status")
    return dict(fn(list(enterprise_ids), on) or {}) if fn and enterprise_ids else {}
