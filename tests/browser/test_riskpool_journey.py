"""The risk pool journey in a real browser: a bank registers a loan into the pool; the loan goes
more than 90 days past due (contracted 200 days ago, never repaid, as of today); the bank files a
claim; a city officer proposes it and a second city person approves it (four eyes); the pool pays
its share; the bank reports a recovery that goes back pro rata.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.models import Claim, Recovery, Registration
from tests.apps.riskpool.world import build_world
from tests.browser.conftest import login, logout
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser
D = Decimal


def field(page: Page, label: str) -> Locator:
    """A form control by its whole (Chinese) label; a required field's label ends in " *"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_register_claim_review_pay_and_recover(page: Page, live_server: object, cast: Cast) -> None:
    world = build_world(cast)
    contract = timezone.localdate() - timedelta(days=200)
    world.loan("JL-WEB-01", "1000000.00", contract=contract)

    # 1. The bank registers its loan, dated the day it was made (not overdue then).
    login(page, live_server, "bank_officer", PASSWORD)
    page.get_by_role("link", name="风险补偿登记").click()
    expect(page.get_by_role("heading", name="风险补偿入池登记")).to_be_visible()
    page.get_by_role("link", name="登记贷款入池").click()
    field(page, "贷款合同编号").fill("JL-WEB-01")
    field(page, "登记日期").fill(contract.isoformat())
    page.get_by_role("button", name="登记入池").click()
    expect(page.get_by_text("贷款 JL-WEB-01 已登记入池")).to_be_visible()
    reg = Registration.objects.get(loan__external_id="JL-WEB-01")
    assert reg.registered_on == contract

    # 2. Today it is more than 90 days past due: the bank files a claim.
    page.get_by_role("link", name="代偿申请").first.click()
    page.get_by_role("link", name="申请代偿").click()
    field(page, "入池贷款").select_option(label=f"JL-WEB-01 · {cast.enterprise.name}")
    field(page, "抵质押物处置回收（元）").fill("0")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交代偿申请，申请损失 1000000.00 元")).to_be_visible()
    claim = Claim.objects.get()
    assert claim.status == "filed"
    assert claim.days_past_due > 90
    logout(page)

    # 3. A city officer reviews it first.
    login(page, live_server, "city_admin", PASSWORD)
    page.get_by_role("link", name="代偿审核").click()
    page.get_by_role("link", name=f"#{claim.pk}").click()
    field(page, "初审意见").fill("材料齐全")
    page.get_by_role("button", name="初审通过，提交复核").click()
    expect(page.get_by_text("初审通过，待另一名工作人员复核")).to_be_visible()
    expect(page.get_by_text("须由另一名工作人员复核（四眼原则）")).to_be_visible()
    logout(page)

    # 4. A second city person approves: the pool pays its half of the loss.
    login(page, live_server, "city_reviewer", PASSWORD)
    page.goto(f"{live_server.url}/riskpool/claims/{claim.pk}/")  # type: ignore[attr-defined]
    page.get_by_role("button", name="复核通过并支付").click()
    expect(page.get_by_text("复核通过，资金池分担部分已支付")).to_be_visible()
    shares = page.locator("#shares")
    expect(shares).to_contain_text("500,000.00")
    claim.refresh_from_db()
    assert claim.status == "paid"
    assert (claim.pool_share, claim.bank_share) == (D("500000.00"), D("500000.00"))
    # 10,000,000.00 − 500,000.00
    assert pool_balance(world.pool.pk) == D("9500000.00")
    logout(page)

    # 5. The bank recovers 100,000.01: 50,000.01 back to the pool, 50,000.00 to the bank.
    login(page, live_server, "bank_officer", PASSWORD)
    page.goto(f"{live_server.url}/riskpool/registrations/{reg.pk}/")  # type: ignore[attr-defined]
    field(page, "追偿回收金额（元）").fill("100000.01")
    page.get_by_role("button", name="登记回收").click()
    expect(page.get_by_text("已登记追偿回收 100000.01 元")).to_be_visible()
    expect(page.locator("#recoveries")).to_contain_text("50,000.01")
    recovery = Recovery.objects.get()
    assert (recovery.pool_part, recovery.bank_part) == (D("50000.01"), D("50000.00"))
    assert pool_balance(world.pool.pk) == D("9550000.01")
