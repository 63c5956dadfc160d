"""The foundation journey in a real browser: an enterprise registers, is refused login while
pending, is verified by its district office, edits its contact phone, and the city auditor finds
both changes in the audit log. Plus: a bad registration shows field-level errors and saves nothing.
"""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from kejin.apps.orgs.models import Organisation, OrgStatus, User
from kejin.rules import uscc
from tests.browser.conftest import login, logout
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser

ENTERPRISE = "长春星河量子科技有限公司"
USERNAME = "xinghe_admin"
ENTERPRISE_PASSWORD = "Qiye#2026pass"
OLD_PHONE = "0431-85550001"
NEW_PHONE = "0431-86660002"
LICENCE = {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}


def field(page: Page, label: str) -> Locator:
    """A form control by its whole (Chinese) label; a required field's label ends in " *"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def fill_registration(page: Page, **overrides: str) -> None:
    values = {
        "企业名称": ENTERPRISE,
        "统一社会信用代码": uscc.generate(random.Random(99), "220104"),
        "注册地址": "长春市朝阳区前进大街2699号",
        "法定代表人": "王星河",
        "联系人": "李明",
        "联系电话": OLD_PHONE,
        "联系邮箱": "liming@xinghe.example.cn",
        "登录用户名": USERNAME,
        "密码": ENTERPRISE_PASSWORD,
        "确认密码": ENTERPRISE_PASSWORD,
        **overrides,
    }
    for label, value in values.items():
        field(page, label).fill(value)
    field(page, "注册地所在区县").select_option(label="朝阳区 220104")
    field(page, "营业执照扫描件").set_input_files(LICENCE)


def test_enterprise_registers_is_verified_edits_and_the_auditor_sees_it(
    page: Page, live_server: object, cast: Cast
) -> None:
    code = uscc.generate(random.Random(99), "220104")

    # 1. The enterprise registers itself.
    page.goto("/accounts/register/")
    expect(page.get_by_role("heading", name="科技型企业注册")).to_be_visible()
    fill_registration(page)
    page.get_by_role("button", name="提交注册").click()
    expect(page.get_by_role("heading", name="注册已提交")).to_be_visible()
    expect(page.get_by_text(f"“{ENTERPRISE}”的注册申请已提交")).to_be_visible()
    org = Organisation.objects.get(uscc=code)
    assert org.name == ENTERPRISE
    assert org.status == OrgStatus.PENDING
    assert org.district_code == "220104"

    # 2. It cannot log in yet, and is told why.
    page.get_by_role("link", name="返回登录").click()
    field(page, "用户名").fill(USERNAME)
    field(page, "密码").fill(ENTERPRISE_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "您的企业注册正在等待所在区科技局审核，审核通过后即可登录。"
    )
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    # 3. The district office verifies it.
    login(page, live_server, cast.district_admin.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="注册审核").click()
    expect(page.get_by_role("heading", name="待审核的企业注册")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=ENTERPRISE)
    expect(row).to_contain_text(code)
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name=ENTERPRISE)).to_contain_text("待审核")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("status")).to_contain_text(f"{ENTERPRISE}：已通过审核")
    expect(page.get_by_text("暂无待审核的注册")).to_be_visible()
    logout(page)

    # 4. The enterprise logs in and changes its contact phone.
    login(page, live_server, USERNAME, ENTERPRISE_PASSWORD)
    expect(page.get_by_role("heading", name=f"工作台 · {ENTERPRISE}")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="本机构信息").click()
    expect(page.get_by_role("heading", name=ENTERPRISE)).to_contain_text("正常")
    page.get_by_role("link", name="编辑信息").click()
    phone = field(page, "联系电话")
    expect(phone).to_have_value(OLD_PHONE)
    phone.fill(NEW_PHONE)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("机构信息已保存")
    expect(page.get_by_text(NEW_PHONE)).to_be_visible()
    logout(page)

    # 5. The city auditor finds both changes in the audit log.
    login(page, live_server, cast.city_auditor.username, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    page.get_by_label("对象或内容").fill(ENTERPRISE)
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/audit/\?q="))
    rows = page.locator("#audit-table tbody tr")
    verified = rows.filter(has_text="状态: 待审核 → 正常")
    expect(verified).to_have_count(1)
    expect(verified).to_contain_text("修改")
    expect(verified).to_contain_text(cast.district_admin.username)
    expect(verified).to_contain_text(cast.district.name)
    edited = rows.filter(has_text=f"联系电话: {OLD_PHONE} → {NEW_PHONE}")
    expect(edited).to_have_count(1)
    expect(edited).to_contain_text("修改")
    expect(edited).to_contain_text("李明")  # the actor, by display name (the contact person)
    expect(edited).to_contain_text(ENTERPRISE)
    # Only entries about this enterprise: its creation and the two changes.
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text(ENTERPRISE)


def test_bad_registration_shows_field_errors_and_creates_nothing(
    page: Page, live_server: object, transactional_db: None
) -> None:
    bad_code = "91220104MA00000000"  # right shape, wrong check characters
    orgs_before, users_before = Organisation.objects.count(), User.objects.count()

    page.goto("/accounts/register/")
    fill_registration(page, 统一社会信用代码=bad_code, 确认密码="Qiye#2026PASS")
    page.get_by_role("button", name="提交注册").click()

    expect(page.get_by_role("heading", name="科技型企业注册")).to_be_visible()
    uscc_input = field(page, "统一社会信用代码")
    password2 = field(page, "确认密码")
    # Each error is shown in the field's own block, and announced as the field's description.
    uscc_block = page.locator(".field.has-error").filter(has=uscc_input)
    expect(uscc_block.locator(".errorlist")).to_contain_text("第17位校验码不符")
    expect(uscc_input).to_have_accessible_description(re.compile("第17位校验码不符"))
    expect(uscc_input).to_have_attribute("aria-invalid", "true")
    password2_block = page.locator(".field.has-error").filter(has=password2)
    expect(password2_block.locator(".errorlist")).to_have_text("两次输入的密码不一致")
    expect(password2).to_have_accessible_description(re.compile("两次输入的密码不一致"))
    # What was typed is kept (except passwords), so the person only fixes the errors.
    expect(uscc_input).to_have_value(bad_code)
    expect(field(page, "企业名称")).to_have_value(ENTERPRISE)
    expect(page.locator(".field.has-error")).to_have_count(2)

    assert Organisation.objects.count() == orgs_before
    assert User.objects.count() == users_before
    assert not Organisation.objects.filter(name=ENTERPRISE).exists()
