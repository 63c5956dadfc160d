"""Disputes (信用修复) and the credit report: the page, the PDF, executives' personal data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kejin.apps.credit import identity
from kejin.apps.credit.models import (
    CreditRecord,
    Dispute,
    Executive,
    ExecutiveConsent,
    Rating,
    RecordKind,
    ScoringModel,
)
from kejin.apps.orgs.models import Organisation, User
from tests.apps.credit.conftest import consent, record
from tests.apps.credit.pdftext import pdf_text
from tests.conftest import TINY_PDF, Cast

pytestmark = pytest.mark.django_db
EXEC_ID = "11010519491231002X"


@pytest.fixture
def penalty(cast: Cast, provider: Organisation) -> CreditRecord:
    return record(
        cast.enterprise,
        provider,
        RecordKind.PENALTY,
        date(2025, 3, 1),
        reference="长市监罚〔2025〕9号",
        authority="长春市市场监督管理局",
        amount=Decimal("3000.00"),
    )


def _raise(cast: Cast, rec: CreditRecord, user: User | None = None, **extra: object) -> object:
    body = {"record_id": rec.pk, "reason": "该处罚已在行政复议中撤销", **extra}
    return cast.client(user or cast.owner).post("/api/v1/credit/disputes", body)


@pytest.mark.usefixtures("memory_storage")
def test_the_enterprise_raises_a_dispute_with_evidence(cast: Cast, penalty: CreditRecord) -> None:
    evidence = SimpleUploadedFile("复议决定书.pdf", TINY_PDF, "application/pdf")
    response = _raise(cast, penalty, attachment=evidence)
    assert response.status_code == 201, response.content
    assert response.json()["has_attachment"] is True
    assert response.json()["status"] == "open"
    again = _raise(cast, penalty)
    assert again.status_code == 409
    assert Dispute.objects.count() == 1


def test_a_dispute_needs_a_reason_and_a_real_document(cast: Cast, penalty: CreditRecord) -> None:
    fake = SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf")
    response = _raise(cast, penalty, reason="短", attachment=fake)
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"reason", "attachment"}
    assert Dispute.objects.count() == 0


def test_another_enterprise_cannot_see_or_dispute_the_record(
    cast: Cast, penalty: CreditRecord
) -> None:
    assert _raise(cast, penalty, user=cast.stranger_admin).status_code == 404
    assert (
        cast.client(cast.stranger_admin).get(f"/credit/records/{penalty.pk}/dispute/").status_code
        == 404
    )
    assert Dispute.objects.count() == 0


def test_the_source_upholds_a_dispute_the_record_is_withdrawn_and_re_rated(
    cast: Cast, penalty: CreditRecord, provider_officer: User, approved_model: ScoringModel
) -> None:
    dispute_id = _raise(cast, penalty).json()["id"]
    assert (
        cast.client(cast.bank_admin)
        .post(
            f"/api/v1/credit/disputes/{dispute_id}/resolve",
            {"upheld": True, "note": "同意"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    response = cast.client(provider_officer).post(
        f"/api/v1/credit/disputes/{dispute_id}/resolve",
        {"upheld": True, "note": "经核实处罚已撤销", "resolution": "withdraw"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "upheld"
    penalty.refresh_from_db()
    assert penalty.status == "withdrawn"
    assert Rating.objects.get(enterprise=cast.enterprise).trigger == "correction"
    page = cast.client(cast.owner).get(f"/credit/disputes/{dispute_id}/")
    assert "经核实处罚已撤销" in page.content.decode()


def test_the_city_corrects_a_record_or_rejects_with_a_reason(
    cast: Cast, penalty: CreditRecord
) -> None:
    dispute_id = _raise(cast, penalty).json()["id"]
    client = cast.client(cast.city_admin)
    no_note = client.post(
        f"/api/v1/credit/disputes/{dispute_id}/resolve",
        {"upheld": False, "note": ""},
        content_type="application/json",
    )
    assert no_note.status_code == 422
    bad = client.post(
        f"/credit/disputes/{dispute_id}/",
        {
            "decision": "upheld",
            "resolution": "correct",
            "note": "金额有误",
            "correction_amount": "abc",
        },
    )
    assert "须为数字" in bad.content.decode()
    ok = client.post(
        f"/credit/disputes/{dispute_id}/",
        {
            "decision": "upheld",
            "resolution": "correct",
            "note": "金额有误",
            "correction_amount": "300",
        },
    )
    assert ok.status_code == 302
    penalty.refresh_from_db()
    assert (penalty.status, penalty.amount) == ("corrected", Decimal("300.00"))
    second = _raise(cast, penalty).json()["id"]
    rejected = client.post(
        f"/api/v1/credit/disputes/{second}/resolve",
        {"upheld": False, "note": "证明材料不足"},
        content_type="application/json",
    )
    assert rejected.json()["status"] == "rejected"
    assert (
        client.post(
            f"/api/v1/credit/disputes/{second}/resolve",
            {"upheld": False, "note": "再次"},
            content_type="application/json",
        ).status_code
        == 409
    )


# --- the report ----------------------------------------------------------------------------------


@pytest.fixture
def executive(cast: Cast, provider: Organisation) -> Executive:
    exe = Executive.objects.create(
        enterprise=cast.enterprise,
        name="王建国",
        role="legal_representative",
        id_masked=identity.mask(EXEC_ID),
        id_hash=identity.keyed_hash(EXEC_ID),
        created_by=cast.owner,
    )
    record(
        cast.enterprise,
        provider,
        RecordKind.DISHONEST_DEBTOR,
        date(2025, 5, 1),
        reference="（2025）吉0104执8号",
        authority="长春市朝阳区人民法院",
        person_name="王建国",
        person_id_masked=identity.mask(EXEC_ID),
        person_id_hash=identity.keyed_hash(EXEC_ID),
    )
    return exe


def test_the_report_omits_executive_personal_data_without_their_consent(
    cast: Cast, executive: Executive
) -> None:
    consent(cast)
    response = cast.client(cast.bank_admin).get(
        f"/api/v1/credit/enterprises/{cast.enterprise.pk}/report?purpose=loan_application"
    )
    body = response.json()
    assert response.status_code == 200
    assert body["executives"][0]["personal_data_shown"] is False
    assert body["executives"][0]["records"] == []
    assert "王建国" in body["personal_data_note"]
    assert "本人未签署用于“贷款申请审查”的个人信息查询授权" in body["personal_data_note"]
    assert "（2025）吉0104执8号" not in response.content.decode()


@pytest.mark.usefixtures("memory_storage")
def test_with_the_executives_consent_the_report_shows_their_records(
    cast: Cast, executive: Executive
) -> None:
    consent(cast)
    today = timezone.localdate()
    upload = SimpleUploadedFile("授权书.pdf", TINY_PDF, "application/pdf")
    made = cast.client(cast.owner).post(
        f"/api/v1/credit/executives/{executive.pk}/consents",
        {
            "purpose": "loan_application",
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=100)).isoformat(),
            "document": upload,
        },
    )
    assert made.status_code == 201, made.content
    body = (
        cast.client(cast.bank_admin)
        .get(f"/api/v1/credit/enterprises/{cast.enterprise.pk}/report?purpose=loan_application")
        .json()
    )
    assert body["executives"][0]["personal_data_shown"] is True
    assert body["executives"][0]["records"][0]["kind"] == "dishonest_debtor"
    assert body["personal_data_note"] == ""
    # the consent covers loan applications only: post-loan monitoring still omits it
    consent(cast, purpose="post_loan_monitoring")
    other = (
        cast.client(cast.bank_admin)
        .get(f"/api/v1/credit/enterprises/{cast.enterprise.pk}/report?purpose=post_loan_monitoring")
        .json()
    )
    assert other["executives"][0]["personal_data_shown"] is False
    assert ExecutiveConsent.objects.count() == 1


def test_an_executive_consent_needs_the_signed_document(cast: Cast, executive: Executive) -> None:
    today = timezone.localdate().isoformat()
    response = cast.client(cast.owner).post(
        f"/api/v1/credit/executives/{executive.pk}/consents",
        {
            "purpose": "loan_application",
            "signed_on": today,
            "valid_until": today,
            "document": SimpleUploadedFile("a.txt", b"hello"),
        },
    )
    assert response.status_code == 422
    assert "document" in response.json()["error"]["fields"]
    assert ExecutiveConsent.objects.count() == 0


def test_executives_are_registered_with_a_masked_id(cast: Cast) -> None:
    response = cast.client(cast.owner).post(
        "/api/v1/credit/executives",
        {"name": "李秀英", "role": "cfo", "id_number": EXEC_ID},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["id_masked"] == "110105********002X"
    assert (
        cast.client(cast.owner)
        .post(
            "/api/v1/credit/executives",
            {"name": "李秀英", "role": "cfo", "id_number": EXEC_ID},
            content_type="application/json",
        )
        .status_code
        == 409
    )
    assert (
        cast.client(cast.colleague)
        .post(
            "/api/v1/credit/executives",
            {"name": "张三", "role": "cfo", "id_number": EXEC_ID},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    page = cast.client(cast.owner).get("/credit/executives/")
    assert "110105********002X" in page.content.decode()


def test_the_report_page_and_pdf_for_a_consented_bank(
    cast: Cast, provider: Organisation, approved_model: ScoringModel
) -> None:
    from kejin.apps.credit.services.ratings import rating_compute

    record(cast.enterprise, provider, RecordKind.TAX_GRADE, date(2025, 4, 30), year=2024, grade="A")
    rating_compute(enterprise_id=cast.enterprise.pk)
    consent(cast)
    client = cast.client(cast.bank_admin)
    page = client.get(f"/credit/enterprises/{cast.enterprise.pk}/?purpose=loan_application")
    html = page.content.decode()
    assert page.status_code == 200
    assert cast.enterprise.name in html
    assert "主要扣分原因" in html
    assert "纳税信用等级" in html
    pdf = client.get(
        f"/credit/enterprises/{cast.enterprise.pk}/?purpose=loan_application&format=pdf"
    )
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 20_000  # CJK font subset embedded: a real document, not a stub
    text = pdf_text(pdf.content)
    assert cast.enterprise.name in text
    assert "企业信用报告" in text
    api_pdf = client.get(
        f"/api/v1/credit/enterprises/{cast.enterprise.pk}/report.pdf?purpose=loan_application"
    )
    assert api_pdf.content.startswith(b"%PDF")
    from kejin.apps.credit.models import ReadLog

    assert list(ReadLog.objects.order_by("pk").values_list("what", flat=True)) == [
        "report",
        "report_pdf",
        "report_pdf",
    ]


def test_the_enterprise_sees_its_own_report_with_dispute_links(
    cast: Cast, penalty: CreditRecord
) -> None:
    response = cast.client(cast.owner).get("/credit/mine/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "提出异议" in html
    assert "长市监罚〔2025〕9号" in html
