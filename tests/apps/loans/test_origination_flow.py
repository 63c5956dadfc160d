"""The tech micro-loan business over the API, end to end: apply with consent → price by grade →
approve by authority level (four eyes) → contract → disburse → servicing; every step recorded."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from kejin.apps.credit.models import Consent, ReadLog
from kejin.apps.credit.services.consent import consent_revoke
from kejin.apps.loans.models import (
    ApprovalDecision,
    Drawdown,
    Instalment,
    Loan,
    LoanApplication,
    LoanStatus,
    Repayment,
)
from kejin.platform.audit.models import AuditEntry
from tests.conftest import Cast, MicroLenderCast

D = Decimal
API = "/api/v1/loans/microloans"


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", body or {}, content_type="application/json")


def apply_as(cast: Cast, ml: MicroLenderCast, **over: Any) -> Any:
    body = {
        "lender_id": ml.org.pk,
        "amount": "400000.00",
        "term_months": 12,
        "purpose": "采购研发设备",
        "repayment_method": "equal_principal",
        "consent": True,
        **over,
    }
    return post(cast.client(cast.owner), "", body)


def submitted(cast: Cast, ml: MicroLenderCast, **over: Any) -> int:
    response = apply_as(cast, ml, **over)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def priced(cast: Cast, ml: MicroLenderCast, **over: Any) -> int:
    pk = submitted(cast, ml, **over)
    response = post(cast.client(ml.officer), f"/{pk}/price")
    assert response.status_code == 200, response.content
    return pk


def test_the_whole_journey_from_application_to_the_first_repayment(
    cast: Cast, microlender: MicroLenderCast, rate_enterprise: Any
) -> None:
    ml = microlender
    rate_enterprise(cast.enterprise, "AA", 712)

    # 1. The enterprise applies, consenting to the credit read.
    response = apply_as(cast, ml)
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["status"] == "submitted"
    application = LoanApplication.objects.get(pk=pk)
    consent = Consent.objects.get(pk=application.consent_id)
    assert (consent.enterprise_id, consent.institution_id) == (cast.enterprise.pk, ml.org.pk)
    assert consent.purpose == "loan_application"

    # 2. The officer takes and prices it: 1Y LPR 3.00% + AA spread 1.50 = 4.5000%;
    #    400,000 ≤ 500,000 → officer level, one approval.
    response = post(cast.client(ml.officer), f"/{pk}/price")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["grade"] == "AA"
    assert (D(body["benchmark_rate"]), D(body["spread"]), D(body["offered_rate"])) == (
        D("3.00"),
        D("1.50"),
        D("4.5000"),
    )
    assert body["required_level"] == "officer"
    assert body["maker_id"] == ml.officer.pk
    assert body["status"] == "in_approval"
    trace = body["pricing_trace"]
    assert trace["inputs"]["score"] == "712"
    assert trace["authority"]["level"] == "officer"
    assert trace["consent_id"] == consent.pk
    read = ReadLog.objects.get(enterprise=cast.enterprise, reader=ml.org)
    assert (read.what, read.outcome, read.consent_id) == ("rating", "allowed", consent.pk)

    # 3. The maker may not approve; another officer does, with a reason.
    refused = post(cast.client(ml.officer), f"/{pk}/approve", {"reason": "同意"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "microloan.four_eyes"
    response = post(cast.client(ml.officer2), f"/{pk}/approve", {"reason": "经营稳定，同意"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"

    # 4. Contract: the loan enters the book as originated, WD-<year>-<id>.
    response = post(cast.client(ml.officer), f"/{pk}/contract", {})
    assert response.status_code == 200, response.content
    today = timezone.localdate()
    loan = Loan.objects.get(pk=response.json()["loan_id"])
    assert loan.external_id == f"WD-{today.year}-{pk}"
    assert loan.origin == "originated"
    assert loan.status == LoanStatus.APPROVED  # 已签约未放款
    assert (loan.amount, loan.contract_rate, loan.term_months) == (D("400000"), D("4.5"), 12)
    assert loan.spread == D("1.50")
    assert loan.benchmark_rate == D("3.00")
    assert loan.borrower_id == cast.enterprise.pk
    assert loan.lender_id == ml.org.pk

    # 5. Disbursement: one drawdown of the whole amount, schedule built.
    response = post(cast.client(ml.officer), f"/{pk}/disburse", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "disbursed"
    drawdown = Drawdown.objects.get(loan=loan)
    assert (drawdown.external_id, drawdown.amount, drawdown.date) == (
        f"{loan.external_id}-1",
        D("400000"),
        today,
    )
    instalments = Instalment.objects.filter(loan=loan, superseded=False)
    assert instalments.count() == 12
    assert sum(i.principal_due for i in instalments) == D("400000.00")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE

    # 6. Servicing is the normal repayment reporting: the first instalment paid on its due date.
    #    Daily interest = 400,000 × 4.5% ÷ 360 = 50.00 yuan; principal = 400,000 ÷ 12 = 33,333.33.
    first = instalments.order_by("due_date").first()
    assert first is not None
    assert first.interest_due == D(50) * first.days
    assert first.principal_due == D("33333.33")
    due = first.principal_due + first.interest_due
    response = cast.client(ml.officer).post(
        "/api/v1/loans/repayments",
        {
            "repayments": [
                {
                    "loan_external_id": loan.external_id,
                    "external_id": "R-1",
                    "date": first.due_date.isoformat(),
                    "amount": str(due),
                }
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    repayment = Repayment.objects.get(loan=loan)
    assert (repayment.interest_part, repayment.principal_part) == (
        first.interest_due,
        D("33333.33"),
    )

    # Every step is recorded: who, level, decision, reason.
    decisions = list(ApprovalDecision.objects.filter(application_id=pk).order_by("pk"))
    assert [(d.decision, d.actor_id, d.level) for d in decisions] == [
        ("price", ml.officer.pk, "officer"),
        ("approve", ml.officer2.pk, "officer"),
        ("contract", ml.officer.pk, "officer"),
        ("disburse", ml.officer.pk, "officer"),
    ]
    assert decisions[1].reason == "经营稳定，同意"
    assert "4.5000%" in decisions[0].reason
    assert loan.external_id in decisions[2].reason
    # …and audited, naming the person.
    entries = AuditEntry.objects.filter(content_type__model="loanapplication", object_pk=str(pk))
    assert entries.count() >= 5
    assert entries.filter(actor=ml.officer2).exists()
    # The enterprise sees its loan in the book.
    loans = cast.client(cast.owner).get("/api/v1/loans").json()["items"]
    assert [x["external_id"] for x in loans] == [loan.external_id]


def test_an_unrated_enterprise_is_priced_with_the_unrated_spread(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    pk = priced(cast, microlender)
    application = LoanApplication.objects.get(pk=pk)
    # 3.00 + 6.00 (unrated) = 9.0000%
    assert application.offered_rate == D("9.0000")
    assert application.grade == ""
    assert application.pricing_trace["inputs"]["rated"] is False
    assert "暂无信用评级" in application.pricing_trace["steps"][0]


def test_pricing_without_a_valid_consent_is_refused_logged_and_writes_nothing(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    pk = submitted(cast, microlender)
    consent = Consent.objects.get(pk=LoanApplication.objects.get(pk=pk).consent_id)
    consent_revoke(actor=cast.actor(cast.owner), consent_id=consent.pk)
    response = post(cast.client(microlender.officer), f"/{pk}/price")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "credit.no_consent"
    application = LoanApplication.objects.get(pk=pk)
    assert (application.status, application.maker_id, application.offered_rate) == (
        "submitted",
        None,
        None,
    )
    assert ApprovalDecision.objects.count() == 0
    assert ReadLog.objects.filter(reader=microlender.org, outcome="refused").count() == 1


def test_an_officer_cannot_approve_a_manager_level_case_but_a_manager_can(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    # 500,000.01 > 500,000 → manager level
    pk = priced(cast, ml, amount="500000.01")
    assert LoanApplication.objects.get(pk=pk).required_level == "manager"
    refused = post(cast.client(ml.officer2), f"/{pk}/approve", {"reason": "同意"})
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "microloan.above_authority"
    assert "审批经理" in error["message"]
    assert ApprovalDecision.objects.filter(decision="approve").count() == 0
    ok = post(cast.client(ml.manager), f"/{pk}/approve", {"reason": "同意"})
    assert ok.status_code == 200
    assert ok.json()["status"] == "approved"
    assert ApprovalDecision.objects.get(decision="approve").level == "manager"


def test_a_committee_case_needs_two_different_members_and_never_the_maker(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    # 3,000,000.01 > 3,000,000 → credit committee, two approvals. The maker is a manager here.
    pk = submitted(cast, ml, amount="3000000.01", term_months=24)
    assert post(cast.client(ml.manager), f"/{pk}/price").status_code == 200
    application = LoanApplication.objects.get(pk=pk)
    assert application.required_level == "credit_committee"
    assert application.pricing_trace["authority"]["approvals_needed"] == 2
    # a manager (below the committee) is refused
    assert post(cast.client(ml.officer2), f"/{pk}/approve").status_code == 403
    # the first member: still in approval
    first = post(cast.client(ml.member1), f"/{pk}/approve", {"reason": "同意"})
    assert first.json()["status"] == "in_approval"
    # the same member again: refused, nothing written
    again = post(cast.client(ml.member1), f"/{pk}/approve", {"reason": "再次同意"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "microloan.already_approved"
    assert ApprovalDecision.objects.filter(decision="approve").count() == 1
    # the maker, even holding committee authority, is refused
    ml.manager.roles = ["manager", "credit_committee"]
    ml.manager.save()
    maker = post(cast.client(ml.manager), f"/{pk}/approve", {"reason": "同意"})
    assert maker.status_code == 403
    assert maker.json()["error"]["code"] == "microloan.four_eyes"
    # the second member: approved
    second = post(cast.client(ml.member2), f"/{pk}/approve", {"reason": "同意"})
    assert second.json()["status"] == "approved"
    approvers = ApprovalDecision.objects.filter(application_id=pk, decision="approve")
    assert sorted(approvers.values_list("actor_id", flat=True)) == sorted(
        [ml.member1.pk, ml.member2.pk]
    )


def test_decline_needs_a_reason_and_ends_the_case(cast: Cast, microlender: MicroLenderCast) -> None:
    ml = microlender
    pk = priced(cast, ml)
    response = post(cast.client(ml.officer2), f"/{pk}/decline", {"reason": "  "})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "microloan.reason_required"
    assert "reason" in error["fields"]
    assert LoanApplication.objects.get(pk=pk).status == "in_approval"
    # the maker may not decline their own case either
    assert post(cast.client(ml.officer), f"/{pk}/decline", {"reason": "不符"}).status_code == 403
    response = post(cast.client(ml.officer2), f"/{pk}/decline", {"reason": "现金流不足以覆盖本息"})
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    decision = ApprovalDecision.objects.get(decision="decline")
    assert (decision.actor_id, decision.reason) == (ml.officer2.pk, "现金流不足以覆盖本息")
    # a declined case can no longer be approved
    assert post(cast.client(ml.manager), f"/{pk}/approve").status_code == 409


def test_the_enterprise_withdraws_before_approval_but_not_after(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    pk = priced(cast, ml)
    response = post(cast.client(cast.colleague), f"/{pk}/withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert post(cast.client(ml.officer2), f"/{pk}/approve").status_code == 409
    other = priced(cast, ml)
    post(cast.client(ml.officer2), f"/{other}/approve")
    late = post(cast.client(cast.owner), f"/{other}/withdraw")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "microloan.wrong_status"
    assert LoanApplication.objects.get(pk=other).status == "approved"


def test_contracting_an_unapproved_case_and_disbursing_twice_are_refused(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    pk = priced(cast, ml)
    response = post(cast.client(ml.officer), f"/{pk}/contract", {})
    assert response.status_code == 409
    assert "审批中" in response.json()["error"]["message"]
    assert Loan.objects.count() == 0
    post(cast.client(ml.officer2), f"/{pk}/approve")
    # a contract dated in the future is refused naming the field
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post(cast.client(ml.officer), f"/{pk}/contract", {"contract_date": tomorrow})
    assert response.status_code == 422
    assert "contract_date" in response.json()["error"]["fields"]
    assert Loan.objects.count() == 0
    # disbursing before the contract is refused
    assert post(cast.client(ml.officer), f"/{pk}/disburse", {}).status_code == 409
    assert post(cast.client(ml.officer), f"/{pk}/contract", {}).status_code == 200
    assert post(cast.client(ml.officer), f"/{pk}/contract", {}).status_code == 409
    assert Loan.objects.count() == 1
    assert post(cast.client(ml.officer), f"/{pk}/disburse", {}).status_code == 200
    twice = post(cast.client(ml.officer), f"/{pk}/disburse", {})
    assert twice.status_code == 409
    assert "不能重复放款" in twice.json()["error"]["message"]
    assert Drawdown.objects.count() == 1
    assert ApprovalDecision.objects.filter(decision="disburse").count() == 1


def test_repricing_is_for_the_maker_only_and_only_before_any_approval(
    cast: Cast, microlender: MicroLenderCast, rate_enterprise: Any
) -> None:
    ml = microlender
    pk = submitted(cast, ml, amount="3500000", term_months=24)
    assert post(cast.client(ml.officer), f"/{pk}/price").status_code == 200
    taken = post(cast.client(ml.officer2), f"/{pk}/price")
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "microloan.taken_by_another"
    # a new rating arrives; the maker re-prices: 3.00 + 2.00 (A) = 5.0000%
    rate_enterprise(cast.enterprise, "A", 655)
    again = post(cast.client(ml.officer), f"/{pk}/price")
    assert again.status_code == 200
    assert D(again.json()["offered_rate"]) == D("5.0000")
    post(cast.client(ml.member1), f"/{pk}/approve")
    late = post(cast.client(ml.officer), f"/{pk}/price")
    assert late.status_code == 409
    assert ApprovalDecision.objects.filter(decision="price").count() == 2


def test_the_parameters_in_force_are_published_with_their_sources(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    body = cast.client(cast.owner).get(f"{API}/parameters").json()
    spreads = {s["grade"]: D(s["spread"]["value"]) for s in body["spreads"]}
    assert spreads["AAA"] == D("1.00")
    assert spreads["unrated"] == D("6.00")
    assert [D(p["value"]) for p in body["authority"]] == [D("500000"), D("3000000")]
    assert [p["key"] for p in body["limits"]] == [
        "microloan.limit.per_borrower",
        "microloan.limit.industry_share",
        "microloan.limit.industry_min_book",
    ]
    assert all("十二" in p["source"] for p in body["authority"])
    assert date.fromisoformat(body["on"]) == timezone.localdate()
