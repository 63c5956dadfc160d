"""Two approvals of one enterprise's awards at the same moment (PostgreSQL row locks): the
annual cap holds. Approvals of one applicant are serialised by a lock on the applicant's row, so
the second approval recomputes with the first one counted and is refused (the amount changed).

Runs only on PostgreSQL (``scripts/with-postgres.sh .venv/bin/pytest tests/apps/policies``); on
SQLite, whose transactions never run side by side, conftest.py deselects it."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from kejin.apps.orgs.models import Role
from kejin.apps.policies.models import Application, InterestLine, Status
from kejin.apps.policies.services.review import application_city_approve
from kejin.rules.errors import DomainError
from tests.apps.policies.conftest import (
    PolicyCast,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)
from tests.conftest import make_user

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_two_simultaneous_approvals_keep_the_annual_cap(pc: PolicyCast) -> None:
    """Application 1 (Jul–Sep 2025) 613,333.34 and application 2 (Oct–Dec 2025) 606,666.67 were
    both proposed while neither was approved: together 1,220,000.01 > 1,000,000. Approved at the
    same moment by two people, one goes through and the other is refused."""
    assert connection.vendor == "postgresql"
    cast = pc.cast
    a = report_loan(
        cast,
        ext="A-2025",
        borrower=cast.enterprise,
        amount="100000000.00",
        contract=date(2025, 6, 20),
        maturity=date(2026, 6, 20),
        rate="6.00",
    )
    b = report_loan(
        cast,
        ext="B-2025",
        borrower=cast.enterprise,
        amount="60000000.00",
        contract=date(2025, 6, 20),
        maturity=date(2026, 6, 20),
        rate="6.00",
    )
    for loan in (a, b):
        pay_due(cast, loan, date(2025, 12, 31))
    ids = []
    for start, end in (
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ):
        program = make_program(pc, coverage_start=start, coverage_end=end)
        app_id = create_app(pc, program, {"loan_ids": [a, b]}).json()["id"]
        submit_through(pc, app_id, until="city_proposed")
        ids.append(app_id)
    assert [Application.objects.get(pk=i).proposed_amount for i in ids] == [
        D("613333.34"),
        D("606666.67"),
    ]
    second_admin = make_user(cast.city, "city_admin2", Role.ADMIN)
    actors = [pc.actor(cast.city_admin), pc.actor(second_admin)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor, app_id) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            application_city_approve(actor=actor, application_id=app_id)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(actors[i], ids[i])) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["application.amount_changed", "ok"]
    committed = InterestLine.objects.filter(application__status=Status.PENDING_NOTICE, year=2025)
    assert sum(committed.values_list("amount", flat=True), D(0)) <= D("1000000.00")
