"""The parameter what-if over the API, the parameters in force for other contexts, and the demo
loader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kejin.apps.policies.models import Application, Notice, ParameterValue, Status
from kejin.apps.policies.paramset import params_in_force
from tests.apps.policies.conftest import (
    PolicyCast,
    api,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)

D = Decimal


def test_what_if_recomputes_open_applications_and_says_if_saving_is_blocked(
    pc: PolicyCast,
) -> None:
    """Two applications on the same loan book: one approved (periods ending 2025-02-15 and
    2025-03-15, so the proportion is locked through 2025-03-15), one open (periods ending
    2025-04-15 and 2025-05-15). 40% from 2025-04-01 changes only the open one:
    15,500.00 → 7,491.67 × 40% = 2,996.67 (2,996.668); 15,000.00 → 7,250.00 × 40% = 2,900.00."""
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="WI",
        borrower=cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(cast, loan, date(2025, 5, 31))
    first = create_app(
        pc, make_program(pc, coverage_end=date(2025, 3, 31)), {"loan_ids": [loan]}
    ).json()
    submit_through(pc, first["id"], until="pending_notice")
    second = create_app(
        pc, make_program(pc, coverage_start=date(2025, 4, 1)), {"loan_ids": [loan]}
    ).json()
    assert second["amount"] == "7370.84"  # 3,745.84 + 3,625.00
    admin = cast.client(cast.city_admin)
    body = {
        "key": "interest_subsidy.proportion",
        "effective_from": "2025-04-01",
        "value": "40",
        "source": "长科发〔2026〕5号",
    }
    r = api(admin, "post", "/parameters/what-if", body)
    assert r.status_code == 200, r.content
    result = r.json()
    assert result["blocked"] == ""
    assert [(x["number"], x["before"], x["after"], x["difference"]) for x in result["rows"]] == [
        (Application.objects.get(pk=second["id"]).number, "7370.84", "5896.67", "-1474.17")
    ]
    assert ParameterValue.objects.count() == 0
    r = api(admin, "post", "/parameters/what-if", {**body, "effective_from": "2025-03-01"})
    assert "生效日期须晚于" in r.json()["blocked"]
    assert r.json()["blocked"].startswith("参数 interest_subsidy.proportion 在 2025-03-15 及以前")


def test_other_contexts_read_the_city_values_through_params_in_force(pc: PolicyCast) -> None:
    api(
        pc.cast.client(pc.cast.city_admin),
        "post",
        "/parameters",
        {
            "key": "risk_pool.per_loan_cap",
            "effective_from": "2026-07-01",
            "value": "2500000",
            "source": "长科发〔2026〕7号",
        },
    )
    params = params_in_force()
    assert params.decimal_at("risk_pool.per_loan_cap", date(2026, 6, 30)) == D("3000000")
    record = params.value_at("risk_pool.per_loan_cap", date(2026, 7, 1))
    assert (record.value, record.origin, record.source) == (
        D("2500000"),
        "city",
        "长科发〔2026〕7号",
    )
    listed = api(
        pc.cast.client(pc.cast.city_admin), "get", "/parameters", {"on": "2026-07-02"}
    ).json()
    row = next(p for p in listed if p["key"] == "risk_pool.per_loan_cap")
    assert row["current"]["value"] == "2500000"
    assert [v["effective_from"] for v in row["history"]] == ["2016-01-01", "2026-07-01"]


@pytest.mark.django_db
def test_the_demo_loads_with_applications_in_every_state(settings: object) -> None:
    """The demo city (small), its loan book and fund, then the policies demo."""
    from kejin.apps.funds import demo as funds_demo
    from kejin.apps.loans import demo as loans_demo
    from kejin.apps.policies import demo
    from kejin.platform.demo.city import load_demo_city

    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    load_demo_city(enterprises=40, seed=5)
    loans_demo.load_demo(seed=5, loans=25)
    funds_demo.load_demo(seed=5)
    created = demo.load_demo(seed=5)
    assert created > 5
    states = set(Application.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CITY_REVIEW,
        Status.CITY_PROPOSED,
        Status.NOTICE,
        Status.APPROVED,
        Status.PAID,
    } <= states
    assert Notice.objects.filter(status="open").count() == 1
    assert Notice.objects.get(status="open").objections.count() == 1
