"""Bond interest subsidy (债券贴息), 实施意见（十七）.

"采取政府风险缓释基金、债券贴息等方式支持发行科技型中小企业私募债": a share of the coupon an
enterprise paid on an SME private placement bond or on regional collective notes.

1. each coupon payment: subsidy = coupon paid × ``bond.interest_proportion`` in force on the
   payment date, rounded half-up (a bond of another kind gives zero with the reason);
2. per enterprise and calendar year of payment, the total (amounts already approved included) is
   capped at ``bond.annual_cap_per_enterprise`` in force on 31 December; coupons are taken by
   payment date, then bond id, each keeping what is left of the cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, fmt_yuan, round_fen, to_decimal
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.cap import annual_cap, cap_in_order
from kejin.rules.subsidies.trace import Award, Trace, TraceStep, clause, pct

MEASURE = "bond.interest_subsidy"
TITLE = "科技型中小企业债券贴息"
CLAUSE = clause("十七")
P_PROPORTION = "bond.interest_proportion"
P_CAP = "bond.annual_cap_per_enterprise"


class BondKind(StrEnum):
    """Kinds of debt instrument (GLOSSARY: money and instruments)."""

    PRIVATE_PLACEMENT = "private_placement"
    COLLECTIVE_NOTES = "collective_notes"
    COMMERCIAL_PAPER = "commercial_paper"
    MEDIUM_TERM_NOTE = "medium_term_note"
    CONVERTIBLE = "convertible"
    CORPORATE = "corporate"


ELIGIBLE_KINDS = frozenset({BondKind.PRIVATE_PLACEMENT, BondKind.COLLECTIVE_NOTES})
"""The seed subsidises the coupon of SME private placement bonds and regional collective notes."""


@dataclass(frozen=True)
class CouponPayment:
    """A coupon the enterprise paid on one of its bonds."""

    bond_id: str
    kind: BondKind
    paid_on: date
    coupon_paid: Decimal


def bond_interest_award(
    enterprise_id: str,
    coupons: Sequence[CouponPayment],
    params: ParameterSet,
    already_approved_by_year: Mapping[int, Decimal] | None = None,
) -> Award:
    """The bond interest subsidy of one enterprise's application, capped per calendar year."""
    already = dict(already_approved_by_year or {})
    for i, c in enumerate(coupons):
        amount = to_decimal(c.coupon_paid, field=f"coupons[{i}].coupon_paid")
        if amount < 0 or amount != round_fen(amount):
            raise DomainError(
                code="money.invalid",
                message="票息金额须为非负数并精确到分",
                fields={f"coupons[{i}].coupon_paid": f"收到 {amount}"},
            )
    inputs = {
        "enterprise_id": enterprise_id,
        "coupons": [
            {
                "bond_id": c.bond_id,
                "kind": c.kind,
                "paid_on": c.paid_on,
                "coupon_paid": c.coupon_paid,
            }
            for c in coupons
        ],
        "already_approved": {str(y): a for y, a in sorted(already.items())},
    }
    trace = Trace(MEASURE, TITLE, CLAUSE, inputs)
    by_year: dict[int, list[tuple[CouponPayment, Decimal]]] = defaultdict(list)
    reasons: list[str] = []
    for c in sorted(coupons, key=lambda c: (c.paid_on, c.bond_id)):
        label = f"债券 {c.bond_id} {c.paid_on.isoformat()} 付息"
        if c.kind not in ELIGIBLE_KINDS:
            reason = f"债券 {c.bond_id} 不是中小企业私募债或区域集优集合票据，不予贴息"
            reasons.append(reason)
            trace = trace.add(TraceStep(label=label, amount=ZERO, note=reason, code="refused"))
            continue
        proportion = params.value_at(P_PROPORTION, c.paid_on)
        subsidy = round_fen(c.coupon_paid * proportion.fraction)
        formula = f"{fmt_yuan(c.coupon_paid)} × {pct(proportion.value)} = {fmt_yuan(subsidy)}"
        trace = trace.add(
            TraceStep(
                label=label, amount=subsidy, formula=formula, params=(proportion,), on=c.paid_on
            )
        )
        by_year[c.paid_on.year].append((c, subsidy))
    total = ZERO
    for year, items in sorted(by_year.items()):
        cap = annual_cap(params, P_CAP, year)
        approved = already.get(year, ZERO)
        proposed = [s for _, s in items]
        kept = cap_in_order(proposed, cap.value - approved)
        granted = sum(kept, ZERO)
        cut = sum(proposed, ZERO) - granted
        note = ""
        if cut:
            note = f"{year} 年贴息达到每家企业年度上限，核减 {fmt_yuan(cut)} 元"
            reasons.append(note)
        trace = trace.add(
            TraceStep(
                label=f"{year} 年度上限",
                amount=granted,
                formula=(
                    f"min({fmt_yuan(sum(proposed, ZERO))}, {fmt_yuan(cap.value)} − 已批准 "
                    f"{fmt_yuan(approved)}) = {fmt_yuan(granted)}"
                ),
                params=(cap,),
                on=date(year, 12, 31),
                note=note,
                code="capped" if cut else "",
            )
        )
        total += granted
    trace = trace.add(TraceStep(label="贴息合计", amount=total))
    last = max((c.paid_on for c in coupons), default=date.min)
    return Award(MEASURE, enterprise_id, total, last, trace, reasons=tuple(reasons))
