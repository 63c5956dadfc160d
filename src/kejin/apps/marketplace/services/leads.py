"""What an institution may read of an enterprise's credit profile on a lead or an application:
only under the enterprise's consent, each read (and each refusal) logged by the credit context.

Call outside any transaction of your own: a refused read must stay in the read log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kejin.apps.credit.selectors import latest_rating
from kejin.apps.credit.services.consent import require_consent
from kejin.apps.enterprises.selectors import financials_of
from kejin.platform.tenancy import Actor

CONSENT_PURPOSE = "loan_application"


@dataclass(frozen=True)
class CreditView:
    enterprise_id: int
    grade: str | None
    score: int | None
    rated_on: date | None
    revenue: Decimal | None
    revenue_year: int | None
    consent_id: int | None


def lead_credit_view(*, actor: Actor, enterprise_id: int) -> CreditView:
    """The grade and the latest revenue, for the enterprise itself, the city office, or an
    institution holding its consent; ``credit.no_consent`` (403) for anyone else."""
    consent = require_consent(
        actor=actor, enterprise_id=enterprise_id, purpose=CONSENT_PURPOSE, what="rating"
    )
    rating = latest_rating(enterprise_id)
    filing = financials_of([enterprise_id], timezone.localdate().year - 1).get(enterprise_id)
    return CreditView(
        enterprise_id=enterprise_id,
        grade=rating.grade if rating else None,
        score=rating.score if rating else None,
        rated_on=rating.as_of if rating else None,
        revenue=filing.revenue if filing else None,
        revenue_year=filing.year if filing else None,
        consent_id=consent.pk if consent else None,
    )
