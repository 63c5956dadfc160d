"""Shared checks of the risk pool services: who may act, amounts, dates, the pool lock, and the
agreement version in force on a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from kejin.apps.orgs.models import OrgKind
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import (
    Agreement,
    AgreementVersion,
    PartyKind,
    PoolStatus,
    RiskPool,
)
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError, NotFound
from kejin.rules.money import fmt_yuan, round_fen, to_decimal

BANK_KINDS = frozenset({OrgKind.BANK, OrgKind.TECH_SUB_BRANCH})
PARTY_KINDS = {PartyKind.BANK: BANK_KINDS, PartyKind.INSURER: frozenset({OrgKind.INSURER})}
CITY_ROLES = ("admin", "officer", "reviewer", "manager")
APPROVER_ROLES = ("admin", "reviewer", "manager")
BANK_ROLES = ("admin", "officer")


def today() -> date:
    return timezone.localdate()


def require_city(actor: Actor, *roles: str) -> None:
    actor.require_kind(
        OrgKind.CITY_OFFICE, message="风险补偿资金池由市科技局管理，只有市科技局可以办理"
    )
    actor.require_role(*(roles or CITY_ROLES), message="您的角色不能办理风险补偿资金池业务")


def require_bank(actor: Actor) -> None:
    actor.require_kind(*BANK_KINDS, message="只有合作银行可以办理贷款入池登记和代偿申请")
    actor.require_role(*BANK_ROLES, message="办理入池登记和代偿申请需要经办人或管理员角色")


def money(value: object, *, field: str, positive: bool = True) -> Decimal:
    """An exact amount at the fen: not negative (not zero when ``positive``), no sub-fen digits."""
    if value is None or value == "":
        raise DomainError(
            code=PoolError.AMOUNT_INVALID, message="请填写金额", fields={field: "必填"}
        )
    amount = to_decimal(value, field=field)  # type: ignore[arg-type]
    if amount < 0 or (positive and amount == 0):
        text = "金额必须大于零" if positive else "金额不能为负数"
        raise DomainError(
            code=PoolError.AMOUNT_INVALID, message=text, fields={field: f"{text}（收到 {amount}）"}
        )
    if amount != round_fen(amount):
        raise DomainError(
            code=PoolError.AMOUNT_INVALID,
            message="金额最多保留两位小数（到分）",
            fields={field: f"金额最多两位小数（收到 {amount}）"},
        )
    return round_fen(amount)


def not_future(value: date | None, *, field: str) -> date:
    day = value or today()
    if day > today():
        raise DomainError(
            code=PoolError.DATE_IN_FUTURE,
            message=f"日期 {day.isoformat()} 晚于今天",
            fields={field: "不能晚于今天"},
        )
    return day


def lock_pool(pool_id: int) -> RiskPool:
    """Lock the pool's row for the rest of the transaction: every movement of a pool and every
    registration into it is serialised on this lock (PostgreSQL ``SELECT … FOR UPDATE``; SQLite
    serialises writers with ``BEGIN IMMEDIATE``)."""
    try:
        pool = RiskPool.objects.select_for_update().get(pk=pool_id)
    except (RiskPool.DoesNotExist, ValueError, TypeError):
        raise NotFound("风险补偿资金池") from None
    if pool.status != PoolStatus.ACTIVE:
        raise Conflict(code=PoolError.POOL_CLOSED, message=f"资金池“{pool.name}”已关闭")
    return pool


def version_in_force(agreement: Agreement, on: date) -> AgreementVersion | None:
    if agreement.ended_on is not None and agreement.ended_on < on:
        return None
    return agreement.versions.filter(effective_from__lte=on).order_by("-effective_from").first()


def agreement_in_force(
    pool: RiskPool, party_id: int, on: date, *, field: str, who: str
) -> tuple[Agreement, AgreementVersion]:
    """The pool's agreement with a party and its version in force on ``on``, or a clear refusal."""
    agreement = Agreement.objects.filter(pool=pool, party_id=party_id).first()
    version = version_in_force(agreement, on) if agreement else None
    if agreement is None or version is None:
        raise DomainError(
            code=PoolError.NO_AGREEMENT,
            message=f"{who}与资金池“{pool.name}”在 {on.isoformat()} 没有生效的合作协议",
            fields={field: f"{on.isoformat()} 无生效的合作协议"},
        )
    return agreement, version


def yuan_text(value: Decimal) -> str:
    return f"{fmt_yuan(value)} 元"
