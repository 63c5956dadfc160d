"""The doors origination uses into the credit context: the enterprise's consent (given with its
application) and the lender's consented read of the latest rating (at pricing)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kejin.apps.credit import selectors as credit_selectors
from kejin.apps.credit.services import consent as credit_consent
from kejin.platform.tenancy import Actor

PURPOSE = "loan_application"


@dataclass(frozen=True)
class RatingSeen:
    grade: str
    score: Decimal | int | None
    rated_on: str = ""
    model: str = ""


def consent_for_application(*, actor: Actor, lender_id: int) -> int | None:
    """The consent that goes with an application; returns its id.

    The enterprise's admin grants it now (valid one year, the longest the credit context allows);
    anyone else (an officer) may only rely on a valid consent the admin already gave the lender
    for loan applications — ``None`` when there is none."""
    today = timezone.localdate()
    if actor.has_role("admin"):
        consent = credit_consent.consent_grant(
            actor=actor,
            institution_id=lender_id,
            purpose=PURPOSE,
            valid_until=credit_consent.one_year_after(today),
        )
        return int(consent.pk)
    existing = (
        credit_selectors.consents_for(actor)
        .filter(
            enterprise_id=actor.org_id,
            institution_id=lender_id,
            purpose=PURPOSE,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .order_by("-valid_until", "-pk")
        .first()
    )
    return int(existing.pk) if existing is not None else None


def read_rating(*, actor: Actor, enterprise_id: int) -> tuple[RatingSeen | None, int | None]:
    """The borrower's latest rating as the lender may read it (needs a valid consent: refused with
    ``credit.no_consent`` 403 and logged otherwise), and the id of the consent used.

    Call outside any transaction of your own: a refused read must stay in the read log."""
    used = credit_consent.require_consent(
        actor=actor, enterprise_id=enterprise_id, purpose=PURPOSE, what="rating"
    )
    rating = credit_selectors.latest_rating(enterprise_id)
    seen = (
        RatingSeen(
            grade=rating.grade,
            score=rating.score,
            rated_on=rating.as_of.isoformat(),
            model=str(rating.model.label),
        )
        if rating is not None
        else None
    )
    return seen, (used.pk if used is not None else None)
