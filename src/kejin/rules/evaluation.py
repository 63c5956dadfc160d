"""Tech SME evaluation (科技型中小企业评价办法, 国科发政〔2022〕67号; RULES §5).

:func:`evaluate_tech_sme` evaluates one enterprise and explains itself: every eligibility condition
and direct-qualification route with the data it used, the three scores with the band each ratio fell
in, a trace of the arithmetic in Chinese, and hints of what would change the result.
:func:`evaluate_tech_sme_batch` computes the same numbers for a whole table with polars expressions.

Ratios are never rounded before they are compared: ``a / b ≥ t %`` is decided as ``100·a ≥ t·b``
(exact in ``Decimal`` here, in int64 fen in the batch). Lower band bounds are inclusive (含).
A ratio whose denominator is zero is "not computable" and scores 0 with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from enum import StrEnum

import polars as pl

from kejin.rules.errors import DomainError
from kejin.rules.hnte import HnteCertificate, add_years, is_valid_on
from kejin.rules.money import FEN, fmt_yuan, round_fen, to_decimal

MAX_EMPLOYEES = 500
MAX_REVENUE = Decimal(200_000_000)
MAX_TOTAL_ASSETS = Decimal(200_000_000)
PASS_SCORE = 60
DIRECT_ROUTE_YEARS = 5
MAX_AWARD_RANK = 3
MAX_AMOUNT = Decimal(10**14)
"""Largest amount accepted (yuan): keeps every cross-product exact here and in int64 fen."""

Bands = tuple[tuple[int, int], ...]
TECH_STAFF_BANDS: Bands = ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))
RD_REVENUE_BANDS: Bands = ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))
RD_COST_BANDS: Bands = ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))
"""(lower bound in percent, inclusive; points), best band first; below the last band: 0 points."""
IP_CLASS_I_POINTS = 30
IP_CLASS_II_POINTS = ((4, 24), (3, 18), (2, 12), (1, 6))


class StandardLevel(StrEnum):
    """Level of a standard an enterprise led; only the first three qualify it directly."""

    INTERNATIONAL = "international"
    NATIONAL = "national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"


QUALIFYING_STANDARD_LEVELS = frozenset(
    {StandardLevel.INTERNATIONAL, StandardLevel.NATIONAL, StandardLevel.INDUSTRY}
)
_STANDARD_NAMES = {
    "international": "国际标准",
    "national": "国家标准",
    "industry": "行业标准",
    "local": "地方标准",
    "group": "团体标准",
}
_AMOUNTS = {
    "revenue": "销售收入",
    "total_assets": "资产总额",
    "rd_expense": "研发费用",
    "total_cost_and_expense": "成本费用总额",
}
_COUNTS = {
    "employees": "职工总数",
    "tech_staff": "科技人员数",
    "ip_class_i": "Ⅰ类知识产权数",
    "ip_class_ii": "Ⅱ类知识产权数",
}


def _bad(code: str, name: str, message: str) -> DomainError:
    return DomainError(code=code, message=message, fields={name: message})


@dataclass(frozen=True, kw_only=True)
class TechSmeFacts:
    """What the evaluation reads, for the reporting year, as of ``reference_date``.

    Amounts are yuan at the fen (``Decimal``, ``int`` or ``str``; never ``float``). IP counts are
    of valid, undisputed IP related to the main products. The four incident/list flags are
    required: a missing answer must not pass silently. For the award and the standard give the
    most recent qualifying one.
    """

    reference_date: date
    resident_in_mainland: bool
    employees: int
    tech_staff: int
    revenue: Decimal
    total_assets: Decimal
    rd_expense: Decimal
    total_cost_and_expense: Decimal
    ip_class_i: int
    ip_class_ii: int
    in_restricted_catalogue: bool
    had_serious_incident: bool
    on_abnormal_operations_list: bool
    on_serious_dishonesty_list: bool
    hnte_certificate: HnteCertificate | None = None
    national_award_date: date | None = None
    national_award_rank: int | None = None
    recognised_rd_institution: bool = False
    standard_led_date: date | None = None
    standard_led_level: StandardLevel | None = None

    def __post_init__(self) -> None:
        for name, label in _AMOUNTS.items():
            amount = to_decimal(getattr(self, name), field=name)
            if amount < 0:
                raise _bad("evaluation.negative", name, f"{label}不能为负数（收到 {amount}）")
            if amount > MAX_AMOUNT:
                raise _bad("evaluation.too_large", name, f"{label}超过上限（收到 {amount}）")
            if amount != round_fen(amount):
                raise _bad(
                    "evaluation.precision", name, f"{label}最多保留两位小数（收到 {amount}）"
                )
            object.__setattr__(self, name, amount)
        for name, label in _COUNTS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
            if value < 0:
                raise _bad("evaluation.negative", name, f"{label}不能为负数（收到 {value}）")
        if self.tech_staff > self.employees:
            raise _bad("evaluation.inconsistent", "tech_staff", "科技人员数不能超过职工总数")
        if self.standard_led_level is not None:
            object.__setattr__(self, "standard_led_level", StandardLevel(self.standard_led_level))


@dataclass(frozen=True, slots=True)
class Check:
    """An eligibility condition or a direct-qualification route, with the data it used."""

    key: str
    label: str
    passed: bool
    detail: str
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One score: points, the band the ratio fell in, the exact ratio (percent) when computable."""

    key: str
    label: str
    points: int
    max_points: int
    band: str
    ratio_percent: Decimal | None
    detail: str

    @property
    def computable(self) -> bool:
        """False when the ratio's denominator was zero (IP has no ratio: always computable)."""
        return self.ratio_percent is not None or self.key == "ip"


@dataclass(frozen=True, slots=True)
class TechSmeEvaluation:
    """The outcome, with everything needed to explain it."""

    eligible: bool
    conditions: tuple[Check, ...]
    tech_staff: ScoreLine
    rd_revenue: ScoreLine
    rd_cost: ScoreLine
    rd_points: int
    ip: ScoreLine
    total_score: int
    passes_score: bool
    routes: tuple[Check, ...]
    direct_qualification: bool
    qualified: bool
    trace: tuple[str, ...]
    what_would_change: tuple[str, ...]


def _pct(num: Decimal, den: Decimal) -> Decimal:
    """Exact-as-Decimal percent ``100·num/den`` (for display and the record, not for banding)."""
    return num * 100 / den


def _show(percent: Decimal) -> str:
    """Percent cut (not rounded) to two decimals: a band is never shown as reached when it isn't."""
    return f"{percent.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def _band_label(bands: Bands, index: int | None) -> str:
    if index is None:
        return f"<{bands[-1][0]}%"
    if index == 0:
        return f"≥{bands[0][0]}%"
    return f"{bands[index][0]}%（含）–{bands[index - 1][0]}%"


def _band(num: Decimal, den: Decimal, bands: Bands) -> int | None:
    """Index of the band of ``num/den`` (``None`` below the last), by cross-multiplying."""
    return next((i for i, (t, _) in enumerate(bands) if num * 100 >= t * den), None)


def _score_ratio(
    key: str, label: str, *, num: Decimal, den: Decimal, bands: Bands, what: str
) -> ScoreLine:
    top = bands[0][1]
    if den == 0:
        detail = f"{what}：分母为0，比例无法计算，本项得0分"
        return ScoreLine(key, label, 0, top, "无法计算", None, detail)
    index = _band(num, den, bands)
    points = 0 if index is None else bands[index][1]
    percent = _pct(num, den)
    band = _band_label(bands, index)
    detail = f"{what} = {_show(percent)}，落在“{band}”档，得 {points} 分"
    return ScoreLine(key, label, points, top, band, percent, detail)


def _ip_points(class_i: int, class_ii: int) -> tuple[int, str]:
    if class_i >= 1:
        return IP_CLASS_I_POINTS, "Ⅰ类1项及以上"
    for count, points in IP_CLASS_II_POINTS:
        if class_ii >= count:
            return points, f"Ⅱ类{count}项" + ("及以上" if count == IP_CLASS_II_POINTS[0][0] else "")
    return 0, "无"


def _conditions(f: TechSmeFacts) -> tuple[Check, ...]:
    def check(key: str, label: str, passed: bool, detail: str, **data: object) -> Check:
        return Check(key, label, passed, detail, data)

    listed = [
        name
        for name, flag in (
            ("经营异常名录", f.on_abnormal_operations_list),
            ("严重失信主体名单", f.on_serious_dishonesty_list),
        )
        if flag
    ]
    return (
        check(
            "resident_in_mainland",
            "在中国境内（不含港、澳、台）注册的居民企业",
            f.resident_in_mainland,
            "是" if f.resident_in_mainland else "否",
            resident_in_mainland=f.resident_in_mainland,
        ),
        check(
            "employees",
            "职工总数不超过500人",
            f.employees <= MAX_EMPLOYEES,
            f"{f.employees} 人 {'≤' if f.employees <= MAX_EMPLOYEES else '>'} 500 人",
            employees=f.employees,
        ),
        check(
            "revenue",
            "年销售收入不超过2亿元",
            f.revenue <= MAX_REVENUE,
            f"{fmt_yuan(f.revenue)} 元 {'≤' if f.revenue <= MAX_REVENUE else '>'} "
            "200,000,000.00 元",
            revenue=f.revenue,
        ),
        check(
            "total_assets",
            "资产总额不超过2亿元",
            f.total_assets <= MAX_TOTAL_ASSETS,
            f"{fmt_yuan(f.total_assets)} 元 "
            f"{'≤' if f.total_assets <= MAX_TOTAL_ASSETS else '>'} 200,000,000.00 元",
            total_assets=f.total_assets,
        ),
        check(
            "catalogue",
            "产品和服务不属于国家禁止、限制和淘汰类",
            not f.in_restricted_catalogue,
            "属于禁止、限制或淘汰类" if f.in_restricted_catalogue else "不属于",
            in_restricted_catalogue=f.in_restricted_catalogue,
        ),
        check(
            "no_serious_incident",
            "上年度及当年未发生重大安全、重大质量事故、严重环境违法或科研严重失信行为",
            not f.had_serious_incident,
            "有上述事故或行为" if f.had_serious_incident else "无",
            had_serious_incident=f.had_serious_incident,
        ),
        check(
            "not_listed",
            "未列入经营异常名录和严重失信主体名单",
            not listed,
            f"列入{'、'.join(listed)}" if listed else "均未列入",
            on_abnormal_operations_list=f.on_abnormal_operations_list,
            on_serious_dishonesty_list=f.on_serious_dishonesty_list,
        ),
    )


def _routes(f: TechSmeFacts) -> tuple[Check, ...]:
    ref = f.reference_date
    since = add_years(ref, -DIRECT_ROUTE_YEARS)
    cert = f.hnte_certificate
    if cert is None:
        hnte = Check("hnte", "拥有有效期内的高新技术企业证书", False, "无证书")
    else:
        valid = is_valid_on(cert, ref)
        hnte = Check(
            "hnte",
            "拥有有效期内的高新技术企业证书",
            valid,
            f"证书 {cert.number}，{cert.issue_date} 至 {cert.expiry}"
            + (f"，{cert.revoked_on} 起撤销" if cert.revoked_on else "")
            + f"；参照日 {ref} {'在' if valid else '不在'}有效期内",
            {"number": cert.number, "issue_date": cert.issue_date, "expiry": cert.expiry},
        )
    award_date, rank = f.national_award_date, f.national_award_rank
    if award_date is None:
        award = Check("national_award", "近五年内获国家级科技奖励且排名前三", False, "无获奖记录")
    else:
        in_window = since <= award_date <= ref
        top = rank is not None and 1 <= rank <= MAX_AWARD_RANK
        award = Check(
            "national_award",
            "近五年内获国家级科技奖励且排名前三",
            in_window and top,
            f"获奖日期 {award_date}（{'在' if in_window else '不在'}{since} 至 {ref} 内），"
            f"获奖单位排名第 {rank if rank is not None else '?'} 位",
            {"award_date": award_date, "rank": rank, "window_start": since},
        )
    institution = Check(
        "rd_institution",
        "拥有经认定的省部级以上研发机构",
        f.recognised_rd_institution,
        "有" if f.recognised_rd_institution else "无",
    )
    std_date, level = f.standard_led_date, f.standard_led_level
    if std_date is None or level is None:
        standard = Check("standard", "近五年内主导制定过国际、国家或行业标准", False, "无记录")
    else:
        in_window = since <= std_date <= ref
        counts = level in QUALIFYING_STANDARD_LEVELS
        standard = Check(
            "standard",
            "近五年内主导制定过国际、国家或行业标准",
            in_window and counts,
            f"主导制定{_STANDARD_NAMES[level]}"
            + ("" if counts else "（不属于国际、国家或行业标准）")
            + f"，日期 {std_date}（{'在' if in_window else '不在'}{since} 至 {ref} 内）",
            {"date": std_date, "level": str(level), "window_start": since},
        )
    return hnte, award, institution, standard


def _ceil_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_CEILING)


def _hints(
    f: TechSmeFacts,
    *,
    tech: ScoreLine,
    rd_revenue: ScoreLine,
    rd_cost: ScoreLine,
    ip: ScoreLine,
    total: int,
) -> list[str]:
    rd_points = max(rd_revenue.points, rd_cost.points)
    hints: list[str] = []
    if f.employees == 0:
        hints.append(
            "职工总数为0，科技人员占比无法计算（0分，且科技人员得分为0不能通过评价）：请填报职工人数"
        )
    else:
        index = _band(Decimal(f.tech_staff), Decimal(f.employees), TECH_STAFF_BANDS)
        nxt = len(TECH_STAFF_BANDS) - 1 if index is None else index - 1
        if nxt >= 0:
            t, p = TECH_STAFF_BANDS[nxt]
            need = -(-t * f.employees // 100)
            hints.append(
                f"科技人员占比为 {_show(_pct(Decimal(f.tech_staff), Decimal(f.employees)))}；"
                f"达到 {t}%"
                f"（职工总数不变时科技人员 ≥ {need} 人，即再增加 {need - f.tech_staff} 人）"
                f"可多得 {p - tech.points} 分"
                + ("（科技人员得分不能为0）" if tech.points == 0 else "")
            )
    for line, bands in ((rd_revenue, RD_REVENUE_BANDS), (rd_cost, RD_COST_BANDS)):
        if line.ratio_percent is None:
            base = "销售收入" if line.key == "rd_revenue" else "成本费用总额"
            hints.append(f"{base}为0，{line.label}无法计算，本项得0分")
            continue
        better = [(t, p) for t, p in bands if p > max(line.points, rd_points)]
        if not better:
            continue
        t, p = better[-1]
        if line.key == "rd_revenue":
            need = _ceil_fen(f.revenue * t / 100)
            note = ""
        else:
            # adding Δ of R&D raises the total cost by Δ too: (rd+Δ)/(cost+Δ) ≥ t% ⇔
            # Δ ≥ (t·cost − 100·rd)/(100 − t)
            delta = (t * f.total_cost_and_expense - 100 * f.rd_expense) / (100 - t)
            need = f.rd_expense + _ceil_fen(delta)
            note = "，假设新增研发费用同时计入成本费用总额"
        hints.append(
            f"{line.label}为 {_show(line.ratio_percent)}；"
            f"达到 {t}%（研发费用 ≥ {fmt_yuan(need)} 元，"
            f"即增加 {fmt_yuan(need - f.rd_expense)} 元{note}）研发投入可多得 {p - rd_points} 分"
        )
    if f.ip_class_i == 0:
        hints.append(
            f"取得1项有效的Ⅰ类知识产权（如发明专利）可多得 {IP_CLASS_I_POINTS - ip.points} 分"
        )
        if f.ip_class_ii < IP_CLASS_II_POINTS[0][0]:
            more, _ = _ip_points(0, f.ip_class_ii + 1)
            hints.append(
                f"再取得1项Ⅱ类知识产权（如实用新型专利、软件著作权）可多得 {more - ip.points} 分"
            )
    if total < PASS_SCORE:
        hints.append(f"总分 {total} 分，距通过线 60 分还差 {PASS_SCORE - total} 分")
    return hints


def evaluate_tech_sme(facts: TechSmeFacts) -> TechSmeEvaluation:
    """Evaluate one enterprise: eligibility, the three scores, direct routes, result and trace."""
    f = facts
    conditions = _conditions(f)
    eligible = all(c.passed for c in conditions)
    tech = _score_ratio(
        "tech_staff",
        "科技人员占职工总数比例",
        num=Decimal(f.tech_staff),
        den=Decimal(f.employees),
        bands=TECH_STAFF_BANDS,
        what=f"科技人员 {f.tech_staff} 人 ÷ 职工总数 {f.employees} 人",
    )
    rd_revenue = _score_ratio(
        "rd_revenue",
        "研发费用占销售收入比例",
        num=f.rd_expense,
        den=f.revenue,
        bands=RD_REVENUE_BANDS,
        what=f"研发费用 {fmt_yuan(f.rd_expense)} 元 ÷ 销售收入 {fmt_yuan(f.revenue)} 元",
    )
    rd_cost = _score_ratio(
        "rd_cost",
        "研发费用占成本费用总额比例",
        num=f.rd_expense,
        den=f.total_cost_and_expense,
        bands=RD_COST_BANDS,
        what=f"研发费用 {fmt_yuan(f.rd_expense)} 元 ÷ "
        f"成本费用总额 {fmt_yuan(f.total_cost_and_expense)} 元",
    )
    rd_points = max(rd_revenue.points, rd_cost.points)
    ip_points, ip_band = _ip_points(f.ip_class_i, f.ip_class_ii)
    ip = ScoreLine(
        "ip",
        "与主营产品相关的有效知识产权",
        ip_points,
        IP_CLASS_I_POINTS,
        ip_band,
        None,
        f"Ⅰ类 {f.ip_class_i} 项，Ⅱ类 {f.ip_class_ii} 项，落在“{ip_band}”档，得 {ip_points} 分",
    )
    total = tech.points + rd_points + ip.points
    passes_score = total >= PASS_SCORE and tech.points != 0
    routes = _routes(f)
    direct = any(r.passed for r in routes)
    qualified = eligible and (direct or passes_score)

    yes = {True: "符合", False: "不符合"}
    trace = [f"参照日 {f.reference_date}"]
    trace += [f"资格条件·{c.label}：{c.detail} → {yes[c.passed]}" for c in conditions]
    trace.append("资格条件" + ("全部符合" if eligible else "有不符合项，不能入库"))
    trace += [
        f"科技人员指标（满分20）：{tech.detail}",
        f"研发投入指标A（满分50）：{rd_revenue.detail}",
    ]
    trace += [f"研发投入指标B（满分50）：{rd_cost.detail}"]
    trace.append(
        f"研发投入得分取两者较高：max({rd_revenue.points}, {rd_cost.points}) = {rd_points} 分"
    )
    trace.append(f"知识产权指标（满分30）：{ip.detail}")
    trace.append(f"总分 = {tech.points} + {rd_points} + {ip.points} = {total} 分")
    trace.append(
        f"评分结论：总分 {total} {'≥' if total >= PASS_SCORE else '<'} 60，"
        f"科技人员得分 {tech.points}"
        f" {'≠' if tech.points != 0 else '='} 0 → {'通过' if passes_score else '未通过'}"
    )
    trace += [f"直接认定·{r.label}：{r.detail} → {yes[r.passed]}" for r in routes]
    via = "直接认定" if direct else "评分"
    trace.append(
        "结论：" + (f"符合科技型中小企业条件（{via}）" if qualified else "不符合科技型中小企业条件")
    )

    hints: list[str] = []
    if not qualified:
        hints += [
            f"资格条件不符合：{c.label}（{c.detail}）；分数无法弥补"
            for c in conditions
            if not c.passed
        ]
        if not direct and not passes_score:
            hints += _hints(
                f, tech=tech, rd_revenue=rd_revenue, rd_cost=rd_cost, ip=ip, total=total
            )
    return TechSmeEvaluation(
        eligible=eligible,
        conditions=conditions,
        tech_staff=tech,
        rd_revenue=rd_revenue,
        rd_cost=rd_cost,
        rd_points=rd_points,
        ip=ip,
        total_score=total,
        passes_score=passes_score,
        routes=routes,
        direct_qualification=direct,
        qualified=qualified,
        trace=tuple(trace),
        what_would_change=tuple(hints),
    )


def evaluate_tech_sme_batch(
    df: pl.DataFrame, *, reference_date: date | None = None, keep: Sequence[str] = ()
) -> pl.DataFrame:
    """Vectorised :func:`evaluate_tech_sme` over a table; see :mod:`kejin.rules.evaluation_batch`
    for the columns. It lives in its own module to keep modules short; this name stays here so
    the rule and its batch are found together.
    """
    from kejin.rules import evaluation_batch  # noqa: PLC0415 (it imports this module)

    return evaluation_batch.evaluate_tech_sme_batch(df, reference_date=reference_date, keep=keep)
