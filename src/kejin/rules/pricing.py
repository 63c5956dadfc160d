"""Risk-based pricing of a tech micro-loan (科技小额贷款风险定价), 实施意见（十二）.

The offered rate of an application is

    offered rate = benchmark rate + spread(grade)

- the benchmark is the rate in force on the pricing date for the term (RULES §2: the 1Y LPR for a
  term up to 5 years); the caller looks it up and passes it in with a description of its row;
- the spread (percentage points) is the dated parameter ``microloan.spread.<grade>`` for the
  borrower's latest credit grade (AAA … C, :data:`kejin.rules.scoring.GRADES`), or
  ``microloan.spread.unrated`` when the borrower has no rating — and the trace says so;
- the sum is rounded half-up to 4 decimal places (0.0001 percentage point), the precision of a
  stored rate.

Worked example (2025-06-10, 12 months, grade AA): benchmark 1Y LPR of 2025-05-20 = 3.00%;
spread AA = 1.50; offered = 3.00 + 1.50 = 4.5000%.

:func:`check_term` refuses a term outside ``microloan.term_min_months`` …
``microloan.term_max_months`` (1–36 by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from kejin.rules.errors import DomainError
from kejin.rules.money import to_decimal
from kejin.rules.params import ParameterSet, ParamValue
from kejin.rules.scoring import GRADES

CLAUSE = "实施意见（十二）"
UNRATED = "unrated"
P_SPREAD = "microloan.spread."
P_TERM_MIN = "microloan.term_min_months"
P_TERM_MAX = "microloan.term_max_months"
RATE_QUANTUM = Decimal("0.0001")


class PricingError(StrEnum):
    """Error codes of the pricing rule."""

    TERM_OUT_OF_RANGE = "microloan.term_out_of_range"
    GRADE_UNKNOWN = "microloan.grade_unknown"


@dataclass(frozen=True)
class Quote:
    """The price of one application on one date, with its trace (JSON-ready)."""

    on: date
    term_months: int
    grade: str  # "" when the borrower has no rating
    benchmark_rate: Decimal
    spread: Decimal
    offered_rate: Decimal
    trace: dict[str, Any] = field(compare=False)

    @property
    def rated(self) -> bool:
        return bool(self.grade)


def round_rate(value: Decimal) -> Decimal:
    """Round a rate (annual percent) half-up to 4 decimal places."""
    return Decimal(value).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


def show_rate(value: Decimal) -> str:
    """A rate for people: at least two decimals, no trailing zeros beyond (3.0000 → 3.00)."""
    exact = Decimal(value).normalize()
    return f"{exact:.2f}" if exact == exact.quantize(Decimal("0.01")) else f"{exact:f}"


def term_range(on: date, params: ParameterSet) -> tuple[ParamValue, ParamValue]:
    """The shortest and the longest term (months) in force on ``on``."""
    return params.value_at(P_TERM_MIN, on), params.value_at(P_TERM_MAX, on)


def check_term(term_months: int, on: date, params: ParameterSet) -> None:
    """Refuse a term outside the range in force (field ``term_months``)."""
    low, high = term_range(on, params)
    if not int(low.value) <= term_months <= int(high.value):
        message = (
            f"期限须在 {int(low.value)}–{int(high.value)} 个月之间（收到 {term_months} 个月；"
            f"依据 {low.key}、{high.key}）"
        )
        raise DomainError(
            code=PricingError.TERM_OUT_OF_RANGE,
            message=message,
            fields={"term_months": message},
        )


def spread_for(grade: str | None, on: date, params: ParameterSet) -> ParamValue:
    """The spread parameter of ``grade`` (``None`` or ``""``: the unrated spread)."""
    if not grade:
        return params.value_at(P_SPREAD + UNRATED, on)
    if grade not in GRADES:
        raise DomainError(
            code=PricingError.GRADE_UNKNOWN,
            message=f"未知的信用等级“{grade}”，应为 {'、'.join(GRADES)} 之一",
            fields={"grade": f"未知的信用等级“{grade}”"},
        )
    return params.value_at(P_SPREAD + grade, on)


def price(
    *,
    on: date,
    term_months: int,
    benchmark_rate: Decimal,
    benchmark_source: str,
    grade: str | None,
    score: Decimal | int | None = None,
    params: ParameterSet,
) -> Quote:
    """Price an application on ``on``: benchmark + the spread of ``grade`` (see module doc)."""
    check_term(term_months, on, params)
    benchmark = to_decimal(benchmark_rate, field="benchmark_rate")
    spread_param = spread_for(grade, on, params)
    spread = spread_param.value
    offered = round_rate(benchmark + spread)
    if grade:
        shown_score = f"（评分 {score}）" if score is not None else ""
        rating_line = f"借款企业最新信用等级：{grade}{shown_score}"
    else:
        rating_line = "借款企业暂无信用评级：按“未评级”档风险加点定价"
    steps = [
        rating_line,
        f"同期基准利率：{show_rate(benchmark)}%（{benchmark_source}；期限 {term_months} 个月，"
        f"定价日 {on}）",
        f"风险加点：{spread_param.describe()}",
        f"定价利率 = {show_rate(benchmark)}% + {show_rate(spread)} 个百分点 = {offered}%"
        "（四舍五入保留 4 位小数）",
    ]
    trace: dict[str, Any] = {
        "rule": "microloan.pricing",
        "clause": CLAUSE,
        "on": on.isoformat(),
        "inputs": {
            "term_months": term_months,
            "grade": grade or "",
            "score": None if score is None else str(score),
            "rated": bool(grade),
            "benchmark_rate": str(benchmark),
            "benchmark_source": benchmark_source,
        },
        "parameters": [spread_param.to_dict()],
        "steps": steps,
        "result": {"spread": str(spread), "offered_rate": str(offered)},
    }
    return Quote(
        on=on,
        term_months=term_months,
        grade=grade or "",
        benchmark_rate=benchmark,
        spread=spread,
        offered_rate=offered,
        trace=trace,
    )


def spread_table(on: date, params: ParameterSet) -> list[tuple[str, ParamValue]]:
    """Every grade's spread in force on ``on``, AAA … C then unrated (for the pages)."""
    return [(g, spread_for(g, on, params)) for g in GRADES] + [
        (UNRATED, spread_for(None, on, params))
    ]
