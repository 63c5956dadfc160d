"""What matching knows of enterprises and demands, read from the other contexts.

The facts are internal (no access control): they feed the matching rule. What an institution may
see of them is decided where they are shown (private criteria only under consent).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from kejin.apps.credit import selectors as credit
from kejin.apps.enterprises import selectors as enterprises
from kejin.apps.enterprises.models import Industry  # the choices only, never the ORM
from kejin.apps.marketplace.models import Demand, Product
from kejin.apps.orgs.models import Organisation
from kejin.rules import calendar
from kejin.rules.errors import DomainError
from kejin.rules.matching import DemandTerms, EnterpriseFacts, Labels, ProductTerms

INDUSTRY_LABELS: dict[str, str] = {str(code): str(label) for code, label in Industry.choices}
_INDUSTRY_BY_LABEL = {label: code for code, label in INDUSTRY_LABELS.items()}
LABELS = Labels(industries=INDUSTRY_LABELS)


def work_calendar() -> calendar.WorkCalendar:
    """The working-day calendar (the package's years; the city's entered years when available)."""
    return calendar.PACKAGE_CALENDAR


@lru_cache(maxsize=4096)
def working_days_left(on: date, until: date) -> int | None:
    """Working days after ``on`` up to ``until`` (0 when past); None when a year is unknown."""
    if until <= on:
        return 0
    try:
        return work_calendar().working_days_between(on, until)
    except DomainError:
        return None


def full_years(since: date, on: date) -> int:
    years = on.year - since.year - ((on.month, on.day) < (since.month, since.day))
    return max(0, years)


def enterprise_facts(ids: Iterable[int], on: date) -> dict[int, EnterpriseFacts]:
    """Each enterprise's facts on ``on``: district and industry, tech-SME and HNTE standing,
    years in business, revenue of the latest filing up to last year, latest credit grade."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    orgs = dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "district_code"))
    org_industry = dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "industry"))
    sme = enterprises.tech_sme_status(wanted, on)
    hnte = enterprises.hnte_valid(wanted, on)
    filings = enterprises.financials_of(wanted, on.year - 1)
    grades = credit.ratings_of(wanted)
    profiles = enterprises.profiles_of(wanted)
    out: dict[int, EnterpriseFacts] = {}
    for pk in wanted:
        if pk not in orgs:
            continue
        profile = profiles.get(pk)
        industry = (profile.industry if profile else "") or _INDUSTRY_BY_LABEL.get(
            org_industry.get(pk) or "", ""
        )
        established = profile.established_date if profile else None
        filing = filings.get(pk)
        rating = grades.get(pk)
        out[pk] = EnterpriseFacts(
            enterprise_id=pk,
            district_code=orgs[pk],
            industry=industry,
            tech_sme=sme.get(pk, False),
            hnte=hnte.get(pk, False),
            years_in_business=full_years(established, on) if established else None,
            revenue=Decimal(filing.revenue) if filing is not None else None,
            grade=rating.grade if rating is not None else None,
        )
    return out


def fingerprint(facts: EnterpriseFacts) -> str:
    """A hash of the facts: when it changes, the enterprise's demands are matched again."""
    text = repr(facts).encode()
    return hashlib.sha256(text).hexdigest()


def product_terms(product: Product) -> ProductTerms:
    return ProductTerms(
        product_id=product.pk,
        institution_id=product.institution_id,
        kind=product.kind,
        amount_min=product.amount_min,
        amount_max=product.amount_max,
        term_min=product.term_min,
        term_max=product.term_max,
        rate_min=product.rate_min,
        rate_max=product.rate_max,
        guarantee=product.guarantee,
        requires_tech_sme=product.requires_tech_sme,
        requires_hnte=product.requires_hnte,
        min_years=product.min_years,
        revenue_min=product.revenue_min,
        revenue_max=product.revenue_max,
        min_grade=product.min_grade or None,
        districts=frozenset(product.districts or ()),
        industries=frozenset(product.industries or ()),
        response_days=product.response_days,
    )


def demand_terms(
    demand: Demand, facts: EnterpriseFacts, targets: Sequence[int], on: date
) -> DemandTerms:
    return DemandTerms(
        demand_id=demand.pk,
        enterprise=facts,
        amount=demand.amount,
        term_months=demand.term_months,
        max_rate=demand.max_rate,
        guarantees=frozenset(demand.guarantees or ()),
        kinds=frozenset(demand.kinds or ()),
        targets=frozenset(targets),
        working_days_left=working_days_left(on, demand.needed_by),
    )
