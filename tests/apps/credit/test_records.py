"""Shared credit data: filing by data providers and the city office (one, bulk, spreadsheet — all
or nothing), and the repayment events the loans context records."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kejin.apps.credit.models import CreditRecord
from kejin.apps.credit.services.records import credit_repayment_event_record
from kejin.apps.orgs.models import Organisation, User
from kejin.rules.errors import DomainError
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _tax(cast: Cast, **kw: object) -> dict[str, object]:
    return {
        "kind": "tax_grade",
        "uscc": cast.enterprise.uscc,
        "record_date": "2025-04-30",
        "year": 2024,
        "grade": "B",
        **kw,
    }


def test_a_data_provider_files_a_tax_grade(
    cast: Cast, provider: Organisation, provider_officer: User
) -> None:
    response = cast.client(provider_officer).post(
        "/api/v1/credit/records", _tax(cast), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["summary"] == "2024 年度纳税信用等级 B 级"
    made = CreditRecord.objects.get(pk=body["id"])
    assert (made.enterprise, made.source, made.created_by) == (
        cast.enterprise,
        provider,
        provider_officer,
    )


def test_kind_specific_fields_are_required_with_chinese_messages(
    cast: Cast, provider_officer: User
) -> None:
    response = cast.client(provider_officer).post(
        "/api/v1/credit/records",
        {"kind": "penalty", "uscc": cast.enterprise.uscc, "record_date": "2025-01-05"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["reference"] == "“行政处罚”记录必须填写文号/案号"
    assert fields["authority"] == "“行政处罚”记录必须填写决定机关/法院"
    assert CreditRecord.objects.count() == 0


def test_a_bad_code_a_future_date_and_a_wrong_grade_are_named(
    cast: Cast, provider_officer: User
) -> None:
    response = cast.client(provider_officer).post(
        "/api/v1/credit/records",
        _tax(cast, uscc="91220104MA0000000X", record_date="2099-01-01", grade="E"),
        content_type="application/json",
    )
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"uscc", "record_date", "grade"}
    assert fields["record_date"] == "记录日期不能晚于今天"
    assert CreditRecord.objects.count() == 0


def test_a_second_tax_grade_for_the_same_year_is_a_conflict(
    cast: Cast, provider_officer: User
) -> None:
    client = cast.client(provider_officer)
    assert (
        client.post(
            "/api/v1/credit/records", _tax(cast), content_type="application/json"
        ).status_code
        == 201
    )
    again = client.post(
        "/api/v1/credit/records", _tax(cast, grade="A"), content_type="application/json"
    )
    assert again.status_code == 409
    assert CreditRecord.objects.count() == 1


def test_enterprises_banks_and_the_public_cannot_file(cast: Cast) -> None:
    for user in (cast.owner, cast.bank_admin, cast.district_admin):
        response = cast.client(user).post(
            "/api/v1/credit/records", _tax(cast), content_type="application/json"
        )
        assert response.status_code == 403
    assert (
        cast.client(None)
        .post("/api/v1/credit/records", _tax(cast), content_type="application/json")
        .status_code
        == 401
    )
    assert CreditRecord.objects.count() == 0


def test_a_personal_record_keeps_only_the_masked_id(cast: Cast, provider_officer: User) -> None:
    body = {
        "kind": "court_judgment",
        "uscc": cast.enterprise.uscc,
        "record_date": "2025-03-01",
        "reference": "（2025）吉0104民初1号",
        "authority": "长春市朝阳区人民法院",
        "person_name": "王建国",
        "person_id": "11010519491231002X",
    }
    response = cast.client(provider_officer).post(
        "/api/v1/credit/records", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    made = CreditRecord.objects.get()
    assert made.person_id_masked == "110105********002X"
    assert "19491231" not in str(CreditRecord.objects.values().get())
    wrong = cast.client(provider_officer).post(
        "/api/v1/credit/records",
        {**body, "person_id": "110105194912310021"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert "校验码" in wrong.json()["error"]["fields"]["person_id"]


def test_bulk_is_all_or_nothing_and_names_each_item(cast: Cast, provider_officer: User) -> None:
    items = [
        _tax(cast),
        {
            "kind": "social_insurance",
            "uscc": cast.enterprise.uscc,
            "year": 2025,
            "month": 13,
            "headcount": 20,
        },
        _tax(cast, grade="A"),
    ]
    response = cast.client(provider_officer).post(
        "/api/v1/credit/records/bulk", {"items": items}, content_type="application/json"
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["items[1].month"] == "须在 1 到 12 之间"
    assert fields["items[2].year"].startswith("与第 0 条重复")
    assert CreditRecord.objects.count() == 0
    ok = cast.client(provider_officer).post(
        "/api/v1/credit/records/bulk", {"items": items[:1]}, content_type="application/json"
    )
    assert ok.json() == {"created": 1}


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "记录类型",
            "企业统一社会信用代码",
            "记录日期",
            "年度",
            "月份",
            "纳税信用等级",
            "社保缴纳人数",
            "金额（元）",
            "文号/案号",
            "决定机关/法院",
        ]
    )
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_import_page_lists_every_bad_row_and_imports_nothing(
    cast: Cast, provider_officer: User
) -> None:
    code = cast.enterprise.uscc
    rows = [
        ["纳税信用等级", code, "2025-04-30", 2024, "", "A", "", "", "", ""],
        ["行政处罚", code, "2025-02-01", "", "", "", "", "abc", "", "长春市市场监督管理局"],
        ["社保缴纳人数", code, "", 2025, 6, "", 35, "", "", ""],
    ]
    upload = SimpleUploadedFile("records.xlsx", _xlsx(rows), XLSX)
    response = cast.client(provider_officer).post("/credit/records/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in html
    assert "须为数字，例如 12345.67" in html
    assert "“行政处罚”记录必须填写文号/案号" in html
    assert CreditRecord.objects.count() == 0
    rows[1] = [
        "行政处罚",
        code,
        "2025-02-01",
        "",
        "",
        "",
        "",
        "5000",
        "长市监罚〔2025〕1号",
        "长春市市场监督管理局",
    ]
    upload = SimpleUploadedFile("records.xlsx", _xlsx(rows), XLSX)
    ok = cast.client(provider_officer).post("/api/v1/credit/records/import", {"file": upload})
    assert ok.status_code == 201
    assert ok.json() == {"created": 3}
    si = CreditRecord.objects.get(kind="social_insurance")
    assert (si.record_date, si.headcount) == (date(2025, 6, 1), 35)
    assert CreditRecord.objects.get(kind="penalty").amount == Decimal("5000.00")


def test_the_records_page_filters_and_exports_for_the_source_and_the_city(
    cast: Cast, provider_officer: User
) -> None:
    cast.client(provider_officer).post(
        "/api/v1/credit/records", _tax(cast), content_type="application/json"
    )
    mine = cast.client(provider_officer).get("/credit/records/?kind=tax_grade")
    assert cast.enterprise.name in mine.content.decode()
    assert cast.client(cast.city_admin).get("/api/v1/credit/records").json()["count"] == 1
    assert cast.client(cast.other_bank_admin).get("/api/v1/credit/records").json()["count"] == 0
    export = cast.client(cast.city_admin).get("/credit/records/?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_repayment_events_from_the_loans_context_are_stored_once(cast: Cast) -> None:
    args = {
        "enterprise_id": cast.enterprise.pk,
        "lender_id": cast.bank.pk,
        "loan_ref": "JL-2025-001",
        "event_date": date(2025, 9, 20),
        "kind": "overdue",
        "days_past_due": 45,
        "amount": Decimal("12000.00"),
    }
    first = credit_repayment_event_record(**args)
    again = credit_repayment_event_record(**args)
    assert first.pk == again.pk
    assert (first.source, first.kind, first.days_past_due) == (cast.bank, "repayment", 45)
    assert first.summary() == "贷款 JL-2025-001：逾期，逾期 45 天"
    with pytest.raises(DomainError) as exc:
        credit_repayment_event_record(
            **{**args, "kind": "late", "amount": 1.5, "lender_id": cast.stranger.pk}
        )
    assert set(exc.value.fields) == {"kind", "amount", "lender_id"}
    assert CreditRecord.objects.count() == 1
