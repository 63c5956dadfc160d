"""Scene-setting for the marketplace tests: an investor, a guarantee company and an insurer besides
the cast; this month's LPR fixing (so that a loan contracted today has a benchmark); helpers that
publish a listed product and post a demand through the services (the behaviour under test goes
through HTTP)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kejin.apps.marketplace.models import Demand, Product
from kejin.apps.marketplace.services import demands, products
from kejin.apps.orgs.models import Organisation, OrgKind, Role, User
from tests.conftest import DISTRICT, Cast, last_lpr_fixing, make_org, make_user

PRODUCT: dict[str, Any] = {
    "name": "科技知识产权质押贷",
    "kind": "ip_pledge",
    "summary": "以发明专利、实用新型专利质押，为科技型中小企业提供流动资金贷款。",
    "amount_min": "1000000",
    "amount_max": "10000000",
    "term_min": 6,
    "term_max": 36,
    "rate_min": "3.45",
    "rate_max": "6.00",
    "guarantee": "ip_pledge",
    "documents": "营业执照\n专利证书\n近两年财务报表",
    "response_days": 5,
}


def demand_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "智能传感器产线扩产资金",
        "purpose": "购置贴片设备，扩大智能传感器产能",
        "amount": "5000000",
        "term_months": 12,
        "needed_by": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "max_rate": "6.00",
        "guarantees": ["ip_pledge"],
        "kinds": [],
        "audience": "open",
        "targets": [],
    }
    data.update(overrides)
    return data


@dataclass
class Market:
    cast: Cast
    investor: Organisation
    investor_admin: User
    guarantor: Organisation
    guarantor_admin: User
    insurer: Organisation
    insurer_admin: User

    def product(
        self, institution: Organisation | None = None, *, listed: bool = True, **overrides: Any
    ) -> Product:
        """A product published by ``institution`` (the bank) and listed by the city office."""
        org = institution or self.cast.bank
        people = list(User.objects.filter(organisation=org).order_by("pk"))
        admin = next((u for u in people if "admin" in u.roles), people[0])
        data = products.ProductInput(**{**PRODUCT, **overrides})
        product = products.product_create(actor=self.cast.actor(admin), data=data, submit=True)
        if listed:
            product = products.product_review(
                actor=self.cast.actor(self.cast.city_admin), product_id=product.pk, approve=True
            )
        return product

    def demand(self, user: User | None = None, **overrides: Any) -> Demand:
        data = demand_data(**overrides)
        return demands.demand_create(
            actor=self.cast.actor(user or self.cast.owner), data=demands.DemandInput(**data)
        )


@pytest.fixture
def market(cast: Cast) -> Market:
    from kejin.apps.loans.models import BenchmarkRate

    BenchmarkRate.objects.get_or_create(
        table="lpr",
        tenor="1Y",
        effective_date=last_lpr_fixing(timezone.localdate()),
        defaults={
            "rate_percent": Decimal("3.00"),
            "source": "测试：全国银行间同业拆借中心公告",
            "created_by": cast.city_admin,
        },
    )
    investor = make_org(OrgKind.VENTURE_CAPITAL, "吉林省创业投资有限公司", DISTRICT)
    guarantor = make_org(OrgKind.GUARANTEE_COMPANY, "长春市科技融资担保有限公司", DISTRICT)
    insurer = make_org(OrgKind.INSURER, "人保财险长春分公司", DISTRICT)
    return Market(
        cast=cast,
        investor=investor,
        investor_admin=make_user(investor, "vc_admin", Role.ADMIN),
        guarantor=guarantor,
        guarantor_admin=make_user(guarantor, "guarantee_admin", Role.ADMIN),
        insurer=insurer,
        insurer_admin=make_user(insurer, "insurer_admin", Role.ADMIN),
    )


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(data, default=str), content_type="application/json")


def put(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.put(path, json.dumps(data, default=str), content_type="application/json")


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
def profile() -> Callable[..., Any]:
    """``profile(org, industry=..., established=date)``: the enterprise's profile."""
    from kejin.apps.enterprises.models import EnterpriseProfile

    def make(
        org: Organisation, *, industry: str = "next_gen_it", established: date | None = None
    ) -> Any:
        return EnterpriseProfile.objects.update_or_create(
            enterprise=org,
            defaults={"industry": industry, "established_date": established or date(2018, 3, 1)},
        )[0]

    return make


@pytest.fixture
def filing() -> Callable[..., Any]:
    """``filing(org, revenue=Decimal(...))``: last year's financial filing."""
    from kejin.apps.enterprises.models import FinancialYear

    def make(org: Organisation, *, revenue: Decimal, year: int | None = None) -> Any:
        return FinancialYear.objects.create(
            enterprise=org,
            year=year or timezone.localdate().year - 1,
            employees=80,
            tech_staff=30,
            revenue=revenue,
            total_cost_and_expense=revenue * Decimal("0.8"),
            rd_expense=revenue * Decimal("0.06"),
            total_assets=revenue * 2,
            net_profit=revenue * Decimal("0.1"),
            tax_paid=revenue * Decimal("0.05"),
        )

    return make


@pytest.fixture
def hnte() -> Callable[..., Any]:
    """``hnte(org)``: a valid HNTE certificate."""
    from kejin.apps.enterprises.models import HnteCertificate

    def make(org: Organisation, number: str = "GR202422000001") -> Any:
        today = timezone.localdate()
        return HnteCertificate.objects.create(
            enterprise=org,
            number=number,
            issue_date=today - timedelta(days=200),
            expiry_date=today + timedelta(days=800),
        )

    return make


@pytest.fixture
def tech_sme(cast: Cast) -> Callable[..., Any]:
    """``tech_sme(org)``: qualified in a published evaluation valid today."""
    from kejin.apps.enterprises.models import EvaluationResult, EvaluationRun

    def make(org: Organisation) -> Any:
        today = timezone.localdate()
        run = EvaluationRun.objects.filter(status="published").first()
        if run is None:
            run = EvaluationRun.objects.create(
                year=today.year - 1,
                reference_date=today - timedelta(days=100),
                status="published",
                created_by=cast.city_admin,
                valid_from=today - timedelta(days=60),
                valid_until=today + timedelta(days=300),
            )
        return EvaluationResult.objects.create(
            enterprise=org,
            run=run,
            year=run.year,
            complete=True,
            eligible=True,
            passes_score=True,
            qualified=True,
            total_score=80,
        )

    return make
