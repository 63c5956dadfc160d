"""Data scope (tenancy) through both faces: the JSON API and the pages.

Invisible is the same as absent: a record outside the actor's scope answers 404, never 403.
"""

from __future__ import annotations

import pytest

from kejin.apps.orgs.models import OrgStatus
from tests.conftest import Cast


def api_names(cast: Cast, user: object, query: str = "") -> set[str]:
    response = cast.client(user).get(f"/api/v1/organisations?page_size=500{query}")  # type: ignore[arg-type]
    assert response.status_code == 200
    return {o["name"] for o in response.json()["items"]}


# --- enterprises -----------------------------------------------------------------------------


def test_an_enterprise_asking_for_another_organisation_over_the_api_gets_not_found(
    cast: Cast,
) -> None:
    response = cast.client(cast.owner).get(f"/api/v1/organisations/{cast.stranger.pk}")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]
    assert cast.stranger.name not in response.content.decode()


def test_an_enterprise_asking_for_another_organisations_page_gets_not_found(cast: Cast) -> None:
    response = cast.client(cast.owner).get(f"/orgs/{cast.stranger.pk}/")
    assert response.status_code == 404
    assert cast.stranger.name not in response.content.decode()


def test_an_unknown_id_looks_exactly_like_a_foreign_one(cast: Cast) -> None:
    client = cast.client(cast.owner)
    foreign = client.get(f"/api/v1/organisations/{cast.stranger.pk}")
    absent = client.get("/api/v1/organisations/999999")
    assert foreign.status_code == absent.status_code == 404
    assert foreign.json() == absent.json()


def test_an_enterprise_sees_only_itself_in_the_list_and_its_own_detail(cast: Cast) -> None:
    assert api_names(cast, cast.owner) == {cast.enterprise.name}
    detail = cast.client(cast.colleague).get(f"/api/v1/organisations/{cast.enterprise.pk}")
    assert detail.status_code == 200
    assert detail.json()["uscc"] == cast.enterprise.uscc


def test_an_enterprise_opening_the_list_page_is_sent_to_its_own_organisation(cast: Cast) -> None:
    response = cast.client(cast.owner).get("/orgs/", follow=True)
    assert response.redirect_chain[-1][0] == f"/orgs/{cast.enterprise.pk}/"
    assert cast.enterprise.name in response.content.decode()


def test_an_enterprise_cannot_edit_another_organisations_page(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        f"/orgs/{cast.stranger.pk}/edit/", {"name": "被篡改", "district_code": "220104"}
    )
    assert response.status_code == 404
    cast.stranger.refresh_from_db()
    assert cast.stranger.name == "长春博远生物科技有限公司"


# --- district offices ------------------------------------------------------------------------


def test_a_district_office_lists_its_districts_enterprises_and_not_the_other_districts(
    cast: Cast,
) -> None:
    names = api_names(cast, cast.district_admin)
    assert {cast.enterprise.name, cast.stranger.name, cast.bank.name, cast.district.name} <= names
    assert cast.far_enterprise.name not in names
    assert cast.other_bank.name not in names
    assert cast.other_district.name not in names
    assert cast.city.name not in names


def test_a_district_office_opens_its_districts_enterprise_and_not_the_other_districts(
    cast: Cast,
) -> None:
    client = cast.client(cast.district_admin)
    assert client.get(f"/api/v1/organisations/{cast.enterprise.pk}").status_code == 200
    far = client.get(f"/api/v1/organisations/{cast.far_enterprise.pk}")
    assert far.status_code == 404
    assert far.json()["error"]["code"] == "not_found"
    assert client.get(f"/orgs/{cast.enterprise.pk}/").status_code == 200
    assert client.get(f"/orgs/{cast.far_enterprise.pk}/").status_code == 404


def test_the_district_list_page_shows_its_district_only(cast: Cast) -> None:
    response = cast.client(cast.other_district_admin).get("/orgs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.far_enterprise.name in body
    assert cast.other_bank.name in body
    assert cast.enterprise.name not in body
    assert cast.bank.name not in body


# --- the city office -------------------------------------------------------------------------


def test_the_city_office_sees_every_organisation(cast: Cast) -> None:
    everyone = {
        o.name
        for o in (
            cast.city,
            cast.district,
            cast.other_district,
            cast.enterprise,
            cast.stranger,
            cast.far_enterprise,
            cast.bank,
            cast.other_bank,
        )
    }
    assert api_names(cast, cast.city_admin) == everyone
    page = cast.client(cast.city_admin).get("/orgs/").content.decode()
    assert all(name in page for name in everyone)
    client = cast.client(cast.city_auditor)
    assert client.get(f"/api/v1/organisations/{cast.far_enterprise.pk}").status_code == 200
    assert client.get(f"/orgs/{cast.far_enterprise.pk}/").status_code == 200


# --- banks -----------------------------------------------------------------------------------


def test_a_bank_sees_only_itself(cast: Cast) -> None:
    assert api_names(cast, cast.bank_officer) == {cast.bank.name}
    client = cast.client(cast.bank_admin)
    assert client.get(f"/api/v1/organisations/{cast.bank.pk}").status_code == 200
    for other in (cast.other_bank, cast.enterprise, cast.district):
        assert client.get(f"/api/v1/organisations/{other.pk}").status_code == 404
        assert client.get(f"/orgs/{other.pk}/").status_code == 404


# --- the public ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/1",
        "/api/v1/people",
        "/api/v1/tokens",
        "/api/v1/audit",
    ],
)
def test_the_public_gets_401_on_private_api_endpoints(cast: Cast, path: str) -> None:
    response = cast.client(None).get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.required"


def test_the_public_cannot_create_an_organisation_over_the_api(cast: Cast) -> None:
    before = type(cast.city).objects.count()
    response = cast.client(None).post(
        "/api/v1/organisations",
        {"kind": "bank", "name": "X", "uscc": cast.bank.uscc, "district_code": "220104"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert type(cast.city).objects.count() == before


@pytest.mark.parametrize(
    "path",
    ["/orgs/", "/orgs/mine/", "/orgs/people/", "/orgs/tokens/", "/orgs/import/", "/audit/"],
)
def test_the_public_is_sent_to_login_from_private_pages(cast: Cast, path: str) -> None:
    response = cast.client(None).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_public_is_sent_to_login_from_an_organisation_page(cast: Cast) -> None:
    response = cast.client(None).get(f"/orgs/{cast.enterprise.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/orgs/{cast.enterprise.pk}/"


def test_a_pending_enterprises_person_is_treated_as_the_public(cast: Cast) -> None:
    cast.enterprise.status = OrgStatus.PENDING
    cast.enterprise.save()
    client = cast.client(cast.owner)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get(f"/orgs/{cast.enterprise.pk}/").status_code == 302


# --- the public directory --------------------------------------------------------------------


def test_the_public_institution_directory_lists_active_institutions_and_no_enterprises(
    cast: Cast,
) -> None:
    cast.other_bank.status = OrgStatus.SUSPENDED
    cast.other_bank.save()
    response = cast.client(None).get("/api/v1/institutions?page_size=500")
    assert response.status_code == 200
    items = response.json()["items"]
    names = {i["name"] for i in items}
    assert names == {cast.bank.name}
    assert "uscc" not in items[0]
    assert "contact_phone" not in items[0]


def test_the_public_directory_page_shows_institutions_but_no_enterprises(cast: Cast) -> None:
    response = cast.client(None).get("/orgs/directory/")
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.bank.name in body
    assert cast.other_bank.name in body
    for hidden in (cast.enterprise, cast.stranger, cast.far_enterprise, cast.district, cast.city):
        assert hidden.name not in body
    assert cast.bank.uscc not in body
