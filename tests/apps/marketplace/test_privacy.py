"""An institution sees a lead's public reasons; the enterprise's revenue and credit grade only
under the enterprise's consent, and every read or refused attempt is in the enterprise's read
log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.credit.models import ReadLog
from kejin.apps.credit.services.consent import consent_grant
from kejin.apps.marketplace.models import Demand, Product
from kejin.apps.marketplace.selectors import PRIVATE_HIDDEN
from tests.apps.marketplace.conftest import Market, assert_envelope


@pytest.fixture
def lead(
    market: Market, filing: Callable[..., Any], rate_enterprise: Callable[..., Any]
) -> tuple[Product, Demand]:
    cast = market.cast
    filing(cast.enterprise, revenue=Decimal("32000000"))
    rate_enterprise(cast.enterprise, "AA", 700)
    product = market.product(revenue_min="10000000", min_grade="A")
    return product, market.demand()


def reasons_by_code(match: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in match["reasons"]}


def test_the_bank_sees_the_public_reasons_and_not_the_private_ones(
    market: Market, lead: tuple[Product, Demand]
) -> None:
    _, demand = lead
    body = (
        market.cast.client(market.cast.bank_admin).get(f"/api/v1/market/leads/{demand.pk}").json()
    )
    # the card any lead shows: registry facts only
    assert body["enterprise"] == {
        "district": "吉林省长春市朝阳区",
        "industry": "",
        "years": None,
        "tech_sme": False,
        "hnte": False,
    }
    reasons = reasons_by_code(body["matches"][0])
    assert reasons["amount"]["ok"] is True
    for code in ("revenue", "grade"):
        assert reasons[code]["ok"] is None
        assert reasons[code]["text"] == PRIVATE_HIDDEN
    text = str(body)
    assert "3,200万元" not in text
    assert "AA" not in text
    page = market.cast.client(market.cast.bank_admin).get(f"/market/leads/{demand.pk}/")
    html = page.content.decode()
    assert "需授权" in html
    assert "企业信用等级 AA" not in html
    assert not ReadLog.objects.exists()  # showing the lead reads no credit data


def test_without_consent_the_credit_profile_is_refused_and_the_attempt_logged(
    market: Market, lead: tuple[Product, Demand]
) -> None:
    cast = market.cast
    _, demand = lead
    error = assert_envelope(
        cast.client(cast.bank_admin).get(f"/api/v1/market/leads/{demand.pk}/credit"),
        403,
        "credit.no_consent",
    )
    assert "未授权贵机构" in error["message"]
    page = cast.client(cast.bank_admin).get(f"/market/leads/{demand.pk}/?credit=1").content.decode()
    assert "未授权贵机构" in page
    assert "企业信用等级 AA" not in page
    refused = ReadLog.objects.filter(
        enterprise=cast.enterprise, reader=cast.bank, outcome="refused"
    )
    assert refused.count() == 2


def test_with_consent_the_bank_reads_the_grade_and_the_private_reasons(
    market: Market, lead: tuple[Product, Demand]
) -> None:
    cast = market.cast
    _, demand = lead
    consent_grant(
        actor=cast.actor(cast.owner),
        institution_id=cast.bank.pk,
        purpose="loan_application",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    body = cast.client(cast.bank_admin).get(f"/api/v1/market/leads/{demand.pk}/credit").json()
    assert body["grade"] == "AA"
    assert body["revenue"] == "32000000.00"
    page = cast.client(cast.bank_admin).get(f"/market/leads/{demand.pk}/?credit=1").content.decode()
    assert "企业信用等级 AA，不低于产品要求的 A" in page
    assert "本次查询依据企业授权" in page
    assert ReadLog.objects.filter(reader=cast.bank, outcome="allowed").count() == 2


def test_a_revoked_consent_stops_the_reading(market: Market, lead: tuple[Product, Demand]) -> None:
    from kejin.apps.credit.services.consent import consent_revoke

    cast = market.cast
    _, demand = lead
    consent = consent_grant(
        actor=cast.actor(cast.owner),
        institution_id=cast.bank.pk,
        purpose="loan_application",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    consent_revoke(actor=cast.actor(cast.owner), consent_id=consent.pk)
    error = assert_envelope(
        cast.client(cast.bank_admin).get(f"/api/v1/market/leads/{demand.pk}/credit"), 403
    )
    assert "撤销" in error["message"]


def test_a_consent_to_another_bank_does_not_open_the_door(
    market: Market, lead: tuple[Product, Demand]
) -> None:
    cast = market.cast
    _, demand = lead
    market.product(cast.other_bank, name="农商科技贷", revenue_min="10000000", min_grade="A")
    consent_grant(
        actor=cast.actor(cast.owner),
        institution_id=cast.other_bank.pk,
        purpose="loan_application",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    assert_envelope(
        cast.client(cast.bank_admin).get(f"/api/v1/market/leads/{demand.pk}/credit"), 403
    )
    assert (
        cast.client(cast.other_bank_admin)
        .get(f"/api/v1/market/leads/{demand.pk}/credit")
        .json()["grade"]
        == "AA"
    )


def test_the_enterprise_and_the_city_read_every_reason(
    market: Market, lead: tuple[Product, Demand]
) -> None:
    cast = market.cast
    _, demand = lead
    for user in (cast.owner, cast.city_admin, cast.district_admin):
        body = cast.client(user).get(f"/api/v1/market/demands/{demand.pk}/matches").json()
        reasons = reasons_by_code(body[0])
        assert reasons["grade"]["text"] == "企业信用等级 AA，不低于产品要求的 A", user


def test_the_banks_match_export_hides_the_private_reasons(
    market: Market, lead: tuple[Product, Demand]
) -> None:
    import io

    from openpyxl import load_workbook

    response = market.cast.client(market.cast.bank_admin).get("/market/matches/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "须经企业授权后可见" in text
    assert "AA" not in text
    assert "3,200万元" not in text
