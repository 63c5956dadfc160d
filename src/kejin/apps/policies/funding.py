"""The special fund, seen from the policies context: one door to ``kejin.apps.funds``.

An award approved by the city commits money on its program's budget line (``fund_commit``, which
refuses when the line is exhausted), payment pays the commitment (``fund_pay``), and a rejection or
withdrawal after approval releases it (``fund_release``). Ledger entries name the application as
``policies.Application:<id>``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType
from typing import Any

from kejin.apps.policies.errors import PolicyError
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict

PURPOSE_OF_MEASURE = {
    "interest_subsidy": "interest_subsidy",
    "bond_interest": "interest_subsidy",
    "listing_stage": "financing_subsidy",
    "neeq_stage": "financing_subsidy",
    "regional_equity": "financing_subsidy",
    "local_broker": "financing_subsidy",
    "mna_fees": "financing_subsidy",
    "maker_space": "awards",
    "competition": "awards",
    "park": "awards",
    "talent": "awards",
}


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise Conflict(
            PolicyError.FUNDS_UNAVAILABLE,
            "专项资金模块尚未启用，无法办理资金占用或拨付",
        ) from None


def _ledger() -> ModuleType:
    return _module("kejin.apps.funds.services.ledger")


def _selectors() -> ModuleType:
    return _module("kejin.apps.funds.selectors")


def reference_of(application_id: int) -> str:
    return f"policies.Application:{application_id}"


def commit(
    *, actor: Actor, line_id: int, amount: Decimal, application_id: int, linkage_mode: str = ""
) -> int:
    """Commit ``amount`` on the line for the application; returns the commitment's id."""
    entry = _ledger().fund_commit(
        actor=actor,
        line_id=line_id,
        amount=amount,
        reference=reference_of(application_id),
        linkage_mode=linkage_mode or None,
    )
    return int(entry.pk)


def release(*, actor: Actor, commitment_id: int, reason: str) -> None:
    """Release what is still open of a commitment (rejection, withdrawal, upheld objection).

    Only the city office moves money: when the applicant withdraws, the release is booked by the
    city office as a consequence of the withdrawal (the reason names it)."""
    booker = actor if actor.is_city else city_booker()
    _ledger().fund_release(actor=booker, commitment_id=commitment_id, reason=reason)


def city_booker() -> Actor:
    """The city office booking an automatic consequence (no person acted in the city office)."""
    from kejin.apps.policies.notifications import city_office  # noqa: PLC0415

    office = city_office()
    if office is None:
        raise Conflict(PolicyError.FUNDS_UNAVAILABLE, "平台未设置市科技局，无法办理资金释放")
    return Actor(organisation=office, roles=frozenset({"officer"}))


def pay(*, actor: Actor, commitment_id: int, amount: Decimal, bank_reference: str) -> int:
    entry = _ledger().fund_pay(
        actor=actor, commitment_id=commitment_id, amount=amount, bank_reference=bank_reference
    )
    return int(entry.pk)


@dataclass(frozen=True)
class LineChoice:
    id: int
    label: str
    year: int
    purpose: str
    available: Decimal | None


def line_choices(actor: Actor, *, year: int | None = None) -> list[LineChoice]:
    """Budget lines the actor may attach a program to, with what is still available."""
    try:
        selectors = _selectors()
    except Conflict:
        return []
    lines: Any = selectors.budget_lines_for(actor, year=year)
    out = []
    for line in lines:
        try:
            available = selectors.line_balance(line.pk).available
        except Exception:
            available = None
        out.append(LineChoice(line.pk, str(line), line.year, line.purpose, available))
    return out


def line_label(actor: Actor, line_id: int) -> str | None:
    """The line's label if the actor may use it, else ``None``."""
    for choice in line_choices(actor):
        if choice.id == line_id:
            return choice.label
    return None
