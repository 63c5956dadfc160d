"""People and roles: an organisation's admin manages its own people; separated roles in the city
office (三员分立); an organisation always keeps an admin. And the city's organisation list: filters
and xlsx export."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from kejin.apps.orgs.models import User
from tests.conftest import PASSWORD, Cast


def person(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "new_officer",
        "display_name": "孙丽",
        "roles": ["officer"],
        "password": PASSWORD,
        "email": "sun@example.cn",
    }
    data.update(overrides)
    return data


def add(cast: Cast, user: Any, **overrides: Any) -> Any:
    return cast.client(user).post("/api/v1/people", person(**overrides), "application/json")


def set_roles(cast: Cast, user: Any, target: User, roles: list[str]) -> Any:
    return cast.client(user).put(
        f"/api/v1/people/{target.pk}/roles", json.dumps({"roles": roles}), "application/json"
    )


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


# --- adding people ---------------------------------------------------------------------------


def test_an_admin_adds_a_person_to_its_own_organisation(cast: Cast) -> None:
    response = add(cast, cast.bank_admin)
    assert response.status_code == 201
    assert response.json()["organisation_id"] == cast.bank.pk
    user = User.objects.get(username="new_officer")
    assert user.organisation == cast.bank
    assert user.roles == ["officer"]
    assert user.check_password(PASSWORD)


def test_an_admin_adds_a_person_on_the_page(cast: Cast) -> None:
    response = cast.client(cast.owner).post("/orgs/people/", person(roles=["officer", "viewer"]))
    assert response.status_code == 302
    user = User.objects.get(username="new_officer")
    assert user.organisation == cast.enterprise
    assert user.roles == ["officer", "viewer"]


def test_a_weak_password_is_refused_naming_the_field(cast: Cast) -> None:
    before = User.objects.count()
    error = error_of(add(cast, cast.bank_admin, password="password1"), 422)
    assert error["code"] == "user.password_weak"
    assert set(error["fields"]) == {"password"}
    page = cast.client(cast.bank_admin).post("/orgs/people/", person(password="12345678901"))
    assert page.status_code == 200
    assert "password" in page.context["form"].errors
    assert User.objects.count() == before


def test_a_taken_username_is_a_conflict(cast: Cast) -> None:
    error = error_of(add(cast, cast.bank_admin, username="Colleague"), 409)
    assert error["code"] == "user.username_taken"
    assert User.objects.get(username="colleague").organisation == cast.enterprise


@pytest.mark.parametrize("who", ["colleague", "bank_officer", "city_auditor"])
def test_a_person_without_the_admin_role_cannot_add_people(cast: Cast, who: str) -> None:
    before = User.objects.count()
    assert error_of(add(cast, getattr(cast, who)), 403)["code"] == "permission_denied"
    assert User.objects.count() == before


def test_the_people_list_shows_only_the_organisations_own(cast: Cast) -> None:
    response = cast.client(cast.bank_admin).get("/api/v1/people")
    assert {p["username"] for p in response.json()["items"]} == {"bank_admin", "bank_officer"}


# --- roles -----------------------------------------------------------------------------------


def test_an_admin_changes_a_colleagues_roles(cast: Cast) -> None:
    response = set_roles(cast, cast.owner, cast.colleague, ["viewer", "officer", "viewer"])
    assert response.status_code == 200
    assert response.json()["roles"] == ["officer", "viewer"]
    cast.colleague.refresh_from_db()
    assert cast.colleague.roles == ["officer", "viewer"]


def test_an_admin_changes_roles_on_the_person_page(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        f"/orgs/people/{cast.colleague.pk}/", {"action": "roles", "roles": ["admin", "officer"]}
    )
    assert response.status_code == 302
    cast.colleague.refresh_from_db()
    assert cast.colleague.roles == ["admin", "officer"]


def test_a_non_admin_cannot_change_roles(cast: Cast) -> None:
    error = error_of(set_roles(cast, cast.colleague, cast.colleague, ["admin"]), 403)
    assert error["code"] == "permission_denied"
    cast.colleague.refresh_from_db()
    assert cast.colleague.roles == ["officer"]


def test_another_organisations_person_is_not_found(cast: Cast) -> None:
    assert error_of(set_roles(cast, cast.bank_admin, cast.colleague, ["admin"]), 404)
    assert cast.client(cast.bank_admin).get(f"/orgs/people/{cast.colleague.pk}/").status_code == 404


def test_the_city_office_cannot_give_an_enterprise_person_the_auditor_role(cast: Cast) -> None:
    error_of(set_roles(cast, cast.city_admin, cast.colleague, ["auditor"]), 403)
    error = error_of(set_roles(cast, cast.owner, cast.colleague, ["auditor"]), 422)
    assert error["code"] == "user.role_invalid"
    assert "市科技局" in error["message"]
    error_of(add(cast, cast.owner, roles=["security_admin"]), 422)
    cast.colleague.refresh_from_db()
    assert cast.colleague.roles == ["officer"]


def test_in_the_city_office_admin_and_auditor_are_never_one_person(cast: Cast) -> None:
    before = User.objects.count()
    error = error_of(add(cast, cast.city_admin, roles=["admin", "auditor"]), 422)
    assert error["code"] == "user.role_conflict"
    assert "三员分立" in error["fields"]["roles"]
    assert User.objects.count() == before
    error = error_of(
        set_roles(cast, cast.city_admin, cast.city_security, ["security_admin", "auditor"]), 422
    )
    assert error["code"] == "user.role_conflict"
    cast.city_security.refresh_from_db()
    assert cast.city_security.roles == ["security_admin"]


def test_outside_the_city_office_admin_and_reviewer_may_be_combined(cast: Cast) -> None:
    response = set_roles(cast, cast.owner, cast.colleague, ["admin", "reviewer"])
    assert response.status_code == 200


def test_an_unknown_role_is_refused(cast: Cast) -> None:
    error = error_of(set_roles(cast, cast.owner, cast.colleague, ["superuser"]), 422)
    assert error["fields"] == {"roles": "角色无效"}


def test_the_last_admin_cannot_be_removed(cast: Cast) -> None:
    error = error_of(set_roles(cast, cast.bank_admin, cast.bank_admin, ["officer"]), 409)
    assert error["code"] == "user.last_admin"
    cast.bank_admin.refresh_from_db()
    assert cast.bank_admin.roles == ["admin"]


def test_an_admin_can_step_down_once_another_admin_exists(cast: Cast) -> None:
    assert set_roles(cast, cast.bank_admin, cast.bank_officer, ["admin"]).status_code == 200
    assert set_roles(cast, cast.bank_admin, cast.bank_admin, ["officer"]).status_code == 200
    cast.bank_admin.refresh_from_db()
    assert cast.bank_admin.roles == ["officer"]


def test_the_last_admin_cannot_be_deactivated_by_the_security_admin(cast: Cast) -> None:
    response = cast.client(cast.city_security).post(
        f"/orgs/people/{cast.bank_admin.pk}/", {"action": "deactivate"}
    )
    assert response.status_code == 200
    assert "至少保留一名在职管理员" in response.content.decode()
    cast.bank_admin.refresh_from_db()
    assert cast.bank_admin.is_active is True


# --- the organisation list: filters and export ------------------------------------------------


def page_names(cast: Cast, query: str) -> set[str]:
    response = cast.client(cast.city_admin).get(f"/orgs/?{query}")
    assert response.status_code == 200
    return {o.name for o in response.context["page"]}


def test_the_list_filters_by_kind_district_and_text(cast: Cast) -> None:
    assert page_names(cast, "kind=bank") == {cast.bank.name, cast.other_bank.name}
    assert page_names(cast, "kind=enterprise&district_code=220102") == {cast.far_enterprise.name}
    assert page_names(cast, "q=博远") == {cast.stranger.name}
    assert page_names(cast, f"q={cast.bank.uscc.lower()}") == {cast.bank.name}
    assert page_names(cast, "kind=bank&q=博远") == set()


def test_the_api_list_filters_the_same_way(cast: Cast) -> None:
    response = cast.client(cast.city_admin).get(
        "/api/v1/organisations?kind=enterprise&district_code=220104"
    )
    assert {o["name"] for o in response.json()["items"]} == {
        cast.enterprise.name,
        cast.stranger.name,
    }


def exported(cast: Cast, query: str) -> list[dict[str, Any]]:
    response = cast.client(cast.city_admin).get(f"/orgs/?{query}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_city_exports_the_whole_list_as_xlsx(cast: Cast) -> None:
    rows = exported(cast, "")
    assert len(rows) == 8
    bank = next(r for r in rows if r["名称"] == cast.bank.name)
    assert bank["统一社会信用代码"] == cast.bank.uscc
    assert bank["机构类型"] == "银行"
    assert bank["状态"] == "正常"
    assert "220104" in bank["行政区划"]


def test_the_export_follows_the_filters(cast: Cast) -> None:
    rows = exported(cast, "kind=enterprise&district_code=220104")
    assert {r["名称"] for r in rows} == {cast.enterprise.name, cast.stranger.name}


def test_a_district_exports_only_its_district(cast: Cast) -> None:
    response = cast.client(cast.other_district_admin).get("/orgs/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {cast.other_district.name, cast.far_enterprise.name, cast.other_bank.name}


def test_the_people_list_and_the_pending_queue_export_to_xlsx(cast: Cast) -> None:
    people = cast.client(cast.bank_admin).get("/orgs/people/?export=xlsx")
    assert people.status_code == 200
    sheet = load_workbook(io.BytesIO(people.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:2] == ["用户名", "姓名"]
    assert {r[0] for r in rows[1:]} == {"bank_admin", "bank_officer"}  # own organisation only
    pending = cast.client(cast.district_admin).get("/orgs/pending/?export=xlsx")
    assert pending.status_code == 200
    assert pending["Content-Type"].startswith("application/vnd.openxmlformats")
