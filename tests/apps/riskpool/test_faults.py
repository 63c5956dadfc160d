"""A failure in the middle of a payout leaves nothing behind: no journal, no line, no state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.models import Claim, ClaimStatus, Journal, JournalLine, Registration
from kejin.apps.riskpool.services import claims, ledger
from tests.apps.riskpool.conftest import World
from tests.apps.riskpool.helpers import file_claim, register

D = Decimal


class Boom(RuntimeError):
    pass


def test_a_failure_after_the_first_ledger_line_rolls_the_whole_payout_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(world, "JL-F1", "1000000.00")
    claim_id = file_claim(world, "JL-F1")["id"]
    claims.claim_propose(actor=world.actor(world.cast.city_admin), claim_id=claim_id)
    journals, lines = Journal.objects.count(), JournalLine.objects.count()
    balance = pool_balance(world.pool.pk)
    written: list[object] = []
    real = ledger._write_line

    def fail_after_first(journal, posting):  # type: ignore[no-untyped-def]
        if written:
            raise Boom("disk full after the first line")
        line = real(journal, posting)
        written.append(line)
        return line

    monkeypatch.setattr(ledger, "_write_line", fail_after_first)
    with pytest.raises(Boom):
        claims.claim_approve(actor=world.actor(world.city_reviewer), claim_id=claim_id)
    assert len(written) == 1  # the first line was written ...
    # ... and rolled back with everything else
    assert (Journal.objects.count(), JournalLine.objects.count()) == (journals, lines)
    assert pool_balance(world.pool.pk) == balance
    claim = Claim.objects.get(pk=claim_id)
    assert claim.status == ClaimStatus.PROPOSED
    assert claim.payout_id is None
    assert Registration.objects.get().status == "claimed"
    # Once the fault is gone the same approval goes through.
    monkeypatch.setattr(ledger, "_write_line", real)
    claims.claim_approve(actor=world.actor(world.city_reviewer), claim_id=claim_id)
    assert pool_balance(world.pool.pk) == balance - D("500000.00")


def test_ledger_rows_are_append_only(world: World) -> None:
    line = JournalLine.objects.first()
    assert line is not None
    line.debit = D("1.00")
    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        line.journal.delete()
