"""Who may see and do what on an application (another lender or enterprise: 404; the district
office reads its district's applications; the public: 401 or the login page), and bad input:
a clear message naming the field, nothing written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kejin.apps.credit.models import Consent
from kejin.apps.loans.models import ApprovalDecision, LoanApplication
from kejin.apps.loans.origination.apply import ApplicationInput, application_submit
from kejin.rules.errors import DomainError
from tests.conftest import Cast, MicroLenderCast

D = Decimal
API = "/api/v1/loans/microloans"
ACTIONS = ("price", "approve", "decline", "withdraw", "contract", "disburse")


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def body(ml: MicroLenderCast, **over: Any) -> dict[str, Any]:
    return {
        "lender_id": ml.org.pk,
        "amount": "300000.00",
        "term_months": 12,
        "purpose": "研发投入",
        "consent": True,
        **over,
    }


@pytest.fixture
def case(cast: Cast, microlender: MicroLenderCast) -> int:
    """A priced application of cast.enterprise (朝阳区) to the micro-lender."""
    response = post(cast.client(cast.owner), API, body(microlender))
    pk = int(response.json()["id"])
    assert post(cast.client(microlender.officer), f"{API}/{pk}/price").status_code == 200
    return pk


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        ({"amount": "0"}, "amount", "microloan.amount_invalid"),
        ({"amount": "-100.00"}, "amount", "microloan.amount_invalid"),
        ({"amount": "100.001"}, "amount", "microloan.amount_invalid"),
        ({"term_months": 0}, "term_months", "microloan.term_out_of_range"),
        ({"term_months": 37}, "term_months", "microloan.term_out_of_range"),
        ({"purpose": "  "}, "purpose", "microloan.purpose_required"),
        ({"repayment_method": "balloon"}, "repayment_method", "microloan.method_unknown"),
        ({"consent": False}, "consent", "microloan.consent_required"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: Cast, microlender: MicroLenderCast, over: dict[str, Any], field: str, code: str
) -> None:
    response = post(cast.client(cast.owner), API, body(microlender, **over))
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["fields"]
    assert error["message"]
    assert LoanApplication.objects.count() == 0
    assert Consent.objects.count() == 0


def test_term_message_quotes_the_range_in_chinese(cast: Cast, microlender: MicroLenderCast) -> None:
    error = post(cast.client(cast.owner), API, body(microlender, term_months=37)).json()["error"]
    assert "1–36 个月" in error["fields"]["term_months"]


def test_applying_to_a_lender_that_is_not_a_tech_micro_lender_is_refused(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    response = post(cast.client(cast.owner), API, body(microlender, lender_id=cast.bank.pk))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "microloan.not_tech_micro_lender"
    assert "不是科技小额贷款公司" in error["fields"]["lender_id"]
    assert LoanApplication.objects.count() == 0
    assert Consent.objects.count() == 0


def test_only_enterprises_apply(cast: Cast, microlender: MicroLenderCast) -> None:
    for user in (cast.bank_officer, microlender.officer, cast.district_admin):
        response = post(cast.client(user), API, body(microlender))
        assert response.status_code == 403
    assert post(Client(), API, body(microlender)).status_code == 401
    assert LoanApplication.objects.count() == 0


def test_an_officer_applies_only_under_a_consent_the_admin_already_gave(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    refused = post(cast.client(cast.colleague), API, body(microlender))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "microloan.consent_required"
    assert "企业管理员" in refused.json()["error"]["fields"]["consent"]
    assert LoanApplication.objects.count() == 0
    # once the admin has applied (and consented), a colleague's application uses that consent
    first = post(cast.client(cast.owner), API, body(microlender)).json()
    second = post(cast.client(cast.colleague), API, body(microlender))
    assert second.status_code == 201
    assert second.json()["consent_id"] == first["consent_id"]
    assert Consent.objects.count() == 1


def test_a_service_call_without_a_lender_reports_every_field(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        application_submit(
            actor=cast.actor(cast.owner),
            data=ApplicationInput(
                lender_id=999999, amount=D("-1"), term_months=40, purpose="", consent=False
            ),
        )
    assert set(exc.value.fields) == {"lender_id", "amount", "term_months", "purpose", "consent"}


def test_another_lender_sees_nothing_and_can_do_nothing(
    cast: Cast, microlender: MicroLenderCast, case: int
) -> None:
    other = cast.client(microlender.other_officer)
    assert other.get(f"{API}/{case}").status_code == 404
    assert other.get(API).json()["items"] == []
    for action in ACTIONS:
        response = post(other, f"{API}/{case}/{action}", {"reason": "x"})
        assert response.status_code == 404, action
    assert other.get(f"/loans/microloans/{case}/").status_code == 404
    assert other.post(f"/loans/microloans/{case}/approve/", {"reason": "x"}).status_code == 404
    assert ApprovalDecision.objects.filter(decision="approve").count() == 0


@pytest.mark.parametrize("who", ["stranger_admin", "bank_officer", "other_district_admin"])
def test_other_enterprises_banks_and_districts_get_404(
    cast: Cast, microlender: MicroLenderCast, case: int, who: str
) -> None:
    client = cast.client(getattr(cast, who))
    assert client.get(f"{API}/{case}").status_code == 404
    assert post(client, f"{API}/{case}/withdraw").status_code == 404
    assert client.get(f"/loans/microloans/{case}/").status_code == 404
    assert client.get(API).json()["items"] == []
    assert LoanApplication.objects.get(pk=case).status == "in_approval"


def test_the_district_office_reads_its_districts_applications_but_cannot_act(
    cast: Cast, microlender: MicroLenderCast, case: int
) -> None:
    client = cast.client(cast.district_admin)
    response = client.get(f"{API}/{case}")
    assert response.status_code == 200
    assert response.json()["actions"] == []
    assert [a["id"] for a in client.get(API).json()["items"]] == [case]
    for action in ACTIONS:
        assert post(client, f"{API}/{case}/{action}", {"reason": "x"}).status_code == 403, action
    page = client.get(f"/loans/microloans/{case}/")
    assert page.status_code == 200
    assert 'id="actions"' not in page.content.decode()
    assert client.post(f"/loans/microloans/{case}/approve/", {"reason": "x"}).status_code == 403
    assert LoanApplication.objects.get(pk=case).status == "in_approval"


def test_the_city_office_reads_every_application(
    cast: Cast, microlender: MicroLenderCast, case: int
) -> None:
    client = cast.client(cast.city_admin)
    assert client.get(f"{API}/{case}").status_code == 200
    assert post(client, f"{API}/{case}/approve").status_code == 403


def test_the_public_is_refused(cast: Cast, microlender: MicroLenderCast, case: int) -> None:
    public = Client()
    assert public.get(API).status_code == 401
    assert public.get(f"{API}/{case}").status_code == 401
    assert post(public, f"{API}/{case}/approve").status_code == 401
    for path in ("", "apply/", f"{case}/", "limits/"):
        response = public.get(f"/loans/microloans/{path}")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_enterprise_sees_its_case_but_not_the_lenders_actions(
    cast: Cast, microlender: MicroLenderCast, case: int
) -> None:
    detail = cast.client(cast.colleague).get(f"{API}/{case}").json()
    assert detail["actions"] == ["withdraw"]
    assert [d["decision"] for d in detail["decisions"]] == ["price"]
    assert post(cast.client(cast.owner), f"{API}/{case}/approve").status_code == 403
    # the lender's admin has no approval authority
    response = post(cast.client(microlender.admin), f"{API}/{case}/approve")
    assert response.status_code == 403


def test_the_approvers_todo_list(cast: Cast, microlender: MicroLenderCast, case: int) -> None:
    ml = microlender
    todo = f"{API}?todo=true"
    assert [a["id"] for a in cast.client(ml.officer2).get(todo).json()["items"]] == [case]
    assert cast.client(ml.officer).get(todo).json()["items"] == []  # the maker's own case
    post(cast.client(ml.officer2), f"{API}/{case}/approve")
    # approved: now waiting for its maker to contract it
    assert [a["id"] for a in cast.client(ml.officer).get(todo).json()["items"]] == [case]
    assert cast.client(ml.member1).get(todo).json()["items"] == []
