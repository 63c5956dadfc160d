"""The product shelf: an institution publishes, the city office reviews before listing, the
institution pauses and retires; the public sees listed products only. Bad input names the field
and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from kejin.apps.marketplace.models import Match, Product, ProductStatus
from kejin.apps.marketplace.services import products
from kejin.apps.orgs.models import OrgKind, OrgStatus, Role
from kejin.platform.audit.models import AuditEntry
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError
from tests.apps.marketplace.conftest import PRODUCT, Market, assert_envelope, post, put
from tests.conftest import DISTRICT, make_org, make_user

API = "/api/v1/market/products"


def product(**overrides: Any) -> dict[str, Any]:
    return {**PRODUCT, **overrides}


# --- publishing and review ---------------------------------------------------------------------


def test_a_bank_submits_a_product_and_the_city_lists_it(market: Market) -> None:
    cast = market.cast
    response = post(cast.client(cast.bank_admin), API, product(submit=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["amount_min"] == "1000000.00"
    assert body["rate_min"] == "3.45"
    assert body["documents"] == ["营业执照", "专利证书", "近两年财务报表"]
    pk = body["id"]
    # not on the public shelf before the review
    assert cast.client(None).get(API).json()["count"] == 0
    assert cast.client(None).get(f"{API}/{pk}").status_code == 404
    response = post(cast.client(cast.city_admin), f"{API}/{pk}/review", {"approve": True})
    assert response.status_code == 200
    assert response.json()["status"] == "listed"
    shelf = cast.client(None).get(API).json()
    assert [p["name"] for p in shelf["items"]] == ["科技知识产权质押贷"]
    p = Product.objects.get(pk=pk)
    assert p.reviewed_by == cast.city_admin
    assert p.listed_at is not None
    assert AuditEntry.objects.filter(content_type__model="product", object_pk=str(pk)).count() >= 2


def test_the_public_shelf_page_lists_only_listed_products(market: Market) -> None:
    market.product(name="科技信用贷")
    market.product(name="草稿中的产品", listed=False)
    page = market.cast.client(None).get("/market/products/").content.decode()
    assert "科技信用贷" in page
    assert "草稿中的产品" not in page


def test_the_shelf_filters_and_exports(market: Market) -> None:
    market.product(name="科技信用贷", kind="credit_loan", guarantee="none")
    market.product(name="知识产权质押贷")
    client = market.cast.client(None)
    page = client.get("/market/products/?kind=credit_loan").content.decode()
    assert "科技信用贷" in page
    assert "知识产权质押贷" not in page
    export = client.get("/market/products/?kind=credit_loan&export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_city_sends_a_product_back_with_a_reason(market: Market) -> None:
    cast = market.cast
    p = market.product(listed=False)
    client = cast.client(cast.city_admin)
    error = assert_envelope(post(client, f"{API}/{p.pk}/review", {"approve": False}), 422)
    assert error["fields"] == {"note": "请填写退回理由"}
    response = post(client, f"{API}/{p.pk}/review", {"approve": False, "note": "利率区间过宽"})
    assert response.json()["status"] == "rejected"
    assert response.json()["review_note"] == "利率区间过宽"


def test_the_review_page_approves(market: Market) -> None:
    cast = market.cast
    p = market.product(listed=False)
    page = cast.client(cast.city_admin).get("/market/review/").content.decode()
    assert p.name in page
    response = cast.client(cast.city_admin).post(
        f"/market/products/{p.pk}/review/", {"decision": "approve"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProductStatus.LISTED


@pytest.mark.parametrize("who", ["bank_admin", "owner", "district_admin"])
def test_only_the_city_office_reviews(market: Market, who: str) -> None:
    p = market.product(listed=False)
    response = post(
        market.cast.client(getattr(market.cast, who)), f"{API}/{p.pk}/review", {"approve": True}
    )
    assert response.status_code in (403, 404)
    p.refresh_from_db()
    assert p.status == ProductStatus.PENDING


def test_pause_resume_retire(market: Market) -> None:
    cast = market.cast
    p = market.product()
    demand = market.demand()
    assert Match.objects.filter(product=p, demand=demand).exists()
    client = cast.client(cast.bank_admin)
    assert post(client, f"{API}/{p.pk}/pause", {}).json()["status"] == "paused"
    assert not Match.objects.filter(product=p).exists()  # a paused product matches nothing
    assert cast.client(None).get(f"{API}/{p.pk}").status_code == 404
    assert post(client, f"{API}/{p.pk}/resume", {}).json()["status"] == "listed"
    assert Match.objects.filter(product=p, demand=demand).exists()
    assert post(client, f"{API}/{p.pk}/retire", {}).json()["status"] == "retired"
    assert not Match.objects.filter(product=p).exists()
    assert_envelope(post(client, f"{API}/{p.pk}/resume", {}), 409, "market.product_status")


def test_editing_a_listed_product_sends_it_back_to_review(market: Market) -> None:
    cast = market.cast
    p = market.product()
    response = put(cast.client(cast.bank_admin), f"{API}/{p.pk}", product(rate_min="3.00"))
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert not Match.objects.filter(product=p).exists()


def test_the_product_pages_of_the_institution(market: Market) -> None:
    cast = market.cast
    client = cast.client(cast.bank_admin)
    data = {k: v for k, v in product().items() if k not in ("districts", "industries")}
    response = client.post("/market/products/new/", {**data, "submit": "1"})
    assert response.status_code == 302
    p = Product.objects.get(name="科技知识产权质押贷")
    assert p.status == ProductStatus.PENDING
    assert p.created_by == cast.bank_admin
    response = client.post(f"/market/products/{p.pk}/action/", {"action": "retire"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProductStatus.RETIRED


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"amount_min": "20000000"}, "amount_min", "market.range_inverted"),
        ({"term_min": 48}, "term_min", "market.range_inverted"),
        ({"rate_min": "7.00"}, "rate_min", "market.range_inverted"),
        ({"rate_max": "37.00"}, "rate_max", "market.rate_out_of_range"),
        ({"rate_min": "-1"}, "rate_min", "market.rate_out_of_range"),
        ({"amount_min": "0"}, "amount_min", "market.amount_not_positive"),
        (
            {"revenue_min": "5000000", "revenue_max": "1000000"},
            "revenue_min",
            "market.range_inverted",
        ),
        ({"kind": "equity_investment"}, "kind", "market.kind_not_allowed"),
        ({"min_grade": "ZZ"}, "min_grade", "market.invalid"),
        ({"districts": ["110101"]}, "districts", "market.invalid"),
        ({"rate_min": None, "rate_max": None}, "rate_min", "market.invalid"),
    ],
)
def test_bad_products_are_refused_naming_the_field(
    market: Market, overrides: dict[str, Any], field: str, code: str
) -> None:
    before = Product.objects.count()
    response = post(market.cast.client(market.cast.bank_admin), API, product(**overrides))
    error = assert_envelope(response, 422, code)
    assert field in error["fields"]
    assert Product.objects.count() == before


def test_an_inverted_range_says_which_bound(market: Market) -> None:
    response = post(market.cast.client(market.cast.bank_admin), API, product(amount_min="20000000"))
    error = assert_envelope(response, 422)
    assert error["fields"]["amount_min"] == "额度下限（20000000.00）不能大于上限（10000000.00）"


def test_every_bad_field_is_reported_at_once(market: Market) -> None:
    response = post(
        market.cast.client(market.cast.bank_admin),
        API,
        product(name="", term_min=48, rate_max="40"),
    )
    error = assert_envelope(response, 422)
    assert set(error["fields"]) == {"name", "term_min", "rate_max"}


def test_the_product_form_shows_the_error_beside_the_field(market: Market) -> None:
    data = {k: v for k, v in product(rate_max="40").items() if k not in ("districts", "industries")}
    response = market.cast.client(market.cast.bank_admin).post("/market/products/new/", data)
    assert response.status_code == 200
    assert "最高年利率须在 0–36% 之间（收到 40%）" in response.content.decode()
    assert not Product.objects.exists()


def test_an_unreviewed_institution_cannot_publish(market: Market) -> None:
    pending = make_org(OrgKind.BANK, "待审核银行", DISTRICT, status=OrgStatus.PENDING)
    person = make_user(pending, "pending_bank_admin", Role.ADMIN)
    actor = Actor(organisation=pending, user=person, roles=frozenset({"admin"}))
    with pytest.raises(DomainError) as caught:
        products.product_create(actor=actor, data=products.ProductInput(**PRODUCT))
    assert caught.value.code == "market.institution_unreviewed"
    assert "尚未通过平台审核" in caught.value.message
    assert not Product.objects.exists()
    # over HTTP its people are not even logged in as the institution
    assert post(market.cast.client(person), API, product()).status_code == 401


def test_a_product_of_an_institution_suspended_after_submitting_is_not_listed(
    market: Market,
) -> None:
    cast = market.cast
    p = market.product(listed=False)
    cast.bank.status = OrgStatus.SUSPENDED
    cast.bank.save()
    error = assert_envelope(
        post(cast.client(cast.city_admin), f"{API}/{p.pk}/review", {"approve": True}),
        422,
        "market.institution_unreviewed",
    )
    assert "尚未通过平台审核" in error["message"]
    p.refresh_from_db()
    assert p.status == ProductStatus.PENDING


# --- denial ------------------------------------------------------------------------------------


def test_another_bank_cannot_see_or_edit_a_draft(market: Market) -> None:
    p = market.product(listed=False)
    other = market.cast.client(market.cast.other_bank_admin)
    assert_envelope(other.get(f"{API}/{p.pk}"), 404)
    assert_envelope(put(other, f"{API}/{p.pk}", product(name="改名")), 404)
    assert other.get(f"/market/products/{p.pk}/").status_code == 404
    p.refresh_from_db()
    assert p.name == "科技知识产权质押贷"


def test_another_bank_cannot_pause_a_listed_product(market: Market) -> None:
    p = market.product()
    response = post(market.cast.client(market.cast.other_bank_admin), f"{API}/{p.pk}/pause", {})
    assert response.status_code in (403, 404)
    p.refresh_from_db()
    assert p.status == ProductStatus.LISTED


def test_an_enterprise_cannot_publish_products(market: Market) -> None:
    assert_envelope(post(market.cast.client(market.cast.owner), API, product()), 403)
    assert post(market.cast.client(None), API, product()).status_code == 401
    assert not Product.objects.exists()


def test_an_insurer_publishes_insurance_but_not_loans(market: Market) -> None:
    client = market.cast.client(market.insurer_admin)
    ok = post(
        client,
        API,
        product(
            kind="tech_insurance",
            guarantee="none",
            rate_min="0.80",
            rate_max="1.20",
            name="科技研发中断险",
        ),
    )
    assert ok.status_code == 201
    assert_envelope(post(client, API, product(kind="credit_loan")), 422, "market.kind_not_allowed")
