"""Logging in: lockout after repeated failures (django-axes, per username), the security admin's
unlock, and the idle timeout of sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from kejin.platform.audit.models import AuditEntry
from tests.conftest import PASSWORD, Cast

LOCKED = "账号已临时锁定"


def attempt(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def lock_out(username: str) -> Client:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "Wrong#Passw0rd")
    return client


def test_a_right_password_logs_in(cast: Cast) -> None:
    client = Client()
    response = attempt(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == cast.owner.pk


def test_a_wrong_password_is_refused_with_a_chinese_message(cast: Cast) -> None:
    client = Client()
    response = attempt(client, "owner", "Wrong#Passw0rd")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert LOCKED not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "owner", "Wrong#Passw0rd")
    assert attempt(client, "owner", PASSWORD).status_code == 302


def test_after_five_failures_even_the_right_password_is_locked_out(cast: Cast) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    client = lock_out("owner")
    response = attempt(client, "owner", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="owner").failures_since_start >= 5


def test_the_lockout_is_per_username_not_per_address(cast: Cast) -> None:
    client = lock_out("owner")
    assert attempt(client, "colleague", PASSWORD).status_code == 302


def test_the_city_security_admin_unlocks_on_the_person_page(cast: Cast) -> None:
    locked = lock_out("owner")
    response = cast.client(cast.city_security).post(
        f"/orgs/people/{cast.owner.pk}/", {"action": "unlock"}, follow=True
    )
    assert response.redirect_chain[0] == (f"/orgs/people/{cast.owner.pk}/", 302)
    assert "已解除登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="owner").exists()
    assert attempt(locked, "owner", PASSWORD).status_code == 302


def test_the_person_service_unlock_lets_them_log_in_again(cast: Cast) -> None:
    from kejin.apps.orgs.services.people import person_unlock

    lock_out("bank_officer")
    person_unlock(actor=cast.actor(cast.city_security), user_id=cast.bank_officer.pk)
    assert attempt(Client(), "bank_officer", PASSWORD).status_code == 302


def test_the_persons_own_admin_may_unlock_but_a_colleague_may_not(cast: Cast) -> None:
    lock_out("owner")
    refused = cast.client(cast.colleague).post(
        f"/orgs/people/{cast.owner.pk}/", {"action": "unlock"}
    )
    assert refused.status_code == 200
    assert "只有本机构管理员" in refused.content.decode()
    assert AccessAttempt.objects.filter(username="owner").exists()

    lock_out("colleague")
    cast.client(cast.owner).post(f"/orgs/people/{cast.colleague.pk}/", {"action": "unlock"})
    assert not AccessAttempt.objects.filter(username="colleague").exists()


def test_another_organisations_admin_cannot_even_see_the_person(cast: Cast) -> None:
    lock_out("owner")
    response = cast.client(cast.bank_admin).post(
        f"/orgs/people/{cast.owner.pk}/", {"action": "unlock"}
    )
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="owner").exists()


def test_deactivating_on_the_person_page_is_audited(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        f"/orgs/people/{cast.colleague.pk}/", {"action": "deactivate"}
    )
    assert response.status_code == 302
    cast.colleague.refresh_from_db()
    assert cast.colleague.is_active is False
    entry = AuditEntry.objects.filter(
        content_type__model="user", object_pk=str(cast.colleague.pk)
    ).latest("pk")
    assert entry.actor == cast.owner
    assert entry.changes["is_active"] == [True, False]
    client = Client()
    assert attempt(client, "colleague", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


# --- idle timeout ----------------------------------------------------------------------------


def logged_in(username: str) -> Client:
    client = Client()
    assert attempt(client, username, PASSWORD).status_code == 302
    return client


def test_sessions_expire_after_thirty_idle_minutes_and_slide_on_each_request(cast: Cast) -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = logged_in("owner")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(seconds=60)
    )
    assert client.get("/orgs/mine/").status_code == 302
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=1790)


def test_an_expired_session_is_sent_back_to_login(cast: Cast) -> None:
    client = logged_in("owner")
    assert client.get(f"/orgs/{cast.enterprise.pk}/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(f"/orgs/{cast.enterprise.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401
