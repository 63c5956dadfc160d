"""Suspension of a bank's new registrations when its registered-loan NPL ratio passes the
threshold of its agreement (RULES §8), until the city lifts it.

A lifted suspension holds while the bank's ratio stays at or below the ratio it had when lifted:
only a further deterioration (a higher ratio, still above the threshold) suspends it again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from kejin.apps.riskpool.balances import bank_npl
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import Agreement, PartyKind, RiskPool, Suspension
from kejin.apps.riskpool.services.common import (
    lock_pool,
    not_future,
    require_city,
    today,
    version_in_force,
)
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.loss_sharing import is_suspended
from kejin.rules.money import fmt_yuan

SIX = Decimal("0.000001")


def active_suspension(pool_id: int, bank_id: int) -> Suspension | None:
    return Suspension.objects.filter(pool_id=pool_id, bank_id=bank_id, lifted_on=None).first()


def suspension_evaluate(*, pool: RiskPool, bank_id: int, on: date) -> Suspension | None:
    """The bank's open suspension, created now if its ratio on ``on`` passes the threshold of its
    agreement in force that day. The caller holds the pool lock."""
    current = active_suspension(pool.pk, bank_id)
    if current is not None:
        return current
    agreement = Agreement.objects.filter(
        pool=pool, party_id=bank_id, party_kind=PartyKind.BANK
    ).first()
    version = version_in_force(agreement, on) if agreement else None
    if version is None or version.npl_threshold is None:
        return None
    figures = bank_npl(pool.pk, bank_id, on)
    if not is_suspended(figures.ratio, version.npl_threshold):
        return None
    last_lift = (
        Suspension.objects.filter(pool=pool, bank_id=bank_id, lifted_on__isnull=False)
        .order_by("-lifted_on", "-pk")
        .first()
    )
    if last_lift is not None and figures.ratio <= (last_lift.lifted_ratio or 0):
        return None
    return Suspension.objects.create(
        pool=pool,
        bank_id=bank_id,
        suspended_on=on,
        ratio=figures.ratio.quantize(SIX),
        threshold=version.npl_threshold,
        npl_outstanding=figures.npl_outstanding,
        registered_outstanding=figures.registered_outstanding,
    )


def describe(s: Suspension) -> str:
    return (
        f"入池贷款不良率 {s.ratio.normalize():f}% 超过协议阈值 {s.threshold.normalize():f}%"
        f"（{s.suspended_on.isoformat()}：不良贷款余额 {fmt_yuan(s.npl_outstanding)} 元 ÷ "
        f"入池贷款余额 {fmt_yuan(s.registered_outstanding)} 元），自该日起暂停新增入池，"
        f"待市科技局恢复"
    )


def suspended_error(s: Suspension) -> Conflict:
    return Conflict(
        code=PoolError.BANK_SUSPENDED,
        message=f"{s.bank.name if s.bank_id else '该银行'}已被暂停新增入池：{describe(s)}",
        fields={"bank": describe(s)},
    )


def pool_npl_review(*, actor: Actor, pool_id: int, on: date | None = None) -> list[Suspension]:
    """The city reviews every cooperating bank's NPL ratio on ``on``; returns new suspensions."""
    require_city(actor)
    day = not_future(on, field="on")
    created = []
    with transaction.atomic():
        pool = lock_pool(pool_id)
        banks = Agreement.objects.filter(pool=pool, party_kind=PartyKind.BANK).values_list(
            "party_id", flat=True
        )
        for bank_id in banks:
            before = active_suspension(pool.pk, bank_id)
            after = suspension_evaluate(pool=pool, bank_id=bank_id, on=day)
            if before is None and after is not None:
                created.append(after)
    return created


def suspension_lift(*, actor: Actor, suspension_id: int, reason: str) -> Suspension:
    """The city lifts a suspension, with a reason; the ratio at lifting is recorded."""
    require_city(actor, "admin", "reviewer", "manager")
    why = (reason or "").strip()
    if not why:
        raise DomainError(
            code=PoolError.REASON_REQUIRED,
            message="恢复入池须填写理由",
            fields={"reason": "请填写恢复理由"},
        )
    with transaction.atomic():
        found: Suspension = access(actor, Suspension.objects.all(), suspension_id, what="暂停记录")
        pool = lock_pool(found.pool_id)
        s = Suspension.objects.select_for_update().get(pk=found.pk)
        if s.lifted_on is not None:
            raise Conflict(
                code=PoolError.SUSPENSION_STATE,
                message=f"该暂停已于 {s.lifted_on.isoformat()} 解除",
            )
        day = today()
        s.lifted_on = day
        s.lifted_ratio = bank_npl(pool.pk, s.bank_id, day).ratio.quantize(SIX)
        s.lift_reason = why[:500]
        s.lifted_by = actor.audit_user
        s.save()
    return s
