"""The city's evaluation of every enterprise runs as a background task with the vectorised rule
(``rules.evaluation_batch``) and gives the same result, to the point, as the one-by-one rule: proved
on a generated population stored in the database, biased towards every edge (band bounds, limits,
zero denominators, expiry and 5-year windows on the day, 29 February, missing declarations)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from kejin.apps.enterprises.facts import facts_for, facts_from_json
from kejin.apps.enterprises.models import (
    EvaluationResult,
    EvaluationRun,
    FinancialYear,
    HnteCertificate,
    IpItem,
    IpKind,
    NationalAward,
    RdInstitution,
    StandardLed,
    StandardLevel,
)
from kejin.apps.enterprises.services import runs
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.rules import uscc
from kejin.rules.errors import DomainError
from kejin.rules.evaluation import evaluate_tech_sme
from kejin.rules.hnte import add_years
from tests.apps.enterprises.conftest import assert_envelope, post_json
from tests.conftest import Cast

POPULATION = 320
CENT = Decimal("0.01")


def _pick(rng: random.Random, *options: Any) -> Any:
    return rng.choice(options)


def _near(rng: random.Random, whole: Decimal, percent: int) -> Decimal:
    """An amount at, just under or just over ``percent`` % of ``whole``."""
    exact = (whole * percent / 100).quantize(CENT)
    return max(Decimal(0), exact + _pick(rng, Decimal(0), CENT, -CENT, Decimal(0)))


def _filing(rng: random.Random, org: Organisation, year: int) -> FinancialYear:
    employees = _pick(rng, 0, 1, 10, 100, 497, 500, 501, rng.randint(2, 480))
    share = _pick(rng, 9, 10, 15, 20, 25, 30, 31, rng.randint(0, 100))
    tech = min(employees, max(0, round(employees * share / 100) + _pick(rng, -1, 0, 0, 1)))
    revenue = _pick(
        rng,
        Decimal(0),
        Decimal("200000000.00"),
        Decimal("200000000.01"),
        Decimal(rng.randint(100_000, 150_000_000_00)) / 100,
    )
    cost = _pick(rng, Decimal(0), (revenue * Decimal(rng.uniform(0.5, 1.2))).quantize(CENT))
    rd = _pick(
        rng,
        _near(rng, revenue, _pick(rng, 2, 3, 4, 5, 6)),
        _near(rng, cost, _pick(rng, 10, 15, 20, 25, 30)),
        Decimal(rng.randint(0, 5_000_000_00)) / 100,
    )

    unanswered = rng.random() < 0.06

    def flag() -> bool | None:
        return None if unanswered and rng.random() < 0.5 else rng.random() < 0.05

    return FinancialYear(
        enterprise=org,
        year=year,
        employees=employees,
        tech_staff=tech,
        revenue=revenue,
        total_cost_and_expense=cost,
        rd_expense=rd,
        total_assets=_pick(
            rng, Decimal("200000000.00"), Decimal("200000000.01"), Decimal("8000000.00")
        ),
        net_profit=Decimal("0.00"),
        tax_paid=Decimal("0.00"),
        resident_in_mainland=rng.random() > 0.03,
        in_restricted_catalogue=flag(),
        had_serious_incident=flag(),
        on_abnormal_operations_list=flag(),
        on_serious_dishonesty_list=flag(),
    )


def _records(rng: random.Random, org: Organisation, ref: date, n: int) -> list[Any]:
    near_ref = [ref, ref - timedelta(days=1), ref + timedelta(days=1), ref - timedelta(days=400)]
    window = add_years(ref, -5)
    near_window = [window, window - timedelta(days=1), window + timedelta(days=1)]
    out: list[Any] = []
    for i in range(rng.randint(0, 5)):
        grant = _pick(rng, ref, ref + timedelta(days=1), date(2020, 1, 1))
        out.append(
            IpItem(
                enterprise=org,
                kind=rng.choice(IpKind.values),
                number=f"N{n}-{i}",
                title="t",
                grant_date=grant,
                expiry_date=max(grant, _pick(rng, *near_ref, date(2040, 1, 1))),
                disputed=rng.random() < 0.15,
                related_to_main_products=rng.random() > 0.15,
            )
        )
    for i in range(_pick(rng, 0, 0, 1, 2)):
        issue = _pick(rng, add_years(ref, -3), add_years(ref, -3) - timedelta(days=1), ref,
                      ref + timedelta(days=1), date(2021, 5, 5))  # fmt: skip
        revoked = _pick(rng, None, None, ref, ref + timedelta(days=1))
        out.append(
            HnteCertificate(
                enterprise=org,
                number=f"GR{n}-{i}",
                issue_date=issue,
                expiry_date=add_years(issue, 3),
                revoked_on=revoked if revoked is None or revoked >= issue else None,
            )
        )
    for _ in range(_pick(rng, 0, 0, 1, 2)):
        out.append(
            NationalAward(
                enterprise=org,
                name="a",
                category="natural_science",
                award_date=_pick(rng, *near_window, ref, ref + timedelta(days=1)),
                rank=rng.randint(1, 5),
            )
        )
    for _ in range(_pick(rng, 0, 0, 1, 2)):
        out.append(
            StandardLed(
                enterprise=org,
                code="s",
                title="s",
                level=rng.choice(StandardLevel.values),
                published_date=_pick(rng, *near_window, ref + timedelta(days=1)),
            )
        )
    for _ in range(_pick(rng, 0, 0, 0, 1)):
        out.append(
            RdInstitution(
                enterprise=org,
                name="r",
                level=rng.choice(["national", "provincial", "municipal", "other"]),
                recognised_by="省科技厅",
                recognised_date=_pick(rng, ref, ref + timedelta(days=1), date(2019, 1, 1)),
            )
        )
    return out


def generate_population(seed: int, year: int, ref: date) -> list[int]:
    """``POPULATION`` active enterprises with filings and records, written in bulk."""
    rng = random.Random(seed)
    orgs = Organisation.objects.bulk_create(
        Organisation(
            kind=OrgKind.ENTERPRISE,
            name=f"测试企业{seed}-{n}",
            uscc=uscc.generate(rng, "220104"),
            district_code=_pick(rng, "220104", "220102", "220103"),
            status=OrgStatus.ACTIVE,
        )
        for n in range(POPULATION)
    )
    filings, records = [], []
    for n, org in enumerate(orgs):
        if rng.random() < 0.05:
            filings.append(_filing(rng, org, year - 1))  # filed another year only
        else:
            filings.append(_filing(rng, org, year))
        records += _records(rng, org, ref, n)
    FinancialYear.objects.bulk_create(filings)
    for model in (IpItem, HnteCertificate, NationalAward, StandardLed, RdInstitution):
        model.objects.bulk_create([r for r in records if isinstance(r, model)])
    return [o.pk for o in orgs]


FLAGS = (
    "tech_staff_points", "rd_revenue_points", "rd_cost_points", "rd_points", "ip_points",
    "total_score", "eligible", "passes_score", "direct_qualification", "qualified",
)  # fmt: skip
ROUTES = {
    "hnte": "route_hnte",
    "national_award": "route_national_award",
    "rd_institution": "route_rd_institution",
    "standard": "route_standard",
}


def one_by_one(result: Any) -> dict[str, Any]:
    return {
        "tech_staff_points": result.tech_staff.points,
        "rd_revenue_points": result.rd_revenue.points,
        "rd_cost_points": result.rd_cost.points,
        "rd_points": result.rd_points,
        "ip_points": result.ip.points,
        "total_score": result.total_score,
        "eligible": result.eligible,
        "passes_score": result.passes_score,
        "direct_qualification": result.direct_qualification,
        "qualified": result.qualified,
        **{ROUTES[r.key]: r.passed for r in result.routes},
    }


@pytest.mark.parametrize(
    ("seed", "year", "ref"),
    [(11, 2025, date(2026, 3, 20)), (29, 2023, date(2024, 2, 29))],
)
def test_the_batch_equals_the_one_by_one_rule_on_a_generated_population_in_the_database(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, seed: int, year: int, ref: date
) -> None:
    ids = generate_population(seed, year, ref)
    monkeypatch.setattr(runs, "CHUNK", 97)  # several chunks, the last one partial
    response = post_json(
        cast.client(cast.city_admin),
        "/api/v1/enterprises/evaluation-runs",
        {"year": year, "reference_date": ref.isoformat()},
    )
    assert response.status_code == 201, response.content
    run = EvaluationRun.objects.get(pk=response.json()["id"])
    assert run.status == "done"
    assert run.processed == run.total == POPULATION + 3  # and the cast's three enterprises
    results = {r.enterprise_id: r for r in EvaluationResult.objects.filter(run=run)}
    assert len(results) == run.total
    compared = incomplete = 0
    for enterprise_id in ids:
        stored = results[enterprise_id]
        try:
            facts, _ = facts_for(enterprise_id, year, ref)
        except DomainError:
            assert not stored.complete
            assert stored.missing
            incomplete += 1
            continue
        assert stored.complete
        assert facts_from_json(stored.facts) == facts  # the snapshot is the one-by-one facts
        expected = one_by_one(evaluate_tech_sme(facts))
        actual = {name: getattr(stored, name) for name in expected}
        assert actual == expected, (enterprise_id, facts)
        compared += 1
    assert compared >= 250
    assert incomplete == run.incomplete_count - 3
    assert run.qualified_count == sum(r.qualified for r in results.values())
    qualified = sum(r.qualified for r in results.values())
    assert 0 < qualified < compared  # the population is mixed


def test_the_run_page_shows_progress_and_the_fragment_polls_until_done(cast: Cast) -> None:
    run = EvaluationRun.objects.create(
        year=2025, reference_date=date(2026, 3, 20), created_by=cast.city_admin, total=200,
        processed=50,
    )  # fmt: skip
    client = cast.client(cast.city_admin)
    page = client.get(f"/enterprises/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "已处理 50 / 200 家企业" in page
    assert "25%" in page
    runs.evaluation_run_execute(run.pk)  # the worker picks it up (queued → done)
    fragment = client.get(f"/enterprises/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "every 2s" not in fragment.content.decode()
    assert "已完成" in fragment.content.decode()


def test_the_run_form_starts_a_run_and_the_page_offers_publication(
    cast: Cast, worked_example: Any
) -> None:
    client = cast.client(cast.city_admin)
    response = client.post("/enterprises/runs/", {"year": 2025, "reference_date": "2026-03-20"})
    run = EvaluationRun.objects.get()
    assert response["Location"] == f"/enterprises/runs/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "公示评价结果" in page
    assert "朝阳区" in page  # per-district numbers
    listing = client.get("/enterprises/runs/").content.decode()
    assert f"#{run.pk}" in listing


def test_a_failing_run_is_marked_failed_with_its_error(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, worked_example: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(runs, "facts_frame", broken)
    response = post_json(
        cast.client(cast.city_admin),
        "/api/v1/enterprises/evaluation-runs",
        {"year": 2025, "reference_date": "2026-03-20"},
    )
    assert response.status_code == 201
    run = EvaluationRun.objects.get()
    assert run.status == "failed"
    assert "数据库连接中断" in run.error
    assert EvaluationResult.objects.count() == 0
    page = cast.client(cast.city_admin).get(f"/enterprises/runs/{run.pk}/").content.decode()
    assert "评价失败" in page


def test_one_run_at_a_time_and_only_the_city_starts_one(cast: Cast) -> None:
    EvaluationRun.objects.create(
        year=2025, reference_date=date(2026, 3, 20), created_by=cast.city_admin
    )
    body = {"year": 2025, "reference_date": "2026-03-20"}
    client = cast.client(cast.city_admin)
    assert_envelope(post_json(client, "/api/v1/enterprises/evaluation-runs", body), 409)
    for user in (cast.district_admin, cast.owner, cast.bank_admin, cast.city_auditor):
        response = post_json(cast.client(user), "/api/v1/enterprises/evaluation-runs", body)
        assert_envelope(response, 403, "permission_denied")
    assert EvaluationRun.objects.count() == 1


def test_the_reference_date_must_follow_the_year(cast: Cast) -> None:
    body = {"year": 2025, "reference_date": "2025-12-31"}
    response = post_json(cast.client(cast.city_admin), "/api/v1/enterprises/evaluation-runs", body)
    error = assert_envelope(response, 422, "enterprise.year_invalid")
    assert "reference_date" in error["fields"]
    assert EvaluationRun.objects.count() == 0


def test_a_run_that_cannot_be_queued_is_failed_and_does_not_block_the_next(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kejin.apps.enterprises import tasks

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("队列不可用")

    actor = cast.actor(cast.city_admin)
    monkeypatch.setattr(tasks, "evaluation_run_task", SimpleNamespace(enqueue=unavailable))
    with pytest.raises(ConnectionError):
        runs.evaluation_run_start(actor=actor, year=2025, reference_date=date(2026, 3, 20))
    failed = EvaluationRun.objects.get()
    assert failed.status == "failed"
    assert "未能加入任务队列" in failed.error
    monkeypatch.undo()
    again = runs.evaluation_run_start(actor=actor, year=2025, reference_date=date(2026, 3, 20))
    again.refresh_from_db()
    assert again.status == "done"
