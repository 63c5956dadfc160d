"""Recoveries go back to the pool, the bank and the insurer pro rata to what each bore."""

from __future__ import annotations

from decimal import Decimal

from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.models import Journal, Recovery, Registration
from tests.apps.riskpool.conftest import World, assert_error
from tests.apps.riskpool.helpers import compensated, file_claim, register, review

D = Decimal


def recover(world: World, reg: Registration, amount: str, user=None):  # type: ignore[no-untyped-def]
    return world.api(user or world.cast.bank_officer).post(
        f"registrations/{reg.pk}/recoveries",
        {"amount": amount, "received_on": "2024-09-30", "reference": "法院执行款"},
    )


def test_a_recovery_is_split_three_ways_with_the_odd_fen_to_the_largest_remainder(
    world: World,
) -> None:
    # The capped loss: pool 3,000,000.00 / bank 3,400,000.00 / insurer 1,600,000.00 of 8,000,000
    compensated(world, "JL-R1", "8000000.00", insured=True)
    reg = Registration.objects.get(loan__external_id="JL-R1")
    balance = pool_balance(world.pool.pk)
    response = recover(world, reg, "1000000.01")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    # 100,000,001 fen × 3.0/8.0 = 37,500,000.375 → 375,000.00
    #                × 3.4/8.0 = 42,500,000.425 → 425,000.01 (the odd fen: largest remainder)
    #                × 1.6/8.0 = 20,000,000.200 → 200,000.00
    assert (D(body["pool_part"]), D(body["bank_part"]), D(body["insurer_part"])) == (
        D("375000.00"),
        D("425000.01"),
        D("200000.00"),
    )
    assert pool_balance(world.pool.pk) == balance + D("375000.00")
    journal = Journal.objects.get(kind="recovery")
    assert {(ln.account, ln.debit, ln.credit) for ln in journal.lines.all()} == {
        ("pool_cash", D("375000.00"), D("0.00")),
        ("recoveries", D("0.00"), D("375000.00")),
    }
    # Left: 8,000,000.00 − 1,000,000.01 = 6,999,999.99; 7,000,000.00 is refused ...
    error = assert_error(recover(world, reg, "7000000.00"), 409, "recovery.exceeds_loss")
    assert "6,999,999.99" in error["fields"]["amount"]
    assert Recovery.objects.count() == 1
    # ... and the last 6,999,999.99 brings every party back to exactly what it bore.
    assert recover(world, reg, "6999999.99").status_code == 201
    parts = Recovery.objects.filter(claim__registration=reg)
    assert sum(r.pool_part for r in parts) == D("3000000.00")
    assert sum(r.bank_part for r in parts) == D("3400000.00")
    assert sum(r.insurer_part for r in parts) == D("1600000.00")
    assert pool_balance(world.pool.pk) == D("10000000.00")


def test_a_recovery_larger_than_the_loss_is_refused_and_nothing_written(world: World) -> None:
    compensated(world, "JL-R2", "1000000.00")
    reg = Registration.objects.get()
    journals = Journal.objects.count()
    error = assert_error(recover(world, reg, "1000000.01"), 409, "recovery.exceeds_loss")
    assert "amount" in error["fields"]
    assert Recovery.objects.count() == 0
    assert Journal.objects.count() == journals


def test_a_recovery_on_an_unclaimed_loan_is_refused(world: World) -> None:
    reg = register(world, "JL-R3", "1000000.00")
    error = assert_error(recover(world, reg, "1000.00"), 409, "recovery.not_compensated")
    assert "尚未获得代偿" in error["message"]
    assert Recovery.objects.count() == 0


def test_negative_and_zero_recoveries_are_refused(world: World) -> None:
    compensated(world, "JL-R4", "1000000.00")
    reg = Registration.objects.get()
    for amount in ("-5.00", "0", "1.001"):
        error = assert_error(recover(world, reg, amount), 422, "money.invalid")
        assert "amount" in error["fields"]
    assert Recovery.objects.count() == 0


def test_another_bank_cannot_report_a_recovery_on_this_loan(world: World) -> None:
    compensated(world, "JL-R5", "1000000.00")
    reg = Registration.objects.get()
    assert_error(recover(world, reg, "1000.00", world.cast.other_bank_admin), 404)
    assert Recovery.objects.count() == 0


def test_the_city_may_record_a_recovery_and_a_fen_may_go_to_the_bank_alone(world: World) -> None:
    # Uninsured 1,234,567.89 → pool 617,283.95 / bank 617,283.94. A recovery of 0.01 goes to the
    # largest remainder: 1 fen × 617,283.95/1,234,567.89 = 0.50000000405 → the pool.
    register(world, "JL-R6", "1300000.00")

    review(world, file_claim(world, "JL-R6", collateral="65432.11")["id"])
    reg = Registration.objects.get()
    response = recover(world, reg, "0.01", world.cast.city_admin)
    assert response.status_code == 201
    assert (D(response.json()["pool_part"]), D(response.json()["bank_part"])) == (
        D("0.01"),
        D("0.00"),
    )
    # Then 0.02 over what is left (pool 617,283.94, bank 617,283.94): one fen each
    second = recover(world, reg, "0.02", world.cast.city_admin).json()
    assert (D(second["pool_part"]), D(second["bank_part"])) == (D("0.01"), D("0.01"))
