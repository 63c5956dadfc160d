"""The subsidy journey in a real browser: an enterprise applies for the loan interest subsidy
(the amount and its trace computed from the loan book), uploads its document and submits; its
district office approves; a city reviewer proposes and another city person approves (four-eyes);
the award is published; a member of the public objects; the city closes the notice and dismisses
the objection in writing; the award is approved, put in a payment batch, its transfer file
downloaded and marked paid; the enterprise sees it paid. The database is checked on the way."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kejin.apps.funds.selectors import line_balance
from kejin.apps.policies.models import Application, Objection, PaymentBatch, Status
from tests.apps.policies.conftest import (
    PolicyCast,
    build_policy_cast,
    make_program,
    pay_due,
    report_loan,
)
from tests.browser.conftest import login, logout
from tests.conftest import PASSWORD, TINY_PDF, Cast

pytestmark = pytest.mark.browser


@pytest.fixture
def pc(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> PolicyCast:
    return build_policy_cast(cast, monkeypatch)


def field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def open_application(page: Page, number: str) -> None:
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=re.compile(f"申报 {number}"))).to_be_visible()


def test_an_enterprise_applies_and_is_paid(page: Page, live_server: object, pc: PolicyCast) -> None:
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="JL-2025-001",
        borrower=cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(cast, loan, date(2025, 3, 31))
    program = make_program(
        pc, title="2026年度科技型中小企业贷款贴息", required_documents=["贷款合同"]
    )

    # 1. The enterprise applies: the rule computes the amount from its loan book.
    login(page, live_server, cast.owner.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="扶持政策与申报").click()
    row = page.get_by_role("row").filter(has_text=program.title)
    row.get_by_role("link", name="申报").click()
    page.get_by_label(re.compile("JL-2025-001")).check()
    field(page, "开户银行").fill("吉林银行长春科技支行")
    field(page, "收款账号").fill("07110120000012345")
    page.get_by_role("button", name="保存并测算").click()
    expect(page.locator("#award-amount")).to_have_text("7,129.18 元")
    expect(page.locator("#trace")).to_contain_text("7,491.67 × 50% = 3,745.84")
    expect(page.get_by_text("尚缺：贷款合同")).to_be_visible()
    application = Application.objects.get()
    number = application.number
    page.get_by_label("材料名称").select_option(label="贷款合同")
    page.get_by_label("文件（PDF、PNG 或 JPG）").set_input_files(
        {"name": "合同.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
    )
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("status")).to_contain_text("已上传：贷款合同")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"申报 {number} 已提交，当前状态：待区级初审"
    )
    logout(page)

    # 2. The district office approves it.
    login(page, live_server, cast.district_admin.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="申报初审").click()
    open_application(page, number)
    page.get_by_role("button", name="初审通过").click()
    expect(page.get_by_role("status")).to_contain_text("待市级复审")
    logout(page)

    # 3. A city reviewer proposes; she may not approve her own proposal.
    login(page, live_server, pc.city_reviewer.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="申报复审").click()
    open_application(page, number)
    page.get_by_role("button", name="拟同意").click()
    expect(page.get_by_text("本申报由您拟同意，须由另一名审批人审批（四眼原则）")).to_be_visible()
    expect(page.get_by_role("button", name="审批通过")).to_have_count(0)
    logout(page)

    # 4. Another city person approves it from the queue: the money is committed.
    login(page, live_server, cast.city_admin.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="申报复审").click()
    page.get_by_label(f"选择 {number}").check()
    page.get_by_role("button", name="批量审批所选").click()
    expect(page.get_by_role("status")).to_contain_text(f"已审批 1 项：{number}")
    assert line_balance(pc.line_id).committed == application.amount

    # 5. The city publishes it.
    page.get_by_role("navigation").get_by_role("link", name="公示", exact=True).click()
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_role("status")).to_contain_text("2026-06-01 至 2026-06-10（7 个工作日）")
    logout(page)

    # 6. A member of the public objects (no login).
    page.goto("/policies/notices/")
    page.get_by_role("link", name=re.compile("GS2026-")).click()
    expect(page.locator("#notice-entries")).to_contain_text(cast.enterprise.name)
    field(page, "姓名或单位").fill("张三")
    field(page, "联系电话").fill("13800000000")
    field(page, "异议内容和理由").fill("该企业的贷款利率与公示材料不符，请核实。")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_role("status")).to_contain_text("异议已受理")
    expect(page.locator("#notice-entries")).to_contain_text("异议处理中，暂缓")

    # 7. After the last working day the city closes the notice; the award stays held until
    #    the objection is resolved in writing, then it is approved.
    pc.clock.set(date(2026, 6, 11))
    login(page, live_server, pc.city_reviewer.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="公示", exact=True).click()
    page.get_by_role("button", name="公示期满办结").click()
    expect(page.get_by_role("status")).to_contain_text("已办结")
    assert Application.objects.get().status == Status.NOTICE
    page.get_by_role("link", name=re.compile("YY2026-")).click()
    page.get_by_label("异议不成立，维持奖补").check()
    field(page, "处理意见（书面理由）").fill("经核实贷款合同利率为6.00%，异议不成立。")
    page.get_by_role("button", name="提交处理意见").click()
    expect(page.get_by_role("status")).to_contain_text("已处理")
    assert Objection.objects.get().status == "dismissed"
    assert Application.objects.get().status == Status.APPROVED
    logout(page)

    # 8. A payment batch, its transfer file, the bank's reference.
    login(page, live_server, pc.city_officer.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="拨付").click()
    page.get_by_role("button", name="生成拨付批次").click()
    expect(page.get_by_role("status")).to_contain_text("已生成（1 笔）")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert (
        f"长春启明智能科技有限公司,吉林银行长春科技支行,07110120000012345,7129.18,{number}"
        in content
    )
    logout(page)
    login(page, live_server, cast.city_admin.username, PASSWORD)
    page.goto(f"/policies/manage/payments/{PaymentBatch.objects.get().pk}/")
    field(page, "银行回单号").fill("HD20260611001")
    page.get_by_role("button", name="登记拨付").click()
    expect(page.get_by_role("status")).to_contain_text("已登记拨付")
    assert Application.objects.get().status == Status.PAID
    assert line_balance(pc.line_id).paid == application.amount
    logout(page)

    # 9. The enterprise sees its award paid, with the bank's reference.
    login(page, live_server, cast.owner.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="我的申报").click()
    expect(page.locator("#applications")).to_contain_text("已拨付")
    open_application(page, number)
    expect(page.locator("dd", has_text="银行回单 HD20260611001")).to_have_text(
        "2026-06-11 · 银行回单 HD20260611001"
    )
