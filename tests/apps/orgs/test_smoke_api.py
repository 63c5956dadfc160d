from tests.conftest import Cast


def test_a_foreign_organisation_answers_404_over_the_api(cast: Cast) -> None:
    response = cast.client(cast.owner).get(f"/api/v1/organisations/{cast.stranger.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_district_office_sees_its_district_only(cast: Cast) -> None:
    response = cast.client(cast.district_admin).get("/api/v1/organisations?page_size=100")
    assert response.status_code == 200
    names = {o["name"] for o in response.json()["items"]}
    assert cast.enterprise.name in names
    assert cast.far_enterprise.name not in names
