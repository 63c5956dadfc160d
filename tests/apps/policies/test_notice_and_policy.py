"""The notice period in working days (holidays and adjusted weekends, the parameter in force on
the opening day), and the policy text split into its clauses with versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.apps.policies.models import Clause, Policy, PolicyStatus
from kejin.apps.policies.services.notice import notice_period
from kejin.apps.policies.services.programs import chinese_number, parse_policy
from kejin.rules.calendar import PACKAGE_CALENDAR
from kejin.rules.errors import DomainError
from tests.apps.policies.conftest import (
    SEED,
    PolicyCast,
    api,
    create_app,
    make_program,
    submit_through,
)


def test_a_notice_over_national_day_counts_working_days_only(pc: PolicyCast) -> None:
    """Opening Tuesday 2026-09-29, 7 working days: 30 Sep; (1–7 Oct holiday) 8, 9, 10 (Saturday
    worked in lieu), 12, 13, 14 Oct. With the city's 10 working days from 2026-09-01: 15, 16, 19
    Oct."""
    assert notice_period(date(2026, 9, 29)) == (7, date(2026, 10, 14))
    r = api(
        pc.cast.client(pc.cast.city_admin),
        "post",
        "/parameters",
        {
            "key": "public_notice.working_days",
            "effective_from": "2026-09-01",
            "value": "10",
            "source": "长科发〔2026〕9号",
        },
    )
    assert r.status_code == 201, r.content
    assert notice_period(date(2026, 9, 29)) == (10, date(2026, 10, 19))
    assert notice_period(date(2026, 8, 31))[0] == 7


def test_a_notice_opens_on_the_chosen_day_not_before_today(pc: PolicyCast) -> None:
    program = make_program(pc, "maker_space", applicant_kinds=["enterprise"])
    app_id = create_app(
        pc, program, {"space_name": "甲空间", "recognised_on": "2026-03-01"}
    ).json()["id"]
    submit_through(pc, app_id, until="pending_notice")
    city = pc.cast.client(pc.city_reviewer)
    r = api(city, "post", "/notices", {"application_ids": [app_id], "opens_on": "2026-05-29"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"opens_on": "不能早于今天"}
    r = api(city, "post", "/notices", {"application_ids": [app_id], "opens_on": "2026-09-29"})
    assert r.status_code == 201
    assert r.json()["closes_on"] == "2026-10-14"
    # an award can be in one notice only
    r = api(city, "post", "/notices", {"application_ids": [app_id]})
    assert r.status_code == 409


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(min_value=0, max_value=700))
def test_the_notice_ends_on_a_working_day_n_working_days_later(pc: PolicyCast, offset: int) -> None:
    opens = date(2025, 1, 1) + timedelta(days=offset)
    days, closes = notice_period(opens)
    assert PACKAGE_CALENDAR.is_working_day(closes)
    assert PACKAGE_CALENDAR.working_days_between(opens, closes) == days == 7


def test_the_seed_policy_is_split_into_its_clauses(pc: PolicyCast) -> None:
    """The source text jumps from（二）to the end of（十一）: the policy has clauses 一, 二 and
    十二 … 二十九, in order, each with its heading and text."""
    numbers = list(Clause.objects.filter(policy=pc.policy).values_list("number", flat=True))
    assert numbers[:3] == ["一", "二", "十二"]
    assert numbers[-1] == "二十九"
    assert len(numbers) == 20
    c13 = Clause.objects.get(policy=pc.policy, number="十三")
    assert c13.heading == "努力降低科技中小型企业信贷融资成本"
    assert "每家企业每年最高贴息100万元" in c13.text
    assert Clause.objects.get(policy=pc.policy, number="十五").section.startswith("四、")
    assert pc.policy.title == "关于促进科技、金融与产业融合发展的实施意见"
    assert [chinese_number(n) for n in ("九", "十", "十三", "二十", "二十九")] == [
        9,
        10,
        13,
        20,
        29,
    ]


def test_a_new_version_supersedes_the_old_one_which_stays_readable(pc: PolicyCast) -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "每家企业每年最高贴息100万元", "每家企业每年最高贴息150万元"
    )
    admin = pc.cast.client(pc.cast.city_admin)
    r = api(
        admin,
        "post",
        "/policies",
        {
            "code": "kjjr",
            "text": text,
            "effective_from": "2026-07-01",
            "change_note": "贴息上限调整为150万元",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["version"] == 2
    old = Policy.objects.get(pk=pc.policy.pk)
    assert old.status == PolicyStatus.SUPERSEDED
    public = pc.cast.client(None)
    assert [p["version"] for p in api(public, "get", "/policies").json()] == [2]
    assert "100万元" in api(public, "get", f"/policies/{old.pk}").json()["clauses"][3]["text"]
    page = public.get(f"/policies/policy/{r.json()['id']}/").content.decode()
    assert "第1版" in page
    assert "第2版" in page
    r = api(
        admin,
        "post",
        "/policies",
        {"code": "kjjr", "text": "标题\n正文没有条款", "effective_from": "2026-07-01"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"text": "未识别到条款"}
    assert (
        api(
            pc.cast.client(pc.cast.owner),
            "post",
            "/policies",
            {"code": "x1", "text": text, "effective_from": "2026-07-01"},
        ).status_code
        == 403
    )


def test_parse_refuses_a_clause_given_twice() -> None:
    parsed = parse_policy("标题\n序言\n（一）甲\n正文\n（二）乙\n正文")
    assert [c.number for c in parsed.clauses] == ["一", "二"]
    with pytest.raises(DomainError, match="条款（一）出现了两次"):
        parse_policy("标题\n（一）甲\n（一）乙")
