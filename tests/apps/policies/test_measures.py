"""Every other support measure through the app (the arithmetic is the rules' and is tested
there; here: the app feeds the right facts to the right rule and keeps the trace)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kejin.apps.orgs.models import OrgKind, Role
from kejin.apps.policies.models import Application, Milestone, Status
from tests.apps.policies.conftest import PolicyCast, api, create_app, make_program, submit_through
from tests.conftest import DISTRICT, TINY_PDF, make_org, make_user


def record(client: Any, kind: str, reached_on: str, **extra: str) -> Any:
    return client.post(
        "/api/v1/policies/milestones",
        {
            "kind": kind,
            "reached_on": reached_on,
            "evidence": SimpleUploadedFile("证明.pdf", TINY_PDF),
            **extra,
        },
    )


def test_staged_listing_award_from_a_recorded_milestone(pc: PolicyCast) -> None:
    owner = pc.cast.client(pc.cast.owner)
    r = record(owner, "share_reform", "2026-03-18", note="股份有限公司设立登记")
    assert r.status_code == 201, r.content
    milestone = r.json()["id"]
    program = make_program(pc, "listing_stage")
    r = create_app(pc, program, {"milestone_id": milestone})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount"] == "200000.00"
    assert "listing.stage.share_reform = 200,000元（自 2016-01-01 起施行" in "\n".join(
        body["trace_lines"]
    )
    assert "依据：实施意见（十五）" in body["trace_lines"][0]
    submit_through(pc, body["id"], until="submitted")
    assert Application.objects.get(pk=body["id"]).milestone_id == milestone


def test_a_repeat_claim_of_one_event_is_refused_naming_the_earlier_award(pc: PolicyCast) -> None:
    """Share reform is one event on the listing (十五) and the NEEQ (十六) tracks: once claimed
    on one, a claim on the other (or a second claim on the same) is refused with the earlier
    application named; nothing is written."""
    owner = pc.cast.client(pc.cast.owner)
    reform = record(owner, "share_reform", "2026-03-18").json()["id"]
    neeq = record(owner, "neeq_share_reform", "2026-03-18").json()["id"]
    first = create_app(pc, make_program(pc, "listing_stage"), {"milestone_id": reform}).json()
    submit_through(pc, first["id"], until="pending_notice")
    number = Application.objects.get(pk=first["id"]).number
    count = Application.objects.count()
    r = create_app(pc, make_program(pc, "neeq_stage"), {"milestone_id": neeq})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "application.repeat_claim"
    assert (
        f"该事项已在申报 {number}（已审批，待公示，金额 200,000.00 元）中申报" in error["message"]
    )
    r = create_app(pc, make_program(pc, "listing_stage"), {"milestone_id": reform})
    assert r.status_code == 409
    assert Application.objects.count() == count


def test_neeq_tutoring_subsidy_and_regional_equity_quotation(pc: PolicyCast) -> None:
    owner = pc.cast.client(pc.cast.owner)
    tutoring = record(owner, "neeq_tutoring", "2026-02-01").json()["id"]
    quoted = record(owner, "regional_equity_quotation", "2026-04-01").json()["id"]
    r = create_app(pc, make_program(pc, "neeq_stage"), {"milestone_id": tutoring})
    assert r.json()["amount"] == "500000.00"  # 十六 “券商签约辅导的一次性补助50万元”
    r = create_app(pc, make_program(pc, "regional_equity"), {"milestone_id": quoted})
    assert r.json()["amount"] == "100000.00"
    # a milestone of a kind the program does not support is refused, field named
    r = create_app(pc, make_program(pc, "listing_stage"), {"milestone_id": quoted})
    assert r.status_code == 422
    assert "不是本项目支持的事项" in r.json()["error"]["fields"]["milestone_id"]


def test_local_broker_award_counts_each_local_enterprise_once(pc: PolicyCast) -> None:
    """A broker of the province brings two local enterprises and one from another city to NEEQ
    quotation: 200,000 + 200,000 + 0 = 400,000.00."""
    cast = pc.cast
    broker = make_org(OrgKind.BROKER, "东北证券股份有限公司", DISTRICT)
    broker_user = make_user(broker, "broker_admin", Role.ADMIN)
    outside = make_org(OrgKind.ENTERPRISE, "吉林市江城科技有限公司", "220202")
    client = cast.client(broker_user)
    ids = []
    for org in (cast.enterprise, cast.far_enterprise, outside):
        r = record(client, "neeq_quotation", "2026-04-20", enterprise_uscc=org.uscc)
        assert r.status_code == 201, r.content
        ids.append(r.json()["id"])
    program = make_program(pc, "local_broker")
    r = create_app(pc, program, {"milestone_ids": ids}, user=broker_user)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount"] == "400000.00"
    assert f"企业 {outside.uscc} 不是本地企业" in "\n".join(body["trace_lines"])
    # an enterprise cannot record a quotation (the broker does)
    r = record(cast.client(cast.owner), "neeq_quotation", "2026-04-20")
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["kind"] == "新三板挂牌由辅导券商登记"


def test_mna_intermediary_fees(pc: PolicyCast) -> None:
    """600,000.00 + 350,000.01 + 45,000.00 = 995,000.01; × 50% = 497,500.005 → 497,500.01."""
    program = make_program(pc, "mna_fees")
    r = create_app(
        pc,
        program,
        {
            "deal_id": "收购长春精密光学有限公司",
            "completed_on": "2026-03-31",
            "fees": (
                "财务顾问,东北证券,600000.00\n"
                "法律,吉林大成律师事务所,350000.01\n"
                "审计,中审众环,45000.00"
            ),
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "497500.01"
    assert r.json()["inputs"]["fees"][1] == {
        "kind": "法律",
        "payee": "吉林大成律师事务所",
        "amount": "350000.01",
    }


def test_bond_interest_subsidy(pc: PolicyCast) -> None:
    """private placement 1,234,567.89 × 30% = 370,370.37; collective notes 100,000.05 × 30% =
    30,000.02; a medium-term note is not covered: 0. Total 400,370.39."""
    program = make_program(pc, "bond_interest")
    r = create_app(
        pc,
        program,
        {
            "coupons": [
                ["SMEPP-01", "中小企业私募债", "2026-03-01", "1234567.89"],
                ["JH-02", "区域集优集合票据", "2026-03-15", "100000.05"],
                ["MTN-03", "中期票据", "2026-04-01", "500000.00"],
            ]
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "400370.39"
    assert r.json()["year_amounts"] == {"2026": "400370.39"}


def test_grants_maker_space_competition_talent(pc: PolicyCast) -> None:
    cast = pc.cast
    operator = make_org(OrgKind.MAKER_SPACE_OPERATOR, "北湖众创空间运营有限公司", DISTRICT)
    op_user = make_user(operator, "maker_admin", Role.ADMIN)
    r = create_app(
        pc,
        make_program(pc, "maker_space"),
        {"space_name": "北湖创客空间", "recognised_on": "2026-02-10"},
        user=op_user,
    )
    assert r.json()["amount"] == "300000.00"
    r = create_app(
        pc,
        make_program(pc, "competition"),
        {"competition": "第十届创新创业大赛", "tier": "二等奖", "awarded_on": "2026-05-20"},
    )
    assert r.json()["amount"] == "300000.00"
    assert r.json()["inputs"]["tier"] == "second"
    r = create_app(
        pc,
        make_program(pc, "talent"),
        {
            "person_name": "赵明",
            "certificate_no": "JLJR-2023-0158",
            "year": 2025,
            "recognised_from": "2023-11-15",
            "recognised_until": "2026-11-14",
        },
        user=cast.bank_admin,
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "100000.00"


def test_a_park_award_is_applied_for_by_the_district_and_goes_to_the_city(pc: PolicyCast) -> None:
    cast = pc.cast
    program = make_program(pc, "park")
    district = cast.client(cast.district_admin)
    r = api(
        district,
        "post",
        "/applications",
        {
            "program_id": program.pk,
            "inputs": {"park_name": "朝阳科技金融产业园", "recognised_on": "2026-01-20"},
            "payee_bank": "国家金库长春市朝阳区支库",
            "payee_account": "220104000001",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "1000000.00"
    r = api(district, "post", f"/applications/{r.json()['id']}/submit")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == Status.CITY_REVIEW  # never reviewed by itself
    # an enterprise cannot apply for a park award
    r = create_app(pc, program, {"park_name": "某园区", "recognised_on": "2026-01-20"})
    assert r.status_code == 403
    assert "申报主体为区科技局" in r.json()["error"]["message"]


def test_milestones_are_scoped(pc: PolicyCast) -> None:
    cast = pc.cast
    record(cast.client(cast.owner), "share_reform", "2026-03-18")
    assert api(cast.client(cast.stranger_admin), "get", "/milestones").json()["count"] == 0
    assert api(cast.client(cast.district_admin), "get", "/milestones").json()["count"] == 1
    assert api(cast.client(cast.other_district_admin), "get", "/milestones").json()["count"] == 0
    r = record(cast.client(cast.owner), "share_reform", "2026-03-19")
    assert r.status_code == 409
    assert Milestone.objects.count() == 1
