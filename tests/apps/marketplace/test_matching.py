"""Matching in the database: every criterion read from the enterprise's real data (profile,
filings, HNTE, tech-SME standing, credit rating), matches kept current when a demand, a product or
the enterprise's data changes, and the vectorised whole-market rematch storing exactly what the
one-by-one rule gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.marketplace.facts import demand_terms, enterprise_facts, product_terms
from kejin.apps.marketplace.models import Demand, Match, RematchRun
from kejin.apps.marketplace.services import matching
from kejin.rules.matching import evaluate
from tests.apps.marketplace.conftest import Market, assert_envelope, post


def reasons(match: Match) -> dict[str, tuple[bool, str]]:
    return {r["code"]: (r["ok"], r["text"]) for r in match.reasons}


def test_years_and_industry_come_from_the_profile(
    market: Market, profile: Callable[..., Any]
) -> None:
    cast = market.cast
    profile(cast.enterprise, industry="next_gen_it", established=date(2019, 1, 10))
    p = market.product(min_years=3, industries=["next_gen_it", "biotech"])
    demand = market.demand()
    m = Match.objects.get(demand=demand, product=p)
    years = (
        timezone.localdate().year
        - 2019
        - (timezone.localdate() < date(timezone.localdate().year, 1, 10))
    )
    assert reasons(m)["years"] == (True, f"企业成立 {years} 年，满足产品成立满 3 年的要求")
    assert reasons(m)["industry"] == (
        True,
        "企业属于“新一代信息技术”，在产品面向的行业（生物、新一代信息技术）内",
    )
    assert m.eligible


def test_a_young_enterprise_does_not_match_and_no_row_is_kept(
    market: Market, profile: Callable[..., Any]
) -> None:
    profile(market.cast.enterprise, established=timezone.localdate().replace(year=2025))
    p = market.product(min_years=3)
    demand = market.demand()
    assert not Match.objects.filter(demand=demand, product=p).exists()


def test_tech_sme_and_hnte_standing(
    market: Market, tech_sme: Callable[..., Any], hnte: Callable[..., Any]
) -> None:
    cast = market.cast
    p = market.product(requires_tech_sme=True, requires_hnte=True)
    tech_sme(cast.enterprise)
    demand = market.demand()
    assert not Match.objects.filter(demand=demand, product=p).exists()  # no HNTE yet
    hnte(cast.enterprise)
    matching.enterprise_rematch_if_stale(cast.enterprise.pk)
    m = Match.objects.get(demand=demand, product=p)
    assert reasons(m)["tech_sme"] == (True, "产品要求科技型中小企业，企业在有效期内")
    assert reasons(m)["hnte"] == (True, "产品要求高新技术企业，企业证书在有效期内")


def test_the_district_criterion(market: Market) -> None:
    from tests.conftest import make_user

    cast = market.cast
    p = market.product(districts=["220102"])  # 南关区; the cast's enterprise is in 朝阳区
    near = market.demand()
    assert not Match.objects.filter(product=p, demand=near).exists()
    far_admin = make_user(cast.far_enterprise, "far_admin", "admin")
    far = market.demand(user=far_admin)
    m = Match.objects.get(product=p, demand=far)
    assert reasons(m)["district"] == (True, "企业位于南关区，在产品服务区域（南关区）内")


def test_revenue_and_grade_are_private_criteria(
    market: Market, filing: Callable[..., Any], rate_enterprise: Callable[..., Any]
) -> None:
    cast = market.cast
    filing(cast.enterprise, revenue=Decimal("32000000"))
    rate_enterprise(cast.enterprise, "BBB", 610)
    p = market.product(revenue_min="10000000", revenue_max="50000000", min_grade="A")
    demand = market.demand()
    m = Match.objects.get(demand=demand, product=p)
    assert reasons(m)["revenue"] == (
        True,
        "企业最近年度营业收入 3,200万元，符合产品要求（1,000万元–5,000万元）",
    )
    assert reasons(m)["grade"] == (False, "企业信用等级 BBB，低于产品要求的 A")
    # public-eligible (the bank sees the lead) but not eligible (the enterprise is not offered it)
    assert m.eligible_public
    assert not m.eligible
    assert cast.client(cast.owner).get("/api/v1/market/matches").json()["count"] == 0
    leads = cast.client(cast.bank_admin).get("/api/v1/market/leads").json()
    assert [d["id"] for d in leads["items"]] == [demand.pk]


def test_a_better_rating_makes_the_match_eligible_when_the_enterprise_next_looks(
    market: Market, rate_enterprise: Callable[..., Any]
) -> None:
    cast = market.cast
    rate_enterprise(cast.enterprise, "BBB", 610)
    p = market.product(min_grade="A")
    demand = market.demand()
    assert not Match.objects.get(demand=demand, product=p).eligible
    rate_enterprise(cast.enterprise, "AA", 700)
    page = cast.client(cast.owner).get("/market/matches/").content.decode()
    assert "企业信用等级 AA，不低于产品要求的 A" in page
    assert Match.objects.get(demand=demand, product=p).eligible


def test_the_other_contexts_can_say_an_enterprise_changed(
    market: Market, rate_enterprise: Callable[..., Any]
) -> None:
    cast = market.cast
    p = market.product(min_grade="A")
    demand = market.demand()
    assert not Match.objects.get(demand=demand, product=p).eligible
    rate_enterprise(cast.enterprise, "A", 650)
    assert matching.market_enterprise_changed(enterprise_id=cast.enterprise.pk) == 1
    assert Match.objects.get(demand=demand, product=p).eligible
    assert matching.market_enterprise_changed(enterprise_id=cast.enterprise.pk) == 0


def test_a_product_listed_later_is_matched_with_open_demands(market: Market) -> None:
    demand = market.demand()
    assert not Match.objects.exists()
    p = market.product()
    assert Match.objects.filter(demand=demand, product=p, eligible=True).exists()


# --- the whole market ------------------------------------------------------------------------


@pytest.fixture
def busy_market(
    market: Market,
    profile: Callable[..., Any],
    filing: Callable[..., Any],
    rate_enterprise: Callable[..., Any],
    hnte: Callable[..., Any],
) -> list[Demand]:
    cast = market.cast
    profile(cast.enterprise, established=date(2015, 5, 1))
    filing(cast.enterprise, revenue=Decimal("32000000"))
    rate_enterprise(cast.enterprise, "AA", 700)
    hnte(cast.stranger)
    market.product(name="信用贷", kind="credit_loan", guarantee="none", rate_min="4.00")
    market.product(name="高企贷", requires_hnte=True)
    market.product(name="成熟企业贷", min_years=5, revenue_min="10000000", min_grade="A")
    market.product(cast.other_bank, name="大额贷", amount_min="8000000", amount_max="30000000")
    market.product(
        market.investor,
        name="天使投资",
        kind="equity_investment",
        rate_min=None,
        rate_max=None,
        guarantee="none",
        response_days=15,
    )
    from tests.conftest import make_user

    stranger = cast.stranger_admin
    far = make_user(cast.far_enterprise, "far_admin", "admin")
    return [
        market.demand(),
        market.demand(
            title="研发投入", amount="9000000", term_months=24, max_rate=None, guarantees=[]
        ),
        market.demand(user=stranger, amount="3000000", kinds=["credit_loan", "ip_pledge"]),
        market.demand(
            user=stranger, amount="12000000", audience="targeted", targets=[cast.other_bank.pk]
        ),
        market.demand(user=far, amount="2000000", guarantees=["collateral", "ip_pledge"]),
    ]


def test_the_batch_rematch_stores_what_the_one_by_one_rule_gives(
    market: Market, busy_market: list[Demand]
) -> None:
    cast = market.cast
    Match.objects.all().delete()
    run = RematchRun.objects.create(started_by=cast.city_admin)
    run = matching.market_rematch_run(run.pk)
    assert run.status == "done"
    assert run.demands == 5
    assert run.products == 5
    stored = {
        (m.demand_id, m.product_id): (m.eligible, m.eligible_public, m.score, m.failed)
        for m in Match.objects.all()
    }
    today = timezone.localdate()
    facts = enterprise_facts({d.enterprise_id for d in busy_market}, today)
    expected = {}
    for d in busy_market:
        targets = list(d.targets.values_list("institution_id", flat=True))
        dt = demand_terms(d, facts[d.enterprise_id], targets, today)
        for p in matching.listed_products():
            ev = evaluate(product_terms(p), dt)
            if ev.eligible_public:
                expected[(d.pk, p.pk)] = (ev.eligible, ev.eligible_public, ev.score, ev.failed)
    assert stored == expected
    assert run.matches == len(expected)
    assert len(expected) >= 6


def test_the_city_starts_a_rematch_and_follows_its_progress(
    market: Market, busy_market: list[Demand]
) -> None:
    cast = market.cast
    response = post(cast.client(cast.city_admin), "/api/v1/market/rematch", {})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done"  # the test task backend runs it at once
    assert body["progress"] == 100
    page = cast.client(cast.city_admin).get(f"/market/rematch/{body['id']}/")
    assert "已处理 5 / 5 条需求" in page.content.decode()
    poll = cast.client(cast.city_admin).get(
        f"/market/rematch/{body['id']}/", HTTP_HX_REQUEST="true"
    )
    assert poll["HX-Refresh"] == "true"


def test_only_the_city_starts_a_rematch(market: Market) -> None:
    for user in (market.cast.bank_admin, market.cast.owner, market.cast.district_admin):
        assert_envelope(post(market.cast.client(user), "/api/v1/market/rematch", {}), 403)
    assert not RematchRun.objects.exists()


def test_a_second_rematch_waits_for_the_first(market: Market) -> None:
    RematchRun.objects.create(status="running", started_by=market.cast.city_admin)
    response = post(market.cast.client(market.cast.city_admin), "/api/v1/market/rematch", {})
    assert_envelope(response, 409, "market.rematch_running")
    assert RematchRun.objects.count() == 1
