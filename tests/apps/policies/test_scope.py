"""Each organisation sees only what it may: another organisation's application is absent (404)
over the API and on the pages, another district too; the public gets 401 or the login page,
except for what is published (policies, programs, notices)."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from kejin.apps.policies.models import ApplicationDocument, Notification
from tests.apps.policies.conftest import (
    PolicyCast,
    api,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)
from tests.conftest import TINY_PDF


def submitted(pc: PolicyCast) -> int:
    loan = report_loan(
        pc.cast,
        ext="S-1",
        borrower=pc.cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(pc.cast, loan, date(2025, 3, 31))
    program = make_program(pc, required_documents=["贷款合同"])
    app_id = create_app(pc, program, {"loan_ids": [loan]}).json()["id"]
    pc.cast.client(pc.cast.owner).post(
        f"/api/v1/policies/applications/{app_id}/documents",
        {"code": "d1", "file": SimpleUploadedFile("合同.pdf", TINY_PDF)},
    )
    submit_through(pc, app_id, until="submitted")
    return app_id


def test_another_organisation_or_district_sees_nothing(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id = submitted(pc)
    doc = ApplicationDocument.objects.get()
    for user in (cast.stranger_admin, cast.bank_admin, cast.other_district_admin):
        client = cast.client(user)
        r = api(client, "get", f"/applications/{app_id}")
        assert r.status_code == 404, user
        assert r.json()["error"] == {
            "code": "not_found",
            "message": "申报不存在或无权访问",
            "fields": {},
        }
        assert api(client, "get", "/applications").json()["count"] == 0
        assert client.get(f"/policies/applications/{app_id}/").status_code == 404
        assert client.get(f"/policies/documents/{doc.pk}/").status_code == 404
    # the other district cannot review it either: it does not exist for it
    r = api(
        cast.client(cast.other_district_admin),
        "post",
        f"/applications/{app_id}/district-review",
        {"decision": "approve"},
    )
    assert r.status_code == 404
    # the colleague of the same enterprise, the district and the city see it
    for user in (cast.colleague, cast.district_admin, cast.city_admin):
        assert api(cast.client(user), "get", f"/applications/{app_id}").status_code == 200
    assert cast.client(cast.colleague).get(f"/policies/documents/{doc.pk}/").status_code == 200


def test_each_role_does_only_its_step(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id = submitted(pc)
    r = api(
        cast.client(cast.owner),
        "post",
        f"/applications/{app_id}/district-review",
        {"decision": "approve"},
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "只有申报单位所在区的科技局可以初审"
    r = api(
        cast.client(cast.district_admin),
        "post",
        f"/applications/{app_id}/city-review",
        {"decision": "propose"},
    )
    assert r.status_code == 403
    r = api(cast.client(cast.district_admin), "post", f"/applications/{app_id}/withdraw", {})
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "只有申报单位本身可以办理此操作"
    r = api(cast.client(pc.city_officer), "post", f"/applications/{app_id}/approve")
    assert r.status_code in (403, 409)
    # the city's auditor and security admin review nothing
    r = api(
        cast.client(cast.city_auditor),
        "post",
        f"/applications/{app_id}/city-review",
        {"decision": "propose"},
    )
    assert r.status_code == 403


def test_the_public(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id = submitted(pc)
    public = cast.client(None)
    assert api(public, "get", "/applications").status_code == 401
    assert api(public, "get", f"/applications/{app_id}").status_code == 401
    assert api(public, "post", "/applications", {"program_id": 1}).status_code == 401
    page = public.get(f"/policies/applications/{app_id}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert public.get("/policies/mine/").status_code == 302
    assert public.get("/policies/manage/parameters/").status_code == 302
    # what is published is open to anyone
    for path in ("/policies", "/programs", "/notices", f"/policies/{pc.policy.pk}"):
        assert api(public, "get", path).status_code == 200, path
    for url in (
        "/policies/",
        "/policies/notices/",
        "/policies/programs/",
        f"/policies/policy/{pc.policy.pk}/",
    ):
        assert public.get(url).status_code == 200, url


def test_city_only_lists(pc: PolicyCast) -> None:
    cast = pc.cast
    for user in (cast.owner, cast.district_admin, cast.bank_admin):
        client = cast.client(user)
        assert api(client, "get", "/objections").json()["count"] == 0
        assert api(client, "get", "/payment-batches").json()["count"] == 0
        assert api(client, "get", "/parameters").status_code == 403
        assert client.get("/policies/manage/notices/").status_code == 403
        assert client.get("/policies/manage/payments/").status_code == 403
        assert client.get("/policies/manage/parameters/").status_code == 403
    assert api(cast.client(cast.city_auditor), "get", "/parameters").status_code == 200


def test_messages_are_the_recipients_own(pc: PolicyCast) -> None:
    cast = pc.cast
    submitted(pc)
    mine = Notification.objects.filter(recipient=cast.enterprise).first()
    assert mine is not None
    r = api(cast.client(cast.stranger_admin), "post", f"/notifications/{mine.pk}/read")
    assert r.status_code == 404
    assert api(cast.client(cast.stranger_admin), "get", "/notifications").json()["count"] == 0
    r = api(cast.client(cast.colleague), "post", f"/notifications/{mine.pk}/read")
    assert r.json() == {"changed": 1}
    unread = api(cast.client(cast.owner), "get", "/notifications", {"unread": "true"}).json()
    assert mine.pk not in [n["id"] for n in unread["items"]]
