"""Financing demands: posted over the API and on the page, matched at once, edited and closed;
bad input names the field and writes nothing; each organisation sees only what it may."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.marketplace.models import Demand, DemandStatus, DemandTarget, Match
from kejin.apps.marketplace.services import demands
from tests.apps.marketplace.conftest import Market, assert_envelope, demand_data, post, put

API = "/api/v1/market/demands"


def test_an_enterprise_posts_a_demand_and_sees_its_matches_with_reasons(market: Market) -> None:
    cast = market.cast
    product = market.product()
    response = post(cast.client(cast.owner), API, demand_data())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "5000000.00"
    assert body["status"] == "open"
    matches = cast.client(cast.owner).get(f"{API}/{body['id']}/matches").json()
    assert [m["product_id"] for m in matches] == [product.pk]
    match = matches[0]
    # rate 30×(600−345)÷600 = 12; amount 25×500÷1000 = 12; speed 21−5 = 16; timely 15; guarantee 0
    assert match["score"] == 55
    assert [(r["label"], r["ok"]) for r in match["reasons"]] == [
        ("金额", True),
        ("期限", True),
        ("利率", True),
        ("担保方式", True),
    ]
    assert match["reasons"][0]["text"] == "需求金额 500万元 在产品额度 100万元–1,000万元 之内"
    assert [p["points"] for p in match["score_trace"]] == [12, 12, 16, 15, 0]
    demand = Demand.objects.get(pk=body["id"])
    assert demand.created_by == cast.owner
    assert demand.matched_at is not None


def test_the_demand_page_posts_and_shows_the_reasons(market: Market) -> None:
    cast = market.cast
    market.product()
    data = demand_data()
    data.pop("targets")
    response = cast.client(cast.owner).post("/market/demands/new/", data)
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert response["Location"] == f"/market/demands/{demand.pk}/"
    page = cast.client(cast.owner).get(response["Location"]).content.decode()
    assert "匹配产品（1 个）" in page
    assert "需求金额 500万元 在产品额度 100万元–1,000万元 之内" in page
    assert "符合" in page


def test_the_match_list_page_of_the_enterprise(market: Market) -> None:
    market.product(name="科技信用贷", kind="credit_loan", guarantee="none")
    market.demand()
    page = market.cast.client(market.cast.owner).get("/market/matches/").content.decode()
    assert "科技信用贷" in page
    assert "信用方式，无需担保" in page


def test_a_product_that_does_not_fit_explains_why_on_its_page(market: Market) -> None:
    product = market.product(amount_max="3000000")
    market.demand()
    page = market.cast.client(market.cast.owner).get(f"/market/products/{product.pk}/")
    text = page.content.decode()
    assert "需求金额 500万元 超过产品最高额度 300万元" in text
    assert "不符合" in text


def test_editing_a_demand_matches_it_again(market: Market) -> None:
    cast = market.cast
    product = market.product()
    demand = market.demand()
    assert Match.objects.filter(demand=demand, product=product, eligible=True).exists()
    response = put(cast.client(cast.owner), f"{API}/{demand.pk}", demand_data(amount="50000000"))
    assert response.status_code == 200
    assert not Match.objects.filter(demand=demand).exists()


def test_closing_a_demand_removes_its_matches(market: Market) -> None:
    cast = market.cast
    market.product()
    demand = market.demand()
    response = post(cast.client(cast.owner), f"{API}/{demand.pk}/close", {"status": "satisfied"})
    assert response.json()["status"] == "satisfied"
    assert not Match.objects.filter(demand=demand).exists()
    assert_envelope(
        post(cast.client(cast.owner), f"{API}/{demand.pk}/close", {"status": "withdrawn"}),
        409,
        "market.demand_status",
    )


def test_past_demands_expire(market: Market) -> None:
    demand = market.demand()
    later = timezone.localdate() + timedelta(days=40)
    assert demands.demands_expire(today=later) == 1
    demand.refresh_from_db()
    assert demand.status == DemandStatus.EXPIRED


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"amount": "0"}, "amount", "market.amount_not_positive"),
        ({"amount": "-5"}, "amount", "market.amount_not_positive"),
        ({"amount": "100.001"}, "amount", "market.invalid"),
        ({"max_rate": "40"}, "max_rate", "market.rate_out_of_range"),
        ({"term_months": 0}, "term_months", "market.invalid"),
        ({"needed_by": "2020-01-01"}, "needed_by", "market.invalid"),
        ({"guarantees": ["gold"]}, "guarantees", "market.invalid"),
        ({"audience": "targeted", "targets": []}, "targets", "market.invalid"),
        ({"title": ""}, "title", "market.invalid"),
    ],
)
def test_bad_demands_are_refused_naming_the_field(
    market: Market, overrides: dict[str, Any], field: str, code: str
) -> None:
    response = post(market.cast.client(market.cast.owner), API, demand_data(**overrides))
    error = assert_envelope(response, 422, code)
    assert field in error["fields"]
    assert Demand.objects.count() == 0
    assert Match.objects.count() == 0


def test_a_demand_for_zero_says_so(market: Market) -> None:
    response = post(market.cast.client(market.cast.owner), API, demand_data(amount="0"))
    error = assert_envelope(response, 422)
    assert error["fields"]["amount"] == "融资金额须大于零（收到 0）"


def test_a_malformed_amount_is_a_422_naming_the_field(market: Market) -> None:
    response = post(market.cast.client(market.cast.owner), API, demand_data(amount="五百万"))
    error = assert_envelope(response, 422, "request.invalid")
    assert error["fields"] == {"amount": "须为数字"}


def test_the_demand_form_shows_a_zero_amount_beside_the_field(market: Market) -> None:
    data = demand_data(amount="0")
    data.pop("targets")
    response = market.cast.client(market.cast.owner).post("/market/demands/new/", data)
    assert response.status_code == 200
    assert "融资金额须大于零（收到 0）" in response.content.decode()
    assert not Demand.objects.exists()


# --- who sees what ---------------------------------------------------------------------------


def test_a_demand_sent_to_one_bank_is_invisible_to_another(market: Market) -> None:
    cast = market.cast
    market.product(cast.bank)
    market.product(cast.other_bank, name="农商科技贷")
    demand = market.demand(audience="targeted", targets=[cast.bank.pk])
    assert DemandTarget.objects.filter(demand=demand, institution=cast.bank).exists()
    # the chosen bank has it as a lead, with its matching product
    leads = cast.client(cast.bank_admin).get("/api/v1/market/leads").json()
    assert [d["id"] for d in leads["items"]] == [demand.pk]
    assert leads["items"][0]["is_targeted"] is True
    # the other bank: no match was even computed, no lead, 404 on every door
    assert not Match.objects.filter(demand=demand, institution=cast.other_bank).exists()
    other = cast.client(cast.other_bank_admin)
    assert other.get("/api/v1/market/leads").json()["count"] == 0
    assert_envelope(other.get(f"/api/v1/market/leads/{demand.pk}"), 404)
    assert_envelope(other.get(f"/api/v1/market/leads/{demand.pk}/credit"), 404)
    assert_envelope(other.get(f"{API}/{demand.pk}"), 404)
    assert other.get(f"/market/leads/{demand.pk}/").status_code == 404
    assert other.get(f"/market/demands/{demand.pk}/").status_code == 404
    assert demand.title not in other.get("/market/leads/").content.decode()
    assert other.get("/api/v1/market/search", {"q": "智能传感器"}).json()["demands"] == []


def test_an_open_demand_reaches_every_bank_with_a_matching_product(market: Market) -> None:
    cast = market.cast
    market.product(cast.bank)
    market.product(cast.other_bank, name="农商科技贷")
    demand = market.demand()
    for user in (cast.bank_admin, cast.other_bank_admin):
        ids = [d["id"] for d in cast.client(user).get("/api/v1/market/leads").json()["items"]]
        assert ids == [demand.pk]


def test_a_bank_without_a_matching_product_has_no_lead(market: Market) -> None:
    cast = market.cast
    market.product(cast.bank, amount_max="2000000")  # the demand asks 5,000,000
    demand = market.demand()
    assert cast.client(cast.bank_admin).get("/api/v1/market/leads").json()["count"] == 0
    assert_envelope(cast.client(cast.bank_admin).get(f"/api/v1/market/leads/{demand.pk}"), 404)


def test_another_enterprise_cannot_see_or_change_a_demand(market: Market) -> None:
    cast = market.cast
    demand = market.demand()
    stranger = cast.client(cast.stranger_admin)
    assert_envelope(stranger.get(f"{API}/{demand.pk}"), 404)
    assert_envelope(put(stranger, f"{API}/{demand.pk}", demand_data(title="改")), 404)
    assert_envelope(post(stranger, f"{API}/{demand.pk}/close", {"status": "withdrawn"}), 404)
    assert stranger.get(f"/market/demands/{demand.pk}/").status_code == 404
    demand.refresh_from_db()
    assert demand.status == DemandStatus.OPEN


def test_districts_see_their_own_districts_demands(market: Market) -> None:
    cast = market.cast
    demand = market.demand()
    ids = [d["id"] for d in cast.client(cast.district_admin).get(API).json()["items"]]
    assert ids == [demand.pk]
    assert cast.client(cast.other_district_admin).get(API).json()["count"] == 0
    assert_envelope(cast.client(cast.other_district_admin).get(f"{API}/{demand.pk}"), 404)


def test_the_public_cannot_post_or_read_demands(market: Market) -> None:
    assert_envelope(market.cast.client(None).get(API), 401, "auth.required")
    assert_envelope(post(market.cast.client(None), API, demand_data()), 401)
    assert not Demand.objects.exists()


def test_a_bank_cannot_post_a_demand(market: Market) -> None:
    assert_envelope(post(market.cast.client(market.cast.bank_admin), API, demand_data()), 403)
    assert not Demand.objects.exists()
