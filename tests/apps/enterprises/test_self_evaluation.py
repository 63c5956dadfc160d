"""An enterprise evaluates itself for a year and sees why it passes or fails: each eligibility
condition with the data used, the three scores with their bands, the direct routes, what would
change the result. End to end through the API and the pages, checking the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from kejin.apps.enterprises.models import SelfEvaluation
from tests.apps.enterprises.conftest import REFERENCE, assert_envelope, post_json
from tests.conftest import Cast


def api_self_evaluate(cast: Cast, user: Any = None, **data: Any) -> Any:
    body = {"year": 2025, "reference_date": REFERENCE.isoformat(), **data}
    client = cast.client(user or cast.owner)
    return post_json(client, f"/api/v1/enterprises/{cast.enterprise.pk}/self-evaluations", body)


def test_worked_example_a_passes_by_score_through_the_api(cast: Cast, worked_example: Any) -> None:
    response = api_self_evaluate(cast)
    assert response.status_code == 201, response.content
    body = response.json()
    o = body["outcome"]
    # tech staff 30 ÷ 100 = 30 % (bound included) → 20
    assert o["tech_staff"]["points"] == 20
    assert o["tech_staff"]["band"] == "≥30%"
    # R&D A: 600,000 ÷ 10,000,000 = 6 % → 50; B: 600,000 ÷ 9,000,000 = 6.66… % → 0
    assert (o["rd_revenue"]["points"], o["rd_cost"]["points"], o["rd_points"]) == (50, 0, 50)
    assert o["rd_cost"]["ratio_shown"] == "6.66%"  # cut, not rounded
    # IP: 4 class II items → 24; total 20 + 50 + 24 = 94 ≥ 60 with a tech score ≠ 0
    assert o["ip"]["points"] == 24
    assert o["total_score"] == 94
    assert o["passes_score"] is True
    assert o["qualified"] is True
    assert all(c["passed"] for c in o["conditions"])
    assert "总分 = 20 + 50 + 24 = 94 分" in o["trace"]
    assert o["what_would_change"] == []
    record = SelfEvaluation.objects.get(pk=body["id"])
    assert record.enterprise_id == cast.enterprise.pk
    assert record.created_by == cast.owner
    assert (record.total_score, record.qualified, record.year) == (94, True, 2025)
    assert record.facts["revenue"] == "10000000.00"
    assert record.facts["ip_class_ii"] == 4


def test_worked_example_c_fails_and_the_page_says_what_would_change(
    cast: Cast, file_year: Any, add_ip: Any
) -> None:
    file_year(cast.enterprise, tech_staff=25, rd_expense=Decimal("480000.00"))
    add_ip(cast.enterprise, "utility_model")
    client = cast.client(cast.colleague)  # an officer may evaluate too
    url = f"/enterprises/{cast.enterprise.pk}/self-evaluation/"
    response = client.post(url, {"year": 2025, "reference_date": "2026-03-20"})
    record = SelfEvaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url}{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    # 16 (25 %) + 30 (A: 4.80 %) + 6 (one class II) = 52 < 60
    assert record.total_score == 52
    assert not record.qualified
    assert "评分未通过" in page
    assert "总分 = 16 + 30 + 6 = 52 分" in page
    assert "研发费用 480,000.00 元 ÷ 销售收入 10,000,000.00 元 = 4.80%" in page
    # the hints of docs/rules/tech-sme-evaluation.md, example C
    assert "达到 5%（研发费用 ≥ 500,000.00 元，即增加 20,000.00 元）" in page
    assert "即增加 2,360,000.00 元，假设新增研发费用同时计入成本费用总额" in page
    assert "总分 52 分，距通过线 60 分还差 8 分" in page


def test_expired_disputed_and_unrelated_ip_and_trademarks_are_not_counted_and_say_why(
    cast: Cast, worked_example: Any, add_ip: Any
) -> None:
    add_ip(cast.enterprise, "invention_patent", expiry_date=date(2026, 3, 19))  # a day too early
    add_ip(cast.enterprise, "invention_patent", disputed=True)
    add_ip(cast.enterprise, "invention_patent", related_to_main_products=False)
    add_ip(cast.enterprise, "trademark")
    add_ip(cast.enterprise, "invention_patent", grant_date=date(2026, 3, 21))  # after the date
    body = api_self_evaluate(cast).json()
    assert body["outcome"]["ip"]["points"] == 24  # still the four class II items only
    reasons = {s["number"]: s["reason"] for s in body["outcome"]["evidence"]["ip"]}
    assert len(reasons) == 9
    texts = "\n".join(reasons.values())
    assert "不计入：已于 2026-03-19 到期（参照日 2026-03-20），不再有效" in texts
    assert "不计入：存在权属纠纷" in texts
    assert "不计入：与主营产品（服务）无关" in texts
    assert "商标不属于Ⅰ类或Ⅱ类知识产权，不计入评价" in texts
    assert "授权日期 2026-03-21 晚于参照日 2026-03-20" in texts
    page = cast.client(cast.owner).get(
        f"/enterprises/{cast.enterprise.pk}/self-evaluation/{body['id']}/"
    )
    assert "已于 2026-03-19 到期" in page.content.decode()


def test_an_ip_expiring_on_the_reference_date_still_counts(
    cast: Cast, file_year: Any, add_ip: Any
) -> None:
    file_year(cast.enterprise)
    add_ip(cast.enterprise, "invention_patent", expiry_date=REFERENCE)
    o = api_self_evaluate(cast).json()["outcome"]
    assert o["ip"]["points"] == 30  # one class I item, valid through its expiry date


def test_zero_revenue_and_zero_employees_are_shown_as_not_computable(
    cast: Cast, file_year: Any
) -> None:
    file_year(cast.enterprise, employees=0, tech_staff=0, revenue=Decimal("0.00"))
    response = api_self_evaluate(cast)
    assert response.status_code == 201
    o = response.json()["outcome"]
    assert o["tech_staff"]["band"] == "无法计算"
    assert o["tech_staff"]["ratio_percent"] is None
    assert o["rd_revenue"]["band"] == "无法计算"
    assert "分母为0" in o["rd_revenue"]["detail"]
    assert o["qualified"] is False
    page = cast.client(cast.owner).get(
        f"/enterprises/{cast.enterprise.pk}/self-evaluation/{response.json()['id']}/"
    )
    assert "无法计算" in page.content.decode()


def test_a_valid_hnte_certificate_qualifies_directly_with_any_score(
    cast: Cast, file_year: Any, add_certificate: Any
) -> None:
    file_year(cast.enterprise, tech_staff=0, rd_expense=Decimal("0.00"))
    add_certificate(cast.enterprise, issue=date(2023, 3, 20))  # valid through 2026-03-20
    o = api_self_evaluate(cast).json()["outcome"]
    assert o["total_score"] == 0
    assert o["direct_qualification"] is True
    assert o["qualified"] is True
    hnte = next(r for r in o["routes"] if r["key"] == "hnte")
    assert "2023-03-20 至 2026-03-20" in hnte["detail"]


def test_an_ineligible_enterprise_is_told_which_condition_fails(
    cast: Cast, worked_example: Any
) -> None:
    worked_example.on_serious_dishonesty_list = True
    worked_example.save()
    o = api_self_evaluate(cast).json()["outcome"]
    assert o["eligible"] is False
    assert o["qualified"] is False
    failed = [c["key"] for c in o["conditions"] if not c["passed"]]
    assert failed == ["not_listed"]
    assert any("分数无法弥补" in h for h in o["what_would_change"])


def test_a_year_not_filed_is_refused_naming_the_year_and_nothing_is_written(
    cast: Cast,
) -> None:
    error = assert_envelope(api_self_evaluate(cast), 422, "enterprise.year_missing")
    assert "2025" in error["fields"]["year"]
    assert SelfEvaluation.objects.count() == 0


def test_unanswered_declarations_are_refused_naming_each_one(cast: Cast, file_year: Any) -> None:
    file_year(cast.enterprise, on_abnormal_operations_list=None, had_serious_incident=None)
    error = assert_envelope(api_self_evaluate(cast), 422, "enterprise.declaration_missing")
    assert set(error["fields"]) == {"on_abnormal_operations_list", "had_serious_incident"}
    assert "列入经营异常名录" in error["message"]
    assert SelfEvaluation.objects.count() == 0


def test_the_page_shows_the_missing_year_beside_the_field(cast: Cast, file_year: Any) -> None:
    file_year(cast.enterprise, year=2024)
    url = f"/enterprises/{cast.enterprise.pk}/self-evaluation/"
    response = cast.client(cast.owner).post(url, {"year": 2025, "reference_date": "2026-03-20"})
    assert response.status_code == 200
    assert SelfEvaluation.objects.count() == 0  # 2025 is not among the filed years to choose


def test_a_viewer_reads_the_evaluations_but_cannot_run_one(
    cast: Cast, worked_example: Any, viewer: Any
) -> None:
    api_self_evaluate(cast)
    assert_envelope(api_self_evaluate(cast, viewer), 403, "permission_denied")
    assert SelfEvaluation.objects.count() == 1
    listed = cast.client(viewer).get(f"/api/v1/enterprises/{cast.enterprise.pk}/self-evaluations")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1


def test_the_district_office_reads_but_does_not_evaluate_for_the_enterprise(
    cast: Cast, worked_example: Any
) -> None:
    record = SelfEvaluation.objects.get(pk=api_self_evaluate(cast).json()["id"])
    assert_envelope(api_self_evaluate(cast, cast.district_admin), 403, "permission_denied")
    url = f"/enterprises/{cast.enterprise.pk}/self-evaluation/{record.pk}/"
    page = cast.client(cast.district_admin).get(url)
    assert page.status_code == 200
    assert "总分" in page.content.decode()
