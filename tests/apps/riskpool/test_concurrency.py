"""Racing on one pool never overdraws it or passes its leverage: every payout and registration
takes the pool's row lock (``SELECT … FOR UPDATE``) before it reads the balance.

The PostgreSQL tests run the two operations in two threads (two connections): the first is held
inside its critical section (after taking the lock, while writing its ledger lines) and the second
starts then; it must wait for the lock and see the first one's result. They are deselected on
SQLite (tests/apps/riskpool/conftest.py), where the SQLite-safe variants run the same two
operations one after the other and check the same outcome (SQLite serialises writers anyway).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from kejin.apps.riskpool.balances import pool_balance, registered_outstanding
from kejin.apps.riskpool.models import Claim, ClaimStatus, Registration
from kejin.apps.riskpool.services import claims, ledger, registrations
from kejin.apps.riskpool.services.common import today
from kejin.rules.errors import DomainError
from tests.apps.riskpool.conftest import CONTRACT, World
from tests.apps.riskpool.helpers import file_claim, register, review

D = Decimal


def outcome(action: Callable[[], object]) -> str:
    try:
        action()
    except DomainError as exc:
        return str(exc.code)
    return "ok"


def race(
    monkeypatch: pytest.MonkeyPatch, first: Callable[[], object], second: Callable[[], object]
) -> tuple[str, str]:
    """Run ``first`` in a thread, hold it inside its critical section, start ``second`` in
    another thread meanwhile; both on their own database connections."""
    inside = threading.Event()
    real = ledger._write_line

    def slow_line(journal, posting):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "first":
            inside.set()
            time.sleep(0.5)
        return real(journal, posting)

    monkeypatch.setattr(ledger, "_write_line", slow_line)
    results: dict[str, str] = {}

    def run(name: str, action: Callable[[], object]) -> None:
        try:
            if name == "second":
                assert inside.wait(10)
            results[name] = outcome(action)
        except Exception as exc:
            results[name] = f"crash: {exc!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first), name="first"),
        threading.Thread(target=run, args=("second", second), name="second"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results["first"], results["second"]


def in_sequence(first: Callable[[], object], second: Callable[[], object]) -> tuple[str, str]:
    return outcome(first), outcome(second)


def two_claims(world: World) -> tuple[int, int]:
    """Four 8,000,000.00 loans; two capped claims paid (10,000,000.00 → 4,000,000.00); two more
    proposed, each wanting 3,000,000.00 from the pool: only one can be paid."""
    for i in range(4):
        register(world, f"RC-{i}", "8000000.00")
    review(world, file_claim(world, "RC-0")["id"])
    review(world, file_claim(world, "RC-1")["id"])
    assert pool_balance(world.pool.pk) == D("4000000.00")
    ids = []
    for ext in ("RC-2", "RC-3"):
        claim_id = file_claim(world, ext)["id"]
        claims.claim_propose(actor=world.actor(world.cast.city_admin), claim_id=claim_id)
        ids.append(claim_id)
    return ids[0], ids[1]


def check_two_claims(world: World, results: tuple[str, str]) -> None:
    assert results == ("ok", "claim.pool_insufficient")
    assert pool_balance(world.pool.pk) == D("1000000.00")
    assert Claim.objects.filter(status=ClaimStatus.PAID).count() == 3


def claim_and_registration(world: World) -> tuple[int, registrations.RegistrationInput]:
    """Registered 99,000,000.00 of the 100,000,000.00 allowed; a proposed claim will pay
    500,000.00 (the ceiling drops to 95,000,000.00): another 1,000,000.00 loan fits exactly
    before the payout (99,000,000.00 + 1,000,000.00 = 100,000,000.00) and not after it."""
    register(world, "RR-0", "98000000.00")
    register(world, "RR-1", "1000000.00")
    claim_id = file_claim(world, "RR-1")["id"]
    claims.claim_propose(actor=world.actor(world.cast.city_admin), claim_id=claim_id)
    # (the other bank registers: the claim's bank is suspended by its NPL ratio)
    loan = world.loan(
        "RR-2", "1000000.00", borrower=world.cast.stranger, bank_user=world.cast.other_bank_admin
    )
    return claim_id, registrations.RegistrationInput(loan_id=loan.pk, registered_on=CONTRACT)


def check_claim_then_registration(world: World, results: tuple[str, str]) -> None:
    assert results == ("ok", "registration.leverage_exceeded")
    assert pool_balance(world.pool.pk) == D("9500000.00")
    assert not Registration.objects.filter(loan__external_id="RR-2").exists()
    # After the payout the compensated loan no longer counts: 98,000,000.00 registered, still
    # above the new ceiling 95,000,000.00. A payout may do that (it then blocks new loans until
    # money comes in); a registration never does.
    assert registered_outstanding(world.pool.pk, today()) == D("98000000.00")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_claims_racing_never_overdraw_the_pool_pg(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_claims(world)
    reviewer = world.actor(world.city_reviewer)
    results = race(
        monkeypatch,
        lambda: claims.claim_approve(actor=reviewer, claim_id=a),
        lambda: claims.claim_approve(actor=reviewer, claim_id=b),
    )
    check_two_claims(world, results)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_claim_and_a_registration_racing_never_pass_the_leverage_pg(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim_id, data = claim_and_registration(world)
    reviewer = world.actor(world.city_reviewer)
    bank = world.actor(world.cast.other_bank_admin)
    results = race(
        monkeypatch,
        lambda: claims.claim_approve(actor=reviewer, claim_id=claim_id),
        lambda: registrations.registration_create(actor=bank, pool_id=world.pool.pk, data=data),
    )
    check_claim_then_registration(world, results)


def test_two_claims_one_after_the_other_never_overdraw_the_pool(world: World) -> None:
    a, b = two_claims(world)
    reviewer = world.actor(world.city_reviewer)
    results = in_sequence(
        lambda: claims.claim_approve(actor=reviewer, claim_id=a),
        lambda: claims.claim_approve(actor=reviewer, claim_id=b),
    )
    check_two_claims(world, results)


def test_a_registration_after_a_payout_sees_the_lower_ceiling(world: World) -> None:
    claim_id, data = claim_and_registration(world)
    results = in_sequence(
        lambda: claims.claim_approve(actor=world.actor(world.city_reviewer), claim_id=claim_id),
        lambda: registrations.registration_create(
            actor=world.actor(world.cast.other_bank_admin), pool_id=world.pool.pk, data=data
        ),
    )
    check_claim_then_registration(world, results)
