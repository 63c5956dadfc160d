"""The enterprise's self-evaluation (one enterprise, one year, with the full explanation)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.enterprises.access import access_editable_enterprise
from kejin.apps.enterprises.facts import Evidence, facts_for, facts_from_json, facts_to_json
from kejin.apps.enterprises.models import SelfEvaluation
from kejin.apps.enterprises.services.fields import FieldErrors
from kejin.apps.enterprises.services.financials import clean_year_number
from kejin.platform.tenancy import Actor
from kejin.rules.evaluation import TechSmeEvaluation, evaluate_tech_sme


def _plain(value: Any) -> Any:
    """JSON-safe: dates as ISO text, decimals as exact text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def outcome_to_json(result: TechSmeEvaluation, evidence: Evidence | None = None) -> dict[str, Any]:
    """The whole explanation (conditions, scores with bands, routes, trace, what would change)."""
    data = _plain(asdict(result))
    for key in ("tech_staff", "rd_revenue", "rd_cost", "ip"):
        ratio = data[key]["ratio_percent"]
        data[key]["ratio_shown"] = (
            None if ratio is None else f"{Decimal(ratio).quantize(Decimal('0.01'), 'ROUND_DOWN')}%"
        )
    data["evidence"] = evidence.as_json() if evidence else None
    return data


def explain_snapshot(facts: dict[str, Any]) -> dict[str, Any]:
    """The explanation of stored facts, re-created by the one-by-one rule."""
    return outcome_to_json(evaluate_tech_sme(facts_from_json(facts)))


def self_evaluation_run(
    *, actor: Actor, enterprise_id: int, year: Any, reference_date: date | None = None
) -> SelfEvaluation:
    """Evaluate the actor's own enterprise for ``year`` as of ``reference_date`` (today by
    default) and keep the result with the facts it used."""
    with transaction.atomic():
        enterprise = access_editable_enterprise(actor, enterprise_id)
        errors = FieldErrors()
        number = clean_year_number(year, errors)
        errors.raise_if_any()
        assert number is not None
        on = reference_date or timezone.localdate()
        facts, evidence = facts_for(enterprise_id, number, on)
        result = evaluate_tech_sme(facts)
        return SelfEvaluation.objects.create(
            enterprise=enterprise,
            year=number,
            reference_date=on,
            qualified=result.qualified,
            total_score=result.total_score,
            facts=facts_to_json(facts),
            outcome=outcome_to_json(result, evidence),
            created_by=actor.audit_user,
        )
