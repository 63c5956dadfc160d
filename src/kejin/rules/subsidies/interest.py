"""Loan interest subsidy (贷款贴息), 实施意见（十三）: the one-by-one rule.

For each interest period of a loan:

1. only the days inside the window [first drawdown, first drawdown + ``window_months``) count; a
   period cut by the window is prorated by days (eligible days ÷ period days);
2. the subsidy base is the part of that interest above the benchmark rate:
   eligible interest × (contract rate − benchmark rate) ÷ contract rate, zero when the contract
   rate is not above the benchmark;
3. the subsidy is the base × ``interest_subsidy.proportion`` in force on the period end.

Each step is rounded half-up to the fen once. Then :func:`apply_annual_cap` cuts the proposals of
one enterprise so that one calendar year's total (amounts already approved included) never exceeds
``interest_subsidy.annual_cap_per_enterprise``. A period belongs to the year of its ``period_end``
(the date its interest falls due). Periods are half-open: ``period_start`` inclusive, ``period_end``
exclusive, so a period has ``period_end − period_start`` interest days, as in the repayment
schedule. The vectorised twin is :mod:`kejin.rules.subsidies.interest_batch`.
"""

from __future__ import annotations

import calendar
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from kejin.rules.errors import DomainError
from kejin.rules.money import ZERO, fmt_yuan, round_fen, to_decimal
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.cap import annual_cap, cap_in_order
from kejin.rules.subsidies.trace import Award, Trace, TraceStep, clause, pct

MEASURE = "interest_subsidy"
CLAUSE = clause("十三")
P_PROPORTION = "interest_subsidy.proportion"
P_WINDOW = "interest_subsidy.window_months"
P_CAP = "interest_subsidy.annual_cap_per_enterprise"

RATE_PLACES = 4
"""Rates (annual percent) may have at most 4 decimal places (0.0001%), so the batch stays exact."""
RATE_QUANTUM = Decimal("0.0001")
MAX_RATE = Decimal(100)
MAX_AMOUNT = Decimal(1_000_000_000)
"""The largest amount (yuan) of one record: keeps the batch's integer arithmetic inside 64 bits."""


class Reason(StrEnum):
    """Why a period's subsidy is what it is."""

    OK = "ok"
    OUTSIDE_WINDOW = "outside_window"
    NO_INTEREST = "no_interest"
    RATE_NOT_ABOVE_BENCHMARK = "rate_not_above_benchmark"
    CAPPED = "capped"
    CAP_EXHAUSTED = "cap_exhausted"


REASON_TEXT: Mapping[Reason, str] = {
    Reason.OK: "",
    Reason.OUTSIDE_WINDOW: "本期不在自首次放款日起的贴息期内，不予贴息",
    Reason.NO_INTEREST: "本期计入贴息的利息为零，不予贴息",
    Reason.RATE_NOT_ABOVE_BENCHMARK: "合同利率不高于同期基准利率，没有超过基准利率的部分，贴息为零",
    Reason.CAPPED: "企业本年度贴息已达年度上限，本期贴息按剩余额度核减",
    Reason.CAP_EXHAUSTED: "企业本年度贴息额度已用完，本期贴息核减为零",
}


@dataclass(frozen=True)
class Loan:
    """A loan claimed for the subsidy. Rates are annual percent (``Decimal("5.655")``)."""

    loan_id: str
    enterprise_id: str
    contract_date: date
    first_drawdown: date
    contract_rate: Decimal
    benchmark_rate: Decimal


@dataclass(frozen=True)
class InterestRecord:
    """Interest actually paid at the contract rate for [period_start, period_end)."""

    period_start: date
    period_end: date
    interest_paid: Decimal
    principal: Decimal


@dataclass(frozen=True)
class InterestProposal:
    """The subsidy of one period of one loan; ``amount`` is after the annual cap once applied."""

    loan_id: str
    enterprise_id: str
    period_start: date
    period_end: date
    proposed: Decimal
    amount: Decimal
    reason: Reason
    steps: tuple[TraceStep, ...]
    warnings: tuple[str, ...] = ()

    @property
    def year(self) -> int:
        """The calendar year the period counts in (the year of its end)."""
        return self.period_end.year

    @property
    def cut(self) -> Decimal:
        """The part removed by the annual cap."""
        return self.proposed - self.amount


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; a day missing in the target month becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _error(code: str, message: str, field: str, detail: str) -> DomainError:
    return DomainError(code=code, message=message, fields={field: detail})


def _rate(value: Decimal, field: str) -> Decimal:
    rate = to_decimal(value, field=field)
    if rate < 0 or rate > MAX_RATE:
        raise _error(
            "interest_subsidy.rate_out_of_range", "利率须在 0 至 100（%）之间", field, str(rate)
        )
    if rate != rate.quantize(RATE_QUANTUM):
        raise _error(
            "interest_subsidy.rate_precision", "利率最多保留 4 位小数（%）", field, str(rate)
        )
    return rate


def _amount(value: Decimal, field: str) -> Decimal:
    amount = to_decimal(value, field=field)
    if amount < 0:
        raise _error("money.negative", "金额不能为负数", field, f"收到 {amount}")
    if amount != round_fen(amount):
        raise _error("money.not_at_fen", "金额须精确到分", field, f"收到 {amount}")
    if amount > MAX_AMOUNT:
        raise _error("money.too_large", "金额超出可处理范围", field, str(amount))
    return amount


def validate_loan(loan: Loan) -> None:
    """Refuse a loan the rule cannot read (rates out of range, drawdown before the contract)."""
    contract = _rate(loan.contract_rate, "contract_rate")
    _rate(loan.benchmark_rate, "benchmark_rate")
    if contract == 0:
        raise _error("interest_subsidy.rate_out_of_range", "合同利率须大于零", "contract_rate", "0")
    if loan.first_drawdown < loan.contract_date:
        raise _error(
            "interest_subsidy.drawdown_before_contract",
            "首次放款日不能早于合同签订日",
            "first_drawdown",
            f"{loan.first_drawdown.isoformat()} 早于 {loan.contract_date.isoformat()}",
        )


def validate_records(records: Sequence[InterestRecord]) -> None:
    """Refuse empty periods, negative or sub-fen amounts and overlapping periods."""
    for i, r in enumerate(records):
        if r.period_end <= r.period_start:
            raise _error(
                "interest_subsidy.empty_period",
                "计息期间的结束日须晚于开始日",
                f"records[{i}].period_end",
                f"{r.period_start.isoformat()} 至 {r.period_end.isoformat()}",
            )
        _amount(r.interest_paid, f"records[{i}].interest_paid")
        _amount(r.principal, f"records[{i}].principal")
    ordered = sorted(range(len(records)), key=lambda i: records[i].period_start)
    for a, b in itertools.pairwise(ordered):
        if records[b].period_start < records[a].period_end:
            raise _error(
                "interest_subsidy.periods_overlap",
                "同一笔贷款的计息期间不能重叠",
                f"records[{b}].period_start",
                f"与第 {a + 1} 条记录的期间重叠",
            )


def _period(loan: Loan, rec: InterestRecord, params: ParameterSet) -> InterestProposal:
    window = params.value_at(P_WINDOW, loan.first_drawdown)
    window_end = add_months(loan.first_drawdown, int(window.value))
    tag = f"贷款 {loan.loan_id} {rec.period_start.isoformat()}～{rec.period_end.isoformat()}"
    days = (rec.period_end - rec.period_start).days
    start = max(rec.period_start, loan.first_drawdown)
    end = min(rec.period_end, window_end)
    eligible_days = max((end - start).days, 0)
    window_text = f"贴息期 {loan.first_drawdown.isoformat()}～{window_end.isoformat()}（不含末日）"
    steps = [
        TraceStep(
            label=f"{tag} 贴息期内天数",
            formula=f"本期 {days} 天，其中 {eligible_days} 天在{window_text}内",
            params=(window,),
            on=loan.first_drawdown,
        )
    ]
    warnings: tuple[str, ...] = ()
    c, b = loan.contract_rate, loan.benchmark_rate
    # 50 significant digits: the inputs are bounded (amounts ≤ 1e9 yuan at the fen, rates with 4
    # places), so each quotient is far closer to its exact value than to any other half-fen and
    # round_fen gives the exact half-up rounding of the rational result.
    with localcontext() as ctx:
        ctx.prec = 50
        contractual = round_fen(rec.principal * c / 100 * days / 360)
        eligible = round_fen(rec.interest_paid * eligible_days / days)
        above = round_fen(eligible * (c - b) / c) if c > b else ZERO
    if rec.interest_paid > contractual:
        warnings = (
            f"{tag} 实付利息 {fmt_yuan(rec.interest_paid)} 元高于按合同利率计算的应付利息 "
            f"{fmt_yuan(contractual)} 元"
            f"（本金 {fmt_yuan(rec.principal)} × {pct(c)} × {days} ÷ 360），"
            "请核实是否含罚息或复利",
        )

    def result(amount: Decimal, reason: Reason) -> InterestProposal:
        return InterestProposal(
            loan_id=loan.loan_id,
            enterprise_id=loan.enterprise_id,
            period_start=rec.period_start,
            period_end=rec.period_end,
            proposed=amount,
            amount=amount,
            reason=reason,
            steps=tuple(steps),
            warnings=warnings,
        )

    if eligible_days == 0:
        steps[-1] = replace(
            steps[-1],
            amount=ZERO,
            note=REASON_TEXT[Reason.OUTSIDE_WINDOW],
            code=Reason.OUTSIDE_WINDOW.value,
        )
        return result(ZERO, Reason.OUTSIDE_WINDOW)
    steps.append(
        TraceStep(
            label=f"{tag} 计入贴息的利息",
            amount=eligible,
            formula=(
                f"{fmt_yuan(rec.interest_paid)} × {eligible_days} ÷ {days} = {fmt_yuan(eligible)}"
            ),
            note="" if eligible else REASON_TEXT[Reason.NO_INTEREST],
            code="" if eligible else Reason.NO_INTEREST.value,
        )
    )
    if eligible == 0:
        return result(ZERO, Reason.NO_INTEREST)
    if c <= b:
        steps.append(
            TraceStep(
                label=f"{tag} 超过基准利率部分的利息",
                amount=ZERO,
                formula=f"合同利率 {pct(c)} ≤ 基准利率 {pct(b)}",
                note=REASON_TEXT[Reason.RATE_NOT_ABOVE_BENCHMARK],
                code=Reason.RATE_NOT_ABOVE_BENCHMARK.value,
            )
        )
        return result(ZERO, Reason.RATE_NOT_ABOVE_BENCHMARK)
    steps.append(
        TraceStep(
            label=f"{tag} 超过基准利率部分的利息",
            amount=above,
            formula=(
                f"{fmt_yuan(eligible)} × ({pct(c)} − {pct(b)}) ÷ {pct(c)} = {fmt_yuan(above)}"
            ),
        )
    )
    proportion = params.value_at(P_PROPORTION, rec.period_end)
    with localcontext() as ctx:
        ctx.prec = 50
        subsidy = round_fen(above * proportion.value / 100)
    steps.append(
        TraceStep(
            label=f"{tag} 贴息",
            amount=subsidy,
            formula=f"{fmt_yuan(above)} × {pct(proportion.value)} = {fmt_yuan(subsidy)}",
            params=(proportion,),
            on=rec.period_end,
        )
    )
    return result(subsidy, Reason.OK)


def period_proposals(
    loan: Loan, records: Sequence[InterestRecord], params: ParameterSet
) -> list[InterestProposal]:
    """The subsidy of each interest period of ``loan``, before the annual cap, in record order."""
    validate_loan(loan)
    validate_records(records)
    return [_period(loan, r, params) for r in records]


def apply_annual_cap(
    proposals: Sequence[InterestProposal],
    already_approved_by_enterprise_year: Mapping[tuple[str, int], Decimal],
    params: ParameterSet,
) -> list[InterestProposal]:
    """Cut proposals so no enterprise's subsidy in a calendar year exceeds the annual cap.

    Amounts already approved for (enterprise, year) count first. Within an (enterprise, year) the
    proposals are taken by period end, then loan id; each keeps what is left of the cap. A cut is
    recorded as a trace step with the cap parameter. The result is in that deterministic order.
    """
    keys = [(p.loan_id, p.period_start) for p in proposals]
    if len(set(keys)) != len(keys):
        raise _error(
            "interest_subsidy.duplicate_period",
            "同一笔贷款的同一计息期间重复申报",
            "records",
            "期间重复",
        )
    groups: dict[tuple[str, int], list[InterestProposal]] = defaultdict(list)
    for p in proposals:
        groups[(p.enterprise_id, p.year)].append(p)
    out: list[InterestProposal] = []
    for (enterprise, year), items in sorted(groups.items()):
        items.sort(key=lambda p: (p.period_end, p.loan_id))
        cap = annual_cap(params, P_CAP, year)
        already = already_approved_by_enterprise_year.get((enterprise, year), ZERO)
        remaining = max(cap.value - already, ZERO)
        kept = cap_in_order([p.amount for p in items], remaining)
        used = ZERO
        for p, amount in zip(items, kept, strict=True):
            if amount == p.amount:
                out.append(p)
            else:
                reason = Reason.CAP_EXHAUSTED if amount == 0 else Reason.CAPPED
                left = remaining - used
                step = TraceStep(
                    label=f"贷款 {p.loan_id} {p.period_end.isoformat()} 年度上限核减",
                    amount=amount,
                    formula=(
                        f"{year} 年上限 {fmt_yuan(cap.value)} − 已批准 {fmt_yuan(already)} − "
                        f"本次在先 {fmt_yuan(used)} = 剩余 {fmt_yuan(left)}；"
                        f"本期 {fmt_yuan(p.amount)} 核减为 {fmt_yuan(amount)}"
                    ),
                    params=(cap,),
                    on=date(year, 12, 31),
                    note=REASON_TEXT[reason],
                    code=reason.value,
                )
                out.append(replace(p, amount=amount, reason=reason, steps=(*p.steps, step)))
            used += amount
    return out


def award_from_proposals(
    enterprise_id: str,
    loans: Sequence[tuple[Loan, Sequence[InterestRecord]]],
    capped: Sequence[InterestProposal],
    already_approved_by_enterprise_year: Mapping[tuple[str, int], Decimal],
    params: ParameterSet,
) -> Award:
    """One enterprise's award: the capped proposals, their steps and a summary per year."""
    mine = [p for p in capped if p.enterprise_id == enterprise_id]
    steps: list[TraceStep] = [s for p in mine for s in p.steps]
    by_year: dict[int, list[InterestProposal]] = defaultdict(list)
    for p in mine:
        by_year[p.year].append(p)
    for year, items in sorted(by_year.items()):
        cap = annual_cap(params, P_CAP, year)
        already = already_approved_by_enterprise_year.get((enterprise_id, year), ZERO)
        proposed = sum((p.proposed for p in items), ZERO)
        granted = sum((p.amount for p in items), ZERO)
        steps.append(
            TraceStep(
                label=f"{year} 年合计",
                amount=granted,
                formula=(
                    f"本次测算 {fmt_yuan(proposed)}，核定 {fmt_yuan(granted)}；"
                    f"已批准 {fmt_yuan(already)}，合计 {fmt_yuan(already + granted)} ≤ 上限 "
                    f"{fmt_yuan(cap.value)}"
                ),
                params=(cap,),
                on=date(year, 12, 31),
            )
        )
    amount = sum((p.amount for p in mine), ZERO)
    steps.append(TraceStep(label="贴息合计", amount=amount))
    inputs = {
        "enterprise_id": enterprise_id,
        "loans": [
            {
                "loan_id": loan.loan_id,
                "contract_date": loan.contract_date,
                "first_drawdown": loan.first_drawdown,
                "contract_rate": loan.contract_rate,
                "benchmark_rate": loan.benchmark_rate,
                "records": [
                    {
                        "period_start": r.period_start,
                        "period_end": r.period_end,
                        "interest_paid": r.interest_paid,
                        "principal": r.principal,
                    }
                    for r in records
                ],
            }
            for loan, records in loans
            if loan.enterprise_id == enterprise_id
        ],
        "already_approved": {
            str(y): a
            for (e, y), a in already_approved_by_enterprise_year.items()
            if e == enterprise_id
        },
    }
    reasons = tuple(dict.fromkeys(REASON_TEXT[p.reason] for p in mine if p.reason != Reason.OK))
    reference = max((p.period_end for p in mine), default=date.min)
    return Award(
        measure=MEASURE,
        beneficiary=enterprise_id,
        amount=amount,
        reference_date=reference,
        trace=Trace(MEASURE, "科技型中小企业贷款贴息", CLAUSE, inputs, tuple(steps)),
        reasons=reasons,
        warnings=tuple(w for p in mine for w in p.warnings),
    )


def interest_subsidy(
    enterprise_id: str,
    loans: Sequence[tuple[Loan, Sequence[InterestRecord]]],
    params: ParameterSet,
    already_approved_by_enterprise_year: Mapping[tuple[str, int], Decimal] | None = None,
) -> Award:
    """The interest subsidy of one enterprise's application: every loan, every period, capped."""
    already = already_approved_by_enterprise_year or {}
    for loan, _ in loans:
        if loan.enterprise_id != enterprise_id:
            raise _error(
                "interest_subsidy.wrong_enterprise",
                "申报的贷款不属于该企业",
                "loans",
                f"贷款 {loan.loan_id} 属于 {loan.enterprise_id}",
            )
    proposals = [p for loan, records in loans for p in period_proposals(loan, records, params)]
    capped = apply_annual_cap(proposals, already, params)
    return award_from_proposals(enterprise_id, loans, capped, already, params)
