"""Organisations over the API: the city office creates, an organisation's admin edits its own,
and every failure answers the one error envelope."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from kejin.apps.orgs.models import Organisation, OrgStatus
from kejin.platform.audit.models import AuditEntry
from kejin.rules import uscc
from tests.conftest import Cast


def new_bank(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "tech_sub_branch",
        "name": "中国银行长春高新科技支行",
        "uscc": uscc.generate(random.Random(201), "220104"),
        "district_code": "220104",
        "contact_name": "赵敏",
    }
    data.update(overrides)
    return data


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def patch(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.patch(path, json.dumps(data), content_type="application/json")


def assert_envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


# --- create ----------------------------------------------------------------------------------


def test_the_city_admin_creates_an_institution(cast: Cast) -> None:
    response = post(cast.client(cast.city_admin), "/api/v1/organisations", new_bank())
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "tech_sub_branch"
    assert body["kind_label"] == "科技支行"
    assert body["status"] == "active"
    org = Organisation.objects.get(pk=body["id"])
    assert org.name == "中国银行长春高新科技支行"
    assert org.verified_by == cast.city_admin
    entry = AuditEntry.objects.get(
        content_type__model="organisation", object_pk=str(org.pk), action=AuditEntry.Action.CREATE
    )
    assert entry.actor == cast.city_admin
    assert entry.actor_organisation == cast.city


def test_the_city_admin_creates_an_institution_on_the_page(cast: Cast) -> None:
    response = cast.client(cast.city_admin).post("/orgs/new/", new_bank(kind="insurer"))
    org = Organisation.objects.get(name="中国银行长春高新科技支行")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{org.pk}/"
    assert org.kind == "insurer"


@pytest.mark.parametrize("who", ["bank_admin", "district_admin", "owner"])
def test_only_the_city_office_creates_organisations(cast: Cast, who: str) -> None:
    before = Organisation.objects.count()
    response = post(cast.client(getattr(cast, who)), "/api/v1/organisations", new_bank())
    error = assert_envelope(response, 403, "permission_denied")
    assert "市科技局" in error["message"]
    assert Organisation.objects.count() == before


@pytest.mark.parametrize("who", ["city_auditor", "city_security"])
def test_a_city_person_without_the_admin_role_cannot_create(cast: Cast, who: str) -> None:
    before = Organisation.objects.count()
    response = post(cast.client(getattr(cast, who)), "/api/v1/organisations", new_bank())
    error = assert_envelope(response, 403, "permission_denied")
    assert "系统管理员" in error["message"]
    assert Organisation.objects.count() == before


def test_a_duplicate_uscc_is_a_conflict(cast: Cast) -> None:
    before = Organisation.objects.count()
    response = post(
        cast.client(cast.city_admin), "/api/v1/organisations", new_bank(uscc=cast.bank.uscc)
    )
    error = assert_envelope(response, 409, "organisation.uscc_duplicate")
    assert "uscc" in error["fields"]
    assert Organisation.objects.count() == before


def test_the_uscc_is_normalised_before_the_duplicate_check(cast: Cast) -> None:
    response = post(
        cast.client(cast.city_admin),
        "/api/v1/organisations",
        new_bank(uscc=f"  {cast.bank.uscc.lower()} "),
    )
    assert_envelope(response, 409, "organisation.uscc_duplicate")


# --- the error envelope ----------------------------------------------------------------------


def test_a_missing_field_is_a_422_naming_the_field(cast: Cast) -> None:
    data = new_bank()
    del data["name"]
    response = post(cast.client(cast.city_admin), "/api/v1/organisations", data)
    error = assert_envelope(response, 422, "request.invalid")
    assert error["fields"] == {"name": "必填"}


def test_a_body_that_is_not_json_is_a_400_in_the_envelope(cast: Cast) -> None:
    response = cast.client(cast.city_admin).post(
        "/api/v1/organisations", "not json", content_type="application/json"
    )
    assert_envelope(response, 400, "request.unparseable")


def test_a_bad_query_parameter_is_a_422_naming_it(cast: Cast) -> None:
    response = cast.client(cast.city_admin).get("/api/v1/organisations?page_size=abc")
    error = assert_envelope(response, 422, "request.invalid")
    assert error["fields"] == {"page_size": "须为整数"}


def test_an_unknown_district_is_a_422_naming_district_code(cast: Cast) -> None:
    before = Organisation.objects.count()
    response = post(
        cast.client(cast.city_admin), "/api/v1/organisations", new_bank(district_code="999999")
    )
    error = assert_envelope(response, 422)
    assert set(error["fields"]) == {"district_code"}
    assert "999999" in error["fields"]["district_code"]
    assert Organisation.objects.count() == before


def test_every_bad_field_is_named_at_once(cast: Cast) -> None:
    response = post(
        cast.client(cast.city_admin),
        "/api/v1/organisations",
        new_bank(kind="spaceship", name=" ", uscc="123"),
    )
    error = assert_envelope(response, 422, "organisation.invalid")
    assert {"kind", "name", "uscc"} <= set(error["fields"])
    assert "18位" in error["fields"]["uscc"]


def test_a_district_office_outside_the_city_is_refused(cast: Cast) -> None:
    response = post(
        cast.client(cast.city_admin),
        "/api/v1/organisations",
        new_bank(kind="district_office", name="丰满区科技局", district_code="220211"),
    )
    error = assert_envelope(response, 422, "organisation.invalid")
    assert "district_code" in error["fields"]


# --- update ----------------------------------------------------------------------------------


def test_an_organisations_admin_edits_its_own_profile_and_it_is_audited(cast: Cast) -> None:
    response = patch(
        cast.client(cast.bank_admin),
        f"/api/v1/organisations/{cast.bank.pk}",
        {"contact_phone": "0431-85550000", "address": " 长春市朝阳区西安大路1号 "},
    )
    assert response.status_code == 200
    assert response.json()["contact_phone"] == "0431-85550000"
    cast.bank.refresh_from_db()
    assert cast.bank.address == "长春市朝阳区西安大路1号"
    entry = AuditEntry.objects.filter(
        content_type__model="organisation", object_pk=str(cast.bank.pk)
    ).latest("pk")
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == cast.bank_admin
    assert entry.actor_organisation == cast.bank
    assert entry.changes["contact_phone"] == ["", "0431-85550000"]


def test_editing_another_organisation_is_not_found(cast: Cast) -> None:
    response = patch(
        cast.client(cast.bank_admin),
        f"/api/v1/organisations/{cast.other_bank.pk}",
        {"name": "被篡改"},
    )
    assert_envelope(response, 404, "not_found")
    cast.other_bank.refresh_from_db()
    assert cast.other_bank.name == "长春农商银行"


def test_a_district_office_can_see_but_not_edit_its_districts_enterprise(cast: Cast) -> None:
    response = patch(
        cast.client(cast.district_admin),
        f"/api/v1/organisations/{cast.enterprise.pk}",
        {"name": "被篡改"},
    )
    assert_envelope(response, 403, "permission_denied")
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "长春启明智能科技有限公司"


def test_fields_that_are_not_editable_are_ignored_by_the_schema(cast: Cast) -> None:
    response = patch(
        cast.client(cast.owner),
        f"/api/v1/organisations/{cast.enterprise.pk}",
        {"status": "active", "kind": "bank", "uscc": cast.bank.uscc, "industry": "软件"},
    )
    assert response.status_code == 200
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.kind == "enterprise"
    assert cast.enterprise.uscc != cast.bank.uscc
    assert cast.enterprise.industry == "软件"


def test_a_bad_district_in_an_edit_is_refused_and_nothing_changes(cast: Cast) -> None:
    response = patch(
        cast.client(cast.owner),
        f"/api/v1/organisations/{cast.enterprise.pk}",
        {"district_code": "999999", "industry": "软件"},
    )
    error = assert_envelope(response, 422)
    assert "district_code" in error["fields"]
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.industry == ""
    assert cast.enterprise.district_code == "220104"


def test_the_edit_page_saves_the_profile(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        f"/orgs/{cast.enterprise.pk}/edit/",
        {"name": "长春启明智能科技股份有限公司", "district_code": "220104", "industry": "软件"},
    )
    assert response.status_code == 302
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "长春启明智能科技股份有限公司"


# --- status ----------------------------------------------------------------------------------


def test_the_city_suspends_an_organisation_and_its_people_lose_access(cast: Cast) -> None:
    owner = cast.client(cast.owner)
    assert owner.get("/api/v1/me").status_code == 200
    response = post(
        cast.client(cast.city_admin),
        f"/api/v1/organisations/{cast.enterprise.pk}/status",
        {"status": "suspended", "reason": "提供虚假材料"},
    )
    assert response.status_code == 200
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.status == OrgStatus.SUSPENDED
    assert owner.get("/api/v1/me").status_code == 401
