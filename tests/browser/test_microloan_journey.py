"""The tech micro-loan journey in a real browser: an enterprise applies (with consent) → the
lender's officer prices it → the officer may not approve their own case → a manager approves →
contract → disbursement → a repayment is reported on the loan page → the enterprise finds the
loan in its 贷款台账."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kejin.apps.loans.bookrun.run import book_run
from kejin.apps.loans.models import ApprovalDecision, Instalment, Loan, LoanApplication
from kejin.rules.schedules import due_date
from tests.browser.conftest import login, logout
from tests.conftest import PASSWORD, Cast, MicroLenderCast

pytestmark = pytest.mark.browser

D = Decimal


def test_apply_price_approve_contract_disburse_and_repay(
    page: Page,
    live_server: object,
    cast: Cast,
    microlender: MicroLenderCast,
    rate_enterprise: Any,
) -> None:
    ml = microlender
    rate_enterprise(cast.enterprise, "AA", 712)

    # 1. The enterprise applies, consenting to the credit read.
    login(page, live_server, cast.owner.username, PASSWORD)
    page.goto("/loans/microloans/apply/")
    expect(page.get_by_role("heading", name="申请科技小贷")).to_be_visible()
    page.get_by_label("科技小额贷款公司").select_option(label=ml.org.name)
    page.get_by_label("申请金额（元）").fill("800000")
    page.get_by_label("期限（月）").fill("12")
    page.get_by_label("贷款用途").fill("采购精密加工中心")
    page.get_by_label("还款方式").select_option(label="等额本金")
    page.get_by_role("button", name="提交申请").click()
    # without consent: refused beside the field, nothing written
    expect(page.locator("#id_consent_error")).to_contain_text("授权")
    assert LoanApplication.objects.count() == 0
    page.get_by_label(re.compile("授权该公司查询本企业信用信息")).check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("status")).to_contain_text("申请已提交")
    expect(page.locator("#status")).to_have_text("已提交")
    application = LoanApplication.objects.get()
    detail = f"/loans/microloans/{application.pk}/"
    logout(page)

    # 2. The lender's officer takes and prices it: 1Y LPR 3.00% + AA 1.50 = 4.5000%;
    #    800,000 > 500,000 → a manager must approve.
    login(page, live_server, ml.officer.username, PASSWORD)
    page.goto("/loans/microloans/")
    expect(page.get_by_role("heading", name="科技小贷审批队列")).to_be_visible()
    page.get_by_role("link", name=f"#{application.pk}").click()
    page.get_by_role("button", name="受理并定价").click()
    expect(page.get_by_role("status")).to_contain_text("已受理并完成定价")
    expect(page.locator("#offered-rate")).to_have_text("4.5000%")
    expect(page.locator("#status")).to_have_text("审批中")
    expect(page.get_by_text("审批经理（1 人同意）")).to_be_visible()

    # 3. The officer may not approve their own case: no approval form, and the server refuses.
    expect(page.locator("#maker-note")).to_contain_text("双人原则")
    expect(page.get_by_role("button", name="同意")).to_have_count(0)
    status = page.evaluate(
        """async (url) => {
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
            const body = new URLSearchParams({csrfmiddlewaretoken: token, reason: '同意'});
            const r = await fetch(url, {method: 'POST', body});
            return [r.status, await r.text()];
        }""",
        f"{detail}approve/",
    )
    assert status[0] == 403
    assert "双人原则" in status[1]
    assert not ApprovalDecision.objects.filter(decision="approve").exists()
    logout(page)

    # 4. A manager approves with a reason.
    login(page, live_server, ml.manager.username, PASSWORD)
    page.goto(detail)
    page.get_by_label("审批意见").fill("企业经营稳定，同意")
    page.get_by_role("button", name="同意").click()
    expect(page.get_by_role("status")).to_contain_text("已提交同意意见")
    expect(page.locator("#status")).to_have_text("已批准")
    expect(page.locator("#decisions")).to_contain_text("企业经营稳定，同意")
    logout(page)

    # 5. The officer signs the contract and disburses.
    login(page, live_server, ml.officer.username, PASSWORD)
    page.goto(detail)
    page.get_by_role("button", name="签订合同").click()
    expect(page.get_by_role("status")).to_contain_text("合同已签订")
    page.get_by_role("button", name="放款").click()
    expect(page.get_by_role("status")).to_contain_text("已放款")
    expect(page.locator("#status")).to_have_text("已放款")
    loan = Loan.objects.get()
    today = timezone.localdate()
    assert loan.external_id == f"WD-{today.year}-{application.pk}"
    assert loan.origin == "originated"

    # 6. A repayment of the first instalment is reported on the loan page.
    page.get_by_role("link", name=loan.external_id).click()
    expect(page.get_by_role("heading", name=re.compile(loan.external_id))).to_be_visible()
    expect(page.locator("#schedule tbody tr")).to_have_count(12)
    first = Instalment.objects.filter(loan=loan).order_by("due_date").first()
    assert first is not None
    assert first.due_date == due_date(today, 1, today.day)
    # equal principal: 800,000 ÷ 12 = 66,666.67; interest 800,000 × 4.5% ÷ 360 = 100.00 a day
    assert first.principal_due == D("66666.67")
    assert first.interest_due == D(100) * first.days
    page.get_by_role("link", name="报送还款").click()
    page.get_by_label("还款流水号").fill("HK-0001")
    page.get_by_label("还款日期").fill(first.due_date.isoformat())
    page.get_by_label("还款金额（元）").fill(str(first.principal_due + first.interest_due))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("还款已报送")
    first.refresh_from_db()
    assert first.settled_on == first.due_date
    logout(page)

    # 7. The enterprise finds the loan in its 贷款台账 and, after today's book run, in the
    #    portfolio: outstanding 800,000.00 − 66,666.67 repaid = 733,333.33.
    login(page, live_server, cast.owner.username, PASSWORD)
    page.goto("/loans/")
    row = page.get_by_role("row").filter(has_text=loan.external_id)
    expect(row).to_contain_text(ml.org.name)
    expect(row).to_contain_text("800,000.00")
    row.get_by_role("link", name=loan.external_id).click()
    expect(page.get_by_text("HK-0001")).to_be_visible()
    page.goto(detail)
    expect(page.locator("#decisions tbody tr")).to_have_count(4)
    book_run(business_date=today)
    page.goto("/loans/portfolio/")
    expect(page.locator("main")).to_contain_text("733,333.33")
