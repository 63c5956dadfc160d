"""The pages: every role does its step in the browser's HTML (forms with labels, errors beside
their fields, lists that filter and export), calling the same services as the API."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kejin.apps.policies.models import (
    Application,
    InterestBatchRun,
    Notice,
    Objection,
    ParameterValue,
    PaymentBatch,
    Program,
    Status,
)
from tests.apps.policies.conftest import (
    PolicyCast,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)
from tests.conftest import TINY_PDF


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def labelled(page: str, name: str) -> bool:
    """A form control ``name`` with a <label for> pointing at it."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*id="([^"]+)"', page)
    if match is None:
        match = re.search(rf'id="([^"]+)"[^>]*name="{name}"', page)
    return match is not None and f'for="{match.group(1)}"' in page


def a_loan(pc: PolicyCast) -> int:
    loan = report_loan(
        pc.cast,
        ext="PG-1",
        borrower=pc.cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(pc.cast, loan, date(2025, 3, 31))
    return loan


def test_the_whole_workflow_on_the_pages(pc: PolicyCast) -> None:
    cast = pc.cast
    loan = a_loan(pc)
    program = make_program(pc, required_documents=["贷款合同"])
    owner = cast.client(cast.owner)
    page = html(owner.get("/policies/programs/"))
    assert program.title in page
    page = html(owner.get(f"/policies/programs/{program.pk}/apply/"))
    for name in ("in_loan_ids", "payee_bank", "payee_account", "claimed_amount"):
        assert labelled(page, name) or name == "in_loan_ids", name
    assert "PG-1" in page  # the enterprise's loan is offered with its contract number
    r = owner.post(
        f"/policies/programs/{program.pk}/apply/",
        {
            "in_loan_ids": [str(loan)],
            "payee_name": cast.enterprise.name,
            "payee_bank": "吉林银行长春科技支行",
            "payee_account": "0711 0120 0000 9999",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    assert r["Location"] == f"/policies/applications/{app.pk}/"
    assert app.payee_account == "0711012000009999"
    page = html(owner.get(r["Location"]))
    assert "7,129.18" in page
    assert "7,491.67 × 50% = 3,745.84" in page  # the trace is shown
    assert "尚缺：贷款合同" in page
    r = owner.post(
        f"/policies/applications/{app.pk}/documents/",
        {"code": "d1", "file": SimpleUploadedFile("合同.pdf", TINY_PDF)},
        follow=True,
    )
    assert "已上传：贷款合同" in html(r)
    r = owner.post(f"/policies/applications/{app.pk}/submit/", follow=True)
    assert "已提交" in html(r)

    district = cast.client(cast.district_admin)
    page = html(district.get("/policies/review/district/"))
    assert app.number in page
    page = html(district.get(f"/policies/applications/{app.pk}/"))
    assert "区级初审" in page
    assert labelled(page, "reason")
    r = district.post(
        f"/policies/applications/{app.pk}/district-review/",
        {"decision": "approve", "reason": "材料齐全"},
        follow=True,
    )
    assert "初审意见已提交" in html(r)

    reviewer = cast.client(pc.city_reviewer)
    assert app.number in html(reviewer.get("/policies/review/city/"))
    reviewer.post(f"/policies/applications/{app.pk}/city-review/", {"decision": "propose"})
    page = html(reviewer.get(f"/policies/applications/{app.pk}/"))
    assert "本申报由您拟同意，须由另一名审批人审批（四眼原则）" in page
    admin = cast.client(cast.city_admin)
    r = admin.post("/policies/review/city/bulk-approve/", {"ids": [str(app.pk)]}, follow=True)
    assert f"已审批 1 项：{app.number}" in html(r)

    r = reviewer.post("/policies/manage/notices/", {"ids": [str(app.pk)], "title": ""}, follow=True)
    assert "已发布" in html(r)
    notice = Notice.objects.get()
    public = cast.client(None)
    page = html(public.get(f"/policies/notices/{notice.pk}/"))
    assert cast.enterprise.name in page
    assert "7,129.18" in page
    assert labelled(page, "phone")
    r = public.post(
        f"/policies/notices/{notice.pk}/",
        {
            "application_id": str(app.pk),
            "name": "张三",
            "phone": "13800000000",
            "content": "该企业的贷款利率与公示不符，请核实。",
        },
        follow=True,
    )
    assert "异议已受理" in html(r)
    objection = Objection.objects.get()
    pc.clock.set(date(2026, 6, 11))
    reviewer.post(f"/policies/manage/notices/{notice.pk}/close/")
    assert Application.objects.get(pk=app.pk).status == Status.NOTICE
    page = html(reviewer.get(f"/policies/manage/objections/{objection.pk}/"))
    assert labelled(page, "resolution")
    r = reviewer.post(
        f"/policies/manage/objections/{objection.pk}/",
        {"decision": "dismissed", "resolution": "经核实，异议不成立。"},
    )
    assert r.status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.APPROVED

    officer = cast.client(pc.city_officer)
    r = officer.post("/policies/manage/payments/", {"ids": [str(app.pk)], "title": "六月拨付"})
    batch = PaymentBatch.objects.get()
    assert r["Location"] == f"/policies/manage/payments/{batch.pk}/"
    xlsx = officer.get(f"/policies/manage/payments/{batch.pk}/transfer.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "收款户名", "开户银行", "收款账号", "金额（元）")
    assert rows[1][1:6] == (
        cast.enterprise.name,
        "吉林银行长春科技支行",
        "0711012000009999",
        7129.18,
        app.number,
    )
    r = admin.post(
        f"/policies/manage/payments/{batch.pk}/", {"bank_reference": "HD001"}, follow=True
    )
    assert "已登记拨付" in html(r)
    assert Application.objects.get(pk=app.pk).status == Status.PAID
    page = html(owner.get(f"/policies/applications/{app.pk}/"))
    assert "已拨付" in page
    assert "HD001" in page


def test_an_error_is_shown_beside_its_field_and_nothing_is_saved(pc: PolicyCast) -> None:
    program = make_program(pc, "mna_fees")
    owner = pc.cast.client(pc.cast.owner)
    r = owner.post(
        f"/policies/programs/{program.pk}/apply/",
        {
            "in_deal_id": "收购甲公司",
            "in_completed_on": "2026-03-01",
            "in_fees": "财务顾问,东北证券",
        },
    )
    page = html(r)
    assert re.search(r'class="field has-error">\s*<label for="id_in_fees"', page)
    assert "中介服务费第 1 行应有 3 项，以逗号分隔（收到 2 项）" in page
    assert Application.objects.count() == 0


def test_lists_filter_and_export(pc: PolicyCast) -> None:
    loan = a_loan(pc)
    program = make_program(pc)
    app_id = create_app(pc, program, {"loan_ids": [loan]}).json()["id"]
    submit_through(pc, app_id, until="city_review")
    city = pc.cast.client(pc.cast.city_admin)
    page = html(city.get("/policies/review/city/?status=city_review&measure=interest_subsidy"))
    assert Application.objects.get().number in page
    page = html(city.get("/policies/review/city/?status=city_proposed"))
    assert "没有符合条件的申报" in page
    export = city.get("/policies/applications/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("申报编号", "申报单位", "区县")
    assert rows[1][0] == Application.objects.get().number
    assert rows[1][6] == 7129.18
    mine = pc.cast.client(pc.cast.owner).get("/policies/mine/?export=xlsx")
    assert mine.status_code == 200


def test_parameter_what_if_then_save(pc: PolicyCast) -> None:
    """Before saving 60% from 2025-03-01, the page shows the open application going from
    7,129.18 to 3,745.84 + 6,766.67 × 60% (4,060.00) = 7,805.84."""
    loan = a_loan(pc)
    create_app(pc, make_program(pc), {"loan_ids": [loan]})
    admin = pc.cast.client(pc.cast.city_admin)
    page = html(admin.get("/policies/manage/parameters/"))
    assert "interest_subsidy.proportion" in page
    assert "1,000,000.00 元" in page
    for name in ("key", "effective_from", "value", "source"):
        assert labelled(page, name), name
    form = {
        "key": "interest_subsidy.proportion",
        "effective_from": "2025-03-01",
        "value": "60",
        "source": "长科发〔2026〕3号",
    }
    page = html(admin.post("/policies/manage/parameters/", {**form, "action": "whatif"}))
    assert "在办申报 1 项，其中金额变化 1 项" in page
    assert "7,129.18" in page
    assert "7,805.84" in page
    assert "676.66" in page
    assert ParameterValue.objects.count() == 0
    r = admin.post("/policies/manage/parameters/", {**form, "action": "save"}, follow=True)
    assert "已新增取值" in html(r)
    assert ParameterValue.objects.get().value == 60
    assert "市级调整" in html(admin.get("/policies/manage/parameters/"))


def test_program_management_and_the_batch_run_pages(
    pc: PolicyCast, django_capture_on_commit_callbacks: Any
) -> None:
    admin = pc.cast.client(pc.cast.city_admin)
    page = html(admin.get("/policies/manage/programs/new/"))
    for name in ("title", "measure", "opens_on", "closes_on", "coverage_start"):
        assert labelled(page, name), name
    form = {
        "policy_id": str(pc.policy.pk),
        "title": "2026年度贷款贴息（第二批）",
        "year": "2026",
        "measure": "interest_subsidy",
        "opens_on": "2026-06-01",
        "closes_on": "2026-08-31",
        "sla_district_days": "10",
        "sla_city_days": "15",
        "published": "on",
        "budget_line_id": str(pc.line_id),
    }
    page = html(admin.post("/policies/manage/programs/new/", form))
    assert "贷款贴息项目须填写支持期间" in page
    r = admin.post(
        "/policies/manage/programs/new/",
        {**form, "coverage_start": "2025-01-01", "coverage_end": "2025-12-31"},
    )
    program = Program.objects.get(title="2026年度贷款贴息（第二批）")
    assert r["Location"] == f"/policies/programs/{program.pk}/"
    assert program.budget_line_label.startswith("2026年")
    assert "2026年度贷款贴息（第二批）" in html(admin.get("/policies/manage/programs/"))
    a_loan(pc)
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post("/policies/manage/interest-batch/", {"program_id": str(program.pk)})
    run = InterestBatchRun.objects.get()
    assert r["Location"] == f"/policies/manage/interest-batch/{run.pk}/"
    page = html(admin.get(r["Location"]))
    assert "已完成" in page
    assert "生成申报草稿 1 份" in page


def test_public_pages_show_the_policy_its_clauses_and_programs(pc: PolicyCast) -> None:
    make_program(pc)
    public = pc.cast.client(None)
    page = html(public.get(f"/policies/policy/{pc.policy.pk}/"))
    assert "（十三）努力降低科技中小型企业信贷融资成本" in page
    assert "每家企业每年最高贴息100万元" in page
    page = html(public.get("/policies/"))
    assert "正在申报的扶持项目" in page
    assert "2026年度interest_subsidy项目" in page
    program = Program.objects.get()
    page = html(public.get(f"/policies/programs/{program.pk}/"))
    assert "实施意见（十三）" in page
    assert "我要申报" not in page


def test_notifications_page(pc: PolicyCast) -> None:
    loan = a_loan(pc)
    app_id = create_app(pc, make_program(pc), {"loan_ids": [loan]}).json()["id"]
    submit_through(pc, app_id, until="submitted")
    owner = pc.cast.client(pc.cast.owner)
    page = html(owner.get("/policies/notifications/?unread=1"))
    assert "已提交" in page
    owner.post("/policies/notifications/", {})
    assert "暂无消息" in html(owner.get("/policies/notifications/?unread=1"))


def test_milestone_page(pc: PolicyCast) -> None:
    owner = pc.cast.client(pc.cast.owner)
    page = html(owner.get("/policies/milestones/"))
    assert labelled(page, "reached_on")
    assert "enterprise_uscc" not in page
    r = owner.post(
        "/policies/milestones/",
        {
            "kind": "share_reform",
            "reached_on": "2026-03-18",
            "evidence": SimpleUploadedFile("证明.pdf", TINY_PDF),
        },
        follow=True,
    )
    assert "已登记" in html(r)
    r = owner.post(
        "/policies/milestones/",
        {
            "kind": "listing",
            "reached_on": "2027-01-01",
            "evidence": SimpleUploadedFile("x.txt", b"hello"),
        },
    )
    page = html(r)
    assert "达成日期不能晚于今天" in page
    assert "文件类型不支持" in page
