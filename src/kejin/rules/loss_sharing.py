"""Risk compensation pool (风险补偿资金池): loss sharing, recoveries, leverage, suspension.

实施意见（十四） asks for "由财政、银行、保险公司共同分担科技贷款损失的机制"; （二十） funds risk
compensation from the special fund. RULES.md §8 gives the defaults (all dated parameters):

- a loss on a registered loan is shared pool 40% / bank 40% / insurer 20% when a performance-
  guarantee policy covers the loan, otherwise pool 50% / bank 50%;
- the pool's share of one loan is capped (default 3,000,000 yuan). **The excess goes to the bank**:
  the bank made the loan and bears whatever the pool does not compensate (as in the 珠海 pool,
  which compensates a share of a bad loan up to a per-loan ceiling and leaves the rest with the
  lender). The insurer's share is contractual and does not change;
- recoveries after compensation go back to the payers pro rata to what they paid;
- registered loans may total at most the pool balance × leverage (default 10×);
- a bank whose registered-loan NPL ratio exceeds the threshold (default 5%) is suspended.

Every split is exact to the fen (largest remainder, :func:`kejin.rules.money.split`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import ZERO, Number, fmt_yuan, round_fen, split, to_decimal
from kejin.rules.params import ParameterSet, ParamValue
from kejin.rules.subsidies.trace import Trace, TraceStep, clause

POOL = "pool"
BANK = "bank"
INSURER = "insurer"
PARTY_LABELS = {POOL: "风险补偿资金池", BANK: "银行", INSURER: "保险公司"}
CLAUSE = f"{clause('十四')}、{clause('二十')}"
HUNDRED = Decimal(100)


def _money(value: Number, field: str) -> Decimal:
    """A non-negative amount at the fen, or a field-named error."""
    amount = to_decimal(value, field=field)
    if amount < 0:
        raise DomainError(
            code="money.negative",
            message="金额不能为负数",
            fields={field: f"金额不能为负数（收到 {amount}）"},
        )
    if amount != round_fen(amount):
        raise DomainError(
            code="money.not_at_fen",
            message="金额须精确到分",
            fields={field: f"金额须精确到分（收到 {amount}）"},
        )
    return amount


def _non_negative(value: Number, field: str) -> Decimal:
    number = to_decimal(value, field=field)
    if number < 0:
        raise DomainError(
            code="value.negative",
            message="数值不能为负数",
            fields={field: f"不能为负数（收到 {number}）"},
        )
    return number


def _label(party: str) -> str:
    return PARTY_LABELS.get(party, party)


@dataclass(frozen=True)
class LossSharing:
    """How one loss is shared: each party's amount (adding up to the loss) and the trace."""

    loss: Decimal
    shares: dict[str, Decimal]
    pool_excess: Decimal
    trace: Trace


def share_loss(
    loss: Number,
    shares: Mapping[str, Number],
    pool_cap: Number | None = None,
    *,
    params_used: tuple[ParamValue, ...] = (),
    params_on: date | None = None,
) -> LossSharing:
    """Share ``loss`` among parties by percent ``shares`` (adding to 100), exactly to the fen.

    The loss is split by largest remainder (ties to the party listed first). If the pool's share
    exceeds ``pool_cap``, the pool pays the cap and the excess moves to the bank. ``params_used``
    (the parameter values the shares and cap came from, read for ``params_on``) are quoted in
    the trace.
    """
    amount = _money(loss, "loss")
    percents = {party: _non_negative(p, f"shares.{party}") for party, p in shares.items()}
    total = sum(percents.values(), ZERO)
    if not percents or total != HUNDRED:
        raise DomainError(
            code="loss_sharing.shares_not_100",
            message=f"各方分担比例之和须为 100%（现为 {total}%）",
            fields={"shares": f"比例之和为 {total}%，应为 100%"},
        )
    cap = None if pool_cap is None else _money(pool_cap, "pool_cap")
    inputs = {
        "loss": amount,
        "shares": dict(percents),
        "pool_cap": cap,
    }
    trace = Trace("risk_pool.loss_sharing", "风险补偿·损失分担", CLAUSE, inputs)
    parts = dict(zip(percents, split(amount, list(percents.values())), strict=True))
    shown = "；".join(f"{_label(p)} {percents[p]}% → {fmt_yuan(v)}" for p, v in parts.items())
    trace = trace.add(
        TraceStep(
            label="按比例分担（最大余额法，精确到分）",
            amount=amount,
            formula=f"{fmt_yuan(amount)}：{shown}",
            params=params_used,
            on=params_on,
        )
    )
    excess = ZERO
    if cap is not None and POOL in parts and parts[POOL] > cap:
        if BANK not in parts:
            raise DomainError(
                code="loss_sharing.no_bank",
                message="资金池补偿超过单笔上限时，超出部分由银行承担，分担方中须有银行",
                fields={"shares": "缺少银行"},
            )
        excess = parts[POOL] - cap
        parts[POOL] = cap
        parts[BANK] += excess
        trace = trace.add(
            TraceStep(
                label="单笔补偿上限",
                amount=excess,
                formula=(
                    f"资金池 {fmt_yuan(cap + excess)} > 上限 {fmt_yuan(cap)}，"
                    f"超出 {fmt_yuan(excess)} 由银行承担：资金池 {fmt_yuan(cap)}，"
                    f"银行 {fmt_yuan(parts[BANK])}"
                ),
                note="单笔贷款资金池补偿以上限为限，未补偿部分由贷款银行承担",
                code="capped",
            )
        )
    return LossSharing(amount, parts, excess, trace)


def shares_for(params: ParameterSet, on: date, *, insured: bool) -> dict[str, ParamValue]:
    """The share parameters in force on ``on`` for a loan with or without guarantee insurance."""
    prefix = "risk_pool.share_with_insurance" if insured else "risk_pool.share_without_insurance"
    parties = (POOL, BANK, INSURER) if insured else (POOL, BANK)
    return {party: params.value_at(f"{prefix}.{party}", on) for party in parties}


def compensate_loss(loss: Number, params: ParameterSet, on: date, *, insured: bool) -> LossSharing:
    """Share a loss that arose on ``on`` with the shares and per-loan cap in force that day."""
    share_params = shares_for(params, on, insured=insured)
    cap = params.value_at("risk_pool.per_loan_cap", on)
    return share_loss(
        loss,
        {party: value.value for party, value in share_params.items()},
        cap.value,
        params_used=(*share_params.values(), cap),
        params_on=on,
    )


def split_recovery(
    recovery: Number,
    paid_by_party: Mapping[str, Number],
    total_loss: Number,
    recovered_by_party: Mapping[str, Number] | None = None,
) -> dict[str, Decimal]:
    """Return a recovery to the parties pro rata to what each paid, exactly to the fen.

    ``paid_by_party`` must add up to ``total_loss``. ``recovered_by_party`` holds what each party
    already got back from earlier recoveries. The recovery is split by largest remainder over what
    each party has paid and not yet recovered: for the first recovery that is exactly what each
    paid, and it guarantees no party ever gets back more than it paid. A recovery larger than the
    loss still unrecovered is refused (``recovery.exceeds_loss``).
    """
    amount = _money(recovery, "recovery")
    loss = _money(total_loss, "total_loss")
    paid = {p: _money(v, f"paid_by_party.{p}") for p, v in paid_by_party.items()}
    if not paid:
        raise DomainError(
            code="recovery.no_parties",
            message="须列出各方已承担的金额",
            fields={"paid_by_party": "为空"},
        )
    if sum(paid.values(), ZERO) != loss:
        raise DomainError(
            code="recovery.paid_not_equal_loss",
            message="各方承担金额之和须等于损失总额",
            fields={
                "paid_by_party": f"合计 {fmt_yuan(sum(paid.values(), ZERO))}，损失 {fmt_yuan(loss)}"
            },
        )
    got = {p: _money(v, f"recovered_by_party.{p}") for p, v in (recovered_by_party or {}).items()}
    for party, value in got.items():
        if value > paid.get(party, ZERO):
            raise DomainError(
                code="recovery.exceeds_paid",
                message="某一方已收回的金额超过其承担的金额",
                fields={f"recovered_by_party.{party}": f"已收回 {fmt_yuan(value)}"},
            )
    remaining = {p: paid[p] - got.get(p, ZERO) for p in paid}
    left = sum(remaining.values(), ZERO)
    if amount > left:
        raise Conflict(
            code="recovery.exceeds_loss",
            message=f"追偿金额 {fmt_yuan(amount)} 元超过尚未收回的损失 {fmt_yuan(left)} 元",
            fields={"recovery": f"不能超过 {fmt_yuan(left)} 元"},
        )
    if amount == 0:
        return dict.fromkeys(paid, ZERO)
    return dict(zip(remaining, split(amount, list(remaining.values())), strict=True))


def leverage_headroom(balance: Number, leverage: Number, registered_outstanding: Number) -> Decimal:
    """How much more loan principal may be registered: balance × leverage − registered, ≥ 0."""
    pool = _money(balance, "balance")
    times = _non_negative(leverage, "leverage")
    registered = _money(registered_outstanding, "registered_outstanding")
    return max(round_fen(pool * times) - registered, ZERO)


def npl_ratio(npl_outstanding: Number, registered_outstanding: Number) -> Decimal:
    """A bank's registered-loan NPL ratio in percent (not rounded; 0 when nothing is registered)."""
    npl = _money(npl_outstanding, "npl_outstanding")
    registered = _money(registered_outstanding, "registered_outstanding")
    if npl > registered:
        raise DomainError(
            code="risk_pool.npl_exceeds_outstanding",
            message="不良贷款余额不能超过入池贷款余额",
            fields={"npl_outstanding": f"{fmt_yuan(npl)} > {fmt_yuan(registered)}"},
        )
    if registered == 0:
        return ZERO
    return npl * HUNDRED / registered


def is_suspended(npl: Number, threshold: Number) -> bool:
    """Whether an NPL ratio (percent) exceeds the suspension threshold (percent): strictly above."""
    return _non_negative(npl, "npl") > _non_negative(threshold, "threshold")
