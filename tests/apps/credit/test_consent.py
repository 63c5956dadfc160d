"""Consent to credit inquiries: granting, revoking, and the one door (require_consent) — refusals
over the API and on pages, every read and refused attempt in the enterprise's read log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kejin.apps.credit.models import Consent, ReadLog, ScoringModel
from kejin.apps.credit.services.consent import one_year_after, require_consent
from kejin.apps.credit.services.ratings import rating_compute
from kejin.rules.errors import DomainError
from tests.apps.credit.conftest import consent
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _grant(cast: Cast, **overrides: object) -> object:
    body = {
        "institution_id": cast.bank.pk,
        "purpose": "loan_application",
        "valid_until": (timezone.localdate() + timedelta(days=180)).isoformat(),
        **overrides,
    }
    return cast.client(cast.owner).post(
        "/api/v1/credit/consents", body, content_type="application/json"
    )


def test_the_enterprise_admin_grants_a_consent_over_the_api(cast: Cast) -> None:
    response = _grant(cast)
    assert response.status_code == 201
    body = response.json()
    assert body["institution_name"] == cast.bank.name
    made = Consent.objects.get(pk=body["id"])
    assert made.enterprise == cast.enterprise
    assert made.valid_from == timezone.localdate()
    assert made.granted_by == cast.owner


def test_a_consent_longer_than_one_year_is_refused_and_nothing_is_saved(cast: Cast) -> None:
    too_late = one_year_after(timezone.localdate()) + timedelta(days=1)
    response = _grant(cast, valid_until=too_late.isoformat())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "credit.consent_too_long"
    assert "最长一年" in error["fields"]["valid_until"]
    assert Consent.objects.count() == 0


def test_only_a_financial_institution_can_be_authorised(cast: Cast) -> None:
    response = _grant(cast, institution_id=cast.stranger.pk)
    assert response.status_code == 422
    assert "institution_id" in response.json()["error"]["fields"]
    assert Consent.objects.count() == 0


def test_a_colleague_without_the_admin_role_cannot_grant(cast: Cast) -> None:
    response = cast.client(cast.colleague).post(
        "/api/v1/credit/consents",
        {
            "institution_id": cast.bank.pk,
            "purpose": "loan_application",
            "valid_until": "2099-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Consent.objects.count() == 0


def test_the_consent_page_grants_with_labels_and_field_errors(cast: Cast) -> None:
    client = cast.client(cast.owner)
    page = client.get("/credit/consents/")
    assert page.status_code == 200
    assert '<label for="id_institution">' in page.content.decode()
    bad = client.post(
        "/credit/consents/",
        {"institution": cast.bank.pk, "purpose": "loan_application", "valid_until": "2099-01-01"},
    )
    assert bad.status_code == 200
    assert "授权期限最长一年" in bad.content.decode()
    good_day = (timezone.localdate() + timedelta(days=30)).isoformat()
    ok = client.post(
        "/credit/consents/",
        {"institution": cast.bank.pk, "purpose": "loan_application", "valid_until": good_day},
    )
    assert ok.status_code == 302
    assert Consent.objects.filter(enterprise=cast.enterprise, institution=cast.bank).count() == 1


def test_revoking_stops_the_consent_at_once(cast: Cast) -> None:
    made = consent(cast)
    url = f"/api/v1/credit/enterprises/{cast.enterprise.pk}/profile"
    assert cast.client(cast.bank_admin).get(url).status_code == 200
    response = cast.client(cast.owner).post(f"/api/v1/credit/consents/{made.pk}/revoke")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    refused = cast.client(cast.bank_admin).get(url)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "credit.no_consent"
    assert "撤销" in refused.json()["error"]["message"]
    again = cast.client(cast.owner).post(f"/api/v1/credit/consents/{made.pk}/revoke")
    assert again.status_code == 409


def test_the_institution_cannot_revoke_and_strangers_do_not_see_the_consent(cast: Cast) -> None:
    made = consent(cast)
    assert (
        cast.client(cast.bank_admin).post(f"/api/v1/credit/consents/{made.pk}/revoke").status_code
        == 403
    )
    assert (
        cast.client(cast.other_bank_admin)
        .post(f"/api/v1/credit/consents/{made.pk}/revoke")
        .status_code
        == 404
    )
    assert (
        cast.client(cast.stranger_admin).post(f"/credit/consents/{made.pk}/revoke/").status_code
        == 404
    )
    assert Consent.objects.get(pk=made.pk).revoked_at is None


# --- the one door: refusals ----------------------------------------------------------------------


def _profile(cast: Cast, user: object, purpose: str = "") -> object:
    q = f"?purpose={purpose}" if purpose else ""
    return cast.client(user).get(f"/api/v1/credit/enterprises/{cast.enterprise.pk}/profile{q}")


def test_without_consent_the_api_answers_403_and_logs_the_attempt(cast: Cast) -> None:
    response = _profile(cast, cast.bank_admin)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "credit.no_consent"
    assert cast.enterprise.name in error["message"]
    log = ReadLog.objects.get()
    assert (log.enterprise, log.reader, log.reader_user, log.outcome, log.what) == (
        cast.enterprise,
        cast.bank,
        cast.bank_admin,
        "refused",
        "profile",
    )


def test_an_expired_consent_does_not_count(cast: Cast) -> None:
    consent(cast, days=-1, start=200)
    response = _profile(cast, cast.bank_admin)
    assert response.status_code == 403
    assert "到期" in response.json()["error"]["message"]
    assert ReadLog.objects.get().outcome == "refused"


def test_another_institutions_consent_does_not_count(cast: Cast) -> None:
    consent(cast, institution=cast.other_bank)
    assert _profile(cast, cast.bank_admin).status_code == 403
    assert _profile(cast, cast.other_bank_admin).status_code == 200
    assert list(ReadLog.objects.order_by("pk").values_list("reader__name", "outcome")) == [
        (cast.bank.name, "refused"),
        (cast.other_bank.name, "allowed"),
    ]


def test_a_consent_for_another_purpose_does_not_count(cast: Cast) -> None:
    consent(cast, purpose="post_loan_monitoring")
    assert _profile(cast, cast.bank_admin, "loan_application").status_code == 403
    assert _profile(cast, cast.bank_admin, "post_loan_monitoring").status_code == 200


def test_other_enterprises_and_district_offices_are_refused_and_logged(cast: Cast) -> None:
    assert _profile(cast, cast.stranger_admin).status_code == 403
    assert _profile(cast, cast.district_admin).status_code == 403
    assert ReadLog.objects.filter(outcome="refused").count() == 2


def test_the_public_gets_401_over_the_api_and_the_login_page(cast: Cast) -> None:
    assert _profile(cast, None).status_code == 401
    page = cast.client(None).get(f"/credit/enterprises/{cast.enterprise.pk}/")
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]
    assert ReadLog.objects.count() == 0


def test_a_refused_page_view_says_why_with_403_and_is_logged(cast: Cast) -> None:
    response = cast.client(cast.bank_admin).get(
        f"/credit/enterprises/{cast.enterprise.pk}/?purpose=loan_application"
    )
    assert response.status_code == 403
    assert "未授权贵机构" in response.content.decode()
    assert ReadLog.objects.get().what == "report"


def test_an_unknown_enterprise_is_404_not_a_logged_read(cast: Cast) -> None:
    response = cast.client(cast.bank_admin).get("/api/v1/credit/enterprises/999999/profile")
    assert response.status_code == 404
    assert ReadLog.objects.count() == 0


# --- allowed reads -------------------------------------------------------------------------------


def test_a_consented_read_is_logged_with_purpose_and_consent(
    cast: Cast, approved_model: ScoringModel
) -> None:
    made = consent(cast)
    rating_compute(enterprise_id=cast.enterprise.pk)
    response = cast.client(cast.bank_officer).get(
        f"/api/v1/credit/enterprises/{cast.enterprise.pk}/rating?purpose=loan_application"
    )
    assert response.status_code == 200
    assert response.json()["model_version"] == "v1"
    log = ReadLog.objects.get()
    assert (log.what, log.purpose, log.consent, log.outcome, log.reader_user) == (
        "rating",
        "loan_application",
        made,
        "allowed",
        cast.bank_officer,
    )


def test_the_city_reads_without_consent_and_is_logged_as_supervision(cast: Cast) -> None:
    response = cast.client(cast.city_admin).get(
        f"/api/v1/credit/enterprises/{cast.enterprise.pk}/report"
    )
    assert response.status_code == 200
    assert ReadLog.objects.get().outcome == "supervision"


def test_require_consent_is_the_door_for_other_contexts(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        require_consent(
            actor=cast.actor(cast.bank_admin),
            enterprise_id=cast.enterprise.pk,
            purpose="loan_application",
            what="rating",
        )
    assert (exc.value.code, exc.value.status) == ("credit.no_consent", 403)
    made = consent(cast)
    got = require_consent(
        actor=cast.actor(cast.bank_admin),
        enterprise_id=cast.enterprise.pk,
        purpose="loan_application",
        what="rating",
    )
    assert got == made
    assert (
        require_consent(
            actor=cast.actor(cast.owner), enterprise_id=cast.enterprise.pk, what="rating"
        )
        is None
    )
    assert list(ReadLog.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "refused",
        "allowed",
        "self",
    ]


def test_the_enterprise_sees_who_read_and_who_was_refused(cast: Cast) -> None:
    consent(cast)
    _profile(cast, cast.bank_admin)
    _profile(cast, cast.other_bank_admin)
    page = cast.client(cast.owner).get("/credit/reads/")
    html = page.content.decode()
    assert page.status_code == 200
    assert cast.bank.name in html
    assert cast.other_bank.name in html
    assert "无授权被拒绝" in html
    assert "已授权查询" in html
    api = cast.client(cast.owner).get("/api/v1/credit/reads").json()
    assert api["count"] == 2
    refused = cast.client(cast.owner).get("/api/v1/credit/reads?outcome=refused").json()
    assert [r["reader_name"] for r in refused["items"]] == [cast.other_bank.name]
    export = cast.client(cast.owner).get("/credit/reads/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    # another enterprise sees none of it
    assert cast.client(cast.stranger_admin).get("/api/v1/credit/reads").json()["count"] == 0


def test_the_read_log_is_append_only(cast: Cast) -> None:
    _profile(cast, cast.bank_admin)
    log = ReadLog.objects.get()
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()
