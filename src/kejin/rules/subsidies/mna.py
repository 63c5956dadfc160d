"""M&A intermediary fee grant (并购中介服务费资助), 实施意见（十五）.

"对在境内外进行并购的，对并购发生的财务、法律等中介服务费给予一定资助": a share of the
financial, legal and other intermediary fees of one completed acquisition, capped per deal.

1. fees = the sum of the intermediary fees paid for the deal;
2. grant = fees × ``mna.fee_proportion`` (in force on the completion date), rounded half-up;
3. the grant is cut so the deal's grants, earlier ones included, stay within ``mna.cap_per_deal``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, fmt_yuan, round_fen, to_decimal
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.trace import Award, Trace, TraceStep, clause, pct

MEASURE = "mna.intermediary_fees"
TITLE = "并购财务、法律等中介服务费资助"
CLAUSE = clause("十五")
P_PROPORTION = "mna.fee_proportion"
P_CAP = "mna.cap_per_deal"


@dataclass(frozen=True)
class IntermediaryFee:
    """A fee paid to an intermediary for the deal (``kind``: 财务顾问, 法律, 审计, 评估 …)."""

    kind: str
    payee: str
    amount: Decimal


def _fen(value: Decimal, field: str) -> Decimal:
    amount = to_decimal(value, field=field)
    if amount < 0 or amount != round_fen(amount):
        raise DomainError(
            code="money.invalid",
            message="金额须为非负数并精确到分",
            fields={field: f"收到 {amount}"},
        )
    return amount


def mna_fee_award(
    enterprise_id: str,
    deal_id: str,
    completed_on: date,
    fees: Sequence[IntermediaryFee],
    params: ParameterSet,
    *,
    already_awarded_for_deal: Decimal = ZERO,
) -> Award:
    """The grant for the intermediary fees of deal ``deal_id`` completed on ``completed_on``."""
    amounts = [_fen(f.amount, f"fees[{i}].amount") for i, f in enumerate(fees)]
    already = _fen(already_awarded_for_deal, "already_awarded_for_deal")
    proportion = params.value_at(P_PROPORTION, completed_on)
    cap = params.value_at(P_CAP, completed_on)
    inputs = {
        "enterprise_id": enterprise_id,
        "deal_id": deal_id,
        "completed_on": completed_on,
        "fees": [{"kind": f.kind, "payee": f.payee, "amount": f.amount} for f in fees],
        "already_awarded_for_deal": already,
    }
    trace = Trace(MEASURE, TITLE, CLAUSE, inputs)
    total = sum(amounts, ZERO)
    shown = " + ".join(fmt_yuan(a) for a in amounts) or "0.00"
    trace = trace.add(
        TraceStep(label="中介服务费合计", amount=total, formula=f"{shown} = {fmt_yuan(total)}")
    )
    share = round_fen(total * proportion.fraction)
    trace = trace.add(
        TraceStep(
            label="按比例资助",
            amount=share,
            formula=f"{fmt_yuan(total)} × {pct(proportion.value)} = {fmt_yuan(share)}",
            params=(proportion,),
            on=completed_on,
        )
    )
    left = max(cap.value - already, ZERO)
    amount = min(share, left)
    reasons: tuple[str, ...] = ()
    note = ""
    if amount < share:
        note = f"每个并购项目资助上限 {fmt_yuan(cap.value)} 元，已资助 {fmt_yuan(already)} 元"
        reasons = (note,)
    trace = trace.add(
        TraceStep(
            label="项目上限",
            amount=amount,
            formula=(
                f"min({fmt_yuan(share)}, {fmt_yuan(cap.value)} − {fmt_yuan(already)}) "
                f"= {fmt_yuan(amount)}"
            ),
            params=(cap,),
            on=completed_on,
            note=note,
            code="capped" if note else "",
        )
    )
    return Award(MEASURE, enterprise_id, amount, completed_on, trace, reasons=reasons)
