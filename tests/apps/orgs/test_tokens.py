"""API tokens: issued once by an organisation's admin, stored as a hash, scoped to the
organisation, audited by prefix, revoked at once."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from kejin.apps.orgs.models import ApiToken, OrgStatus
from kejin.platform.audit.models import AuditEntry
from tests.conftest import Cast


def issue(cast: Cast, user: Any = None, **payload: Any) -> dict[str, Any]:
    body = {"name": "信贷系统报送", **payload}
    response = cast.client(user or cast.bank_admin).post(
        "/api/v1/tokens", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


# --- issuing ---------------------------------------------------------------------------------


def test_an_admin_gets_the_plaintext_once_and_only_its_hash_is_stored(cast: Cast) -> None:
    issued = issue(cast)
    plaintext = issued["plaintext"]
    assert plaintext.startswith("kj_")
    token = ApiToken.objects.get(pk=issued["token"]["id"])
    assert plaintext.startswith(f"kj_{token.prefix}_")
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    secret = plaintext.split("_", 2)[2]
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored
    assert token.organisation == cast.bank
    assert token.created_by == cast.bank_admin
    assert token.roles == ["officer"]
    listing = cast.client(cast.bank_admin).get("/api/v1/tokens")
    assert listing.status_code == 200
    assert secret not in listing.content.decode()
    assert [t["prefix"] for t in listing.json()] == [token.prefix]


def test_issuing_is_audited_without_the_hash(cast: Cast) -> None:
    issued = issue(cast)
    entry = AuditEntry.objects.get(
        content_type__model="apitoken", object_pk=str(issued["token"]["id"])
    )
    assert entry.actor == cast.bank_admin
    assert "token_hash" not in entry.changes
    assert issued["plaintext"] not in json.dumps(entry.changes)


def test_the_tokens_page_shows_the_plaintext_once(cast: Cast) -> None:
    client = cast.client(cast.bank_admin)
    response = client.post("/orgs/tokens/", {"name": "信贷系统报送", "roles": ["viewer"]})
    assert response.status_code == 200
    token = ApiToken.objects.get(organisation=cast.bank)
    plaintext = response.context["issued"].plaintext
    assert plaintext.startswith(f"kj_{token.prefix}_")
    assert plaintext in response.content.decode()
    assert token.roles == ["viewer"]
    assert plaintext not in client.get("/orgs/tokens/").content.decode()


def test_only_an_admin_issues_tokens(cast: Cast) -> None:
    response = cast.client(cast.bank_officer).post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json"
    )
    assert error_of(response, 403)["code"] == "permission_denied"
    assert not ApiToken.objects.exists()


def test_a_token_cannot_carry_the_admin_role(cast: Cast) -> None:
    response = cast.client(cast.bank_admin).post(
        "/api/v1/tokens", {"name": "x", "roles": ["admin"]}, content_type="application/json"
    )
    assert "roles" in error_of(response, 422)["fields"]
    assert not ApiToken.objects.exists()


def test_a_token_cannot_issue_tokens(cast: Cast) -> None:
    plaintext = issue(cast)["plaintext"]
    response = bearer(plaintext).post(
        "/api/v1/tokens", {"name": "second"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


# --- using -----------------------------------------------------------------------------------


def test_a_token_acts_for_its_own_organisation_only(cast: Cast) -> None:
    client = bearer(issue(cast)["plaintext"])
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["organisation"]["id"] == cast.bank.pk
    assert me.json()["via_token"] is True
    assert me.json()["username"] is None
    listing = client.get("/api/v1/organisations")
    assert [o["id"] for o in listing.json()["items"]] == [cast.bank.pk]
    other = client.get(f"/api/v1/organisations/{cast.other_bank.pk}")
    assert error_of(other, 404)["code"] == "not_found"
    token = ApiToken.objects.get()
    assert token.last_used_at is not None


def test_an_officer_token_cannot_edit_the_organisation_profile(cast: Cast) -> None:
    # the profile is the admin's; a token (officer or viewer) reports business data only
    issued = issue(cast)
    before = AuditEntry.objects.count()
    response = bearer(issued["plaintext"]).patch(
        f"/api/v1/organisations/{cast.bank.pk}",
        json.dumps({"contact_name": "系统对接人"}),
        content_type="application/json",
    )
    assert error_of(response, 403)["code"] == "permission_denied"
    cast.bank.refresh_from_db()
    assert cast.bank.contact_name == ""
    assert AuditEntry.objects.count() == before


def test_a_token_does_not_open_the_pages(cast: Cast) -> None:
    response = bearer(issue(cast)["plaintext"]).get(f"/orgs/{cast.bank.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- refusals --------------------------------------------------------------------------------


def test_a_revoked_token_is_refused_at_once(cast: Cast) -> None:
    issued = issue(cast)
    client = bearer(issued["plaintext"])
    assert client.get("/api/v1/me").status_code == 200
    revoked = cast.client(cast.bank_admin).post(f"/api/v1/tokens/{issued['token']['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    error = error_of(client.get("/api/v1/me"), 401)
    assert error["code"] == "auth.required"
    assert error["message"] == "接口令牌已被吊销"
    token = ApiToken.objects.get()
    assert token.revoked_by == cast.bank_admin


def test_a_revoked_token_is_refused_even_beside_a_valid_session(cast: Cast) -> None:
    issued = issue(cast)
    cast.client(cast.bank_admin).post(f"/api/v1/tokens/{issued['token']['id']}/revoke")
    client = cast.client(cast.bank_admin)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued['plaintext']}"})
    assert error_of(response, 401)["message"] == "接口令牌已被吊销"


def test_revoking_twice_is_a_conflict(cast: Cast) -> None:
    token_id = issue(cast)["token"]["id"]
    client = cast.client(cast.bank_admin)
    client.post(f"/api/v1/tokens/{token_id}/revoke")
    assert error_of(client.post(f"/api/v1/tokens/{token_id}/revoke"), 409)["code"] == (
        "token.already_revoked"
    )


def test_another_organisations_admin_cannot_revoke_it(cast: Cast) -> None:
    issued = issue(cast)
    token_id = issued["token"]["id"]
    api = cast.client(cast.other_bank_admin).post(f"/api/v1/tokens/{token_id}/revoke")
    assert error_of(api, 404)["code"] == "not_found"
    page = cast.client(cast.other_bank_admin).post(f"/orgs/tokens/{token_id}/revoke/")
    assert page.status_code == 404
    city = cast.client(cast.city_admin).post(f"/api/v1/tokens/{token_id}/revoke")
    assert city.status_code == 404  # tokens are never another organisation's business
    assert ApiToken.objects.get().revoked_at is None
    assert bearer(issued["plaintext"]).get("/api/v1/me").status_code == 200


def test_the_tokens_page_revokes(cast: Cast) -> None:
    issued = issue(cast)
    response = cast.client(cast.bank_admin).post(f"/orgs/tokens/{issued['token']['id']}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert bearer(issued["plaintext"]).get("/api/v1/me").status_code == 401


def test_a_malformed_token_is_refused(cast: Cast) -> None:
    for raw in ("not-a-token", "kj_", "Basic abc"):
        error = error_of(bearer(raw).get("/api/v1/me"), 401)
        assert error["message"] == "接口令牌格式无效"


def test_a_forged_token_with_a_real_prefix_is_refused(cast: Cast) -> None:
    issued = issue(cast)
    forged = f"kj_{issued['token']['prefix']}_{'A' * 43}"
    assert error_of(bearer(forged).get("/api/v1/me"), 401)["message"] == "接口令牌无效"


def test_an_expired_token_is_refused(cast: Cast) -> None:
    issued = issue(cast, expires_at=(timezone.now() + timedelta(hours=1)).isoformat())
    ApiToken.objects.filter(pk=issued["token"]["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    error = error_of(bearer(issued["plaintext"]).get("/api/v1/me"), 401)
    assert error["message"] == "接口令牌已过期"


def test_a_token_of_a_suspended_organisation_is_refused(cast: Cast) -> None:
    issued = issue(cast)
    cast.bank.status = OrgStatus.SUSPENDED
    cast.bank.save()
    error = error_of(bearer(issued["plaintext"]).get("/api/v1/me"), 401)
    assert error["message"] == "令牌所属机构已停用"


def test_a_session_write_needs_the_csrf_token_and_a_bearer_write_does_not(cast: Cast) -> None:
    plaintext = issue(cast)["plaintext"]
    session = Client(enforce_csrf_checks=True)
    session.force_login(cast.bank_admin)
    refused = session.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert error_of(refused, 403)["code"] == "csrf_failed"
    assert ApiToken.objects.count() == 1
    session.get("/orgs/tokens/")
    csrf = session.cookies["csrftoken"].value
    accepted = session.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201

    token_client = Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {plaintext}"}
    )
    response = token_client.patch(
        f"/api/v1/organisations/{cast.bank.pk}",
        json.dumps({"industry": "金融业"}),
        content_type="application/json",
    )
    # no CSRF check for a bearer call: the answer is the permission rule, not csrf_failed
    assert error_of(response, 403)["code"] == "permission_denied"
