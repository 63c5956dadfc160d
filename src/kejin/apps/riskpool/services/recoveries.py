"""Recoveries (追偿): money recovered on a compensated loan goes back to the pool, the bank and the
insurer pro rata to what each bore (``rules.loss_sharing.split_recovery``, exact to the fen); the
pool's part is a ledger entry (Dr ``pool_cash`` / Cr ``recoveries``). A recovery larger than the
loss not yet recovered is refused."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Sum

from kejin.apps.riskpool.accounts import POOL_CASH, RECOVERIES, credit, debit
from kejin.apps.riskpool.balances import fen
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import Claim, ClaimStatus, JournalKind, Recovery, Registration
from kejin.apps.riskpool.services.common import (
    CITY_ROLES,
    lock_pool,
    money,
    not_future,
    require_bank,
    require_city,
    yuan_text,
)
from kejin.apps.riskpool.services.ledger import journal_post
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied
from kejin.rules.loss_sharing import split_recovery
from kejin.rules.money import ZERO, Number

PARTS = {"pool": "pool_part", "bank": "bank_part", "insurer": "insurer_part"}


def recovered_by_party(claim: Claim) -> dict[str, object]:
    sums = claim.recoveries.aggregate(**{p: Sum(f) for p, f in PARTS.items()})
    return {p: fen(sums[p]) for p in claim.paid_by_party()}


def recovery_record(
    *,
    actor: Actor,
    registration_id: int,
    amount: Number,
    received_on: date | None = None,
    reference: str = "",
) -> Recovery:
    """The lending bank (or the city) reports money recovered on a compensated loan."""
    if actor.is_city:
        require_city(actor, *CITY_ROLES)
    else:
        require_bank(actor)
    value = money(amount, field="amount")
    day = not_future(received_on, field="received_on")
    with transaction.atomic():
        found: Registration = access(
            actor, Registration.objects.all(), registration_id, what="入池贷款"
        )
        if not actor.is_city and found.bank_id != actor.org_id:
            raise PermissionDenied("只有贷款银行或市科技局可以登记追偿回收")
        pool = lock_pool(found.pool_id)
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("registration__loan", "bank")
            .filter(registration_id=found.pk, status=ClaimStatus.PAID)
            .first()
        )
        if claim is None:
            raise DomainError(
                code=PoolError.NOT_COMPENSATED,
                message="该贷款尚未获得代偿，不能登记追偿回收",
                fields={"registration_id": "贷款尚未代偿"},
                status=409,
            )
        try:
            parts = split_recovery(
                value,
                claim.paid_by_party(),
                claim.approved_loss or claim.loss,
                recovered_by_party(claim),  # type: ignore[arg-type]
            )
        except Conflict as exc:
            raise Conflict(
                code=exc.code, message=exc.message, fields={"amount": exc.message}
            ) from None
        pool_part = parts.get("pool", ZERO)
        journal = None
        if pool_part > 0:
            journal = journal_post(
                actor=actor,
                pool=pool,
                on=day,
                kind=JournalKind.RECOVERY,
                memo=(
                    f"追偿返还：{claim.bank.name} 贷款 {claim.registration.loan.external_id}，"
                    f"回收 {yuan_text(value)}，返还资金池 {yuan_text(pool_part)}"
                ),
                reference=(reference or "").strip()[:120] or f"riskpool.Claim:{claim.pk}",
                party_id=claim.bank_id,
                postings=[
                    debit(POOL_CASH, pool_part, claim.bank_id),
                    credit(RECOVERIES, pool_part, claim.bank_id),
                ],
            )
        return Recovery.objects.create(
            claim=claim,
            pool=pool,
            bank_id=claim.bank_id,
            insurer_id=claim.insurer_id,
            received_on=day,
            amount=value,
            reference=(reference or "").strip()[:120],
            pool_part=pool_part,
            bank_part=parts.get("bank", ZERO),
            insurer_part=parts.get("insurer", ZERO),
            journal=journal,
            recorded_by=actor.audit_user,
        )
