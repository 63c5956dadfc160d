"""Statistics by institution, product kind and district, with the arithmetic written out; the
city sees the city, a district its district, an institution its own rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kejin.apps.marketplace.models import Application
from kejin.apps.marketplace.services import applications, granting
from kejin.apps.marketplace.stats import StatFilter, StatRow, market_stats
from tests.apps.marketplace.conftest import Market
from tests.conftest import make_user


@pytest.fixture
def history(market: Market) -> Market:
    """Bank: two applications, one granted 5,000,000 after 2 working days, one declined after
    4; other bank: one granted 2,000,000 after 1 working day; investor: one pending."""
    cast = market.cast
    ip = market.product()
    credit = market.product(
        cast.other_bank, name="农商信用贷", kind="credit_loan", guarantee="none"
    )
    angel = market.product(
        market.investor,
        name="天使投资",
        kind="equity_investment",
        rate_min=None,
        rate_max=None,
        guarantee="none",
    )
    d1 = market.demand()
    far_admin = make_user(cast.far_enterprise, "far_admin", "admin")
    d2 = market.demand(user=far_admin, amount="2000000")
    owner, far = cast.actor(cast.owner), cast.actor(far_admin)

    def submit(actor, demand, product):  # type: ignore[no-untyped-def]
        return applications.application_submit(
            actor=actor, data=applications.ApplyInput(demand_id=demand.pk, product_id=product.pk)
        )

    a1, a2 = submit(owner, d1, ip), submit(far, d2, ip)
    a3, a4 = submit(far, d2, credit), submit(owner, d1, angel)
    day = date(2026, 11, 2)  # a Monday
    Application.objects.filter(pk__in=[a1.pk, a2.pk, a3.pk, a4.pk]).update(submitted_on=day)
    bank, other = cast.actor(cast.bank_admin), cast.actor(cast.other_bank_admin)
    granting.application_grant(
        actor=bank,
        application_id=a1.pk,
        data=granting.GrantInput(amount="5000000", rate="4.00", contract_no="S-1"),
    )
    applications.application_decline(actor=bank, application_id=a2.pk, reason="估值不足")
    granting.application_grant(
        actor=other,
        application_id=a3.pk,
        data=granting.GrantInput(amount="2000000", rate="4.20", contract_no="S-2"),
    )
    # the working days from Monday 11-02 to the recorded answer dates
    Application.objects.filter(pk=a1.pk).update(response_working_days=2)
    Application.objects.filter(pk=a2.pk).update(response_working_days=4)
    Application.objects.filter(pk=a3.pk).update(response_working_days=1)
    return market


def by_label(rows: list[StatRow]) -> dict[str, StatRow]:
    return {r.label: r for r in rows}


def test_statistics_by_institution(history: Market) -> None:
    cast = history.cast
    rows, total = market_stats(cast.actor(cast.city_admin), StatFilter(by="institution"))
    bank = by_label(rows)["吉林银行长春科技支行"]
    assert (bank.applications, bank.granted, bank.declined) == (2, 1, 1)
    # grant rate = granted ÷ decided = 1 ÷ 2 = 50.0 %; response = (2 + 4) ÷ 2 = 3.0 working days
    assert bank.grant_rate == Decimal("50.0")
    assert bank.avg_response_days == Decimal("3.0")
    assert bank.amount_granted == Decimal("5000000.00")
    investor = by_label(rows)["吉林省创业投资有限公司"]
    assert (investor.applications, investor.granted, investor.grant_rate) == (1, 0, None)
    # total: 4 applications, 2 granted of 3 decided = 66.7 %; (2+4+1) ÷ 3 = 2.3; 7,000,000
    assert (total.applications, total.granted, total.declined) == (4, 2, 1)
    assert total.grant_rate == Decimal("66.7")
    assert total.avg_response_days == Decimal("2.3")
    assert total.amount_granted == Decimal("7000000.00")


def test_statistics_by_product_kind_and_by_district(history: Market) -> None:
    cast = history.cast
    actor = cast.actor(cast.city_admin)
    rows, _ = market_stats(actor, StatFilter(by="kind"))
    kinds = by_label(rows)
    assert (kinds["知识产权质押融资"].applications, kinds["知识产权质押融资"].granted) == (2, 1)
    assert kinds["信用贷款"].amount_granted == Decimal("2000000.00")
    rows, total = market_stats(actor, StatFilter(by="district"))
    districts = by_label(rows)
    assert (districts["朝阳区"].demands, districts["朝阳区"].applications) == (1, 2)
    assert (districts["南关区"].demands, districts["南关区"].granted) == (1, 1)
    assert total.demands == 2


def test_each_office_and_institution_sees_its_own_rows(history: Market) -> None:
    cast = history.cast
    _, total = market_stats(cast.actor(cast.district_admin), StatFilter(by="institution"))
    assert total.applications == 2  # 朝阳区 enterprises' applications only
    rows, total = market_stats(cast.actor(cast.bank_admin), StatFilter(by="institution"))
    assert [r.label for r in rows] == ["吉林银行长春科技支行"]
    assert total.applications == 2
    rows, total = market_stats(cast.actor(cast.owner), StatFilter())
    assert (rows, total.applications) == ([], 0)


def test_the_period_filter(history: Market) -> None:
    cast = history.cast
    tomorrow = timezone.localdate() + timedelta(days=1)
    _, total = market_stats(cast.actor(cast.city_admin), StatFilter(date_from=tomorrow))
    assert total.applications == 0


def test_the_statistics_page_draws_charts_and_exports(history: Market) -> None:
    cast = history.cast
    client = cast.client(cast.city_admin)
    page = client.get("/market/stats/").content.decode()
    assert "echarts.min.js" in page
    assert 'id="kpi-granted">2<' in page
    assert "吉林银行长春科技支行" in page
    assert "700万元" in page
    export = client.get("/market/stats/?by=kind&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get("/api/v1/market/stats", {"by": "district"}).json()
    assert api["total"]["applications"] == 4
    assert api["total"]["amount_granted"] == "7000000.00"
    assert cast.client(cast.owner).get("/market/stats/").status_code == 403
