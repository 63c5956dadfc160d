"""Money from the special fund into a pool: the one door to the funds context's ledger.

``fund_transfer_out`` (kejin.apps.funds.services.ledger) commits and pays the amount on a budget
line of purpose ``risk_compensation`` in one transaction, locking the line; the pool's journal is
written in the same transaction, so either both ledgers move or neither does.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kejin.apps.riskpool.errors import PoolError
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

RISK_COMPENSATION = "risk_compensation"


@dataclass(frozen=True)
class FundLine:
    id: int
    label: str
    available: Decimal


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def special_fund_ready() -> bool:
    ledger = _module("kejin.apps.funds.services.ledger")
    return ledger is not None and hasattr(ledger, "fund_transfer_out")


def risk_compensation_lines(actor: Actor, year: int | None = None) -> list[FundLine]:
    """The special fund's risk compensation budget lines the actor may draw on, with what is
    still available on each (empty when the funds context is not there)."""
    selectors = _module("kejin.apps.funds.selectors")
    if selectors is None or not hasattr(selectors, "budget_lines_for"):
        return []
    out = []
    for line in selectors.budget_lines_for(actor, year=year, purpose=RISK_COMPENSATION):
        balance = selectors.balance_of(line) if hasattr(selectors, "balance_of") else None
        available = balance.available if balance is not None else Decimal("0.00")
        out.append(FundLine(line.pk, f"{line.year} {line.name}", available))
    return out


def transfer_from_special_fund(
    *,
    actor: Actor,
    line_id: int,
    amount: Decimal,
    reference: str,
    counterparty: str,
    on: date,
) -> str:
    """Take ``amount`` out of a risk compensation budget line; returns the fund entry's label."""
    if not special_fund_ready():
        raise DomainError(
            code=PoolError.FUND_UNAVAILABLE,
            message="专项资金台账尚未启用，不能从预算科目划转；请改为直接登记财政注资",
            fields={"fund_line_id": "专项资金台账尚未启用"},
        )
    if line_id not in {line.id for line in risk_compensation_lines(actor)}:
        raise DomainError(
            code=PoolError.FUND_UNAVAILABLE,
            message="请选择用途为“风险补偿”的专项资金预算科目",
            fields={"fund_line_id": "不是风险补偿用途的预算科目"},
        )
    ledger = importlib.import_module("kejin.apps.funds.services.ledger")
    entry = ledger.fund_transfer_out(
        actor=actor,
        line_id=line_id,
        amount=amount,
        reference=reference,
        counterparty=counterparty,
        on=on,
    )
    return f"funds.LedgerEntry:{entry.pk}"
