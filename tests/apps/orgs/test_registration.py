"""An enterprise registers itself on the page; its district office verifies it; then it logs in.

Bad input is refused field by field and writes nothing.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kejin.apps.orgs.models import Organisation, OrgStatus, Role, User
from kejin.rules import uscc
from tests.conftest import PASSWORD, TINY_PDF, Cast

pytestmark = pytest.mark.usefixtures("memory_storage")

NEW_NAME = "长春星河量子科技有限公司"


def registration(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": NEW_NAME,
        "uscc": uscc.generate(random.Random(101), "220104"),
        "district_code": "220104",
        "address": "长春市朝阳区前进大街2699号",
        "legal_representative": "王建国",
        "contact_name": "李晓梅",
        "contact_phone": "13904310000",
        "contact_email": "li@xinghe.example.cn",
        "business_licence": SimpleUploadedFile("licence.pdf", TINY_PDF, "application/pdf"),
        "username": "xinghe_admin",
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def register(data: dict[str, Any]) -> Any:
    return Client().post("/accounts/register/", data)


def login(username: str, password: str = PASSWORD) -> Any:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def counts() -> tuple[int, int]:
    return Organisation.objects.count(), User.objects.count()


# --- the happy path --------------------------------------------------------------------------


def test_a_registration_creates_a_pending_enterprise_and_its_admin(cast: Cast) -> None:
    response = register(registration())
    assert response.status_code == 200
    assert "等待所在区科技局审核" in response.content.decode()
    org = Organisation.objects.get(name=NEW_NAME)
    assert org.status == OrgStatus.PENDING
    assert org.kind == "enterprise"
    assert org.district_code == "220104"
    assert org.business_licence.name.endswith(".pdf")
    assert org.business_licence.read().startswith(b"%PDF")
    user = User.objects.get(username="xinghe_admin")
    assert user.organisation == org
    assert user.roles == [Role.ADMIN]
    assert user.check_password(PASSWORD)


def test_a_pending_enterprise_cannot_log_in_and_is_told_why(cast: Cast) -> None:
    register(registration())
    client, response = login("xinghe_admin")
    assert response.status_code == 200
    assert "正在等待所在区科技局审核" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_district_office_verifies_and_the_enterprise_can_then_log_in(cast: Cast) -> None:
    register(registration())
    org = Organisation.objects.get(name=NEW_NAME)
    pending = cast.client(cast.district_admin).get("/orgs/pending/")
    assert NEW_NAME in pending.content.decode()

    response = cast.client(cast.district_admin).post(
        f"/orgs/{org.pk}/verify/", {"decision": "approve"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == OrgStatus.ACTIVE
    assert org.verified_by == cast.district_admin
    assert org.verified_at is not None

    client, login_response = login("xinghe_admin")
    assert login_response.status_code == 302
    me = client.get("/api/v1/me").json()
    assert me["organisation"]["name"] == NEW_NAME
    assert me["roles"] == ["admin"]


def test_the_other_districts_office_cannot_see_or_verify_the_registration(cast: Cast) -> None:
    register(registration())
    org = Organisation.objects.get(name=NEW_NAME)
    client = cast.client(cast.other_district_admin)
    assert NEW_NAME not in client.get("/orgs/pending/").content.decode()
    response = client.post(f"/orgs/{org.pk}/verify/", {"decision": "approve"})
    assert response.status_code == 404
    api = client.post(
        f"/api/v1/organisations/{org.pk}/verify", {"approve": True}, "application/json"
    )
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    org.refresh_from_db()
    assert org.status == OrgStatus.PENDING


def test_an_enterprise_cannot_verify_itself(cast: Cast) -> None:
    register(registration())
    org = Organisation.objects.get(name=NEW_NAME)
    response = cast.client(cast.owner).post(
        f"/api/v1/organisations/{org.pk}/verify", {"approve": True}, "application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    org.refresh_from_db()
    assert org.status == OrgStatus.PENDING


def test_a_rejection_needs_a_reason(cast: Cast) -> None:
    register(registration())
    org = Organisation.objects.get(name=NEW_NAME)
    client = cast.client(cast.district_admin)

    page = client.post(
        f"/orgs/{org.pk}/verify/", {"decision": "reject", "reason": " "}, follow=True
    )
    assert "驳回注册须填写理由" in page.content.decode()
    api = client.post(
        f"/api/v1/organisations/{org.pk}/verify", {"approve": False}, "application/json"
    )
    assert api.status_code == 422
    assert "reason" in api.json()["error"]["fields"]
    org.refresh_from_db()
    assert org.status == OrgStatus.PENDING

    client.post(f"/orgs/{org.pk}/verify/", {"decision": "reject", "reason": "营业执照不清晰"})
    org.refresh_from_db()
    assert org.status == OrgStatus.REJECTED
    assert org.status_reason == "营业执照不清晰"
    _, response = login("xinghe_admin")
    assert "未通过" in response.content.decode()
    assert "营业执照不清晰" in response.content.decode()


# --- bad input: a field-named error, nothing written -----------------------------------------


def refused(data: dict[str, Any], field: str) -> str:
    """Post a registration that must be refused on ``field``; return the field's message."""
    before = counts()
    response = register(data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert counts() == before
    assert not Organisation.objects.filter(name=NEW_NAME).exists()
    message = " ".join(errors[field])
    assert message in response.content.decode()
    return message


def test_an_invalid_uscc_is_refused_naming_the_position(cast: Cast) -> None:
    good = uscc.generate(random.Random(102), "220104")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert "第18位" in refused(registration(uscc=bad), "uscc")
    assert "第3位" in refused(registration(uscc="91A20104MA0000000X"), "uscc")


def test_a_duplicate_uscc_is_refused(cast: Cast) -> None:
    assert "已存在" in refused(registration(uscc=cast.stranger.uscc), "uscc")


def test_an_unknown_district_is_refused(cast: Cast) -> None:
    refused(registration(district_code="999999"), "district_code")


def test_a_district_of_another_city_is_refused(cast: Cast) -> None:
    refused(registration(district_code="220202"), "district_code")


def test_a_licence_that_is_text_under_a_pdf_name_is_refused(cast: Cast) -> None:
    fake = SimpleUploadedFile("licence.pdf", b"just some text, not a pdf", "application/pdf")
    assert "PDF" in refused(registration(business_licence=fake), "business_licence")


def test_a_licence_of_another_type_is_refused(cast: Cast) -> None:
    doc = SimpleUploadedFile("licence.docx", b"PK\x03\x04docx", "application/octet-stream")
    refused(registration(business_licence=doc), "business_licence")


def test_a_missing_licence_is_refused(cast: Cast) -> None:
    data = registration()
    del data["business_licence"]
    refused(data, "business_licence")


def test_a_weak_password_is_refused(cast: Cast) -> None:
    assert "三类" in refused(
        registration(password="abcdefghij", password2="abcdefghij"), "password"
    )
    refused(registration(password="Ab1!", password2="Ab1!"), "password")


def test_mismatched_passwords_are_refused(cast: Cast) -> None:
    refused(registration(password2=PASSWORD + "x"), "password2")


def test_a_taken_username_is_refused(cast: Cast) -> None:
    refused(registration(username="OWNER"), "username")


def test_every_field_error_is_reported_at_once(cast: Cast) -> None:
    before = counts()
    text = SimpleUploadedFile("licence.pdf", b"plain text", "application/pdf")
    response = register(
        registration(
            uscc=cast.bank.uscc, business_licence=text, password="x" * 12, password2="x" * 12
        )
    )
    errors = response.context["form"].errors
    assert {"uscc", "business_licence", "password"} <= set(errors)
    assert counts() == before
