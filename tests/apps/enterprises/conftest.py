"""Fixtures of the enterprises tests: filings and records created straight in the database (the
behaviour under test goes through HTTP; these only set the scene)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kejin.apps.enterprises.models import (
    EnterpriseProfile,
    FinancialYear,
    HnteCertificate,
    IpItem,
)
from tests.conftest import Cast

YEAR = 2025
REFERENCE = date(2026, 3, 20)

DECLARED = {
    "resident_in_mainland": True,
    "in_restricted_catalogue": False,
    "had_serious_incident": False,
    "on_abnormal_operations_list": False,
    "on_serious_dishonesty_list": False,
}
# Worked example A of docs/rules/tech-sme-evaluation.md: 30 of 100 staff, R&D 6 % of revenue.
BASE_FILING: dict[str, Any] = {
    "employees": 100,
    "tech_staff": 30,
    "revenue": Decimal("10000000.00"),
    "total_cost_and_expense": Decimal("9000000.00"),
    "rd_expense": Decimal("600000.00"),
    "total_assets": Decimal("25000000.00"),
    "net_profit": Decimal("800000.00"),
    "tax_paid": Decimal("420000.00"),
    **DECLARED,
}


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The same values as JSON text would carry them (amounts as strings)."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in data.items()}


def post_json(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(
        path, json.dumps(as_json(data), default=str), content_type="application/json"
    )


def put_json(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.put(path, json.dumps(as_json(data), default=str), content_type="application/json")


def assert_envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.fixture
def file_year() -> Callable[..., FinancialYear]:
    def make(enterprise: Any, year: int = YEAR, **overrides: Any) -> FinancialYear:
        return FinancialYear.objects.create(
            enterprise=enterprise, year=year, **{**BASE_FILING, **overrides}
        )

    return make


@pytest.fixture
def add_ip() -> Callable[..., IpItem]:
    counter = iter(range(1, 10_000))

    def make(enterprise: Any, kind: str = "utility_model", **overrides: Any) -> IpItem:
        n = next(counter)
        data = {
            "number": f"ZL2023{n:07d}",
            "title": f"一种智能检测装置{n}",
            "grant_date": date(2023, 5, 1),
            "expiry_date": date(2033, 4, 30),
        }
        return IpItem.objects.create(enterprise=enterprise, kind=kind, **{**data, **overrides})

    return make


@pytest.fixture
def add_certificate() -> Callable[..., HnteCertificate]:
    counter = iter(range(1, 10_000))

    def make(enterprise: Any, issue: date, expiry: date | None = None, **extra: Any) -> Any:
        from kejin.rules.hnte import certificate_expiry

        return HnteCertificate.objects.create(
            enterprise=enterprise,
            number=f"GR2023220{next(counter):05d}",
            issue_date=issue,
            expiry_date=expiry or certificate_expiry(issue),
            **extra,
        )

    return make


@pytest.fixture
def profile() -> Callable[..., EnterpriseProfile]:
    def make(enterprise: Any, **fields: Any) -> EnterpriseProfile:
        data = {"established_date": date(2015, 6, 1), "industry": "high_end_equipment"}
        return EnterpriseProfile.objects.create(enterprise=enterprise, **{**data, **fields})

    return make


@pytest.fixture
def worked_example(cast: Cast, file_year: Any, add_ip: Any) -> FinancialYear:
    """The enterprise's 2025 filing of worked example A with its four class II IP items."""
    row = file_year(cast.enterprise)
    for kind in ("utility_model", "utility_model", "design_patent", "software_copyright"):
        add_ip(cast.enterprise, kind)
    return row


def publish(cast: Cast, *, year: int = YEAR, opens_on: date = date(2026, 3, 31)) -> Any:
    """Run the city's evaluation of ``year`` and publish it (through the services)."""
    from kejin.apps.enterprises.services.runs import evaluation_run_publish, evaluation_run_start

    actor = cast.actor(cast.city_admin)
    run = evaluation_run_start(actor=actor, year=year, reference_date=REFERENCE)
    return evaluation_run_publish(actor=actor, run_id=run.pk, notice_days=7, opens_on=opens_on)


@pytest.fixture
def viewer(cast: Cast) -> Any:
    """A read-only person of the cast's enterprise."""
    from tests.conftest import make_user

    return make_user(cast.enterprise, "viewer", "viewer")
