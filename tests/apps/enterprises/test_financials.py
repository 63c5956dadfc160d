"""The enterprise keeps its profile and yearly filings: through the API and the pages, every
change audited, every bad value refused with a Chinese message naming the field, nothing written."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kejin.apps.enterprises.models import EnterpriseProfile, FinancialYear
from kejin.platform.audit.models import AuditEntry
from tests.apps.enterprises.conftest import BASE_FILING, assert_envelope, put_json
from tests.conftest import Cast


def year_url(cast: Cast, year: int = 2025) -> str:
    return f"/api/v1/enterprises/{cast.enterprise.pk}/years/{year}"


def form_data(**changes: Any) -> dict[str, Any]:
    """The year form as a person fills it in (declarations answered 是/否)."""
    data = {k: v for k, v in BASE_FILING.items() if not isinstance(v, bool)}
    data |= {k: "yes" if v else "no" for k, v in BASE_FILING.items() if isinstance(v, bool)}
    data["year"] = 2025
    return {**data, **changes}


def test_the_owner_files_a_year_then_refiles_it_and_both_are_audited(cast: Cast) -> None:
    client = cast.client(cast.owner)
    created = put_json(client, year_url(cast), BASE_FILING)
    assert created.status_code == 201, created.content
    assert created.json()["locked"] is False
    changed = put_json(client, year_url(cast), {**BASE_FILING, "revenue": "12000000.50"})
    assert changed.status_code == 200
    row = FinancialYear.objects.get(enterprise=cast.enterprise, year=2025)
    assert row.revenue == Decimal("12000000.50")
    assert row.resident_in_mainland is True
    entries = AuditEntry.objects.filter(content_type__model="financialyear", object_pk=row.pk)
    assert entries.count() == 2
    update = entries.order_by("timestamp").last()
    assert update.actor == cast.owner
    assert update.actor_organisation == cast.enterprise
    assert update.organisation_id_of_object == cast.enterprise.pk
    assert update.district_code == "220104"
    assert update.changes_dict["revenue"] == ["10000000.00", "12000000.50"]


def test_a_loss_is_a_negative_net_profit_and_is_accepted(cast: Cast) -> None:
    response = put_json(
        cast.client(cast.owner), year_url(cast), {**BASE_FILING, "net_profit": "-35000.00"}
    )
    assert response.status_code == 201
    assert FinancialYear.objects.get().net_profit == Decimal("-35000.00")


@pytest.mark.parametrize(
    ("changes", "code", "field", "words"),
    [
        ({"revenue": "-1.00"}, "enterprise.negative_amount", "revenue", "销售收入不能为负数"),
        ({"tax_paid": "-0.01"}, "enterprise.negative_amount", "tax_paid", "纳税总额不能为负数"),
        (
            {"rd_expense": "100.001"},
            "enterprise.amount_precision",
            "rd_expense",
            "最多保留两位小数",
        ),
        (
            {"tech_staff": 101},
            "enterprise.inconsistent",
            "tech_staff",
            "科技人员数不能超过职工总数",
        ),
        (
            {"rd_expense_domestic": "600000.01"},
            "enterprise.inconsistent",
            "rd_expense_domestic",
            "境内研发费用不能超过研发费用",
        ),
        ({"employees": -3}, "enterprise.negative_amount", "employees", "职工总数不能小于 0"),
        ({"total_assets": "1e15"}, "enterprise.amount_too_large", "total_assets", "超过上限"),
    ],
)
def test_bad_values_are_refused_naming_the_field_and_nothing_is_written(
    cast: Cast, changes: dict[str, Any], code: str, field: str, words: str
) -> None:
    response = put_json(cast.client(cast.owner), year_url(cast), {**BASE_FILING, **changes})
    error = assert_envelope(response, 422, code)
    assert words in error["fields"][field]
    assert FinancialYear.objects.count() == 0
    assert AuditEntry.objects.filter(content_type__model="financialyear").count() == 0


def test_every_bad_field_is_reported_at_once(cast: Cast) -> None:
    bad = {**BASE_FILING, "revenue": "-5", "tax_paid": "-1", "tech_staff": 500}
    response = put_json(cast.client(cast.owner), year_url(cast), bad)
    error = assert_envelope(response, 422, "enterprise.invalid")
    assert set(error["fields"]) == {"revenue", "tax_paid", "tech_staff"}


def test_a_value_that_is_not_a_number_is_refused_by_the_schema_naming_the_field(cast: Cast) -> None:
    bad = {**BASE_FILING, "total_assets": "abc"}
    response = put_json(cast.client(cast.owner), year_url(cast), bad)
    error = assert_envelope(response, 422, "request.invalid")
    assert "total_assets" in error["fields"]
    assert FinancialYear.objects.count() == 0


@pytest.mark.parametrize("year", [1999, 2027, 2100])
def test_a_year_outside_2000_to_this_year_is_refused(cast: Cast, year: int) -> None:
    response = put_json(cast.client(cast.owner), year_url(cast, year), BASE_FILING)
    error = assert_envelope(response, 422, "enterprise.year_invalid")
    assert str(year) in error["fields"]["year"]
    assert FinancialYear.objects.count() == 0


def test_the_year_form_files_a_year_and_lists_it(cast: Cast) -> None:
    client = cast.client(cast.owner)
    url = f"/enterprises/{cast.enterprise.pk}/years/"
    response = client.post(url, form_data(revenue="10,000,000.00"))
    assert response.status_code == 302
    row = FinancialYear.objects.get()
    assert row.revenue == Decimal("10000000.00")
    assert row.on_serious_dishonesty_list is False
    listing = client.get(url).content.decode()
    assert "10,000,000.00" in listing
    assert "可修改" in listing


def test_the_year_form_shows_the_error_beside_the_field_and_writes_nothing(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        f"/enterprises/{cast.enterprise.pk}/years/", form_data(rd_expense="-600000")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_rd_expense_error"' in page
    assert "研发费用不能为负数" in page
    assert FinancialYear.objects.count() == 0


def test_the_year_form_requires_every_declaration(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        f"/enterprises/{cast.enterprise.pk}/years/", form_data(had_serious_incident="")
    )
    assert response.status_code == 200
    assert 'id="id_had_serious_incident_error"' in response.content.decode()
    assert FinancialYear.objects.count() == 0


def test_an_unlocked_year_is_edited_on_its_page(cast: Cast, file_year: Any) -> None:
    file_year(cast.enterprise)
    url = f"/enterprises/{cast.enterprise.pk}/years/2025/"
    data = form_data(employees=120)
    data.pop("year")
    response = cast.client(cast.owner).post(url, data)
    assert response.status_code == 302
    assert FinancialYear.objects.get().employees == 120


def test_the_years_export_as_xlsx(cast: Cast, file_year: Any) -> None:
    file_year(cast.enterprise, year=2024)
    file_year(cast.enterprise, year=2025)
    response = cast.client(cast.district_admin).get(
        f"/enterprises/{cast.enterprise.pk}/years/?export=xlsx"
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("年度", "职工总数", "科技人员数")
    assert [r[0] for r in rows[1:]] == [2025, 2024]
    assert rows[1][3] == Decimal("10000000.00") or rows[1][3] == 10000000


def test_the_profile_is_saved_and_the_legal_representative_goes_to_the_organisation(
    cast: Cast,
) -> None:
    response = put_json(
        cast.client(cast.owner),
        f"/api/v1/enterprises/{cast.enterprise.pk}/profile",
        {
            "legal_representative": "王建国",
            "established_date": "2016-04-18",
            "registered_capital": "5000000.00",
            "industry": "高端装备制造",
            "main_products": "工业视觉检测设备",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["industry"] == "high_end_equipment"
    assert body["industry_label"] == "高端装备制造"
    assert body["legal_representative"] == "王建国"
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.legal_representative == "王建国"
    profile = EnterpriseProfile.objects.get(enterprise=cast.enterprise)
    assert profile.registered_capital == Decimal("5000000.00")
    assert AuditEntry.objects.filter(content_type__model="enterpriseprofile").count() == 1


def test_an_officer_changing_the_legal_representative_is_refused_and_nothing_is_saved(
    cast: Cast,
) -> None:
    response = put_json(
        cast.client(cast.colleague),
        f"/api/v1/enterprises/{cast.enterprise.pk}/profile",
        {"legal_representative": "李明", "main_products": "光学镜头"},
    )
    error = assert_envelope(response, 403, "permission_denied")
    assert "管理员" in error["message"]
    assert EnterpriseProfile.objects.count() == 0


def test_an_unknown_industry_and_a_future_establishment_are_refused(cast: Cast) -> None:
    response = put_json(
        cast.client(cast.owner),
        f"/api/v1/enterprises/{cast.enterprise.pk}/profile",
        {"industry": "房地产", "established_date": "2099-01-01"},
    )
    error = assert_envelope(response, 422)
    assert "可选" in error["fields"]["industry"]
    assert "不能晚于今天" in error["fields"]["established_date"]
    assert EnterpriseProfile.objects.count() == 0


def test_the_profile_page_saves_and_shows_the_profile(cast: Cast) -> None:
    url = f"/enterprises/{cast.enterprise.pk}/profile/"
    data = {
        "legal_representative": "李明",
        "established_date": "2012-09-01",
        "registered_capital": "3,000,000",
        "industry": "new_materials",
        "main_products": "碳纤维复合材料",
    }
    # an officer edits the profile; the legal representative is the admin's (field disabled)
    officer = cast.client(cast.colleague).post(url, data)
    assert officer.status_code == 302
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.legal_representative == ""
    assert EnterpriseProfile.objects.get().industry == "new_materials"
    client = cast.client(cast.owner)
    assert client.post(url, data).status_code == 302
    page = client.get(f"/enterprises/{cast.enterprise.pk}/").content.decode()
    assert "3,000,000.00" in page
    assert "新材料" in page
    assert "李明" in page


def test_the_admin_reads_the_history_of_the_enterprise_data(cast: Cast) -> None:
    client = cast.client(cast.owner)
    put_json(client, year_url(cast), BASE_FILING)
    put_json(client, year_url(cast), {**BASE_FILING, "employees": 105})
    page = client.get(f"/enterprises/{cast.enterprise.pk}/history/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "年度数据" in text
    assert "employees" in text
    assert "100 → 105" in text
    assert (
        cast.client(cast.colleague).get(f"/enterprises/{cast.enterprise.pk}/history/").status_code
        == 403
    )
