"""Fixtures of the credit tests: a data provider, a hand-made approved scorecard (no training, so
the tests stay fast), record and consent helpers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.credit.models import (
    Consent,
    CreditRecord,
    ModelStatus,
    RecordKind,
    ScoringModel,
)
from kejin.apps.orgs.models import Organisation, OrgKind, Role, User
from kejin.rules import scoring
from tests.conftest import Cast, make_org, make_user

TODAY = date(2026, 6, 15)


@pytest.fixture
def provider(cast: Cast) -> Organisation:
    return make_org(OrgKind.DATA_PROVIDER, "长春市公共信用信息中心", "220102")


@pytest.fixture
def provider_officer(provider: Organisation) -> User:
    return make_user(provider, "data_officer", Role.OFFICER)


@pytest.fixture
def city_officer(cast: Cast) -> User:
    return make_user(cast.city, "city_officer", Role.OFFICER)


@pytest.fixture
def city_reviewer(cast: Cast) -> User:
    return make_user(cast.city, "city_reviewer", Role.REVIEWER)


def hand_card() -> scoring.Scorecard:
    """A small scorecard written by hand (points as a trained card would have them)."""

    def b(lo: float | None, hi: float | None, pts: int, missing: bool = False) -> scoring.Bin:
        return scoring.Bin(lo, hi, pts, 0.0, 0, 0, missing)

    return scoring.Scorecard(
        base_points=560,
        features=(
            scoring.FeatureCard(
                "max_dpd_12m",
                -0.7,
                (1.0, 30.0),
                (b(None, 1.0, 20), b(1.0, 30.0, -5), b(30.0, None, -40)),
                b(None, None, 0, True),
            ),
            scoring.FeatureCard(
                "tax_grade",
                -0.6,
                (3.0, 5.0),
                (b(None, 3.0, -25), b(3.0, 5.0, 5), b(5.0, None, 15)),
                b(None, None, -10, True),
            ),
            scoring.FeatureCard(
                "court_cases_36m",
                -0.5,
                (1.0,),
                (b(None, 1.0, 10), b(1.0, None, -20)),
                b(None, None, 0, True),
            ),
            scoring.FeatureCard(
                "revenue",
                -0.4,
                (500.0,),
                (b(None, 500.0, -8), b(500.0, None, 12)),
                b(None, None, -4, True),
            ),
        ),
        intercept=-2.5,
        scale={"base_score": "600", "base_odds": "50", "pdo": "20"},
    )


@pytest.fixture
def approved_model(cast: Cast, city_officer: User, city_reviewer: User) -> ScoringModel:
    card = hand_card()
    return ScoringModel.objects.create(
        version=1,
        name="手工评分卡",
        status=ModelStatus.APPROVED,
        data_source="csv",
        scorecard=card.to_dict(),
        metrics={"holdout": {"auc": 0.8, "ks": 0.5}},
        distribution={
            "band_edges": [560.0, 580.0, 600.0],
            "band_counts": [25, 25, 25, 25],
            "grades": dict.fromkeys(scoring.GRADES, 10),
        },
        trained_by=city_officer,
        approved_by=city_reviewer,
        approved_at=timezone.now(),
        finished_at=timezone.now(),
    )


def record(
    enterprise: Organisation, source: Organisation, kind: str, day: date, **kw: Any
) -> CreditRecord:
    return CreditRecord.objects.create(
        enterprise=enterprise, source=source, kind=kind, record_date=day, **kw
    )


def repayment(
    enterprise: Organisation,
    lender: Organisation,
    day: date,
    dpd: int,
    *,
    event: str = "overdue",
    ref: str = "L-1",
) -> CreditRecord:
    return record(
        enterprise,
        lender,
        RecordKind.REPAYMENT,
        day,
        reference=ref,
        repayment_event=event,
        days_past_due=dpd,
        amount=Decimal("1000.00"),
    )


def consent(
    cast: Cast,
    *,
    institution: Organisation | None = None,
    purpose: str = "loan_application",
    days: int = 90,
    revoked: bool = False,
    start: int = 0,
) -> Consent:
    today = timezone.localdate()
    return Consent.objects.create(
        enterprise=cast.enterprise,
        institution=institution or cast.bank,
        purpose=purpose,
        valid_from=today - timedelta(days=start),
        valid_until=today + timedelta(days=days),
        granted_by=cast.owner,
        revoked_at=timezone.now() if revoked else None,
        revoked_by=cast.owner if revoked else None,
    )
