"""The city publishes the list of qualified tech SMEs with a public notice of N working days (end
computed with ``rules.calendar``); the public page shows only published results; district numbers
(table and chart) for the city, a district office sees its own."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.enterprises.models import EvaluationRun, FinancialYear
from kejin.apps.enterprises.selectors import tech_sme_status
from kejin.apps.enterprises.services.runs import evaluation_run_start
from tests.apps.enterprises.conftest import REFERENCE, assert_envelope, post_json, publish
from tests.conftest import Cast


@pytest.fixture
def population(cast: Cast, file_year: Any, add_ip: Any) -> None:
    """Qualified: the enterprise (朝阳区, 94 points) and the far enterprise (南关区); not
    qualified: the stranger (R&D 1 %: 20 + 0 + 24 = 44 points)."""
    for org in (cast.enterprise, cast.far_enterprise, cast.stranger):
        for _ in range(4):
            add_ip(org, "utility_model")
    file_year(cast.enterprise)
    file_year(cast.far_enterprise)
    file_year(cast.stranger, rd_expense=Decimal("100000.00"))


def start(cast: Cast) -> EvaluationRun:
    return evaluation_run_start(
        actor=cast.actor(cast.city_admin), year=2025, reference_date=REFERENCE
    )


def public_names(client: Any, query: str = "") -> set[str]:
    response = client.get(f"/api/v1/enterprises/public/tech-sme{query}")
    assert response.status_code == 200
    return {r["enterprise_name"] for r in response.json()["items"]}


def test_publishing_computes_the_notice_end_in_working_days(cast: Cast, population: None) -> None:
    run = start(cast)
    response = post_json(
        cast.client(cast.city_admin),
        f"/api/v1/enterprises/evaluation-runs/{run.pk}/publish",
        {"notice_days": 7, "opens_on": "2026-03-31"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # Opens Tue 2026-03-31 (not counted). Working days: 04-01 Wed (1), 04-02 Thu (2), 04-03 Fri
    # (3); 04-04 to 04-06 are the 清明 holiday (Sat–Mon); 04-07 Tue (4), 04-08 (5), 04-09 (6),
    # 04-10 Fri (7) → the notice ends at the end of 2026-04-10.
    assert body["notice_end"] == "2026-04-10"
    assert body["valid_from"] == "2026-04-11"
    assert body["valid_until"] == "2026-12-31"
    assert body["status"] == "published"
    run.refresh_from_db()
    assert run.published_by == cast.city_admin
    assert FinancialYear.objects.filter(locked_by_run=run).count() == 3


def test_the_default_notice_is_seven_working_days_from_today(cast: Cast, population: None) -> None:
    run = start(cast)
    page = cast.client(cast.city_admin).get(f"/enterprises/runs/{run.pk}/").content.decode()
    assert 'name="notice_days"' in page
    assert 'value="7"' in page


def test_the_public_sees_only_the_qualified_enterprises_of_a_published_run(
    cast: Cast, population: None
) -> None:
    public = cast.client(None)
    start(cast)  # done, not yet published
    assert public_names(public) == set()
    page = public.get("/enterprises/public/tech-sme/").content.decode()
    assert "目前没有正在公示或已公示的科技型中小企业名单" in page
    assert cast.enterprise.name not in page

    publish(cast, opens_on=date(2026, 3, 31))
    assert public_names(public) == {cast.enterprise.name, cast.far_enterprise.name}
    page = public.get("/enterprises/public/tech-sme/").content.decode()
    assert cast.enterprise.name in page
    assert cast.stranger.name not in page  # evaluated, not qualified
    assert "公示期 7 个工作日：2026年3月31日 至 2026年4月10日" in page
    assert "总分" not in page  # scores are not public
    assert public_names(public, "?district_code=220102") == {cast.far_enterprise.name}


def test_a_notice_opening_later_is_not_shown_yet(cast: Cast, population: None) -> None:
    run = publish(cast)
    later = timezone.localdate() + timedelta(days=3)
    EvaluationRun.objects.filter(pk=run.pk).update(notice_start=later)
    assert public_names(cast.client(None)) == set()


def test_a_new_publication_of_the_year_supersedes_the_old_one(
    cast: Cast, population: None, file_year: Any
) -> None:
    first = publish(cast)
    FinancialYear.objects.filter(enterprise=cast.stranger).update(
        rd_expense=Decimal("900000.00"), locked_at=None
    )
    second = publish(cast, opens_on=date(2026, 4, 13))
    first.refresh_from_db()
    assert first.status == "superseded"
    assert second.status == "published"
    names = public_names(cast.client(None))
    assert names == {cast.enterprise.name, cast.far_enterprise.name, cast.stranger.name}


@pytest.mark.parametrize("days", [0, 31, -2])
def test_a_notice_of_a_bad_length_is_refused(cast: Cast, population: None, days: int) -> None:
    run = start(cast)
    response = post_json(
        cast.client(cast.city_admin),
        f"/api/v1/enterprises/evaluation-runs/{run.pk}/publish",
        {"notice_days": days},
    )
    error = assert_envelope(response, 422, "evaluation.notice_invalid")
    assert "公示期须为 1–30 个工作日" in error["fields"]["notice_days"]
    run.refresh_from_db()
    assert run.status == "done"


def test_a_notice_in_an_unknown_calendar_year_is_refused(cast: Cast, population: None) -> None:
    run = start(cast)
    response = post_json(
        cast.client(cast.city_admin),
        f"/api/v1/enterprises/evaluation-runs/{run.pk}/publish",
        {"notice_days": 7, "opens_on": "2031-03-03"},
    )
    error = assert_envelope(response, 422, "calendar.unknown_year")
    assert "2031" in error["message"]
    run.refresh_from_db()
    assert run.status == "done"
    assert not FinancialYear.objects.filter(locked_at__isnull=False).exists()


def test_a_published_run_is_not_published_twice_and_only_the_city_publishes(
    cast: Cast, population: None
) -> None:
    run = publish(cast)
    client = cast.client(cast.city_admin)
    url = f"/api/v1/enterprises/evaluation-runs/{run.pk}/publish"
    assert_envelope(post_json(client, url, {"notice_days": 7}), 409, "evaluation.run_not_done")
    other = start(cast)
    url = f"/api/v1/enterprises/evaluation-runs/{other.pk}/publish"
    for user in (cast.district_admin, cast.owner, cast.bank_admin):
        assert_envelope(post_json(cast.client(user), url, {"notice_days": 7}), 403)


def test_tech_sme_status_holds_from_the_day_after_the_notice_to_the_end_of_next_year(
    cast: Cast, population: None
) -> None:
    publish(cast)  # notice 2026-03-31 → 2026-04-10
    ids = [cast.enterprise.pk, cast.stranger.pk, cast.far_enterprise.pk, cast.bank.pk]
    during = tech_sme_status(ids, date(2026, 4, 10))
    assert not any(during.values())
    after = tech_sme_status(ids, date(2026, 4, 11))
    assert after == {
        cast.enterprise.pk: True,
        cast.stranger.pk: False,
        cast.far_enterprise.pk: True,
        cast.bank.pk: False,
    }
    assert tech_sme_status(ids, date(2026, 12, 31))[cast.enterprise.pk] is True
    assert tech_sme_status(ids, date(2027, 1, 1))[cast.enterprise.pk] is False


def test_the_city_sees_every_district_in_the_table_and_the_chart(
    cast: Cast, population: None
) -> None:
    publish(cast)
    response = cast.client(cast.city_admin).get("/enterprises/stats/")
    page = response.content.decode()
    assert 'id="district-stats"' in page
    assert "echarts.min.js" in page
    chart = json.loads(page.split('id="chart-data" type="application/json">')[1].split("<")[0])
    assert chart == {"names": ["南关区", "朝阳区"], "qualified": [1, 1], "complete": [1, 2]}
    api = cast.client(cast.city_admin).get("/api/v1/enterprises/evaluation-stats?year=2025")
    rows = {r["district_code"]: r for r in api.json()["districts"]}
    assert rows["220104"]["qualified"] == 1
    assert rows["220104"]["complete"] == 2


def test_a_district_office_sees_its_own_numbers_only(cast: Cast, population: None) -> None:
    publish(cast)
    api = cast.client(cast.district_admin).get("/api/v1/enterprises/evaluation-stats")
    assert [r["district_code"] for r in api.json()["districts"]] == ["220104"]
    page = cast.client(cast.district_admin).get("/enterprises/stats/").content.decode()
    assert "朝阳区" in page
    assert "南关区" not in page.split('id="district-stats"')[1]
    results = cast.client(cast.district_admin).get("/api/v1/enterprises/evaluation-results")
    assert {r["enterprise_name"] for r in results.json()["items"]} == {
        cast.enterprise.name,
        cast.stranger.name,
    }


def test_the_results_list_filters_explains_and_exports(cast: Cast, population: None) -> None:
    run = publish(cast)
    client = cast.client(cast.city_admin)
    page = client.get("/enterprises/results/?outcome=qualified").content.decode()
    assert cast.enterprise.name in page
    assert cast.stranger.name not in page
    api = client.get("/api/v1/enterprises/evaluation-results?outcome=not_qualified").json()
    assert [r["enterprise_name"] for r in api["items"]] == [cast.stranger.name]
    result = run.results.get(enterprise=cast.stranger)
    detail = client.get(f"/enterprises/results/{result.pk}/").content.decode()
    assert "总分 = 20 + 0 + 24 = 44 分" in detail  # re-created from the stored facts
    explained = client.get(f"/api/v1/enterprises/evaluation-results/{result.pk}").json()
    assert explained["explanation"]["total_score"] == explained["total_score"] == 44
    export = client.get("/enterprises/results/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
