"""The marketplace journey in a real browser: an enterprise posts a financing demand, sees the
matched product with its reasons, applies (authorising a credit inquiry); the bank grants; the
loan appears in the enterprise's loans; the city's statistics count it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kejin.apps.credit.models import Consent
from kejin.apps.loans.models import BenchmarkRate
from kejin.apps.marketplace.models import Application, ApplicationStatus, Demand
from kejin.apps.marketplace.services import products
from tests.browser.conftest import login, logout
from tests.conftest import PASSWORD, Cast, last_lpr_fixing

pytestmark = pytest.mark.browser

PRODUCT = "科技知识产权质押贷"
DEMAND = "智能传感器产线扩产资金"
CONTRACT = "JLB-KJ-2026-0088"


def field(page: Page, label: str) -> Locator:
    """A form control by its whole (Chinese) label; a required field's label ends in " *"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def list_product(cast: Cast) -> None:
    BenchmarkRate.objects.get_or_create(
        table="lpr",
        tenor="1Y",
        effective_date=last_lpr_fixing(timezone.localdate()),
        defaults={
            "rate_percent": Decimal("3.00"),
            "source": "测试：全国银行间同业拆借中心公告",
            "created_by": cast.city_admin,
        },
    )
    product = products.product_create(
        actor=cast.actor(cast.bank_admin),
        data=products.ProductInput(
            name=PRODUCT,
            kind="ip_pledge",
            guarantee="ip_pledge",
            amount_min=Decimal(1_000_000),
            amount_max=Decimal(10_000_000),
            term_min=6,
            term_max=36,
            rate_min=Decimal("3.45"),
            rate_max=Decimal("6.00"),
            documents="营业执照\n专利证书",
            response_days=5,
        ),
        submit=True,
    )
    products.product_review(actor=cast.actor(cast.city_admin), product_id=product.pk, approve=True)


def test_demand_match_apply_grant_loan_and_statistics(
    page: Page, live_server: object, cast: Cast
) -> None:
    list_product(cast)

    # 1. The enterprise posts a demand.
    login(page, live_server, "owner", PASSWORD)
    page.get_by_role("link", name="融资需求").first.click()
    page.get_by_role("link", name="发布融资需求").click()
    expect(page.get_by_role("heading", name="发布融资需求")).to_be_visible()
    field(page, "需求标题").fill(DEMAND)
    field(page, "资金用途").fill("购置贴片设备，扩大智能传感器产能")
    field(page, "融资金额（元）").fill("5000000")
    field(page, "期限（月）").fill("12")
    field(page, "可接受的最高年利率（%）").fill("6.00")
    needed = timezone.localdate() + timedelta(days=30)
    field(page, "资金需求日期").fill(needed.isoformat())
    page.get_by_label("知识产权质押", exact=True).check()
    page.get_by_role("button", name="发布需求").click()

    # 2. It sees the matched product and why it matched, criterion by criterion.
    expect(page.get_by_role("heading", name=re.compile(DEMAND))).to_be_visible()
    expect(page.get_by_text("匹配产品（1 个）")).to_be_visible()
    expect(page.get_by_text("需求金额 500万元 在产品额度 100万元–1,000万元 之内")).to_be_visible()
    expect(page.get_by_text("需求期限 12 个月在产品期限 6–36 个月之内")).to_be_visible()
    expect(page.locator("ul.reasons li.ok")).to_have_count(4)
    demand = Demand.objects.get(title=DEMAND)
    assert demand.enterprise == cast.enterprise

    # 3. It applies, authorising the bank's credit inquiry.
    page.get_by_role("link", name="申请该产品").first.click()
    expect(page.get_by_role("heading", name=re.compile("申请产品"))).to_be_visible()
    expect(field(page, "授权该机构查询本企业信用信息（用于贷款申请审查）")).to_be_checked()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("申请已提交")).to_be_visible()
    application = Application.objects.get(demand=demand)
    assert application.status == ApplicationStatus.SUBMITTED
    assert Consent.objects.filter(pk=application.consent_id, institution=cast.bank).exists()
    logout(page)

    # 4. The bank finds it among its received applications and grants it.
    login(page, live_server, "bank_admin", PASSWORD)
    page.get_by_role("link", name="收到的申请").click()
    page.get_by_role("link", name=f"#{application.pk}").click()
    expect(page.get_by_role("heading", name=re.compile(f"申请 #{application.pk}"))).to_be_visible()
    page.get_by_role("link", name="批准").click()
    field(page, "贷款合同编号").fill(CONTRACT)
    field(page, "批准年利率/费率（%）").fill("4.35")
    field(page, "还款方式").select_option(label="先息后本")
    field(page, "放款日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="确认批准").click()
    expect(page.get_by_text("已批准该申请")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.GRANTED
    assert application.loan_id is not None
    logout(page)

    # 5. The loan appears in the enterprise's loans.
    login(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/loans/")  # type: ignore[attr-defined]
    expect(page.get_by_text(CONTRACT)).to_be_visible()
    logout(page)

    # 6. The city's statistics count it.
    login(page, live_server, "city_admin", PASSWORD)
    page.get_by_role("link", name="对接统计").click()
    expect(page.locator("#kpi-applications")).to_have_text("1")
    expect(page.locator("#kpi-granted")).to_have_text("1")
    expect(page.locator("#kpi-amount")).to_have_text("500万元")
    expect(page.locator("#stats-table")).to_contain_text("吉林银行长春科技支行")
