"""HNTE: certificates expiring within 90 days are flagged for the enterprise, its district office
and the city; the pre-check shows each quantitative criterion with the data used."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kejin.apps.enterprises.selectors import hnte_valid
from kejin.rules.hnte import add_years
from tests.apps.enterprises.conftest import assert_envelope, post_json
from tests.conftest import Cast


def expiring_in(days: int) -> dict[str, date]:
    """Certificate dates that make it expire ``days`` days from today."""
    expiry = timezone.localdate() + timedelta(days=days)
    return {"issue": add_years(expiry, -3), "expiry": expiry}


def expiring_names(cast: Cast, user: Any, query: str = "") -> set[str]:
    response = cast.client(user).get(f"/api/v1/enterprises/hnte-certificates/expiring{query}")
    assert response.status_code == 200, response.content
    return {c["enterprise_name"] for c in response.json()["items"]}


def test_expiring_lists_for_the_enterprise_its_district_and_the_city(
    cast: Cast, add_certificate: Any
) -> None:
    # 90 days from today is still "within 90 days", 91 is not; an expired one is not "expiring"
    add_certificate(cast.enterprise, **expiring_in(90))
    add_certificate(cast.stranger, **expiring_in(91))
    add_certificate(cast.far_enterprise, **expiring_in(5))
    add_certificate(cast.stranger, **expiring_in(-1))
    assert expiring_names(cast, cast.owner) == {cast.enterprise.name}
    assert expiring_names(cast, cast.stranger_admin) == set()
    assert expiring_names(cast, cast.district_admin) == {cast.enterprise.name}
    assert expiring_names(cast, cast.other_district_admin) == {cast.far_enterprise.name}
    assert expiring_names(cast, cast.city_admin) == {cast.enterprise.name, cast.far_enterprise.name}
    assert expiring_names(cast, cast.city_admin, "?days=91") == {
        cast.enterprise.name,
        cast.stranger.name,
        cast.far_enterprise.name,
    }
    assert (
        cast.client(cast.bank_admin)
        .get("/api/v1/enterprises/hnte-certificates/expiring")
        .status_code
        == 403
    )


def test_the_expiring_page_for_the_city_filters_by_district_and_exports(
    cast: Cast, add_certificate: Any
) -> None:
    add_certificate(cast.enterprise, **expiring_in(30))
    add_certificate(cast.far_enterprise, **expiring_in(3))
    client = cast.client(cast.city_admin)
    page = client.get("/enterprises/hnte/expiring/?district_code=220102").content.decode()
    assert cast.far_enterprise.name in page
    assert cast.enterprise.name not in page
    export = client.get("/enterprises/hnte/expiring/?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_enterprise_sees_its_certificate_flagged_on_its_pages(
    cast: Cast, add_certificate: Any
) -> None:
    cert = add_certificate(cast.enterprise, **expiring_in(12))
    client = cast.client(cast.owner)
    hnte_page = client.get(f"/enterprises/{cast.enterprise.pk}/hnte/").content.decode()
    assert cert.number in hnte_page
    assert "12 天后到期" in hnte_page
    overview = client.get(f"/enterprises/{cast.enterprise.pk}/").content.decode()
    assert "请及时办理重新认定" in overview
    mine = client.get("/enterprises/mine/hnte/")
    assert mine["Location"] == f"/enterprises/{cast.enterprise.pk}/hnte/"


def test_hnte_valid_counts_the_issue_and_expiry_days_and_a_revocation(
    cast: Cast, add_certificate: Any
) -> None:
    add_certificate(cast.enterprise, issue=date(2023, 6, 1))  # expires 2026-06-01
    add_certificate(cast.stranger, issue=date(2024, 1, 1), revoked_on=date(2025, 7, 1))
    ids = [cast.enterprise.pk, cast.stranger.pk, cast.far_enterprise.pk]
    on = hnte_valid(ids, date(2026, 6, 1))
    assert on == {cast.enterprise.pk: True, cast.stranger.pk: False, cast.far_enterprise.pk: False}
    assert hnte_valid(ids, date(2026, 6, 2))[cast.enterprise.pk] is False
    assert hnte_valid(ids, date(2025, 6, 30))[cast.stranger.pk] is True


# --- pre-check: the worked example of docs/rules/hnte.md (every ratio on its threshold) -------


def precheck_data(cast: Cast, file_year: Any, profile: Any) -> None:
    profile(cast.enterprise, established_date=date(2018, 3, 1))
    for year, revenue, rd, domestic in (
        (2022, "30000000", "1500000", "900000"),
        (2023, "40000000", "2000000", "1200000"),
        (2024, "48000000", "2400000", "1440000"),
    ):
        file_year(
            cast.enterprise,
            year=year,
            employees=100,
            tech_staff=10,
            revenue=Decimal(revenue),
            rd_expense=Decimal(rd),
            rd_expense_domestic=Decimal(domestic),
            total_income=Decimal("50000000"),
            hightech_revenue=Decimal("30000000"),
        )


ANSWERS = {
    "innovation_ip": 30,
    "innovation_transformation": 20,
    "innovation_rd_management": 12,
    "innovation_growth": 9,
    "reference_date": "2025-06-30",
}


def test_the_precheck_api_passes_every_criterion_on_its_threshold(
    cast: Cast, file_year: Any, profile: Any
) -> None:
    precheck_data(cast, file_year, profile)
    response = post_json(
        cast.client(cast.owner), f"/api/v1/enterprises/{cast.enterprise.pk}/hnte-precheck", ANSWERS
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["years"] == [2022, 2023, 2024]
    by_key = {c["key"]: c for c in body["criteria"]}
    # R&D 5,900,000 ÷ revenue 118,000,000 = 5.00 % ≥ 5 % (latest revenue 48,000,000 ≤ 50 million)
    assert by_key["rd_intensity"]["passed"] is True
    assert "= 5.00% ≥ 5%" in by_key["rd_intensity"]["detail"]
    assert "= 60.00% ≥ 60%" in by_key["domestic_rd"]["detail"]
    assert by_key["tech_staff"]["passed"] is True
    assert by_key["innovation_score"]["detail"] == (
        "知识产权 30 + 科技成果转化能力 20 + 研究开发组织管理水平 12 + 企业成长性 9 = 71 分（≥ 71）"
    )
    assert by_key["core_ip"]["passed"] is None  # not checked
    assert body["passed"] is True
    assert body["complete"] is False


def test_the_precheck_page_shows_each_criterion_and_a_failing_one(
    cast: Cast, file_year: Any, profile: Any
) -> None:
    precheck_data(cast, file_year, profile)
    query = {**ANSWERS, "innovation_growth": 8, "owns_core_ip": "yes"}
    page = cast.client(cast.district_admin).get(
        f"/enterprises/{cast.enterprise.pk}/hnte/precheck/", query
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="criteria"' in text
    assert "= 70 分（&lt; 71）" in text or "= 70 分（< 71）" in text
    assert "✗ 不符合" in text
    assert "境内研发费用占研发费用总额比例不低于60%" in text


def test_the_precheck_names_what_is_missing(cast: Cast, file_year: Any) -> None:
    url = f"/api/v1/enterprises/{cast.enterprise.pk}/hnte-precheck"
    error = assert_envelope(post_json(cast.client(cast.owner), url, ANSWERS), 422)
    assert "成立日期" in error["message"]


def test_an_innovation_part_above_its_cap_is_refused(
    cast: Cast, file_year: Any, profile: Any
) -> None:
    precheck_data(cast, file_year, profile)
    url = f"/api/v1/enterprises/{cast.enterprise.pk}/hnte-precheck"
    response = post_json(cast.client(cast.owner), url, {**ANSWERS, "innovation_ip": 31})
    error = assert_envelope(response, 422, "hnte.over_cap")
    assert "innovation_ip" in error["fields"]
