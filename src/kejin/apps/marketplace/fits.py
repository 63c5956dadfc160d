"""How a product fits an enterprise's open demands, criterion by criterion, computed now with the
one-by-one rule (the product page of an enterprise; the stored matches say the same for listed
products, this also explains the products that did not match)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.facts import LABELS, demand_terms, enterprise_facts, product_terms
from kejin.apps.marketplace.models import Application, Demand, Product, ProductStatus
from kejin.platform.tenancy import Actor
from kejin.rules.matching import evaluate, explain, score_trace


@dataclass(frozen=True)
class Fit:
    demand: Demand
    eligible: bool
    score: int
    reasons: list[dict[str, Any]]
    trace: list[dict[str, object]]
    application: Application | None


def fits_for(actor: Actor, product: Product) -> list[Fit]:
    demands = list(selectors.open_demands_of(actor).prefetch_related("targets"))
    if not demands or product.status != ProductStatus.LISTED:
        return []
    today = timezone.localdate()
    facts = enterprise_facts([actor.org_id], today).get(actor.org_id)  # type: ignore[list-item]
    if facts is None:
        return []
    terms = product_terms(product)
    out = []
    for d in demands:
        targets = [t.institution_id for t in d.targets.all()]
        dt = demand_terms(d, facts, targets, today)
        ev = evaluate(terms, dt)
        out.append(
            Fit(
                demand=d,
                eligible=ev.eligible,
                score=ev.score,
                reasons=[r.as_dict() for r in explain(terms, dt, ev, LABELS)],
                trace=score_trace(terms, dt, ev.parts),
                application=selectors.application_for_pair(actor, d.pk, product.pk),
            )
        )
    return out
