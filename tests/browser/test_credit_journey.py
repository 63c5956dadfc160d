"""The credit journey in a real browser: the enterprise enters its data (profile, the 2025
filing, an invention patent) → self-evaluates and reads the result and its reasons → grants the
bank a consent for 贷款申请审查 → the bank looks it up by USCC and reads its credit report → the
enterprise finds the read in its 查询记录 → the enterprise revokes the consent → the bank is
refused, and the refused attempt is in the enterprise's 查询记录 too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from kejin.apps.credit.models import Consent, ReadLog, ReadOutcome
from kejin.apps.enterprises.models import FinancialYear, IpItem, SelfEvaluation
from tests.browser.conftest import login, logout
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser

PURPOSE = "贷款申请审查"
PATENT_NUMBER = "ZL202310000001.1"
PATENT_TITLE = "一种高精度视觉检测方法"


def field(page: Page, label: str) -> Locator:
    """A form control by its whole (Chinese) label; a required field's label ends in " *"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def test_enterprise_evaluates_consents_bank_reads_then_is_refused_after_revocation(
    page: Page, live_server: object, cast: Cast
) -> None:
    ent, bank = cast.enterprise, cast.bank
    today = timezone.localdate()

    # 1. The enterprise owner fills in its profile.
    login(page, live_server, cast.owner.username, PASSWORD)
    nav(page, "企业信息")
    expect(page.get_by_role("heading", name=ent.name, exact=True)).to_be_visible()
    page.get_by_role("link", name="编辑概况").click()
    field(page, "成立日期").fill("2015-06-01")
    field(page, "注册资本（元）").fill("5000000")
    field(page, "所属战略性新兴产业").select_option(label="高端装备制造")
    field(page, "主营产品（服务）").fill("工业视觉检测设备")
    field(page, "法定代表人").fill("张启明")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("企业概况已保存")

    # 2. ... enters its 2025 filing (worked example A: 30 of 100 staff, R&D 6 % of revenue) ...
    page.get_by_role("link", name="年度数据", exact=True).click()
    expect(page.get_by_text("尚未填报年度数据")).to_be_visible()
    values = {
        "年度": "2025",
        "职工总数": "100",
        "科技人员数": "30",
        "销售收入（元）": "10000000",
        "成本费用总额（元）": "9000000",
        "研发费用（元）": "600000",
        "资产总额（元）": "25000000",
        "净利润（元）": "800000",
        "纳税总额（元）": "420000",
    }
    for label, value in values.items():
        field(page, label).fill(value)
    declarations = {
        "在中国境内（不含港澳台）注册的居民企业": "是",
        "产品和服务属于国家禁止、限制或淘汰类": "否",
        "上年度及当年发生重大安全、质量事故或严重环境违法、科研严重失信行为": "否",
        "列入经营异常名录": "否",
        "列入严重失信主体名单": "否",
    }
    for label, answer in declarations.items():
        field(page, label).select_option(label=answer)
    page.get_by_role("button", name="保存年度数据").click()
    expect(page.get_by_role("status")).to_contain_text("2025 年度数据已保存")
    row = page.get_by_role("row").filter(has_text="10,000,000.00")
    expect(row).to_contain_text("2025")
    expect(row).to_contain_text("已填写")
    filing = FinancialYear.objects.get(enterprise=ent, year=2025)
    assert (filing.employees, filing.tech_staff, filing.resident_in_mainland) == (100, 30, True)

    # 3. ... adds an invention patent ...
    page.get_by_role("link", name="知识产权", exact=True).click()
    field(page, "知识产权类型").select_option(label="发明专利")
    field(page, "编号").fill(PATENT_NUMBER)
    field(page, "名称").fill(PATENT_TITLE)
    field(page, "授权日期").fill("2024-03-15")
    field(page, "有效期至").fill("2043-09-01")
    field(page, "存在权属纠纷").select_option(label="否")
    field(page, "与主营产品相关").select_option(label="是")
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_role("status")).to_contain_text("已添加知识产权")
    ip_row = page.get_by_role("row").filter(has_text=PATENT_NUMBER)
    expect(ip_row).to_contain_text(PATENT_TITLE)
    expect(ip_row).to_contain_text("Ⅰ类")
    expect(ip_row.locator(".pass")).to_have_text("计入")
    assert IpItem.objects.filter(enterprise=ent, kind="invention_patent").count() == 1

    # 4. ... and runs its 2025 self-evaluation: 20 (30 %) + 50 (A: 6 %) + 30 (one class I) = 100.
    page.get_by_role("link", name="科技型中小企业自评", exact=True).first.click()
    expect(page.get_by_text("还没有自评记录")).to_be_visible()
    field(page, "评价年度").select_option(label="2025 年度")
    expect(field(page, "参照日")).to_have_value(today.isoformat())
    page.get_by_role("button", name="开始自评").click()
    expect(
        page.get_by_role("heading", name=f"2025 年度自评（参照日 {today.isoformat()}）")
    ).to_be_visible()
    conclusion = page.locator("#conclusion")
    expect(conclusion).to_contain_text("符合科技型中小企业条件（评分通过）")
    expect(conclusion).to_contain_text("总分 100 / 100")
    conditions = page.locator("#conditions tr")
    expect(conditions.first).to_be_visible()
    expect(conditions.filter(has_text="✗ 不符合")).to_have_count(0)
    expect(conditions.filter(has_text="✓ 符合")).to_have_count(conditions.count())
    scores = page.locator("#scores")
    expect(scores.get_by_role("row").filter(has_text="科技人员")).to_contain_text("20 / 20")
    expect(scores.get_by_role("row").filter(has_text="研发投入得分")).to_contain_text("50 / 50")
    expect(scores.get_by_role("row").filter(has_text="Ⅰ类1项及以上")).to_contain_text("30 / 30")
    expect(scores.get_by_role("row").filter(has_text="评分通过")).to_contain_text("100")
    ip_evidence = page.locator("#ip-evidence").get_by_role("row").filter(has_text=PATENT_NUMBER)
    expect(ip_evidence).to_contain_text("发明专利")
    page.get_by_text("完整计算过程").click()
    expect(page.locator("#trace")).to_contain_text("总分 = 20 + 50 + 30 = 100 分")
    record = SelfEvaluation.objects.get(enterprise=ent)
    assert (record.year, record.total_score, record.qualified) == (2025, 100, True)

    # 5. ... grants the bank a consent for 贷款申请审查 and logs out.
    nav(page, "授权管理")
    expect(page.get_by_role("heading", name="授权管理")).to_be_visible()
    expect(page.get_by_text("暂无授权")).to_be_visible()
    until = today + timedelta(days=180)
    field(page, "被授权金融机构").select_option(label=f"{bank.name}（{bank.get_kind_display()}）")
    field(page, "授权用途").select_option(label=PURPOSE)
    field(page, "有效期至").fill(until.isoformat())
    page.get_by_role("button", name="授权", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"已授权 {bank.name} 查询本企业信用信息")
    consent_row = page.get_by_role("row").filter(has_text=bank.name)
    expect(consent_row).to_contain_text(PURPOSE)
    expect(consent_row).to_contain_text(f"{today.isoformat()} — {until.isoformat()}")
    consent = Consent.objects.get(enterprise=ent, institution=bank)
    assert consent.revoked_at is None
    logout(page)

    # 6. The bank's officer looks the enterprise up by USCC and reads its credit report.
    login(page, live_server, cast.bank_officer.username, PASSWORD)
    nav(page, "企业信用查询")
    expect(page.get_by_role("heading", name="企业信用查询")).to_be_visible()
    granted = page.get_by_role("row").filter(has_text=ent.name)
    expect(granted).to_contain_text(PURPOSE)
    expect(granted.get_by_role("link", name="查看信用报告")).to_be_visible()
    field(page, "企业统一社会信用代码").fill(ent.uscc)
    field(page, "查询用途").select_option(label=PURPOSE)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=f"企业信用报告 · {ent.name}")).to_be_visible()
    expect(page.get_by_role("heading", name="信用评级")).to_be_visible()
    expect(page.get_by_text("该企业尚未评级。")).to_be_visible()
    expect(page.get_by_text(ent.uscc, exact=True)).to_be_visible()
    expect(page.get_by_text("张启明", exact=True)).to_be_visible()
    read = ReadLog.objects.get(enterprise=ent, reader=bank)
    assert (read.outcome, read.what, read.consent_id) == (ReadOutcome.ALLOWED, "report", consent.pk)
    logout(page)

    # 7. The enterprise sees the bank's read in its 查询记录, then revokes the consent.
    login(page, live_server, cast.owner.username, PASSWORD)
    nav(page, "查询记录")
    expect(page.get_by_role("heading", name="查询记录")).to_be_visible()
    reads = page.locator("#read-log tbody tr")
    expect(reads).to_have_count(1)
    expect(reads).to_contain_text(bank.name)
    expect(reads).to_contain_text(cast.bank_officer.username)
    expect(reads).to_contain_text("信用报告")
    expect(reads).to_contain_text(PURPOSE)
    expect(reads).to_contain_text("已授权查询")
    expect(reads.locator("td").nth(6)).to_have_text(str(consent.pk))

    nav(page, "授权管理")
    consent_row = page.get_by_role("row").filter(has_text=bank.name)
    consent_row.get_by_role("button", name="撤销").click()
    expect(page.get_by_role("status")).to_contain_text("授权已撤销，立即失效")
    expect(consent_row).to_contain_text("已撤销")
    expect(consent_row.get_by_role("button", name="撤销")).to_have_count(0)
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    logout(page)

    # 8. The bank tries again and is refused; the consent is no longer offered on its lookup.
    login(page, live_server, cast.bank_officer.username, PASSWORD)
    nav(page, "企业信用查询")
    granted = page.get_by_role("row").filter(has_text=ent.name)
    expect(granted.get_by_role("link", name="查看信用报告")).to_have_count(0)
    field(page, "企业统一社会信用代码").fill(ent.uscc)
    field(page, "查询用途").select_option(label=PURPOSE)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="无权查询该企业的信用信息")).to_be_visible()
    revoked_on = timezone.localtime(consent.revoked_at).date().isoformat()
    reason = f"{ent.name}对贵机构用于“{PURPOSE}”的查询授权已于 {revoked_on} 撤销"
    expect(page.get_by_role("alert")).to_have_text(
        f"{reason}，不能查询其信用信息。请先取得企业授权。"
    )
    expect(page.get_by_text("本次查询尝试已记录，并对被查询企业可见。")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("企业信用报告"))).to_have_count(0)
    expect(page.get_by_text("信用评级")).to_have_count(0)
    logout(page)

    # 9. The enterprise's 查询记录 now also shows the refused attempt, with the reason.
    login(page, live_server, cast.owner.username, PASSWORD)
    nav(page, "查询记录")
    reads = page.locator("#read-log tbody tr")
    expect(reads).to_have_count(2)
    refused = reads.filter(has_text="无授权被拒绝")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(bank.name)
    expect(refused).to_contain_text(PURPOSE)
    expect(refused).to_contain_text(reason)
    expect(refused.locator("td").nth(6)).to_have_text("—")
    expect(reads.filter(has_text="已授权查询")).to_have_count(1)
    assert list(
        ReadLog.objects.filter(enterprise=ent).order_by("pk").values_list("outcome", flat=True)
    ) == [ReadOutcome.ALLOWED, ReadOutcome.REFUSED]
