"""Posting to a pool's ledger: one balanced journal per movement, written inside the caller's
transaction while it holds the pool lock (:func:`common.lock_pool`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max

from kejin.apps.riskpool.accounts import Posting, check_postings
from kejin.apps.riskpool.balances import pool_balance
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import Journal, JournalLine, RiskPool
from kejin.apps.riskpool.services.common import yuan_text
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict


def _write_line(journal: Journal, posting: Posting) -> JournalLine:
    """Write one line (a seam: tests inject a failure here to prove a payout is all or nothing)."""
    line = JournalLine(
        journal=journal,
        account=posting.account,
        debit=posting.debit,
        credit=posting.credit,
        party_id=posting.party_id,
    )
    line.save()
    return line


def journal_post(
    *,
    actor: Actor,
    pool: RiskPool,
    on: date,
    kind: str,
    memo: str,
    postings: Iterable[Posting],
    reference: str = "",
    party_id: int | None = None,
) -> Journal:
    """Append a balanced journal to ``pool`` (locked by the caller) and refuse any that would take
    the pool's cash below zero. The caller's transaction makes it all or nothing."""
    lines = check_postings(postings)
    last = Journal.objects.filter(pool=pool).aggregate(n=Max("number"))["n"] or 0
    journal = Journal(
        pool=pool,
        number=last + 1,
        date=on,
        kind=kind,
        memo=memo[:300],
        reference=reference[:120],
        party_id=party_id,
        created_by=actor.audit_user,
    )
    journal.save()
    for posting in lines:
        _write_line(journal, posting)
    balance = pool_balance(pool.pk)
    if balance < 0:
        raise Conflict(
            code=PoolError.OVERDRAWN,
            message=f"资金池余额不足：记账后余额将为 {yuan_text(balance)}",
        )
    return journal
