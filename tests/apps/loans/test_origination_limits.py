"""Limits at approval: per borrower (outstanding + approved) and per industry (share of the book);
a refusal names the limit, shows the arithmetic and writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from kejin.apps.loans.models import ApprovalDecision, Loan, LoanApplication
from kejin.apps.loans.origination.limits import book_for, book_summary
from kejin.apps.orgs.models import Organisation
from tests.conftest import Cast, MicroLenderCast

D = Decimal
API = "/api/v1/loans/microloans"


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def report_loan(ml: MicroLenderCast, borrower: Organisation, ext: str, amount: str) -> Loan:
    """A loan the lender reports (made before the platform), drawn in full on 2025-01-15."""
    client = Client()
    client.force_login(ml.officer)
    loan = {
        "external_id": ext,
        "borrower_uscc": borrower.uscc,
        "product_kind": "credit",
        "amount": amount,
        "contract_date": "2025-01-15",
        "maturity_date": "2026-01-15",
        "contract_rate": "4.35",
        "repayment_method": "equal_principal",
        "payment_day": 15,
    }
    assert post(client, "/api/v1/loans/report", {"loans": [loan]}).status_code == 200
    drawdown = {"loan_external_id": ext, "external_id": f"{ext}-1", "date": "2025-01-15"}
    response = post(
        client, "/api/v1/loans/drawdowns", {"drawdowns": [{**drawdown, "amount": amount}]}
    )
    assert response.status_code == 200, response.content
    return Loan.objects.get(external_id=ext)


def priced(cast: Cast, ml: MicroLenderCast, amount: str, term: int = 12) -> int:
    body = {
        "lender_id": ml.org.pk,
        "amount": amount,
        "term_months": term,
        "purpose": "补充流动资金",
        "consent": True,
    }
    response = post(cast.client(cast.owner), API, body)
    assert response.status_code == 201, response.content
    pk = int(response.json()["id"])
    assert post(cast.client(ml.officer), f"{API}/{pk}/price").status_code == 200
    return pk


def test_per_borrower_limit_counts_outstanding_principal_and_approved_applications(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    loan = report_loan(ml, cast.enterprise, "JL-OLD-1", "4500000.00")
    # The first instalment is repaid on 2025-02-15: principal 4,500,000 ÷ 12 = 375,000.
    first = loan.instalments.order_by("due_date").first()
    assert first is not None
    assert first.principal_due == D("375000.00")
    repay = {
        "loan_external_id": "JL-OLD-1",
        "external_id": "R1",
        "date": "2025-02-15",
        "amount": str(first.principal_due + first.interest_due),
    }
    assert (
        post(
            cast.client(ml.officer), "/api/v1/loans/repayments", {"repayments": [repay]}
        ).status_code
        == 200
    )
    # Exposure now: 4,500,000 − 375,000 = 4,125,000.
    a = priced(cast, ml, "400000.00")  # officer level
    assert book_for(LoanApplication.objects.get(pk=a)).borrower == D("4125000.00")
    # 4,125,000 + 400,000 = 4,525,000 ≤ 5,000,000: approved.
    assert post(cast.client(ml.officer2), f"{API}/{a}/approve").json()["status"] == "approved"
    # Approved but not contracted still counts: 4,125,000 + 400,000 + 475,000.01 = 5,000,000.01.
    b = priced(cast, ml, "475000.01")
    decisions_before = ApprovalDecision.objects.count()
    refused = post(cast.client(ml.officer2), f"{API}/{b}/approve", {"reason": "同意"})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "microloan.limit_per_borrower"
    assert "microloan.limit.per_borrower" in error["message"]
    assert "4,525,000.00 元 + 本笔 475,000.01 元 = 5,000,000.01 元" in error["fields"]["amount"]
    assert ApprovalDecision.objects.count() == decisions_before
    assert LoanApplication.objects.get(pk=b).status == "in_approval"
    # One fen less fits exactly: 5,000,000.00.
    c = priced(cast, ml, "475000.00")
    assert post(cast.client(ml.officer2), f"{API}/{c}/approve").json()["status"] == "approved"
    trace = LoanApplication.objects.get(pk=c).pricing_trace["limit_checks"][0]
    assert "= 5,000,000.00 元，限额 5,000,000.00 元" in trace["steps"][0]


def test_industry_share_limit_refuses_a_concentrated_book_naming_the_industry(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    Organisation.objects.filter(pk__in=[cast.enterprise.pk, cast.stranger.pk]).update(
        industry="新一代信息技术"
    )
    Organisation.objects.filter(pk=cast.far_enterprise.pk).update(industry="生物")
    report_loan(ml, cast.stranger, "JL-IT", "4000000.00")
    report_loan(ml, cast.far_enterprise, "JL-BIO", "6000000.00")
    # book 10,000,000 + 1,000,000 = 11,000,000 ≥ 10,000,000: the share is checked.
    # 新一代信息技术: 4,000,000 + 1,000,000 = 5,000,000 / 11,000,000 = 45.45% > 30%.
    pk = priced(cast, ml, "1000000.00")
    refused = post(cast.client(ml.manager), f"{API}/{pk}/approve", {"reason": "同意"})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "microloan.limit_industry"
    assert "microloan.limit.industry_share" in error["message"]
    assert "新一代信息技术" in error["message"]
    assert "45.45%" in error["message"]
    assert ApprovalDecision.objects.filter(decision="approve").count() == 0
    # The same case for an enterprise of another industry: 1,000,000 / 11,000,000 = 9.09%.
    Organisation.objects.filter(pk=cast.enterprise.pk).update(industry="高端装备制造")
    ok = post(cast.client(ml.manager), f"{API}/{pk}/approve", {"reason": "同意"})
    assert ok.status_code == 200, ok.content
    summary = book_summary(ml.org.pk)
    # 4,000,000 + 6,000,000 + 1,000,000 approved = 11,000,000
    assert summary.total == D("11000000.00")
    assert summary.by_industry[0] == ("生物", D("6000000.00"), D("54.55"))


def test_the_book_endpoint_is_for_the_lender_only(cast: Cast, microlender: MicroLenderCast) -> None:
    ml = microlender
    report_loan(ml, cast.enterprise, "JL-1", "1000000.00")
    body = cast.client(ml.manager).get(f"{API}/book").json()
    assert D(body["total"]) == D("1000000.00")
    assert body["by_industry"] == [
        {"industry": "未登记行业", "exposure": "1000000.00", "share_percent": "100.00"}
    ]
    assert cast.client(cast.owner).get(f"{API}/book").status_code == 403
    assert cast.client(ml.other_officer).get(f"{API}/book").json()["total"] == "0.00"
