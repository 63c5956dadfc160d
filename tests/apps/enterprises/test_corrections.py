"""A year used by a published evaluation is locked: edits are refused with a clear message, and a
correction goes through a request the city office approves (applied, audited) or rejects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kejin.apps.enterprises.models import CorrectionRequest, FinancialYear
from kejin.platform.audit.models import AuditEntry
from tests.apps.enterprises.conftest import (
    BASE_FILING,
    assert_envelope,
    post_json,
    publish,
    put_json,
)
from tests.conftest import Cast


@pytest.fixture
def locked(cast: Cast, worked_example: FinancialYear) -> FinancialYear:
    run = publish(cast)
    worked_example.refresh_from_db()
    assert worked_example.locked_by_run == run
    return worked_example


def ask(cast: Cast, user: Any = None, **overrides: Any) -> Any:
    body = {"year": 2025, "changes": {"rd_expense": "650000.00"}, "reason": "审计调整研发费用"}
    body |= overrides
    client = cast.client(user or cast.owner)
    return post_json(client, f"/api/v1/enterprises/{cast.enterprise.pk}/corrections", body)


def decide(
    cast: Cast, pk: int, approve: bool, reason: str = "核对审计报告无误", user: Any = None
) -> Any:
    client = cast.client(user or cast.city_admin)
    data = {"approve": approve, "reason": reason}
    return post_json(client, f"/api/v1/enterprises/corrections/{pk}/decide", data)


def test_publishing_locks_the_year_and_an_edit_is_refused_with_a_clear_message(
    cast: Cast, locked: FinancialYear
) -> None:
    url = f"/api/v1/enterprises/{cast.enterprise.pk}/years/2025"
    response = put_json(cast.client(cast.owner), url, {**BASE_FILING, "revenue": "1.00"})
    error = assert_envelope(response, 409, "enterprise.year_locked")
    assert "已锁定" in error["message"]
    assert "更正申请" in error["message"]
    locked.refresh_from_db()
    assert locked.revenue == Decimal("10000000.00")


def test_the_locked_year_page_shows_the_lock_and_offers_a_correction_form(
    cast: Cast, locked: FinancialYear
) -> None:
    page = cast.client(cast.owner).get(f"/enterprises/{cast.enterprise.pk}/years/2025/")
    text = page.content.decode()
    assert "已锁定，不能直接修改" in text
    assert "提交更正申请" in text
    assert "10,000,000.00" in text


def test_an_unlocked_year_needs_no_correction_request(cast: Cast, worked_example: Any) -> None:
    assert_envelope(ask(cast), 409, "correction.year_not_locked")
    assert CorrectionRequest.objects.count() == 0


def test_the_correction_flow_applies_the_approved_change_and_audits_it(
    cast: Cast, locked: FinancialYear
) -> None:
    response = ask(cast)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["changes"] == {"rd_expense": "650000.00"}
    assert body["previous"] == {"rd_expense": "600000.00"}
    assert body["status"] == "pending"
    queue = cast.client(cast.city_admin).get("/api/v1/enterprises/corrections?status=pending")
    assert [c["id"] for c in queue.json()["items"]] == [body["id"]]

    decided = decide(cast, body["id"], approve=True)
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    locked.refresh_from_db()
    assert locked.rd_expense == Decimal("650000.00")
    assert locked.is_locked  # still locked after the correction
    request = CorrectionRequest.objects.get()
    assert (request.decided_by, request.decision_reason) == (cast.city_admin, "核对审计报告无误")
    change = AuditEntry.objects.filter(content_type__model="financialyear").latest("timestamp")
    assert change.actor == cast.city_admin
    assert change.changes_dict["rd_expense"] == ["600000.00", "650000.00"]
    assert AuditEntry.objects.filter(content_type__model="correctionrequest").count() == 2


def test_a_rejected_correction_changes_nothing(cast: Cast, locked: FinancialYear) -> None:
    pk = ask(cast).json()["id"]
    assert decide(cast, pk, approve=False, reason="无审计报告支持").json()["status"] == "rejected"
    locked.refresh_from_db()
    assert locked.rd_expense == Decimal("600000.00")
    assert_envelope(decide(cast, pk, approve=True), 409, "correction.already_decided")


def test_a_decision_needs_a_reason(cast: Cast, locked: FinancialYear) -> None:
    pk = ask(cast).json()["id"]
    error = assert_envelope(decide(cast, pk, approve=True, reason="  "), 422)
    assert error["code"] == "enterprise.reason_required"
    assert CorrectionRequest.objects.get().status == "pending"


def test_a_request_needs_a_reason_and_a_real_change(cast: Cast, locked: FinancialYear) -> None:
    assert_envelope(ask(cast, reason=""), 422, "enterprise.reason_required")
    same = ask(cast, changes={"rd_expense": "600000.00"})
    assert_envelope(same, 422, "correction.empty")
    assert CorrectionRequest.objects.count() == 0


def test_a_bad_corrected_value_is_refused_naming_the_field(
    cast: Cast, locked: FinancialYear
) -> None:
    error = assert_envelope(ask(cast, changes={"tech_staff": 150}), 422, "enterprise.inconsistent")
    assert "科技人员数不能超过职工总数" in error["fields"]["tech_staff"]
    error = assert_envelope(ask(cast, changes={"year": 2020}), 422)
    assert "year" in error["fields"]
    assert CorrectionRequest.objects.count() == 0


def test_only_one_pending_request_per_year(cast: Cast, locked: FinancialYear) -> None:
    ask(cast)
    assert_envelope(ask(cast, changes={"employees": 120}), 409, "correction.already_pending")


@pytest.mark.parametrize("who", ["owner", "district_admin", "city_auditor"])
def test_only_the_city_office_admin_or_reviewer_decides(
    cast: Cast, locked: FinancialYear, who: str
) -> None:
    pk = ask(cast).json()["id"]
    response = decide(cast, pk, approve=True, user=getattr(cast, who))
    assert response.status_code in (403, 404)
    assert CorrectionRequest.objects.get().status == "pending"


def test_another_enterprise_cannot_see_or_ask_for_the_correction(
    cast: Cast, locked: FinancialYear
) -> None:
    pk = ask(cast).json()["id"]
    assert_envelope(ask(cast, cast.stranger_admin), 404, "not_found")
    page = cast.client(cast.stranger_admin).get(f"/enterprises/corrections/{pk}/")
    assert page.status_code == 404
    listed = cast.client(cast.stranger_admin).get("/api/v1/enterprises/corrections")
    assert listed.json()["count"] == 0


def test_the_correction_pages_from_request_to_approval(cast: Cast, locked: FinancialYear) -> None:
    owner = cast.client(cast.owner)
    data = dict.fromkeys(BASE_FILING, "")
    data |= {"employees": "110", "reason": "补录劳务派遣人员"}
    response = owner.post(f"/enterprises/{cast.enterprise.pk}/years/2025/correction/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    request = CorrectionRequest.objects.get()
    assert request.changes == {"employees": "110"}
    mine = owner.get(f"/enterprises/{cast.enterprise.pk}/corrections/").content.decode()
    assert "职工总数：100 → <strong>110</strong>" in mine

    city = cast.client(cast.city_admin)
    queue = city.get("/enterprises/corrections/").content.decode()
    assert cast.enterprise.name in queue
    decided = city.post(
        f"/enterprises/corrections/{request.pk}/", {"decision": "approve", "reason": "已核实"}
    )
    assert decided.status_code == 302
    locked.refresh_from_db()
    assert locked.employees == 110


def test_the_correction_page_shows_a_bad_value_beside_its_field(
    cast: Cast, locked: FinancialYear
) -> None:
    data = dict.fromkeys(BASE_FILING, "") | {"revenue": "-1", "reason": "更正"}
    response = cast.client(cast.owner).post(
        f"/enterprises/{cast.enterprise.pk}/years/2025/correction/", data
    )
    assert response.status_code == 422
    assert "销售收入不能为负数" in response.content.decode()
    assert CorrectionRequest.objects.count() == 0
