"""High-tech enterprise (HNTE, 高新技术企业): certificate validity and a pre-check of the criteria.

Source: 高新技术企业认定管理办法 (国科发火〔2016〕32号) art. 11 and 12, with the 工作指引
(国科发火〔2016〕195号) for the innovation score. The platform records certificates and
pre-checks the quantitative criteria; the certification itself is done by the authorities.

Dates follow the Civil Code's counting of periods (民法典 art. 201–202): a period of N years that
starts on a day ends on the same calendar day N years later, or on the last day of that month when
the day does not exist (29 February). "一年以上" includes exactly one year (民法典 art. 1259).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from kejin.rules.errors import DomainError
from kejin.rules.money import Number, fmt_yuan, to_decimal

CERTIFICATE_YEARS = 3
MIN_REGISTERED_YEARS = 1
RD_INTENSITY_BANDS: tuple[tuple[Decimal | None, int], ...] = (
    (Decimal(50_000_000), 5),
    (Decimal(200_000_000), 4),
    (None, 3),
)
"""(upper bound of the latest year's revenue, inclusive; minimum R&D / revenue in percent)."""
DOMESTIC_RD_MIN_PERCENT = 60
HIGHTECH_REVENUE_MIN_PERCENT = 60
TECH_STAFF_MIN_PERCENT = 10
INNOVATION_MIN_SCORE = 71
INNOVATION_CAPS = {"ip": 30, "transformation": 30, "rd_management": 20, "growth": 20}
INNOVATION_LABELS = {
    "ip": "知识产权",
    "transformation": "科技成果转化能力",
    "rd_management": "研究开发组织管理水平",
    "growth": "企业成长性",
}


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (or earlier); 29 February falls back to the 28th."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def certificate_expiry(issue_date: date) -> date:
    """Last day of validity of a certificate issued on ``issue_date``: three years later."""
    return add_years(issue_date, CERTIFICATE_YEARS)


@dataclass(frozen=True, slots=True)
class HnteCertificate:
    """A recorded certificate. ``expiry_date`` defaults to :func:`certificate_expiry`;
    ``revoked_on`` is the day the status was cancelled (not valid from that day on)."""

    number: str
    issue_date: date
    expiry_date: date | None = None
    revoked_on: date | None = None

    @property
    def expiry(self) -> date:
        """Last day of validity."""
        return self.expiry_date or certificate_expiry(self.issue_date)


def is_valid_on(cert: HnteCertificate, on: date) -> bool:
    """True from the issue date to the expiry date (both inclusive), unless revoked by then."""
    if cert.revoked_on is not None and on >= cert.revoked_on:
        return False
    return cert.issue_date <= on <= cert.expiry


def expiring_within(cert: HnteCertificate, on: date, days: int = 90) -> bool:
    """True when the certificate is valid on ``on`` and expires within ``days`` days of it."""
    return is_valid_on(cert, on) and cert.expiry <= on + timedelta(days=days)


def rd_intensity_threshold(latest_revenue: Decimal) -> int:
    """Minimum R&D / revenue (percent) for the latest year's revenue (bands upper-inclusive)."""
    for upper, percent in RD_INTENSITY_BANDS:
        if upper is None or latest_revenue <= upper:
            return percent
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class HnteYear:
    """One accounting year: sales revenue, total R&D spend, and the part spent in China."""

    year: int
    revenue: Decimal
    rd_expense: Decimal
    rd_domestic: Decimal


@dataclass(frozen=True, kw_only=True)
class HnteFacts:
    """Inputs of the pre-check. ``years``: the last 1–3 accounting years (fewer when registered
    less than three years), consecutive, oldest first. Qualitative items are ``None`` when not
    checked. Innovation parts are the integer points of the four indicators."""

    reference_date: date
    registration_date: date
    employees: int
    tech_staff: int
    years: Sequence[HnteYear]
    latest_total_income: Decimal
    latest_hightech_revenue: Decimal
    innovation_ip: int
    innovation_transformation: int
    innovation_rd_management: int
    innovation_growth: int
    owns_core_ip: bool | None = None
    in_supported_field: bool | None = None
    had_major_incident_prior_year: bool | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion: ``passed`` is ``None`` when not checked; ``detail`` gives the data used."""

    key: str
    label: str
    passed: bool | None
    detail: str


@dataclass(frozen=True, slots=True)
class HntePrecheck:
    """Result: ``passed`` when no criterion failed; ``complete`` when every one was checked."""

    criteria: tuple[Criterion, ...]
    passed: bool
    complete: bool
    trace: tuple[str, ...]


def _bad(code: str, field: str, message: str) -> DomainError:
    return DomainError(code=code, message=message, fields={field: message})


def _amount(value: Number, field: str, label: str) -> Decimal:
    amount = to_decimal(value, field=field)
    if amount < 0:
        raise _bad("hnte.negative", field, f"{label}不能为负数（收到 {amount}）")
    return amount


def _count(value: int, field: str, label: str, cap: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, got {type(value).__name__}")
    if value < 0:
        raise _bad("hnte.negative", field, f"{label}不能为负数（收到 {value}）")
    if cap is not None and value > cap:
        raise _bad("hnte.over_cap", field, f"{label}最高{cap}分（收到 {value}）")
    return value


def _pct(num: Decimal, den: Decimal) -> str:
    """A ratio as a percent, cut (not rounded) to two decimals: a band is never overstated."""
    return f"{(num * 100 / den).quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def _ratio_criterion(
    key: str, label: str, *, num: Decimal, den: Decimal, minimum: int, what: str
) -> Criterion:
    """``num / den ≥ minimum %``, compared exactly by cross-multiplication."""
    if den == 0:
        return Criterion(key, label, False, f"{what}：分母为0，无法计算，视为不符合")
    passed = num * 100 >= minimum * den
    sign = "≥" if passed else "<"
    return Criterion(key, label, passed, f"{what} = {_pct(num, den)} {sign} {minimum}%")


def precheck_hnte(facts: HnteFacts) -> HntePrecheck:
    """Pre-check the HNTE criteria of art. 11 that the platform can compute, each with its data."""
    years = list(facts.years)
    if not 1 <= len(years) <= 3:
        raise _bad("hnte.years", "years", f"需要最近1–3个会计年度的数据（收到 {len(years)} 个）")
    if [y.year for y in years] != list(range(years[0].year, years[0].year + len(years))):
        raise _bad("hnte.years", "years", "会计年度须连续且按先后排列")
    revenue = rd = domestic = Decimal(0)
    for y in years:
        y_revenue = _amount(y.revenue, "revenue", f"{y.year}年销售收入")
        y_rd = _amount(y.rd_expense, "rd_expense", f"{y.year}年研究开发费用")
        y_domestic = _amount(y.rd_domestic, "rd_domestic", f"{y.year}年境内研究开发费用")
        if y_domestic > y_rd:
            raise _bad(
                "hnte.inconsistent", "rd_domestic", f"{y.year}年境内研发费用超过研发费用总额"
            )
        revenue, rd, domestic = revenue + y_revenue, rd + y_rd, domestic + y_domestic
    latest_revenue = to_decimal(years[-1].revenue)
    employees = _count(facts.employees, "employees", "职工总数")
    tech_staff = _count(facts.tech_staff, "tech_staff", "科技人员数")
    if tech_staff > employees:
        raise _bad("hnte.inconsistent", "tech_staff", "科技人员数不能超过职工总数")
    income = _amount(facts.latest_total_income, "latest_total_income", "近一年总收入")
    hightech = _amount(facts.latest_hightech_revenue, "latest_hightech_revenue", "高新技术产品收入")
    if hightech > income:
        raise _bad(
            "hnte.inconsistent", "latest_hightech_revenue", "高新技术产品（服务）收入超过总收入"
        )
    parts = {
        key: _count(getattr(facts, f"innovation_{key}"), f"innovation_{key}", label, cap)
        for (key, cap), label in zip(
            INNOVATION_CAPS.items(), INNOVATION_LABELS.values(), strict=True
        )
    }

    since = add_years(facts.registration_date, MIN_REGISTERED_YEARS)
    registered = facts.reference_date >= since
    threshold = rd_intensity_threshold(latest_revenue)
    span = f"{years[0].year}–{years[-1].year}年" if len(years) > 1 else f"{years[0].year}年"
    innovation = sum(parts.values())
    criteria = [
        Criterion(
            "registered_one_year",
            "注册成立一年以上",
            registered,
            f"注册日期 {facts.registration_date}，满一年之日 {since}，"
            f"参照日 {facts.reference_date}",
        ),
        _ratio_criterion(
            "tech_staff",
            "科技人员占职工总数比例不低于10%",
            num=Decimal(tech_staff),
            den=Decimal(employees),
            minimum=TECH_STAFF_MIN_PERCENT,
            what=f"科技人员 {tech_staff} 人 ÷ 职工总数 {employees} 人",
        ),
        _ratio_criterion(
            "rd_intensity",
            f"近三年研发费用占销售收入比例不低于{threshold}%"
            f"（最近一年销售收入 {fmt_yuan(latest_revenue)} 元）",
            num=rd,
            den=revenue,
            minimum=threshold,
            what=f"{span}研发费用 {fmt_yuan(rd)} 元 ÷ 销售收入 {fmt_yuan(revenue)} 元",
        ),
        _ratio_criterion(
            "domestic_rd",
            "境内研发费用占研发费用总额比例不低于60%",
            num=domestic,
            den=rd,
            minimum=DOMESTIC_RD_MIN_PERCENT,
            what=f"{span}境内研发费用 {fmt_yuan(domestic)} 元 ÷ 研发费用 {fmt_yuan(rd)} 元",
        ),
        _ratio_criterion(
            "hightech_revenue",
            "近一年高新技术产品（服务）收入占总收入比例不低于60%",
            num=hightech,
            den=income,
            minimum=HIGHTECH_REVENUE_MIN_PERCENT,
            what=f"高新技术产品（服务）收入 {fmt_yuan(hightech)} 元 ÷ 总收入 {fmt_yuan(income)} 元",
        ),
        Criterion(
            "innovation_score",
            "创新能力评价不低于71分",
            innovation >= INNOVATION_MIN_SCORE,
            " + ".join(f"{INNOVATION_LABELS[k]} {v}" for k, v in parts.items())
            + f" = {innovation} 分（{'≥' if innovation >= INNOVATION_MIN_SCORE else '<'} 71）",
        ),
    ]
    for key, label, value in (
        ("core_ip", "拥有核心自主知识产权", facts.owns_core_ip),
        ("supported_field", "属于《国家重点支持的高新技术领域》", facts.in_supported_field),
    ):
        criteria.append(Criterion(key, label, value, "未核查" if value is None else "申报数据"))
    incident = facts.had_major_incident_prior_year
    criteria.append(
        Criterion(
            "no_major_incident",
            "申请前一年内未发生重大安全、重大质量事故或严重环境违法行为",
            None if incident is None else not incident,
            "未核查"
            if incident is None
            else ("有" if incident else "无") + "重大事故或严重违法记录",
        )
    )
    passed = all(c.passed is not False for c in criteria)
    complete = all(c.passed is not None for c in criteria)
    status = {True: "符合", False: "不符合", None: "未核查"}
    verdict = "各项均符合" if passed and complete else "有未核查项" if passed else "不符合"
    trace = (
        *(f"{c.label}：{c.detail} → {status[c.passed]}" for c in criteria),
        f"预审结论：{verdict}",
    )
    return HntePrecheck(tuple(criteria), passed, complete, trace)
