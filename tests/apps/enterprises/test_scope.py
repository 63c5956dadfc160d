"""Who sees what. An enterprise sees and edits only its own data (admin and officer edit, viewer
reads); its district office reads its district's enterprises; the city reads all; financial
institutions see no enterprise data here; the public sees only the published list. Invisible is
the same as absent: 404 over the API and on the pages."""

from __future__ import annotations

from typing import Any

import pytest

from kejin.apps.enterprises.models import FinancialYear, SelfEvaluation
from kejin.platform.navigation import nav_for
from tests.apps.enterprises.conftest import BASE_FILING, assert_envelope, publish, put_json
from tests.conftest import Cast

API_READS = ["", "/years", "/years/2025", "/ip", "/hnte-certificates", "/awards", "/standards",
             "/institutions", "/executives", "/self-evaluations"]  # fmt: skip
PAGES = ["", "years/", "years/2025/", "ip/", "hnte/", "records/awards/", "self-evaluation/",
         "corrections/", "hnte/precheck/"]  # fmt: skip


@pytest.fixture
def data(cast: Cast, worked_example: Any) -> Any:
    """The enterprise's filed year; the evaluation self-run once."""
    from kejin.apps.enterprises.services.evaluation import self_evaluation_run

    return self_evaluation_run(
        actor=cast.actor(cast.owner), enterprise_id=cast.enterprise.pk, year=2025
    )


def api_status(cast: Cast, user: Any, path: str) -> int:
    return int(cast.client(user).get(f"/api/v1/enterprises/{cast.enterprise.pk}{path}").status_code)


def page_status(cast: Cast, user: Any, path: str) -> int:
    return int(cast.client(user).get(f"/enterprises/{cast.enterprise.pk}/{path}").status_code)


@pytest.mark.parametrize("path", API_READS)
def test_the_enterprise_its_district_and_the_city_read_over_the_api(
    cast: Cast, data: Any, path: str
) -> None:
    for user in (cast.owner, cast.colleague, cast.district_admin, cast.city_admin):
        assert api_status(cast, user, path) == 200, (user, path)


@pytest.mark.parametrize(
    "who", ["stranger_admin", "other_district_admin", "bank_admin", "bank_officer"]
)
def test_everyone_else_gets_not_found_over_the_api(cast: Cast, data: Any, who: str) -> None:
    user = getattr(cast, who)
    for path in API_READS:
        response = cast.client(user).get(f"/api/v1/enterprises/{cast.enterprise.pk}{path}")
        assert_envelope(response, 404, "not_found")
        assert cast.enterprise.name not in response.content.decode()
    one = cast.client(user).get(
        f"/api/v1/enterprises/{cast.enterprise.pk}/self-evaluations/{data.pk}"
    )
    assert one.status_code == 404


def test_an_unknown_enterprise_looks_exactly_like_a_foreign_one(cast: Cast, data: Any) -> None:
    client = cast.client(cast.stranger_admin)
    foreign = client.get(f"/api/v1/enterprises/{cast.enterprise.pk}/years")
    absent = client.get("/api/v1/enterprises/999999/years")
    assert foreign.status_code == absent.status_code == 404
    assert foreign.json() == absent.json()


def test_a_bank_asking_for_its_own_organisation_here_gets_not_found(cast: Cast) -> None:
    response = cast.client(cast.bank_admin).get(f"/api/v1/enterprises/{cast.bank.pk}")
    assert_envelope(response, 404, "not_found")


@pytest.mark.parametrize("path", PAGES)
def test_pages_of_another_enterprise_are_not_found(cast: Cast, data: Any, path: str) -> None:
    for user in (cast.stranger_admin, cast.other_district_admin, cast.bank_admin):
        assert page_status(cast, user, path) == 404, (user, path)
    for user in (cast.owner, cast.district_admin, cast.city_admin):
        assert page_status(cast, user, path) == 200, (user, path)


def test_the_public_is_asked_to_log_in_and_gets_401_over_the_api(cast: Cast, data: Any) -> None:
    public = cast.client(None)
    for path in PAGES:
        response = public.get(f"/enterprises/{cast.enterprise.pk}/{path}")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    for path in API_READS:
        response = public.get(f"/api/v1/enterprises/{cast.enterprise.pk}{path}")
        assert_envelope(response, 401, "auth.required")
    for path in ("/enterprises/results/", "/enterprises/stats/", "/enterprises/runs/"):
        assert public.get(path).status_code == 302
    assert public.get("/enterprises/public/tech-sme/").status_code == 200


@pytest.mark.parametrize("who", ["district_admin", "city_admin", "stranger_admin", "bank_admin"])
def test_only_the_enterprise_itself_writes_its_data(cast: Cast, data: Any, who: str) -> None:
    url = f"/api/v1/enterprises/{cast.enterprise.pk}/years/2025"
    response = put_json(cast.client(getattr(cast, who)), url, {**BASE_FILING, "employees": 1})
    assert response.status_code in (403, 404)
    assert FinancialYear.objects.get().employees == 100


def test_a_viewer_reads_and_cannot_write(cast: Cast, data: Any, viewer: Any) -> None:
    assert api_status(cast, viewer, "/years") == 200
    url = f"/api/v1/enterprises/{cast.enterprise.pk}/years/2025"
    assert_envelope(put_json(cast.client(viewer), url, BASE_FILING), 403, "permission_denied")
    page = cast.client(viewer).get(f"/enterprises/{cast.enterprise.pk}/years/").content.decode()
    assert "填报年度数据" not in page  # no form for a reader
    assert "只读" in page


def test_the_officer_writes(cast: Cast) -> None:
    url = f"/api/v1/enterprises/{cast.enterprise.pk}/years/2025"
    assert put_json(cast.client(cast.colleague), url, BASE_FILING).status_code == 201


def test_a_district_office_sees_no_result_of_another_district(cast: Cast, file_year: Any) -> None:
    file_year(cast.far_enterprise)
    run = publish(cast)
    foreign = run.results.get(enterprise=cast.far_enterprise)
    assert (
        cast.client(cast.district_admin).get(f"/enterprises/results/{foreign.pk}/").status_code
        == 404
    )
    response = cast.client(cast.district_admin).get(
        f"/api/v1/enterprises/evaluation-results/{foreign.pk}"
    )
    assert_envelope(response, 404, "not_found")
    own = cast.client(cast.other_district_admin).get(f"/enterprises/results/{foreign.pk}/")
    assert own.status_code == 200


def test_banks_and_enterprises_are_refused_the_cross_enterprise_lists(cast: Cast) -> None:
    for user in (cast.bank_admin, cast.owner):
        client = cast.client(user)
        assert client.get("/enterprises/results/").status_code == 403
        assert client.get("/enterprises/stats/").status_code == 403
        assert client.get("/enterprises/runs/").status_code == 403
        assert_envelope(client.get("/api/v1/enterprises/evaluation-results"), 403)
        assert_envelope(client.get("/api/v1/enterprises/evaluation-runs"), 403)
    assert cast.client(cast.district_admin).get("/enterprises/runs/").status_code == 403
    assert cast.client(cast.bank_admin).get("/enterprises/").status_code == 403
    assert cast.client(cast.bank_admin).get("/enterprises/mine/").status_code == 403


def test_home_sends_each_person_to_their_work(cast: Cast) -> None:
    owner = cast.client(cast.owner).get("/enterprises/")
    assert owner["Location"] == f"/enterprises/{cast.enterprise.pk}/"
    assert (
        cast.client(cast.district_admin).get("/enterprises/")["Location"] == "/enterprises/results/"
    )


def test_the_navigation_shows_each_actor_its_links(cast: Cast) -> None:
    def labels(user: Any) -> set[str]:
        return {item.label for _, items in nav_for(cast.actor(user)) for item in items}

    assert {"企业信息", "科技型中小企业自评", "高新技术企业"} <= labels(cast.owner)
    assert "批量评价与公示" not in labels(cast.owner)
    assert {"企业评价结果", "高企证书到期"} <= labels(cast.district_admin)
    assert "批量评价与公示" not in labels(cast.district_admin)
    assert {"企业评价结果", "高企证书到期", "批量评价与公示"} <= labels(cast.city_admin)
    assert not {"企业信息", "企业评价结果"} & labels(cast.bank_admin)


def test_a_self_evaluation_of_another_enterprise_cannot_be_run(
    cast: Cast, worked_example: Any
) -> None:
    client = cast.client(cast.stranger_admin)
    response = client.post(
        f"/api/v1/enterprises/{cast.enterprise.pk}/self-evaluations",
        {"year": 2025},
        content_type="application/json",
    )
    assert_envelope(response, 404, "not_found")
    assert SelfEvaluation.objects.count() == 0
