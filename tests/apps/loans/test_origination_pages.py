"""The tech micro-loan pages: apply, the case page with its actions, the list and the rules page;
errors shown beside the field (or on top) with nothing written."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
from django.test import Client

from kejin.apps.loans.models import ApprovalDecision, Loan, LoanApplication
from tests.conftest import Cast, MicroLenderCast

D = Decimal
PAGES = "/loans/microloans"


def form(ml: MicroLenderCast, **over: Any) -> dict[str, Any]:
    return {
        "lender_id": str(ml.org.pk),
        "amount": "250000.00",
        "term_months": "6",
        "purpose": "购置检测仪器",
        "repayment_method": "annuity",
        "consent": "on",
        **over,
    }


def applied(cast: Cast, ml: MicroLenderCast, **over: Any) -> int:
    response = cast.client(cast.owner).post(f"{PAGES}/apply/", form(ml, **over))
    assert response.status_code == 302, response.content.decode()[:2000]
    return LoanApplication.objects.latest("pk").pk


def test_the_enterprise_applies_on_the_page(cast: Cast, microlender: MicroLenderCast) -> None:
    client = cast.client(cast.owner)
    page = client.get(f"{PAGES}/apply/?lender={microlender.org.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("科技小额贷款公司", "申请金额（元）", "期限（月）", "贷款用途", "还款方式"):
        assert f">{label}" in html
    assert microlender.other.name in html
    assert cast.bank.name not in html
    response = client.post(f"{PAGES}/apply/", form(microlender))
    application = LoanApplication.objects.get()
    assert response["Location"] == f"{PAGES}/{application.pk}/"
    assert (application.amount, application.term_months, application.repayment_method) == (
        D("250000.00"),
        6,
        "annuity",
    )
    assert application.consent_id is not None
    detail = client.get(response["Location"]).content.decode()
    assert "250,000.00 元" in detail
    assert "撤回申请" in detail


def test_bad_input_on_the_page_is_shown_beside_each_field_and_nothing_is_written(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    response = cast.client(cast.owner).post(
        f"{PAGES}/apply/", form(microlender, amount="0", term_months="48", consent="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_amount_error"' in html
    assert "申请金额必须大于零" in html
    assert 'id="id_term_months_error"' in html
    assert "1–36" in html
    assert 'id="id_consent_error"' in html
    assert LoanApplication.objects.count() == 0


def test_officer_prices_the_maker_is_refused_and_another_officer_approves(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    ml = microlender
    pk = applied(cast, ml)
    officer = cast.client(ml.officer)
    assert "受理并定价" in officer.get(f"{PAGES}/{pk}/").content.decode()
    assert officer.post(f"{PAGES}/{pk}/price/").status_code == 302
    html = officer.get(f"{PAGES}/{pk}/").content.decode()
    # unrated: 3.00 + 6.00 = 9.0000%
    assert "9.0000%" in html
    assert "未评级" in html
    assert "信贷员" in html
    assert "同意</button>" not in html  # the maker is offered no approval
    refused = officer.post(f"{PAGES}/{pk}/approve/", {"reason": "同意"})
    assert refused.status_code == 403
    assert 'role="alert"' in refused.content.decode()
    assert "双人原则" in refused.content.decode()
    assert ApprovalDecision.objects.filter(decision="approve").count() == 0
    second = cast.client(ml.officer2)
    declined = second.post(f"{PAGES}/{pk}/decline/", {"reason": ""})
    assert declined.status_code == 422
    assert 'id="id_reason_error"' in declined.content.decode()
    assert second.post(f"{PAGES}/{pk}/approve/", {"reason": "同意"}).status_code == 302
    assert LoanApplication.objects.get(pk=pk).status == "approved"
    # contract and disburse on the page
    assert officer.post(f"{PAGES}/{pk}/contract/", {}).status_code == 302
    assert officer.post(f"{PAGES}/{pk}/disburse/", {}).status_code == 302
    loan = Loan.objects.get()
    html = officer.get(f"{PAGES}/{pk}/").content.decode()
    assert f'href="/loans/{loan.pk}/"' in html
    assert loan.external_id in html
    for word in ("定价", "同意", "签约", "放款"):
        assert f"<td>{word}</td>" in html
    twice = officer.post(f"{PAGES}/{pk}/disburse/", {})
    assert twice.status_code == 409
    assert "不能重复放款" in twice.content.decode()


def test_a_limit_refusal_is_shown_on_the_page(cast: Cast, microlender: MicroLenderCast) -> None:
    ml = microlender
    pk = applied(cast, ml, amount="5000000.01", term_months="24")
    cast.client(ml.officer).post(f"{PAGES}/{pk}/price/")
    response = cast.client(ml.member1).post(f"{PAGES}/{pk}/approve/", {"reason": "同意"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "超过单一借款人限额" in html
    assert "microloan.limit.per_borrower" in html
    assert ApprovalDecision.objects.filter(decision="approve").count() == 0


def test_the_list_filters_paginates_and_exports(cast: Cast, microlender: MicroLenderCast) -> None:
    ml = microlender
    first = applied(cast, ml)
    applied(cast, ml, amount="600000.00")
    cast.client(ml.officer).post(f"{PAGES}/{first}/price/")
    client = cast.client(ml.officer2)
    html = client.get(f"{PAGES}/").content.decode()
    assert "科技小贷审批队列" in html
    assert "共 2 条" in html
    filtered = client.get(f"{PAGES}/?status=in_approval").content.decode()
    assert "共 1 条" in filtered
    assert f"#{first}" in filtered
    todo = client.get(f"{PAGES}/?todo=on").content.decode()
    assert "共 2 条" in todo  # one to decide, one to take
    export = client.get(f"{PAGES}/?status=in_approval&export=xlsx")
    assert export["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("申请编号", "申请企业")
    assert len(rows) == 2
    assert rows[1][0] == first
    assert cast.client(cast.owner).get(f"{PAGES}/").content.decode().count("申请科技小贷") >= 1
    assert client.get(f"{PAGES}/apply/").status_code == 403  # a lender does not apply


def test_the_rules_page_shows_spreads_authority_limits_and_the_lenders_book(
    cast: Cast, microlender: MicroLenderCast
) -> None:
    html = cast.client(microlender.manager).get(f"{PAGES}/limits/").content.decode()
    assert 'id="spreads"' in html
    assert "12.00" in html
    assert "未评级" in html
    assert "500,000.00" in html
    assert "3,000,000.00" in html
    assert "5,000,000.00" in html
    assert "本公司贷款敞口" in html
    public_view = Client()
    public_view.force_login(cast.owner)
    assert "本公司贷款敞口" not in public_view.get(f"{PAGES}/limits/").content.decode()
