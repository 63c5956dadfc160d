"""Applications: the enterprise applies (attaching its consent), the bank answers within its
promised working days, grants (the loan appears in the enterprise's loans) or declines; overdue
answers are flagged; the enterprise rates the service. Bad input and other organisations are
refused with nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.credit.models import Consent, ReadLog
from kejin.apps.marketplace.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Demand,
    Investment,
    Product,
)
from kejin.apps.marketplace.services import applications
from kejin.apps.policies.models import Notification
from kejin.rules import calendar
from tests.apps.marketplace.conftest import Market, assert_envelope, post

API = "/api/v1/market/applications"


@pytest.fixture
def pair(market: Market) -> tuple[Product, Demand]:
    return market.product(), market.demand()


def apply(market: Market, pair: tuple[Product, Demand], **extra: Any) -> Any:
    product, demand = pair
    data = {"demand_id": demand.pk, "product_id": product.pk, **extra}
    return post(market.cast.client(market.cast.owner), API, data)


def grant_loan(**extra: Any) -> dict[str, Any]:
    return {
        "amount": "5000000",
        "rate": "4.35",
        "contract_no": "JLB-2026-0001",
        "repayment_method": "interest_only",
        "drawdown_date": timezone.localdate().isoformat(),
        **extra,
    }


def test_an_enterprise_applies_with_its_consent(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    until = timezone.localdate() + timedelta(days=180)
    response = apply(market, pair, consent_valid_until=until.isoformat(), note="急需")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["amount"] == "5000000.00"  # the demand's amount by default
    app = Application.objects.get(pk=body["id"])
    consent = Consent.objects.get(pk=app.consent_id)
    assert consent.institution == market.cast.bank
    assert consent.valid_until == until
    assert consent.purpose == "loan_application"
    # five working days after the day it was submitted
    assert app.due_on == calendar.add_working_days(app.submitted_on, 5)
    assert body["due_on"] == app.due_on.isoformat()
    assert ApplicationEvent.objects.filter(application=app, action="submitted").exists()
    assert Notification.objects.filter(
        recipient=market.cast.bank, topic="market.application"
    ).exists()


def test_applying_twice_to_the_same_product_for_the_same_demand_is_refused(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    assert apply(market, pair).status_code == 201
    error = assert_envelope(apply(market, pair), 409, "market.duplicate_application")
    assert "不能重复申请" in error["message"]
    assert Application.objects.count() == 1
    assert Consent.objects.count() == 0


def test_after_withdrawing_the_enterprise_may_apply_again(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    first = apply(market, pair).json()["id"]
    post(market.cast.client(market.cast.owner), f"{API}/{first}/withdraw", {})
    assert apply(market, pair).status_code == 201
    assert Application.objects.count() == 2


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"amount": "0"}, "amount", "market.amount_not_positive"),
        ({"amount": "20000000"}, "amount", "market.outside_product"),
        ({"term_months": 60}, "term_months", "market.outside_product"),
        ({"consent_valid_until": "2099-01-01"}, "consent_valid_until", "credit.consent_too_long"),
    ],
)
def test_bad_applications_are_refused(
    market: Market, pair: tuple[Product, Demand], extra: dict[str, Any], field: str, code: str
) -> None:
    error = assert_envelope(apply(market, pair, **extra), 422, code)
    assert field in error["fields"]
    assert Application.objects.count() == 0
    assert Consent.objects.count() == 0


def test_a_colleague_may_apply_but_only_the_admin_may_grant_consent(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    product, demand = pair
    client = market.cast.client(market.cast.colleague)
    data = {"demand_id": demand.pk, "product_id": product.pk}
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    error = assert_envelope(post(client, API, {**data, "consent_valid_until": until}), 403)
    assert "企业管理员" in error["message"]
    assert Application.objects.count() == 0
    assert post(client, API, data).status_code == 201


def test_applying_to_a_paused_product_is_refused(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    product, _ = pair
    post(
        market.cast.client(market.cast.bank_admin),
        f"/api/v1/market/products/{product.pk}/pause",
        {},
    )
    error = assert_envelope(apply(market, pair), 422, "market.product_not_listed")
    assert "product_id" in error["fields"]


def test_applying_for_another_enterprises_demand_is_404(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    product, demand = pair
    response = post(
        market.cast.client(market.cast.stranger_admin),
        API,
        {"demand_id": demand.pk, "product_id": product.pk},
    )
    assert_envelope(response, 404)
    assert Application.objects.count() == 0


# --- the institution answers -----------------------------------------------------------------


def test_the_bank_asks_for_more_then_grants_and_the_loan_appears_in_the_enterprises_loans(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    cast = market.cast
    pk = apply(market, pair).json()["id"]
    bank = cast.client(cast.bank_officer)
    response = post(bank, f"{API}/{pk}/request-info", {"message": "请补充专利评估报告"})
    assert response.json()["status"] == "info_requested"
    assert response.json()["response_working_days"] == 0
    response = post(cast.client(cast.owner), f"{API}/{pk}/provide-info", {"message": "已上传"})
    assert response.json()["status"] == "accepted"
    response = post(bank, f"{API}/{pk}/grant", grant_loan())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "granted"
    assert body["granted_amount"] == "5000000.00"
    assert body["granted_rate"] == "4.35"
    from kejin.apps.loans.selectors import loan_list_for

    loans = list(loan_list_for(cast.actor(cast.owner)))
    assert [(loan.external_id, loan.amount, loan.status) for loan in loans] == [
        ("JLB-2026-0001", Decimal("5000000.00"), "active")
    ]
    assert loans[0].pk == body["loan_id"]
    assert loans[0].lender == cast.bank
    assert loans[0].product_kind == "ip_pledge"
    page = cast.client(cast.owner).get("/loans/").content.decode()
    assert "JLB-2026-0001" in page
    actions = list(
        ApplicationEvent.objects.filter(application_id=pk).values_list("action", flat=True)
    )
    assert actions == ["submitted", "info_requested", "info_provided", "granted"]


def test_a_grant_the_loans_context_refuses_leaves_nothing(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    cast = market.cast
    pk = apply(market, pair).json()["id"]
    today = timezone.localdate()
    bad = grant_loan(
        contract_date=today.isoformat(), maturity_date=(today - timedelta(days=1)).isoformat()
    )
    error = assert_envelope(post(cast.client(cast.bank_admin), f"{API}/{pk}/grant", bad), 422)
    assert "maturity_date" in error["fields"]
    app = Application.objects.get(pk=pk)
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.loan_id is None
    from kejin.apps.loans.selectors import loan_list_for

    assert not loan_list_for(cast.actor(cast.bank_admin)).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"rate": "7.50"}, "rate"),  # outside the product's 3.45–6.00 %
        ({"rate": "40"}, "rate"),
        ({"amount": "0"}, "amount"),
        ({"amount": "20000000"}, "amount"),
        ({"contract_no": ""}, "contract_no"),
    ],
)
def test_bad_grants_are_refused(
    market: Market, pair: tuple[Product, Demand], extra: dict[str, Any], field: str
) -> None:
    pk = apply(market, pair).json()["id"]
    error = assert_envelope(
        post(market.cast.client(market.cast.bank_admin), f"{API}/{pk}/grant", grant_loan(**extra)),
        422,
    )
    assert field in error["fields"]
    assert Application.objects.get(pk=pk).status == ApplicationStatus.SUBMITTED


def test_another_bank_cannot_grant_or_decline(market: Market, pair: tuple[Product, Demand]) -> None:
    pk = apply(market, pair).json()["id"]
    other = market.cast.client(market.cast.other_bank_admin)
    assert_envelope(post(other, f"{API}/{pk}/grant", grant_loan()), 404)
    assert_envelope(post(other, f"{API}/{pk}/decline", {"reason": "不符合"}), 404)
    assert_envelope(other.get(f"{API}/{pk}"), 404)
    assert other.get(f"/market/received/{pk}/").status_code == 404
    assert other.post(f"/market/applications/{pk}/grant/", grant_loan()).status_code == 404
    assert Application.objects.get(pk=pk).status == ApplicationStatus.SUBMITTED


def test_the_enterprise_cannot_grant_its_own_application(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    pk = apply(market, pair).json()["id"]
    assert_envelope(
        post(market.cast.client(market.cast.owner), f"{API}/{pk}/grant", grant_loan()), 403
    )
    assert Application.objects.get(pk=pk).status == ApplicationStatus.SUBMITTED


def test_a_decline_needs_a_reason(market: Market, pair: tuple[Product, Demand]) -> None:
    pk = apply(market, pair).json()["id"]
    bank = market.cast.client(market.cast.bank_admin)
    error = assert_envelope(post(bank, f"{API}/{pk}/decline", {"reason": " "}), 422)
    assert error["fields"] == {"reason": "请填写未获批原因"}
    response = post(bank, f"{API}/{pk}/decline", {"reason": "知识产权估值不足"})
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "知识产权估值不足"
    assert_envelope(post(bank, f"{API}/{pk}/accept", {}), 409, "market.application_status")


def test_an_equity_product_grants_an_investment(market: Market) -> None:
    cast = market.cast
    product = market.product(
        market.investor,
        name="天使投资",
        kind="equity_investment",
        rate_min=None,
        rate_max=None,
        guarantee="none",
    )
    demand = market.demand(kinds=["equity_investment"])
    pk = apply(market, (product, demand)).json()["id"]
    response = post(
        cast.client(market.investor_admin),
        f"{API}/{pk}/grant",
        {"amount": "3000000", "equity_share": "8.5"},
    )
    assert response.status_code == 200, response.content
    investment = Investment.objects.get()
    assert (investment.investor, investment.enterprise) == (market.investor, cast.enterprise)
    assert investment.amount == Decimal("3000000.00")
    assert investment.equity_share == Decimal("8.5")
    assert response.json()["investment_id"] == investment.pk
    error = assert_envelope(
        post(cast.client(market.investor_admin), f"{API}/{pk}/grant", {"amount": "1"}), 409
    )
    assert "已获批" in error["message"]


# --- the promise of a response -------------------------------------------------------------------


def test_an_unanswered_application_is_flagged_once_to_the_bank_and_the_city(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    cast = market.cast
    pk = apply(market, pair).json()["id"]
    app = Application.objects.get(pk=pk)
    assert applications.applications_flag_overdue(today=app.due_on) == 0  # due today: not late
    later = app.due_on + timedelta(days=1)
    assert applications.applications_flag_overdue(today=later) == 1
    assert applications.applications_flag_overdue(today=later) == 0  # once
    app.refresh_from_db()
    assert app.overdue_flagged_at is not None
    topics = Notification.objects.filter(topic="market.overdue")
    assert {n.recipient for n in topics} == {cast.bank, cast.city}
    assert ApplicationEvent.objects.filter(application=app, action="overdue").exists()


def test_the_overdue_list_shows_late_applications(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    cast = market.cast
    pk = apply(market, pair).json()["id"]
    Application.objects.filter(pk=pk).update(due_on=timezone.localdate() - timedelta(days=1))
    for user in (cast.city_admin, cast.bank_admin):
        page = cast.client(user).get("/market/overdue/").content.decode()
        assert f"#{pk}" in page
        assert "逾期" in page
    api = cast.client(cast.bank_admin).get(API, {"overdue": "true"}).json()
    assert [a["id"] for a in api["items"]] == [pk]


def test_the_time_to_first_response_is_counted_in_working_days(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    pk = apply(market, pair).json()["id"]
    # Submitted on Friday 2026-09-25 (the Mid-Autumn holiday, 09-25 to 09-27) and first answered
    # on Thursday 2026-10-08. Working days after 09-25 up to 10-08: 09-28, 09-29, 09-30 and 10-08
    # (the National Day holiday, 10-01 to 10-07, does not count) → 4 working days, not 13 days.
    Application.objects.filter(pk=pk).update(submitted_on=date(2026, 9, 25))
    app = Application.objects.get(pk=pk)
    applications.mark_first_response(app, on=date(2026, 10, 8))
    assert app.response_working_days == calendar.working_days_between(
        date(2026, 9, 25), date(2026, 10, 8)
    )
    assert app.response_working_days == 4


# --- rating ------------------------------------------------------------------------------------


def test_the_enterprise_rates_the_service_once_after_the_decision(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    cast = market.cast
    pk = apply(market, pair).json()["id"]
    owner = cast.client(cast.owner)
    assert_envelope(
        post(owner, f"{API}/{pk}/rate", {"rating": 5}), 409, "market.application_status"
    )
    post(cast.client(cast.bank_admin), f"{API}/{pk}/decline", {"reason": "额度已满"})
    error = assert_envelope(post(owner, f"{API}/{pk}/rate", {"rating": 6}), 422)
    assert error["fields"] == {"rating": "服务评价须在 1–5 之间（收到 6）"}
    response = post(owner, f"{API}/{pk}/rate", {"rating": 4, "comment": "答复及时"})
    assert response.json()["rating"] == 4
    assert_envelope(post(owner, f"{API}/{pk}/rate", {"rating": 5}), 409, "market.rating_invalid")
    assert_envelope(post(cast.client(cast.bank_admin), f"{API}/{pk}/rate", {"rating": 1}), 403)
    assert Application.objects.get(pk=pk).rating == 4


# --- the pages -------------------------------------------------------------------------------


def test_the_pages_carry_the_whole_exchange(market: Market, pair: tuple[Product, Demand]) -> None:
    cast = market.cast
    product, demand = pair
    owner = cast.client(cast.owner)
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = owner.post(
        f"/market/products/{product.pk}/apply/",
        {
            "demand_id": demand.pk,
            "amount": "5000000",
            "term_months": 12,
            "note": "",
            "consent": "on",
            "consent_valid_until": until,
        },
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert response["Location"] == f"/market/applications/{app.pk}/"
    bank = cast.client(cast.bank_admin)
    assert "收到" in bank.get("/market/received/").content.decode()
    bank.post(f"/market/applications/{app.pk}/action/", {"action": "accept"})
    response = bank.post(f"/market/applications/{app.pk}/grant/", grant_loan())
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.GRANTED
    page = owner.get(f"/market/applications/{app.pk}/").content.decode()
    assert "已获批" in page
    assert f"/loans/{app.loan_id}/" in page
    owner.post(f"/market/applications/{app.pk}/action/", {"action": "rate", "rating": "5"})
    app.refresh_from_db()
    assert app.rating == 5


def test_the_apply_page_refuses_a_duplicate_beside_the_form(
    market: Market, pair: tuple[Product, Demand]
) -> None:
    product, demand = pair
    apply(market, pair)
    response = market.cast.client(market.cast.owner).post(
        f"/market/products/{product.pk}/apply/",
        {"demand_id": demand.pk, "amount": "5000000", "term_months": 12},
    )
    assert response.status_code == 200
    assert "不能重复申请" in response.content.decode()
    assert Application.objects.count() == 1


def test_reading_the_applicants_credit_needs_its_consent(
    market: Market, pair: tuple[Product, Demand], rate_enterprise: Any
) -> None:
    cast = market.cast
    rate_enterprise(cast.enterprise, "AA", 700)
    pk = apply(market, pair).json()["id"]
    bank = cast.client(cast.bank_admin)
    error = assert_envelope(bank.get(f"{API}/{pk}/credit"), 403, "credit.no_consent")
    assert "未授权" in error["message"]
    assert ReadLog.objects.filter(reader=cast.bank, outcome="refused").count() == 1
    page = bank.get(f"/market/received/{pk}/?credit=1").content.decode()
    assert "AA" not in page
    # with consent
    pk2 = apply(
        market,
        (market.product(name="第二个产品"), pair[1]),
        consent_valid_until=(timezone.localdate() + timedelta(days=30)).isoformat(),
    ).json()["id"]
    body = bank.get(f"{API}/{pk2}/credit").json()
    assert body["grade"] == "AA"
    assert ReadLog.objects.filter(reader=cast.bank, outcome="allowed").count() == 1
