"""Investment-loan linkage deals (both sides confirm; only confirmed deals count) and the
crowdfunding board (the city moderates; the host platform reports progress)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.marketplace.models import (
    CrowdfundingProgress,
    CrowdfundingProject,
    LinkageDeal,
    LinkageStatus,
    ProjectStatus,
)
from tests.apps.marketplace.conftest import Market, assert_envelope, post

LINKAGE = "/api/v1/market/linkage"
BOARD = "/api/v1/market/crowdfunding"


def deal(market: Market, **overrides: Any) -> dict[str, Any]:
    return {
        "enterprise_id": market.cast.enterprise.pk,
        "investor_id": market.investor.pk,
        "bank_id": market.cast.bank.pk,
        "investment_amount": "3000000",
        "equity_share": "10",
        "loan_amount": "5000000",
        "loan_rate": "3.80",
        "loan_term_months": 24,
        "terms": "投资款到位后 30 日内银行发放贷款；银行享有 1% 认股选择权",
        "signed_on": timezone.localdate().isoformat(),
        **overrides,
    }


def test_a_linkage_deal_counts_once_both_sides_confirm(market: Market) -> None:
    cast = market.cast
    response = post(cast.client(market.investor_admin), LINKAGE, deal(market))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "proposed"
    assert body["investor_confirmed_at"] is not None
    assert body["bank_confirmed_at"] is None
    kpis = cast.client(cast.city_admin).get(f"{LINKAGE}/kpis").json()
    assert kpis["deals"] == 0
    response = post(cast.client(cast.bank_admin), f"{LINKAGE}/{body['id']}/confirm", {})
    assert response.json()["status"] == "confirmed"
    kpis = cast.client(cast.city_admin).get(f"{LINKAGE}/kpis").json()
    assert kpis["deals"] == 1
    assert kpis["investment"] == "3000000.00"
    assert kpis["loans"] == "5000000.00"
    assert kpis["by_district"] == [
        {"district_code": "220104", "deals": 1, "investment": "3000000.00", "loans": "5000000.00"}
    ]
    # the enterprise sees the deal; the district office of another district does not
    assert cast.client(cast.owner).get(f"{LINKAGE}/{body['id']}").status_code == 200
    assert_envelope(cast.client(cast.other_district_admin).get(f"{LINKAGE}/{body['id']}"), 404)
    assert cast.client(cast.other_district_admin).get(f"{LINKAGE}/kpis").json()["deals"] == 0


def test_confirming_twice_or_by_an_outsider_is_refused(market: Market) -> None:
    cast = market.cast
    pk = post(cast.client(market.investor_admin), LINKAGE, deal(market)).json()["id"]
    assert_envelope(post(cast.client(market.investor_admin), f"{LINKAGE}/{pk}/confirm", {}), 409)
    assert_envelope(post(cast.client(cast.other_bank_admin), f"{LINKAGE}/{pk}/confirm", {}), 404)
    assert_envelope(post(cast.client(cast.owner), f"{LINKAGE}/{pk}/confirm", {}), 403)
    assert LinkageDeal.objects.get(pk=pk).status == LinkageStatus.PROPOSED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"investment_amount": "0"}, "investment_amount"),
        ({"loan_rate": "40"}, "loan_rate"),
        ({"equity_share": "120"}, "equity_share"),
        ({"terms": ""}, "terms"),
        ({"bank_id": 999999}, "bank_id"),
        ({"signed_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "signed_on"),
    ],
)
def test_bad_linkage_deals_are_refused(
    market: Market, overrides: dict[str, Any], field: str
) -> None:
    response = post(market.cast.client(market.investor_admin), LINKAGE, deal(market, **overrides))
    error = assert_envelope(response, 422)
    assert field in error["fields"]
    assert not LinkageDeal.objects.exists()


def test_a_bank_cannot_record_a_deal_between_others(market: Market) -> None:
    response = post(market.cast.client(market.cast.other_bank_admin), LINKAGE, deal(market))
    error = assert_envelope(response, 422, "market.linkage_invalid")
    assert "发起方" in error["fields"]["investor_id"]
    assert not LinkageDeal.objects.exists()


def test_the_linkage_pages(market: Market) -> None:
    cast = market.cast
    data = deal(market)
    response = cast.client(cast.bank_admin).post("/market/linkage/new/", data)
    assert response.status_code == 302
    d = LinkageDeal.objects.get()
    assert d.bank_confirmed_at is not None
    cast.client(market.investor_admin).post(f"/market/linkage/{d.pk}/", {"action": "confirm"})
    d.refresh_from_db()
    assert d.status == LinkageStatus.CONFIRMED
    assert "已确认" in cast.client(cast.owner).get("/market/linkage/").content.decode()


# --- crowdfunding ------------------------------------------------------------------------------


def project(market: Market, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "老年健康监测手环",
        "summary": "低功耗蓝牙手环，监测心率与跌倒",
        "kind": "reward",
        "target_amount": "500000",
        "deadline": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "host_id": market.investor.pk,
        "project_url": "https://zc.example.cn/p/1",
        **overrides,
    }


def test_a_project_is_shown_once_the_city_publishes_it_and_the_host_reports_progress(
    market: Market,
) -> None:
    cast = market.cast
    response = post(cast.client(cast.owner), BOARD, project(market))
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    public = cast.client(None)
    assert public.get(BOARD).json()["count"] == 0
    assert public.get(f"{BOARD}/{pk}").status_code == 404
    post(cast.client(cast.city_admin), f"{BOARD}/{pk}/moderate", {"decision": "publish"})
    assert [p["id"] for p in public.get(BOARD).json()["items"]] == [pk]
    host = cast.client(market.investor_admin)
    response = post(host, f"{BOARD}/{pk}/progress", {"raised_amount": "125000", "backers": 310})
    assert response.status_code == 201
    body = public.get(f"{BOARD}/{pk}").json()
    # 125,000 ÷ 500,000 = 25 %
    assert (body["raised_amount"], body["backers"], body["progress_percent"]) == (
        "125000.00",
        310,
        25,
    )
    assert "25%" in public.get(f"/market/crowdfunding/{pk}/").content.decode()


def test_only_the_host_reports_and_a_drop_needs_a_reason(market: Market) -> None:
    cast = market.cast
    pk = post(cast.client(cast.owner), BOARD, project(market)).json()["id"]
    post(cast.client(cast.city_admin), f"{BOARD}/{pk}/moderate", {"decision": "publish"})
    assert_envelope(
        post(
            cast.client(cast.bank_admin),
            f"{BOARD}/{pk}/progress",
            {"raised_amount": "1", "backers": 1},
        ),
        404,
    )
    host = cast.client(market.investor_admin)
    post(host, f"{BOARD}/{pk}/progress", {"raised_amount": "200000", "backers": 400})
    error = assert_envelope(
        post(host, f"{BOARD}/{pk}/progress", {"raised_amount": "150000", "backers": 390}), 422
    )
    assert error["fields"] == {"note": "金额减少须说明原因"}
    ok = post(
        host,
        f"{BOARD}/{pk}/progress",
        {"raised_amount": "150000", "backers": 390, "note": "部分支持者退款"},
    )
    assert ok.status_code == 201
    assert CrowdfundingProgress.objects.filter(project_id=pk).count() == 2
    assert CrowdfundingProject.objects.get(pk=pk).raised_amount == Decimal("150000.00")


def test_the_city_hides_a_project_with_a_reason(market: Market) -> None:
    cast = market.cast
    pk = post(cast.client(cast.owner), BOARD, project(market)).json()["id"]
    city = cast.client(cast.city_admin)
    post(city, f"{BOARD}/{pk}/moderate", {"decision": "publish"})
    error = assert_envelope(post(city, f"{BOARD}/{pk}/moderate", {"decision": "hide"}), 422)
    assert error["fields"] == {"note": "请填写理由"}
    response = post(city, f"{BOARD}/{pk}/moderate", {"decision": "hide", "note": "宣传内容夸大"})
    assert response.json()["status"] == "hidden"
    assert cast.client(None).get(BOARD).json()["count"] == 0
    assert_envelope(
        post(cast.client(cast.bank_admin), f"{BOARD}/{pk}/moderate", {"decision": "publish"}), 403
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_amount": "0"}, "target_amount"),
        ({"deadline": timezone.localdate().isoformat()}, "deadline"),
        ({"kind": "lottery"}, "kind"),
        ({"host_id": 999999}, "host_id"),
        ({"project_url": "javascript:alert(1)"}, "project_url"),
    ],
)
def test_bad_projects_are_refused(market: Market, overrides: dict[str, Any], field: str) -> None:
    response = post(market.cast.client(market.cast.owner), BOARD, project(market, **overrides))
    error = assert_envelope(response, 422)
    assert field in error["fields"]
    assert not CrowdfundingProject.objects.exists()


def test_the_project_pages(market: Market) -> None:
    cast = market.cast
    data = project(market)
    response = cast.client(cast.owner).post("/market/crowdfunding/new/", data)
    assert response.status_code == 302
    p = CrowdfundingProject.objects.get()
    assert p.status == ProjectStatus.PENDING
    assert p.title in cast.client(cast.city_admin).get("/market/review/").content.decode()
    cast.client(cast.city_admin).post(
        f"/market/crowdfunding/{p.pk}/moderate/", {"decision": "publish"}
    )
    cast.client(market.investor_admin).post(
        f"/market/crowdfunding/{p.pk}/progress/", {"raised_amount": "50000", "backers": "20"}
    )
    p.refresh_from_db()
    assert (p.status, p.raised_amount, p.backers) == (
        ProjectStatus.PUBLISHED,
        Decimal("50000.00"),
        20,
    )
    assert p.title in cast.client(None).get("/market/crowdfunding/").content.decode()
