"""Fixtures of the policies tests: the city's reviewers, the seed policy, a budget line, a fixed
business date, and a loan book built through the loans context's reporting services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kejin.apps.loans.selectors import loan_list_for, schedule_of
from kejin.apps.loans.services import reporting
from kejin.apps.orgs.models import Organisation, Role, User
from kejin.apps.policies import clock
from kejin.apps.policies.models import Policy, Program
from kejin.apps.policies.services.programs import ProgramInput, policy_create, program_create
from kejin.platform.tenancy import Actor
from tests.conftest import Cast, make_user

D = Decimal
TODAY = date(2026, 6, 1)
SEED = Path(__file__).resolve().parents[3] / "src/kejin/apps/policies/data/seed_policy.txt"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect ``postgres_only`` tests unless the database is PostgreSQL (never skipped)."""
    if connection.vendor == "postgresql":
        return
    here = str(Path(__file__).parent)
    drop = [
        i for i in items if i.get_closest_marker("postgres_only") and str(i.fspath).startswith(here)
    ]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [i for i in items if i not in drop]


class Clock:
    """The policies context's business date, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, day: date) -> None:
        self.day = day
        monkeypatch.setattr(clock, "today", lambda: self.day)

    def set(self, day: date) -> None:
        self.day = day


@dataclass
class PolicyCast:
    cast: Cast
    clock: Clock
    city_officer: User
    city_reviewer: User
    policy: Policy
    line_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    def actor(self, user: User) -> Actor:
        return self.cast.actor(user)

    @property
    def city(self) -> Actor:
        return self.cast.actor(self.cast.city_admin)


def budget_line(cast: Cast, amount: str = "50000000.00", purpose: str = "interest_subsidy") -> int:
    from django.utils import timezone

    from kejin.apps.funds.services.lines import BudgetLineInput, budget_line_create

    line = budget_line_create(
        actor=cast.actor(cast.city_admin),
        data=BudgetLineInput(
            year=timezone.localdate().year,
            purpose=purpose,
            name=f"科技金融扶持资金（{purpose}）",
            amount=amount,
        ),
    )
    return int(line.pk)


@pytest.fixture
def pc(cast: Cast, monkeypatch: pytest.MonkeyPatch, memory_storage: None) -> PolicyCast:
    return build_policy_cast(cast, monkeypatch)


def build_policy_cast(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> PolicyCast:
    """The cast plus a city officer and reviewer, the seed policy, a budget line of this year
    and the business date fixed at 2026-06-01."""
    for user in (cast.owner, cast.district_admin):
        user.email = f"{user.username}@example.cn"
        user.save()
    officer = make_user(cast.city, "city_officer", Role.OFFICER)
    reviewer = make_user(cast.city, "city_reviewer", Role.REVIEWER)
    day = Clock(monkeypatch, TODAY)
    policy = policy_create(
        actor=cast.actor(cast.city_admin),
        code="kjjr",
        text=SEED.read_text(encoding="utf-8"),
        effective_from=date(2016, 1, 1),
        issuer="长春市人民政府办公厅",
    )
    return PolicyCast(
        cast=cast,
        clock=day,
        city_officer=officer,
        city_reviewer=reviewer,
        policy=policy,
        line_id=budget_line(cast),
    )


def make_program(pc: PolicyCast, measure: str = "interest_subsidy", **over: Any) -> Program:
    data: dict[str, Any] = {
        "policy_id": pc.policy.pk,
        "title": f"2026年度{measure}项目",
        "year": 2026,
        "measure": measure,
        "opens_on": date(2026, 5, 1),
        "closes_on": date(2026, 7, 31),
        "budget_line_id": pc.line_id,
        "required_documents": [],
        "code": f"P-{measure}-{Program.objects.count() + 1}",
    }
    if measure in ("interest_subsidy",):
        data.update(coverage_start=date(2025, 1, 1), coverage_end=date(2025, 12, 31))
    data.update(over)
    return program_create(actor=pc.city, data=ProgramInput(**data))


# --- the loan book, through the loans context's reporting services ---------------------------


def bank(cast: Cast) -> Actor:
    return cast.actor(cast.bank_officer)


def report_loan(
    cast: Cast,
    *,
    ext: str,
    borrower: Organisation,
    amount: str,
    contract: date,
    maturity: date,
    rate: str,
    method: str = "interest_only",
    drawdowns: list[tuple[date, str]] | None = None,
) -> int:
    """A loan with its drawdowns (default: all of it on the contract date); returns its id."""
    reporting.loans_report(
        actor=bank(cast),
        items=[
            reporting.LoanInput(
                external_id=ext,
                borrower_uscc=borrower.uscc,
                product_kind="credit",
                amount=D(amount),
                contract_date=contract,
                maturity_date=maturity,
                contract_rate=D(rate),
                repayment_method=method,
                payment_day=contract.day,
            )
        ],
    )
    for i, (on, part) in enumerate(drawdowns or [(contract, amount)], start=1):
        reporting.drawdowns_report(
            actor=bank(cast),
            items=[reporting.DrawdownInput(ext, f"{ext}-J{i}", on, D(part))],
        )
    return int(loan_list_for(bank(cast)).get(external_id=ext).pk)


def pay_due(cast: Cast, loan_id: int, until: date) -> list[tuple[date, Decimal]]:
    """Pay every instalment due on or before ``until``, on its due date, in full.
    Returns (due date, interest) of each."""
    loan = loan_list_for(bank(cast)).get(pk=loan_id)
    due = [i for i in schedule_of(loan) if i.due_date <= until]
    by_day: dict[date, Decimal] = {}
    for inst in due:
        by_day[inst.due_date] = (
            by_day.get(inst.due_date, D(0)) + inst.principal_due + (inst.interest_due)
        )
    items = [
        reporting.RepaymentInput(loan.external_id, f"{loan.external_id}-R{day:%Y%m%d}", day, amt)
        for day, amt in sorted(by_day.items())
    ]
    reporting.repayments_report(actor=bank(cast), items=items)
    return [(i.due_date, i.interest_due) for i in due]


def api(client: Any, method: str, path: str, body: Any = None) -> Any:
    """Call /api/v1/policies<path> as JSON."""
    url = f"/api/v1/policies{path}"
    if method == "get":
        return client.get(url, body or {})
    return getattr(client, method)(url, body or {}, content_type="application/json")


def submit_through(pc: PolicyCast, app_id: int, *, until: str) -> None:
    """Move a created application along the workflow over the API: ``submitted``,
    ``city_review``, ``city_proposed``, ``pending_notice``."""
    cast = pc.cast
    steps = ["submitted", "city_review", "city_proposed", "pending_notice"]
    owner = cast.client(cast.owner)
    r = api(owner, "post", f"/applications/{app_id}/submit")
    assert r.status_code == 200, r.content
    if steps.index(until) >= 1 and r.json()["status"] == "submitted":
        r = api(
            cast.client(cast.district_admin),
            "post",
            f"/applications/{app_id}/district-review",
            {"decision": "approve"},
        )
        assert r.status_code == 200, r.content
    if steps.index(until) >= 2:
        r = api(
            cast.client(pc.city_reviewer),
            "post",
            f"/applications/{app_id}/city-review",
            {"decision": "propose"},
        )
        assert r.status_code == 200, r.content
    if steps.index(until) >= 3:
        r = api(cast.client(cast.city_admin), "post", f"/applications/{app_id}/approve")
        assert r.status_code == 200, r.content


def create_app(
    pc: PolicyCast, program: Program, inputs: dict[str, Any], *, user: Any = None, **extra: Any
) -> Any:
    """POST /applications for the enterprise owner (or ``user``); returns the response."""
    body = {
        "program_id": program.pk,
        "inputs": inputs,
        "payee_bank": "吉林银行长春科技支行",
        "payee_account": "07110120000012345",
        **extra,
    }
    return api(pc.cast.client(user or pc.cast.owner), "post", "/applications", body)
