"""Institutions report loans, drawdowns and repayments over the API: idempotent, all or nothing."""

from decimal import Decimal

from kejin.apps.loans.models import Drawdown, Instalment, Loan, Repayment
from tests.conftest import Cast

D = Decimal


def loan_payload(cast: Cast, **over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "external_id": "JL-2024-001",
        "borrower_uscc": cast.enterprise.uscc,
        "product_kind": "credit",
        "amount": "1200000.00",
        "contract_date": "2024-01-15",
        "maturity_date": "2025-01-15",
        "contract_rate": "4.35",
        "repayment_method": "equal_principal",
        "payment_day": 15,
    }
    data.update(over)
    return data


def post(cast: Cast, path: str, body: dict[str, object], user=None):  # type: ignore[no-untyped-def]
    client = cast.client(user or cast.bank_officer)
    return client.post(f"/api/v1/loans/{path}", body, content_type="application/json")


def test_a_reported_loan_takes_the_lpr_in_force_on_its_contract_date(cast: Cast) -> None:
    response = post(cast, "report", {"loans": [loan_payload(cast)]})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    loan = Loan.objects.get(external_id="JL-2024-001")
    # 2024-01-15, 12 months ≤ 5 years → 1Y LPR; in force since 2023-08-21: 3.45%
    assert loan.benchmark_rate == D("3.45")
    assert loan.benchmark_source == "LPR 1Y 2023-08-21"
    assert loan.term_months == 12


def test_resending_the_same_batch_changes_nothing(cast: Cast) -> None:
    body = {"loans": [loan_payload(cast)]}
    assert post(cast, "report", body).json()["created"] == 1
    again = post(cast, "report", body)
    assert again.status_code == 200
    assert again.json() == {**again.json(), "created": 0, "unchanged": 1}
    assert Loan.objects.count() == 1


def test_same_external_id_with_different_content_is_refused(cast: Cast) -> None:
    post(cast, "report", {"loans": [loan_payload(cast)]})
    response = post(cast, "report", {"loans": [loan_payload(cast, amount="1300000.00")]})
    assert response.status_code == 422
    assert "loans[0].external_id" in response.json()["error"]["fields"]
    assert Loan.objects.get().amount == D("1200000.00")


def test_a_bad_row_fails_the_batch_with_every_error_and_writes_nothing(cast: Cast) -> None:
    body = {
        "loans": [
            loan_payload(cast),
            loan_payload(cast, external_id="B", maturity_date="2023-01-01"),
            loan_payload(cast, external_id="C", amount="0", contract_rate="40"),
            loan_payload(cast, external_id="D", repayment_method="balloon"),
        ]
    }
    response = post(cast, "report", body)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert "loans[1].maturity_date" in fields
    assert "loans[2].amount" in fields
    assert "loans[2].contract_rate" in fields
    assert "loans[3].repayment_method" in fields
    assert Loan.objects.count() == 0


def test_drawdown_builds_the_schedule_and_a_repayment_is_allocated(cast: Cast) -> None:
    post(cast, "report", {"loans": [loan_payload(cast)]})
    response = post(
        cast,
        "drawdowns",
        {
            "drawdowns": [
                {
                    "loan_external_id": "JL-2024-001",
                    "external_id": "JJ1",
                    "date": "2024-01-15",
                    "amount": "1200000.00",
                }
            ]
        },
    )
    assert response.status_code == 200, response.content
    rows = list(Instalment.objects.order_by("due_date"))
    assert len(rows) == 12
    # equal principal: 1,200,000 / 12 = 100,000.00 each month
    assert {r.principal_due for r in rows} == {D("100000.00")}
    # first interest: 1,200,000 × 4.35% × 31 days / 360 = 4,495.00
    assert rows[0].interest_due == D("4495.00")
    pay = post(
        cast,
        "repayments",
        {
            "repayments": [
                {
                    "loan_external_id": "JL-2024-001",
                    "external_id": "R1",
                    "date": "2024-02-15",
                    "amount": "104495.00",
                }
            ]
        },
    )
    assert pay.status_code == 200, pay.content
    rep = Repayment.objects.get()
    assert (rep.penalty_part, rep.interest_part, rep.principal_part) == (
        D("0.00"),
        D("4495.00"),
        D("100000.00"),
    )
    first = Instalment.objects.order_by("due_date").first()
    assert first is not None
    assert first.settled_on is not None


def test_a_repayment_larger_than_due_without_prepayment_flag_is_refused(cast: Cast) -> None:
    post(cast, "report", {"loans": [loan_payload(cast)]})
    post(
        cast,
        "drawdowns",
        {
            "drawdowns": [
                {
                    "loan_external_id": "JL-2024-001",
                    "external_id": "JJ1",
                    "date": "2024-01-15",
                    "amount": "1200000.00",
                }
            ]
        },
    )
    response = post(
        cast,
        "repayments",
        {
            "repayments": [
                {
                    "loan_external_id": "JL-2024-001",
                    "external_id": "R1",
                    "date": "2024-02-15",
                    "amount": "200000.00",
                }
            ]
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["repayments[0].payment"].startswith("最多应还")
    assert Repayment.objects.count() == 0


def test_a_bank_cannot_report_a_repayment_on_another_banks_loan(cast: Cast) -> None:
    post(cast, "report", {"loans": [loan_payload(cast)]})
    response = post(
        cast,
        "repayments",
        {
            "repayments": [
                {
                    "loan_external_id": "JL-2024-001",
                    "external_id": "X",
                    "date": "2024-02-15",
                    "amount": "100.00",
                }
            ]
        },
        user=cast.other_bank_admin,
    )
    assert response.status_code == 422
    assert "repayments[0].loan_external_id" in response.json()["error"]["fields"]
    assert Drawdown.objects.count() == 0
