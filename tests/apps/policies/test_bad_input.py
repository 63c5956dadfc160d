"""Bad input: a clear Chinese message naming the field and the rule, the error envelope, and
nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from kejin.apps.funds.selectors import line_balance
from kejin.apps.policies.models import Application, ApplicationDocument, ParameterValue, Status
from tests.apps.policies.conftest import (
    PolicyCast,
    api,
    budget_line,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)

D = Decimal


def loan_of(pc: PolicyCast, org=None) -> int:  # type: ignore[no-untyped-def]
    loan = report_loan(
        pc.cast,
        ext=f"BAD-{(org or pc.cast.enterprise).pk}",
        borrower=org or pc.cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(pc.cast, loan, date(2025, 3, 31))
    return loan


def test_outside_the_programs_dates(pc: PolicyCast) -> None:
    program = make_program(
        pc,
        "maker_space",
        opens_on=date(2026, 6, 5),
        closes_on=date(2026, 6, 30),
        applicant_kinds=["enterprise"],
    )
    r = create_app(pc, program, {"space_name": "甲", "recognised_on": "2026-03-01"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "program.not_open"
    assert error["message"] == (
        f"项目“{program.title}”的申报期为 2026-06-05 至 2026-06-30，2026-06-01 不在申报期内"
    )
    assert error["fields"] == {"program_id": "申报期 2026-06-05 至 2026-06-30"}
    pc.clock.set(date(2026, 7, 1))
    assert (
        create_app(pc, program, {"space_name": "甲", "recognised_on": "2026-03-01"}).status_code
        == 422
    )
    assert Application.objects.count() == 0


def test_an_ineligible_organisation(pc: PolicyCast) -> None:
    program = make_program(pc)
    r = create_app(pc, program, {"loan_ids": [1]}, user=pc.cast.bank_admin)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "application.applicant_ineligible"
    assert (
        "本项目的申报主体为科技型企业，银行不能申报（依据：实施意见（十三）"
        in r.json()["error"]["message"]
    )
    tech = make_program(pc, "competition", requires_tech_sme=True)
    r = create_app(pc, tech, {"competition": "大赛", "tier": "first", "awarded_on": "2026-05-01"})
    assert r.status_code == 403
    assert "仅限科技型中小企业申报" in r.json()["error"]["message"]
    hnte = make_program(pc, "competition", requires_hnte=True)
    r = create_app(pc, hnte, {"competition": "大赛", "tier": "first", "awarded_on": "2026-05-01"})
    assert "没有有效的高新技术企业证书" in r.json()["error"]["message"]
    assert Application.objects.count() == 0


def test_inputs_the_rule_cannot_read_are_refused_field_by_field(pc: PolicyCast) -> None:
    mine = loan_of(pc)
    theirs = loan_of(pc, pc.cast.stranger)
    r = create_app(pc, make_program(pc), {"loan_ids": [mine, theirs]})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"loan_ids": f"贷款 {theirs} 不存在或不是本企业的借款"}
    r = create_app(
        pc,
        make_program(pc, "mna_fees"),
        {"deal_id": "", "completed_on": "2026-13-01", "fees": "财务顾问,东北证券"},
    )
    fields = r.json()["error"]["fields"]
    assert fields["deal_id"] == "请填写并购项目名称或编号"
    assert fields["completed_on"] == "并购完成日期须为日期（YYYY-MM-DD），收到“2026-13-01”"
    assert fields["fees"] == "中介服务费第 1 行应有 3 项，以逗号分隔（收到 2 项）"
    r = create_app(
        pc,
        make_program(pc, "mna_fees"),
        {"deal_id": "甲", "completed_on": "2026-03-01", "fees": "审计,甲所,12.345"},
    )
    assert r.json()["error"]["fields"]["fees"] == "中介服务费第 1 行的金额须精确到分"
    r = create_app(pc, make_program(pc), {"loan_ids": [mine]}, claimed_amount="12.345")
    assert r.json()["error"]["fields"] == {"claimed_amount": "申报金额无效（收到 12.345）"}
    r = api(pc.cast.client(pc.cast.owner), "post", "/applications", {"inputs": {}})
    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "request.invalid",
        "message": "请求数据有误：program_id：必填",
        "fields": {"program_id": "必填"},
    }
    assert Application.objects.count() == 0


def test_missing_documents_and_payee_are_named_at_submission(pc: PolicyCast) -> None:
    program = make_program(pc, required_documents=["贷款合同", "利息支付凭证"])
    r = create_app(pc, program, {"loan_ids": [loan_of(pc)]}, payee_account="")
    app_id = r.json()["id"]
    owner = pc.cast.client(pc.cast.owner)
    r = api(owner, "post", f"/applications/{app_id}/submit")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "application.documents_missing"
    assert error["fields"]["documents"] == "缺少申报材料：贷款合同、利息支付凭证"
    assert error["fields"]["payee_account"] == "请填写收款账号"
    assert Application.objects.get(pk=app_id).status == Status.DRAFT
    # a file that is not a PDF/PNG/JPG is refused
    r = owner.post(
        f"/api/v1/policies/applications/{app_id}/documents",
        {"code": "d1", "file": SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["file"] == "文件类型不支持（只接受 PDF、PNG、JPG）"
    assert ApplicationDocument.objects.count() == 0


def test_an_amount_claimed_that_the_rule_does_not_give(pc: PolicyCast) -> None:
    r = create_app(pc, make_program(pc), {"loan_ids": [loan_of(pc)]}, claimed_amount="8000.00")
    app_id = r.json()["id"]
    r = api(pc.cast.client(pc.cast.owner), "post", f"/applications/{app_id}/submit")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "application.claim_mismatch"
    assert error["message"] == "申报金额 8,000.00 元与按实施意见（十三）计算的金额 7,129.18 元不符"
    assert error["fields"] == {"claimed_amount": "按规则应为 7,129.18 元"}
    assert Application.objects.get(pk=app_id).status == Status.DRAFT
    r = api(
        pc.cast.client(pc.cast.owner),
        "patch",
        f"/applications/{app_id}",
        {"claimed_amount": "7129.18"},
    )
    assert (
        api(pc.cast.client(pc.cast.owner), "post", f"/applications/{app_id}/submit").status_code
        == 200
    )


def test_a_parameter_dated_on_or_before_what_an_approved_award_read_is_refused(
    pc: PolicyCast,
) -> None:
    """The approved award read interest_subsidy.proportion for periods ending 2025-02-15 and
    2025-03-15: a value from 2025-03-15 or earlier would change it; 2025-03-16 is accepted."""
    r = create_app(pc, make_program(pc), {"loan_ids": [loan_of(pc)]})
    submit_through(pc, r.json()["id"], until="pending_notice")
    admin = pc.cast.client(pc.cast.city_admin)
    body = {"key": "interest_subsidy.proportion", "value": "60", "source": "长科发〔2026〕3号"}
    r = api(admin, "post", "/parameters", {**body, "effective_from": "2025-03-15"})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "params.locked"
    assert error["fields"] == {"effective_from": "生效日期须晚于 2025-03-15"}
    assert ParameterValue.objects.count() == 0
    r = api(admin, "post", "/parameters", {**body, "effective_from": "2025-03-16"})
    assert r.status_code == 201, r.content
    # old values are never edited: the same date again is refused
    r = api(admin, "post", "/parameters", {**body, "effective_from": "2025-03-16", "value": "70"})
    assert r.status_code == 409
    assert ParameterValue.objects.get().value == D("60")
    # out-of-range and unknown values are named
    r = api(admin, "post", "/parameters", {**body, "effective_from": "2026-01-01", "value": "120"})
    assert r.json()["error"]["fields"] == {"value": "百分比不能超过 100（收到 120）"}
    r = api(
        admin,
        "post",
        "/parameters",
        {**body, "key": "no.such", "effective_from": "2026-01-01", "source": ""},
    )
    assert set(r.json()["error"]["fields"]) == {"key", "source"}
    # only the city office's administrator changes parameters
    r = api(
        pc.cast.client(pc.city_reviewer),
        "post",
        "/parameters",
        {**body, "effective_from": "2026-01-01"},
    )
    assert r.status_code == 403


def test_approving_beyond_the_budget_shows_the_funds_message(pc: PolicyCast) -> None:
    small = budget_line(pc.cast, amount="5000.00", purpose="financing_subsidy")
    program = make_program(pc, budget_line_id=small)
    r = create_app(pc, program, {"loan_ids": [loan_of(pc)]})
    app_id = r.json()["id"]
    submit_through(pc, app_id, until="city_proposed")
    r = api(pc.cast.client(pc.cast.city_admin), "post", f"/applications/{app_id}/approve")
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "fund.line_exhausted"
    assert "额度不足：可用余额 5,000.00 元，本次需要 7,129.18 元" in error["message"]
    a = Application.objects.get(pk=app_id)
    assert (a.status, a.fund_commitment_id, a.approved_by) == (Status.CITY_PROPOSED, None, None)
    assert line_balance(small).committed == D("0.00")
    # the page shows the same message
    page = pc.cast.client(pc.cast.city_admin).post(
        f"/policies/applications/{app_id}/approve/", follow=True
    )
    assert "额度不足" in page.content.decode()


def test_an_objection_needs_contact_details_and_an_open_notice(pc: PolicyCast) -> None:
    r = create_app(pc, make_program(pc), {"loan_ids": [loan_of(pc)]})
    app_id = r.json()["id"]
    submit_through(pc, app_id, until="pending_notice")
    notice = api(
        pc.cast.client(pc.city_reviewer), "post", "/notices", {"application_ids": [app_id]}
    ).json()
    public = pc.cast.client(None)
    r = api(
        public,
        "post",
        f"/notices/{notice['id']}/objections",
        {"application_id": app_id, "name": "", "phone": "abc", "content": "不同意", "email": "x@"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {
        "name": "请填写姓名或单位名称",
        "phone": "请填写有效的联系电话",
        "email": "电子邮箱格式不正确",
        "content": "请具体说明异议内容和理由（至少 10 个字）",
    }
    pc.clock.set(date(2026, 6, 11))
    r = api(
        public,
        "post",
        f"/notices/{notice['id']}/objections",
        {
            "application_id": app_id,
            "name": "张三",
            "phone": "13800000000",
            "content": "公示期结束后才提出的异议内容。",
        },
    )
    assert r.status_code == 409
    assert r.json()["error"]["message"].endswith("已于 2026-06-10 结束，不再受理异议")
    from kejin.apps.policies.models import Objection

    assert Objection.objects.count() == 0
