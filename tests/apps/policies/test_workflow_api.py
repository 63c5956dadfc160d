"""The workflow over the API, end to end, with the database (statuses, events, the fund's
ledger, messages, emails, audit) checked at each step: apply → district → city (the proposer is
not the approver) → public notice with an objection → approved → payment batch → paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core import mail

from kejin.apps.funds.selectors import line_balance
from kejin.apps.policies.models import (
    Application,
    ApplicationEvent,
    Notification,
    Objection,
    PaymentBatch,
    Status,
)
from kejin.platform.audit.models import AuditEntry
from tests.apps.policies.conftest import (
    PolicyCast,
    api,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)

D = Decimal


def interest_app(pc: PolicyCast, **program: Any) -> tuple[int, Any]:
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="JL-2025-001",
        borrower=cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(cast, loan, date(2025, 3, 31))
    prog = make_program(pc, **program)
    r = create_app(pc, prog, {"loan_ids": [loan]})
    assert r.status_code == 201, r.content
    return r.json()["id"], prog


def test_interest_subsidy_from_application_to_payment(
    pc: PolicyCast, django_capture_on_commit_callbacks: Any
) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc)
    owner, district = cast.client(cast.owner), cast.client(cast.district_admin)
    reviewer, admin = cast.client(pc.city_reviewer), cast.client(cast.city_admin)
    public = cast.client(None)
    assert Application.objects.get(pk=app_id).amount == D("7129.18")

    with django_capture_on_commit_callbacks(execute=True):
        r = api(owner, "post", f"/applications/{app_id}/submit")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    a = Application.objects.get(pk=app_id)
    assert a.step_due_on == date(2026, 6, 11)  # 10 days for the district (the program's SLA)
    assert Notification.objects.filter(recipient=cast.district).exists()
    to = {(m.to[0], m.subject) for m in mail.outbox}
    number = Application.objects.get(pk=app_id).number
    assert ("district_admin@example.cn", f"【科金平台】{number} 已提交，待区级初审") in to
    assert ("owner@example.cn", f"【科金平台】{number} 已提交，测算金额 7,129.18 元") in to

    r = api(district, "post", f"/applications/{app_id}/district-review", {"decision": "approve"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "city_review"

    r = api(reviewer, "post", f"/applications/{app_id}/city-review", {"decision": "propose"})
    assert r.status_code == 200, r.content
    assert r.json()["proposed_amount"] == "7129.18"

    # four-eyes: the proposer cannot approve; nothing is committed
    r = api(reviewer, "post", f"/applications/{app_id}/approve")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "application.four_eyes"
    assert line_balance(pc.line_id).committed == D("0.00")

    r = api(admin, "post", f"/applications/{app_id}/approve")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "pending_notice"
    a = Application.objects.get(pk=app_id)
    assert a.approved_by == cast.city_admin
    assert a.proposed_by == pc.city_reviewer
    assert a.fund_commitment_id is not None
    assert line_balance(pc.line_id).committed == D("7129.18")

    r = api(reviewer, "post", "/notices", {"application_ids": [app_id]})
    assert r.status_code == 201, r.content
    notice = r.json()
    # 7 working days after 2026-06-01: 2, 3, 4, 5, 8, 9, 10 June
    assert (notice["opens_on"], notice["closes_on"], notice["working_days"]) == (
        "2026-06-01",
        "2026-06-10",
        7,
    )
    listed = api(public, "get", f"/notices/{notice['id']}").json()
    assert [(e["number"], e["amount"], e["held"]) for e in listed["entries"]] == [
        (a.number, "7129.18", False)
    ]

    r = api(
        public,
        "post",
        f"/notices/{notice['id']}/objections",
        {
            "application_id": app_id,
            "name": "张三",
            "phone": "13800000000",
            "content": "该企业贷款实际利率低于公示所述，请核实。",
        },
    )
    assert r.status_code == 201, r.content
    objection_id = r.json()["id"]
    assert api(public, "get", f"/notices/{notice['id']}").json()["entries"][0]["held"] is True

    # before the period is over the notice cannot be closed
    r = api(reviewer, "post", f"/notices/{notice['id']}/close")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "notice.not_due"
    pc.clock.set(date(2026, 6, 11))
    r = api(reviewer, "post", f"/notices/{notice['id']}/close")
    assert r.status_code == 200, r.content
    assert Application.objects.get(pk=app_id).status == Status.NOTICE  # held by the objection

    r = api(
        reviewer,
        "post",
        f"/objections/{objection_id}/resolve",
        {"decision": "dismissed", "resolution": "经核实，贷款合同利率为6.00%，异议不成立。"},
    )
    assert r.status_code == 200, r.content
    assert Objection.objects.get().status == "dismissed"
    assert Application.objects.get(pk=app_id).status == Status.APPROVED

    officer = cast.client(pc.city_officer)
    r = api(officer, "post", "/payment-batches", {"application_ids": [app_id]})
    assert r.status_code == 201, r.content
    batch = r.json()
    assert (batch["count"], batch["total"]) == (1, "7129.18")
    r = officer.get(f"/api/v1/policies/payment-batches/{batch['id']}/transfer?format=csv")
    assert r.status_code == 200
    rows = r.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "序号,收款户名,开户银行,收款账号,金额（元）,附言（申报编号）,用途"
    assert rows[1].startswith(
        f"1,{cast.enterprise.name},吉林银行长春科技支行,07110120000012345,7129.18,{a.number},"
    )
    r = api(
        admin, "post", f"/payment-batches/{batch['id']}/paid", {"bank_reference": "HD20260611001"}
    )
    assert r.status_code == 200, r.content
    a = Application.objects.get(pk=app_id)
    assert (a.status, a.bank_reference) == (Status.PAID, "HD20260611001")
    balance = line_balance(pc.line_id)
    assert (balance.committed, balance.paid) == (D("7129.18"), D("7129.18"))
    # paid once: a second registration is refused
    r = api(admin, "post", f"/payment-batches/{batch['id']}/paid", {"bank_reference": "X2"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "payment.already_paid"
    assert line_balance(pc.line_id).paid == D("7129.18")

    actions = list(
        ApplicationEvent.objects.filter(application_id=app_id).values_list("action", flat=True)
    )
    assert actions == [
        "created",
        "submitted",
        "district_approved",
        "city_proposed",
        "city_approved",
        "notice_opened",
        "objection_filed",
        "objection_resolved",
        "approved",
        "paid",
    ]
    # every step is in the audit history of the application
    history = AuditEntry.objects.filter(object_pk=str(app_id), content_type__model="application")
    assert history.count() >= 9
    assert Notification.objects.filter(recipient=cast.enterprise).count() >= 7


def test_return_for_correction_then_resubmit(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc, required_documents=["贷款合同"])
    owner, district = cast.client(cast.owner), cast.client(cast.district_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import TINY_PDF

    owner.post(
        f"/api/v1/policies/applications/{app_id}/documents",
        {"code": "d1", "file": SimpleUploadedFile("合同.pdf", TINY_PDF)},
    )
    assert api(owner, "post", f"/applications/{app_id}/submit").status_code == 200
    r = api(district, "post", f"/applications/{app_id}/district-review", {"decision": "return"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["reason"] == "请填写退回修改的理由"
    assert Application.objects.get(pk=app_id).status == Status.SUBMITTED
    r = api(
        district,
        "post",
        f"/applications/{app_id}/district-review",
        {"decision": "return", "reason": "请补充利息支付凭证"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "returned"
    assert r.json()["decision_reason"] == "请补充利息支付凭证"
    r = api(owner, "patch", f"/applications/{app_id}", {"contact_phone": "0431-88889999"})
    assert r.status_code == 200, r.content
    r = api(owner, "post", f"/applications/{app_id}/submit")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    actions = list(
        ApplicationEvent.objects.filter(application_id=app_id).values_list("action", flat=True)
    )
    assert actions[-2:] == ["district_returned", "resubmitted"]


def test_rejection_at_each_review(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc)
    api(cast.client(cast.owner), "post", f"/applications/{app_id}/submit")
    r = api(
        cast.client(cast.district_admin),
        "post",
        f"/applications/{app_id}/district-review",
        {"decision": "reject", "reason": "借款企业不在本区"},
    )
    assert r.json()["status"] == "rejected"
    # a rejected application can be neither reviewed nor submitted again
    r = api(cast.client(cast.owner), "post", f"/applications/{app_id}/submit")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "application.status"
    assert "未通过" in r.json()["error"]["message"]


def test_city_rejects_a_proposal(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc)
    submit_through(pc, app_id, until="city_proposed")
    r = api(
        cast.client(cast.city_admin),
        "post",
        f"/applications/{app_id}/city-review",
        {"decision": "reject", "reason": "经复核不符合贴息条件"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "rejected"
    assert line_balance(pc.line_id).committed == D("0.00")


def test_withdrawal_after_approval_releases_the_commitment(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc)
    submit_through(pc, app_id, until="pending_notice")
    assert line_balance(pc.line_id).available == D("50000000.00") - D("7129.18")
    r = api(
        cast.client(cast.owner),
        "post",
        f"/applications/{app_id}/withdraw",
        {"reason": "企业放弃本次贴息"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "withdrawn"
    balance = line_balance(pc.line_id)
    assert (balance.released, balance.available) == (D("7129.18"), D("50000000.00"))
    # its periods are free again: a new application may claim them
    r = create_app(
        pc,
        Application.objects.get(pk=app_id).program,
        {"loan_ids": Application.objects.get(pk=app_id).inputs["loan_ids"]},
    )
    assert r.status_code == 201
    assert r.json()["amount"] == "7129.18"


def test_an_upheld_objection_rejects_the_award_and_releases_its_money(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc)
    submit_through(pc, app_id, until="pending_notice")
    reviewer = cast.client(pc.city_reviewer)
    notice = api(reviewer, "post", "/notices", {"application_ids": [app_id]}).json()
    r = api(
        cast.client(None),
        "post",
        f"/notices/{notice['id']}/objections",
        {
            "application_id": app_id,
            "name": "李四",
            "phone": "0431-85551234",
            "email": "lisi@example.cn",
            "content": "该笔贷款已于公示前提前结清，请核实贴息期间。",
        },
    )
    objection = r.json()["id"]
    r = api(
        reviewer,
        "post",
        f"/objections/{objection}/resolve",
        {"decision": "upheld", "resolution": ""},
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["reason"] == "请填写处理异议的理由"
    r = api(
        reviewer,
        "post",
        f"/objections/{objection}/resolve",
        {"decision": "upheld", "resolution": "经核实贷款已提前结清，异议成立。"},
    )
    assert r.status_code == 200
    a = Application.objects.get(pk=app_id)
    assert a.status == Status.REJECTED
    assert line_balance(pc.line_id).released == D("7129.18")
    r = api(
        reviewer,
        "post",
        f"/objections/{objection}/resolve",
        {"decision": "dismissed", "resolution": "再次处理"},
    )
    assert r.status_code == 409


def test_bulk_approval_reports_each_refusal(pc: PolicyCast) -> None:
    """Three proposals: one the approver proposed herself (four-eyes), one beyond what the budget
    line has left (the fund refuses and its message is shown), one approved."""
    cast = pc.cast
    from tests.apps.policies.conftest import budget_line

    small = budget_line(cast, amount="10000.00", purpose="awards")
    program = make_program(
        pc,
        "maker_space",
        budget_line_id=small,
        coverage_start=None,
        coverage_end=None,
        applicant_kinds=["enterprise"],
    )
    ids = []
    for name in ("北湖创客空间", "净月众创空间", "长东北创客工场"):
        r = create_app(pc, program, {"space_name": name, "recognised_on": "2026-03-01"})
        assert r.status_code == 201, r.content
        ids.append(r.json()["id"])
    app_prop = ids[0]
    submit_through(pc, ids[1], until="city_proposed")
    submit_through(pc, ids[2], until="city_proposed")
    submit_through(pc, app_prop, until="city_review")
    admin = cast.client(cast.city_admin)
    api(admin, "post", f"/applications/{app_prop}/city-review", {"decision": "propose"})
    r = api(admin, "post", "/applications/bulk-approve", {"application_ids": ids})
    assert r.status_code == 200, r.content
    body = r.json()
    refused = {x["id"]: x["message"] for x in body["refused"]}
    assert "四眼原则" in refused[app_prop]
    # 300,000.00 each against a 10,000.00 line: the fund refuses both others
    assert len(body["approved"]) == 0
    assert all("额度不足" in refused[i] for i in ids[1:])
    assert line_balance(small).committed == D("0.00")
    assert set(Application.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        Status.CITY_PROPOSED
    }


def test_overdue_steps_are_flagged_in_the_queue(pc: PolicyCast) -> None:
    cast = pc.cast
    app_id, _ = interest_app(pc)
    api(cast.client(cast.owner), "post", f"/applications/{app_id}/submit")
    district = cast.client(cast.district_admin)
    r = api(district, "get", "/review/district", {"overdue": "true"})
    assert r.json()["count"] == 0
    pc.clock.set(date(2026, 6, 12))  # due 2026-06-11
    r = api(district, "get", "/review/district", {"overdue": "true"})
    assert [x["id"] for x in r.json()["items"]] == [app_id]
    page = district.get("/policies/review/district/?overdue=1").content.decode()
    assert "超期" in page
    assert Application.objects.get(pk=app_id).number in page


def test_payment_batch_only_takes_approved_unpaid_awards(pc: PolicyCast) -> None:
    app_id, _ = interest_app(pc)
    submit_through(pc, app_id, until="pending_notice")
    r = api(
        pc.cast.client(pc.city_officer), "post", "/payment-batches", {"application_ids": [app_id]}
    )
    assert r.status_code == 409
    assert "不是“已批准、未编入拨付批次”的奖补" in r.json()["error"]["message"]
    assert PaymentBatch.objects.count() == 0
