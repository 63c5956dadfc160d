"""Features from the shared records (point in time), one-enterprise rating vs the vectorised batch
(identical), PSI monitoring, the selectors other contexts use."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.credit import features, selectors, sources
from kejin.apps.credit.models import Rating, RatingBatch, RecordKind, ScoringModel
from kejin.apps.credit.services import ratings
from kejin.apps.orgs.models import Organisation, OrgKind
from tests.apps.credit.conftest import record, repayment
from tests.conftest import Cast, make_org

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 6, 15)


def test_features_worked_example_point_in_time(cast: Cast, provider: Organisation) -> None:
    e, p = cast.enterprise, provider
    record(e, p, RecordKind.TAX_GRADE, date(2024, 4, 30), year=2023, grade="A")
    record(e, p, RecordKind.TAX_GRADE, date(2025, 4, 30), year=2024, grade="C")
    record(
        e, p, RecordKind.TAX_GRADE, date(2026, 8, 1), year=2025, grade="A"
    )  # after as_of: ignored
    record(e, p, RecordKind.SOCIAL_INSURANCE, date(2025, 6, 1), year=2025, month=6, headcount=40)
    record(e, p, RecordKind.SOCIAL_INSURANCE, date(2026, 6, 1), year=2026, month=6, headcount=30)
    for day in (date(2024, 1, 10), date(2025, 12, 1)):
        record(e, p, RecordKind.COURT_JUDGMENT, day, reference="案", authority="法院")
    record(
        e, p, RecordKind.COURT_JUDGMENT, date(2023, 1, 10), reference="旧案", authority="法院"
    )  # > 36 months
    record(
        e,
        p,
        RecordKind.DISHONEST_DEBTOR,
        date(2025, 1, 1),
        reference="执",
        authority="法院",
        ended_on=date(2025, 9, 1),
    )
    record(
        e,
        p,
        RecordKind.ABNORMAL_OPERATION,
        date(2026, 2, 1),
        authority="市监局",
        description="未年报",
    )
    record(
        e,
        p,
        RecordKind.UTILITY_ARREARS,
        date(2026, 1, 5),
        amount=Decimal("800.00"),
        description="电费",
    )
    withdrawn = record(e, p, RecordKind.PENALTY, date(2026, 1, 5), reference="罚", authority="局")
    withdrawn.status = "withdrawn"
    withdrawn.save()
    repayment(e, cast.bank, date(2025, 11, 20), 45)
    repayment(e, cast.bank, date(2026, 1, 20), 0, event="on_time")
    repayment(e, cast.other_bank, date(2026, 3, 20), 10, ref="L-2")
    repayment(e, cast.bank, date(2025, 1, 20), 120, event="default")  # > 12 months before as_of
    frame = features.build_features([e.pk, cast.stranger.pk], AS_OF)
    got = features.row_values(frame, 0)
    assert got["tax_grade"] == 2.0  # 2024 grade C (the 2025 grade is published after as_of)
    assert got["headcount_trend"] == pytest.approx(-25.0)  # (30 − 40) / 40 × 100
    assert got["court_cases_36m"] == 2.0
    assert got["dishonest"] == 0.0  # removed from the list on 2025-09-01
    assert got["abnormal"] == 1.0
    assert got["utility_arrears_12m"] == 1.0
    assert got["penalties_36m"] == 0.0  # the only penalty was withdrawn
    assert got["max_dpd_12m"] == 45.0
    assert got["overdue_count_12m"] == 2.0
    assert got["lenders_12m"] == 2.0
    # the enterprises context has no data for these: missing (the missing bin scores them)
    assert got["revenue"] is None
    assert got["years_in_business"] is None
    stranger = features.row_values(frame, 1)
    assert stranger["max_dpd_12m"] is None  # no platform history
    assert stranger["court_cases_36m"] == 0.0


def test_financial_features_come_from_the_enterprises_selectors(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = cast.enterprise.pk
    years = {
        2025: SimpleNamespace(
            year=2025,
            revenue=Decimal("12000000.00"),
            rd_expense=Decimal("720000.00"),
            net_profit=Decimal("-600000.00"),
        ),
        2024: SimpleNamespace(
            year=2024, revenue=Decimal("10000000.00"), rd_expense=Decimal(0), net_profit=Decimal(0)
        ),
    }
    monkeypatch.setattr(
        sources, "financials", lambda ids, year: {e: years[year]} if year in years else {}
    )
    monkeypatch.setattr(
        sources, "profiles", lambda ids: {e: SimpleNamespace(established_date=date(2016, 6, 15))}
    )
    monkeypatch.setattr(sources, "hnte", lambda ids, on: {e: True})
    monkeypatch.setattr(sources, "tech_sme", lambda ids, on: {e: False})
    got = features.row_values(features.build_features([e], AS_OF))
    assert got["revenue"] == pytest.approx(1200.0)  # 12,000,000 yuan = 1,200 万元
    assert got["revenue_growth"] == pytest.approx(20.0)  # (12.0 − 10.0) / 10.0
    assert got["rd_intensity"] == pytest.approx(6.0)  # 720,000 / 12,000,000
    assert got["profit_margin"] == pytest.approx(-5.0)
    assert got["years_in_business"] == pytest.approx(3652 / 365.25)
    assert (got["hnte"], got["tech_sme"]) == (1.0, 0.0)


def test_one_enterprise_rating_worked_example(
    cast: Cast, provider: Organisation, approved_model: ScoringModel
) -> None:
    record(cast.enterprise, provider, RecordKind.TAX_GRADE, date(2025, 4, 30), year=2024, grade="A")
    repayment(cast.enterprise, cast.bank, timezone.localdate() - timedelta(days=30), 45)
    rating = ratings.rating_compute(enterprise_id=cast.enterprise.pk)
    # base 560; DPD 45 → [30, +∞) −40; grade A = 5 → [5, +∞) +15; 0 cases → +10;
    # revenue missing → −4: 560 − 40 + 15 + 10 − 4 = 541 → CCC (540 ≤ 541 < 560)
    assert (rating.score, rating.grade) == (541, "CCC")
    assert [r["text"] for r in rating.reasons] == [
        "近12个月有逾期记录（最长逾期45天）",
        "缺少上年财务数据（缺失数据，按缺失组计分）",
    ]
    assert rating.contributions[0] == {"base_points": 560}
    assert rating.contributions[1]["bin"] == "[30, +∞)"
    assert selectors.latest_rating(cast.enterprise.pk) == rating
    assert selectors.ratings_of([cast.enterprise.pk, cast.stranger.pk]) == {
        cast.enterprise.pk: rating
    }


def _population(cast: Cast, provider: Organisation, n: int = 60) -> list[Organisation]:
    rng = random.Random(11)
    today = timezone.localdate()
    orgs = [make_org(OrgKind.ENTERPRISE, f"测试企业{i}有限公司", "220104") for i in range(n)]
    for org in orgs:
        if rng.random() < 0.8:
            record(
                org,
                provider,
                RecordKind.TAX_GRADE,
                date(2025, 4, 30),
                year=2024,
                grade=rng.choice("ABMCD"),
            )
        for _ in range(rng.randint(0, 3)):
            record(
                org,
                provider,
                RecordKind.COURT_JUDGMENT,
                today - timedelta(days=rng.randint(1, 900)),
                reference="案",
                authority="法院",
            )
        if rng.random() < 0.7:
            repayment(
                org,
                cast.bank,
                today - timedelta(days=rng.randint(1, 300)),
                rng.choice([0, 0, 5, 31, 95]),
                ref=f"L{org.pk}",
            )
    return orgs


def test_the_batch_gives_the_same_scores_grades_and_reasons_as_one_by_one(
    cast: Cast, provider: Organisation, approved_model: ScoringModel, city_officer: Any
) -> None:
    _population(cast, provider)
    batch = ratings.rating_batch_start(actor=cast.actor(city_officer))
    batch.refresh_from_db()
    assert batch.status == "done"
    assert (
        batch.total
        == batch.done
        == Organisation.objects.filter(kind="enterprise", status="active").count()
    )
    batch_ratings = {r.enterprise_id: r for r in Rating.objects.filter(batch=batch)}
    assert len(batch_ratings) == batch.total
    for pk, expected in batch_ratings.items():
        one = ratings.rating_compute(enterprise_id=pk, as_of=batch.as_of)
        assert (one.score, one.grade, one.reasons, one.contributions) == (
            expected.score,
            expected.grade,
            expected.reasons,
            expected.contributions,
        )
    assert batch.psi is not None
    assert sum(batch.grades.values()) == batch.total


def test_the_batch_page_polls_and_shows_the_psi_alert(
    cast: Cast, approved_model: ScoringModel, city_officer: Any
) -> None:
    response = cast.client(city_officer).post("/credit/batches/")
    assert response.status_code == 302
    batch = RatingBatch.objects.get()
    # the hand-made model's training bands are 25/25/25/25; this population all scores in one band
    assert batch.psi is not None
    assert batch.psi > 0.25
    page = cast.client(city_officer).get(f"/credit/batches/{batch.pk}/")
    assert "显著偏离训练人群" in page.content.decode()
    models = cast.client(city_officer).get("/credit/models/")
    assert "分数分布稳定性预警" in models.content.decode()
    assert (
        cast.client(cast.bank_admin).get(f"/api/v1/credit/ratings/batches/{batch.pk}").status_code
        == 404
    )


def test_rating_needs_an_approved_model_and_the_city(cast: Cast) -> None:
    response = cast.client(cast.city_admin).post(
        f"/api/v1/credit/enterprises/{cast.enterprise.pk}/rate"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "credit.no_approved_model"
    assert (
        cast.client(cast.bank_admin)
        .post(f"/api/v1/credit/enterprises/{cast.enterprise.pk}/rate")
        .status_code
        == 403
    )
    assert Rating.objects.count() == 0


def test_one_enterprise_is_scored_fast(cast: Cast, approved_model: ScoringModel) -> None:
    import time

    ratings.score_enterprise(cast.enterprise.pk, approved_model, AS_OF)  # warm the card cache
    started = time.perf_counter()
    ratings.score_enterprise(cast.enterprise.pk, approved_model, AS_OF)
    assert time.perf_counter() - started < 0.05
