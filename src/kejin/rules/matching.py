"""Matching financing demands (融资需求) with financial products (金融产品): pure Python.

A product matches a demand when every *hard criterion* that applies holds; the matches are then
ranked by a *score* of 0–100. Each criterion gives a reason in plain Chinese (符合 / 不符合), so a
person can see why a product was or was not matched.

Hard criteria, in the order they are shown (a criterion applies only when the product or the
demand constrains it; amount, term and guarantee always apply):

============  ==========================================================================
audience      a demand sent to chosen institutions matches only their products
kind          the product's kind is one the demand accepts (any when the demand lists none)
amount        product minimum ≤ demand amount ≤ product maximum
term          product minimum ≤ demand term (months) ≤ product maximum
rate          the product's lowest rate ≤ the demand's highest acceptable rate
guarantee     the product's guarantee requirement is one the demand accepts (信用 always is)
tech_sme      the enterprise is a qualified tech SME (when the product requires it)
hnte          the enterprise holds a valid HNTE certificate (when required)
years         years in business ≥ the product's minimum
district      the enterprise's district is one of the product's districts
industry      the enterprise's industry is one of the product's industries
revenue       last filed revenue within the product's range        (private)
grade         credit grade at least the product's minimum grade    (private)
============  ==========================================================================

*Private* criteria read the enterprise's financial or credit data: an institution sees their
outcome only under the enterprise's consent, so a match is *public-eligible* when every criterion
but the private ones holds, and *eligible* when all hold.

Score (integers, floor division, so the one-by-one and the vectorised paths agree exactly):

- rate (30): ``30 × (cap − lowest rate) ÷ cap`` with ``cap`` the demand's highest acceptable rate
  (36 % when it names none); a product without a rate (equity investment) scores 15;
- amount fit (25): ``25 × demand amount ÷ product maximum`` (a demand using more of the product's
  scale fits it better);
- speed (20): ``21 − promised working days``, between 0 and 20;
- timely (15): 15 when the promised response falls within the working days left before the
  demand's needed-by date;
- guarantee (10): 10 for a credit product (no guarantee needed).

Amounts are compared in integer fen and rates in integer hundredths of a percent (rates carry at
most two decimals). :mod:`kejin.rules.matching_batch` runs the same rule for a whole market at
once (polars).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kejin.rules import divisions
from kejin.rules.scoring import GRADES

KINDS: dict[str, str] = {
    "credit_loan": "信用贷款",
    "ip_pledge": "知识产权质押融资",
    "equity_pledge": "股权质押融资",
    "leasing": "融资租赁",
    "guarantee": "融资担保",
    "tech_insurance": "科技保险",
    "performance_insurance": "贷款履约保证保险",
    "equity_investment": "股权投资",
}
GUARANTEES: dict[str, str] = {
    "none": "信用（无需担保）",
    "ip_pledge": "知识产权质押",
    "equity_pledge": "股权质押",
    "collateral": "房产/设备抵押",
    "guarantee_company": "担保公司保证",
    "insurance": "履约保证保险",
    "third_party": "第三方保证",
}
NO_GUARANTEE = "none"
MAX_RATE = Decimal(36)
MAX_RATE_CENTI = 3600
NEUTRAL_RATE_POINTS = 15


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    bit: int
    private: bool = False


CRITERIA: tuple[Criterion, ...] = (
    Criterion("audience", "定向发送", 1 << 0),
    Criterion("kind", "融资方式", 1 << 1),
    Criterion("amount", "金额", 1 << 2),
    Criterion("term", "期限", 1 << 3),
    Criterion("rate", "利率", 1 << 4),
    Criterion("guarantee", "担保方式", 1 << 5),
    Criterion("tech_sme", "科技型中小企业", 1 << 6),
    Criterion("hnte", "高新技术企业", 1 << 7),
    Criterion("years", "成立年限", 1 << 8),
    Criterion("district", "所在区县", 1 << 9),
    Criterion("industry", "所属行业", 1 << 10),
    Criterion("revenue", "营业收入", 1 << 11, private=True),
    Criterion("grade", "信用等级", 1 << 12, private=True),
)
BY_CODE: dict[str, Criterion] = {c.code: c for c in CRITERIA}
BIT: dict[str, int] = {c.code: c.bit for c in CRITERIA}
PRIVATE_MASK = sum(c.bit for c in CRITERIA if c.private)
ALWAYS = BIT["amount"] | BIT["term"] | BIT["guarantee"]

SCORE_PARTS: tuple[tuple[str, str, int], ...] = (
    ("rate", "利率优势", 30),
    ("amount", "额度契合", 25),
    ("speed", "响应速度", 20),
    ("timely", "按期答复", 15),
    ("guarantee", "免担保", 10),
)


@dataclass(frozen=True)
class ProductTerms:
    """What a listed product offers and requires."""

    product_id: int
    institution_id: int
    kind: str
    amount_min: Decimal
    amount_max: Decimal
    term_min: int
    term_max: int
    rate_min: Decimal | None
    rate_max: Decimal | None
    guarantee: str
    requires_tech_sme: bool = False
    requires_hnte: bool = False
    min_years: int | None = None
    revenue_min: Decimal | None = None
    revenue_max: Decimal | None = None
    min_grade: str | None = None
    districts: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    response_days: int = 5


@dataclass(frozen=True)
class EnterpriseFacts:
    """What matching knows of the enterprise behind a demand (on the matching date)."""

    enterprise_id: int
    district_code: str
    industry: str = ""
    tech_sme: bool = False
    hnte: bool = False
    years_in_business: int | None = None
    revenue: Decimal | None = None
    grade: str | None = None


@dataclass(frozen=True)
class DemandTerms:
    """An open demand with its enterprise's facts. ``targets``: the institutions it was sent to
    (empty: open to all); ``working_days_left``: working days from the matching date to the
    needed-by date (None when unknown)."""

    demand_id: int
    enterprise: EnterpriseFacts
    amount: Decimal
    term_months: int
    max_rate: Decimal | None
    guarantees: frozenset[str]
    kinds: frozenset[str] = frozenset()
    targets: frozenset[int] = frozenset()
    working_days_left: int | None = None


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one (product, demand) pair: bit masks of the criteria that apply and of
    those that failed, and the score with its parts."""

    applicable: int
    failed: int
    parts: tuple[int, int, int, int, int]  # rate, amount, speed, timely, guarantee

    @property
    def score(self) -> int:
        return sum(self.parts)

    @property
    def eligible(self) -> bool:
        return self.failed == 0

    @property
    def eligible_public(self) -> bool:
        return self.failed & ~PRIVATE_MASK == 0

    def ok(self, code: str) -> bool:
        return not self.failed & BIT[code]

    def applies(self, code: str) -> bool:
        return bool(self.applicable & BIT[code])


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    ok: bool
    text: str
    private: bool = False

    @property
    def verdict(self) -> str:
        return "符合" if self.ok else "不符合"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "ok": self.ok,
            "text": self.text,
            "private": self.private,
        }


@dataclass(frozen=True)
class Labels:
    """Display names the rules do not own (industries are the enterprises context's)."""

    industries: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=lambda: KINDS)
    guarantees: Mapping[str, str] = field(default_factory=lambda: GUARANTEES)


# --- integer units --------------------------------------------------------------------------


def fen(amount: Decimal) -> int:
    """Yuan → integer fen (the amount must already be exact to the fen)."""
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"amount {amount} is not exact to the fen")
    return int(value)


def centi(rate: Decimal) -> int:
    """Annual percent → integer hundredths of a percent (``3.45`` → ``345``)."""
    value = rate * 100
    if value != value.to_integral_value():
        raise ValueError(f"rate {rate} has more than two decimals")
    return int(value)


def grade_rank(grade: str | None) -> int | None:
    """``AAA`` → 0 … ``C`` → 8 (lower is better); None when unknown."""
    if not grade:
        return None
    return GRADES.index(grade) if grade in GRADES else None


# --- the rule for one pair ------------------------------------------------------------------


def evaluate(product: ProductTerms, demand: DemandTerms) -> Evaluation:
    """Every hard criterion and the score of one (product, demand) pair."""
    ent = demand.enterprise
    applicable = ALWAYS
    failed = 0

    def check(code: str, applies: bool, fails: bool) -> None:
        nonlocal applicable, failed
        if applies:
            applicable |= BIT[code]
            if fails:
                failed |= BIT[code]

    check("audience", bool(demand.targets), product.institution_id not in demand.targets)
    check("kind", bool(demand.kinds), product.kind not in demand.kinds)
    amount = fen(demand.amount)
    check("amount", True, not fen(product.amount_min) <= amount <= fen(product.amount_max))
    check("term", True, not product.term_min <= demand.term_months <= product.term_max)
    check(
        "rate",
        product.rate_min is not None,
        demand.max_rate is not None
        and product.rate_min is not None
        and centi(product.rate_min) > centi(demand.max_rate),
    )
    accepted = demand.guarantees | {NO_GUARANTEE}
    check("guarantee", True, product.guarantee not in accepted)
    check("tech_sme", product.requires_tech_sme, not ent.tech_sme)
    check("hnte", product.requires_hnte, not ent.hnte)
    check(
        "years",
        product.min_years is not None,
        ent.years_in_business is None
        or (product.min_years is not None and ent.years_in_business < product.min_years),
    )
    check("district", bool(product.districts), ent.district_code not in product.districts)
    check("industry", bool(product.industries), ent.industry not in product.industries)
    has_revenue_range = product.revenue_min is not None or product.revenue_max is not None
    revenue = fen(ent.revenue) if ent.revenue is not None else None
    check(
        "revenue",
        has_revenue_range,
        revenue is None
        or (product.revenue_min is not None and revenue < fen(product.revenue_min))
        or (product.revenue_max is not None and revenue > fen(product.revenue_max)),
    )
    wanted, have = grade_rank(product.min_grade), grade_rank(ent.grade)
    check("grade", wanted is not None, have is None or (wanted is not None and have > wanted))
    return Evaluation(applicable, failed, score_parts(product, demand))


def score_parts(product: ProductTerms, demand: DemandTerms) -> tuple[int, int, int, int, int]:
    """The five parts of the ranking score (see the module docstring)."""
    if product.rate_min is None:
        rate = NEUTRAL_RATE_POINTS
    else:
        cap = centi(demand.max_rate) if demand.max_rate is not None else MAX_RATE_CENTI
        low = centi(product.rate_min)
        rate = 0 if cap <= 0 or low > cap else 30 * (cap - low) // cap
    top = fen(product.amount_max)
    amount = 25 * min(fen(demand.amount), top) // top if top > 0 else 0
    speed = min(20, max(0, 21 - product.response_days))
    left = demand.working_days_left
    timely = 15 if left is not None and product.response_days <= left else 0
    guarantee = 10 if product.guarantee == NO_GUARANTEE else 0
    return (rate, amount, speed, timely, guarantee)


# --- reasons in plain Chinese ---------------------------------------------------------------


def fmt_amount(amount: Decimal) -> str:
    """``5000000`` → ``500万元``; ``12345.6`` → ``1.23万元``; ``800`` → ``800元``."""
    if abs(amount) >= 10_000:
        wan = (amount / 10_000).quantize(Decimal("0.01"))
        text = f"{wan:,.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


def fmt_rate(rate: Decimal) -> str:
    return f"{rate:.2f}%"


def _names(codes: frozenset[str] | set[str], labels: Mapping[str, str]) -> str:
    return "、".join(labels.get(c, c) for c in sorted(codes)) or "—"


def _district_names(codes: frozenset[str]) -> str:
    return "、".join(divisions.name(c) or c for c in sorted(codes))


def explain(
    product: ProductTerms,
    demand: DemandTerms,
    evaluation: Evaluation | None = None,
    labels: Labels | None = None,
) -> list[Reason]:
    """The reason for every criterion that applies, in order, 符合 or 不符合."""
    ev = evaluation or evaluate(product, demand)
    lb = labels or Labels()
    ent = demand.enterprise
    out: list[Reason] = []
    for c in CRITERIA:
        if not ev.applies(c.code):
            continue
        ok = ev.ok(c.code)
        out.append(
            Reason(c.code, c.label, ok, _TEXTS[c.code](product, demand, ent, ok, lb), c.private)
        )
    return out


def _audience(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    return "需求定向发送给本产品所属机构" if ok else "需求仅定向发送给其他机构"


def _kind(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    name = lb.kinds.get(p.kind, p.kind)
    wanted = _names(d.kinds, lb.kinds)
    return f"产品类型“{name}”" + ("属于" if ok else "不属于") + f"需求的融资方式（{wanted}）"


def _amount(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    want, lo, hi = fmt_amount(d.amount), fmt_amount(p.amount_min), fmt_amount(p.amount_max)
    if ok:
        return f"需求金额 {want} 在产品额度 {lo}–{hi} 之内"
    if d.amount < p.amount_min:
        return f"需求金额 {want} 低于产品最低额度 {lo}"
    return f"需求金额 {want} 超过产品最高额度 {hi}"


def _term(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    span = f"{p.term_min}–{p.term_max} 个月"
    if ok:
        return f"需求期限 {d.term_months} 个月在产品期限 {span}之内"
    side = "短于" if d.term_months < p.term_min else "长于"
    return f"需求期限 {d.term_months} 个月{side}产品期限 {span}"


def _rate(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    assert p.rate_min is not None
    low = fmt_rate(p.rate_min)
    span = f"{low}–{fmt_rate(p.rate_max)}" if p.rate_max is not None else f"{low} 起"
    if d.max_rate is None:
        return f"需求未限定最高利率；产品年利率 {span}"
    cap = fmt_rate(d.max_rate)
    if ok:
        return f"产品最低年利率 {low} 不高于可接受的最高利率 {cap}（产品年利率 {span}）"
    return f"产品最低年利率 {low} 高于可接受的最高利率 {cap}"


def _guarantee(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    if p.guarantee == NO_GUARANTEE:
        return "信用方式，无需担保"
    name = lb.guarantees.get(p.guarantee, p.guarantee)
    accepted = _names(d.guarantees - {NO_GUARANTEE}, lb.guarantees)
    if ok:
        return f"产品要求“{name}”，在可接受的担保方式（{accepted}）之内"
    if not d.guarantees - {NO_GUARANTEE}:
        return f"产品要求“{name}”，需求只接受信用方式"
    return f"产品要求“{name}”，不在可接受的担保方式（{accepted}）之内"


def _tech_sme(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    if ok:
        return "产品要求科技型中小企业，企业在有效期内"
    return "产品要求科技型中小企业，企业未入库或已过有效期"


def _hnte(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    if ok:
        return "产品要求高新技术企业，企业证书在有效期内"
    return "产品要求高新技术企业，企业没有有效的高新技术企业证书"


def _years(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    need = f"成立满 {p.min_years} 年"
    if e.years_in_business is None:
        return f"产品要求{need}，企业未填写成立日期"
    have = f"企业成立 {e.years_in_business} 年"
    return f"{have}，" + ("满足" if ok else "不满足") + f"产品{need}的要求"


def _district(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    where = divisions.name(e.district_code) or e.district_code
    area = _district_names(p.districts)
    return f"企业位于{where}，" + ("在" if ok else "不在") + f"产品服务区域（{area}）内"


def _industry(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    wanted = _names(p.industries, lb.industries)
    if not e.industry:
        return f"产品面向{wanted}行业，企业未填写所属行业"
    have = lb.industries.get(e.industry, e.industry)
    return f"企业属于“{have}”，" + ("在" if ok else "不在") + f"产品面向的行业（{wanted}）内"


def _revenue(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    if p.revenue_min is not None and p.revenue_max is not None:
        need = f"{fmt_amount(p.revenue_min)}–{fmt_amount(p.revenue_max)}"
    elif p.revenue_min is not None:
        need = f"不低于 {fmt_amount(p.revenue_min)}"
    else:
        assert p.revenue_max is not None
        need = f"不高于 {fmt_amount(p.revenue_max)}"
    if e.revenue is None:
        return f"产品要求营业收入{need}，企业未报送年度财务数据"
    have = fmt_amount(e.revenue)
    return f"企业最近年度营业收入 {have}，" + ("符合" if ok else "不符合") + f"产品要求（{need}）"


def _grade(p: ProductTerms, d: DemandTerms, e: EnterpriseFacts, ok: bool, lb: Labels) -> str:
    if not e.grade:
        return f"产品要求信用等级不低于 {p.min_grade}，企业暂无信用评级"
    side = "不低于" if ok else "低于"
    return f"企业信用等级 {e.grade}，{side}产品要求的 {p.min_grade}"


_TEXTS = {
    "audience": _audience,
    "kind": _kind,
    "amount": _amount,
    "term": _term,
    "rate": _rate,
    "guarantee": _guarantee,
    "tech_sme": _tech_sme,
    "hnte": _hnte,
    "years": _years,
    "district": _district,
    "industry": _industry,
    "revenue": _revenue,
    "grade": _grade,
}


def score_trace(
    product: ProductTerms, demand: DemandTerms, parts: tuple[int, ...]
) -> list[dict[str, object]]:
    """Each part of the score with its points and how they were computed."""
    rate, amount, speed, timely, guarantee = parts
    if product.rate_min is None:
        rate_note = "产品不计利率，取中间分 15"
    else:
        cap = demand.max_rate if demand.max_rate is not None else MAX_RATE
        rate_note = f"30 ×（{fmt_rate(cap)} − {fmt_rate(product.rate_min)}）÷ {fmt_rate(cap)}，取整"
    left = demand.working_days_left
    notes = [
        rate_note,
        f"25 × {fmt_amount(demand.amount)} ÷ {fmt_amount(product.amount_max)}，取整",
        f"21 − 承诺 {product.response_days} 个工作日答复（0–20）",
        (
            f"承诺 {product.response_days} 个工作日答复，距需求日期还有 {left} 个工作日"
            if left is not None
            else "需求日期的工作日数未知"
        ),
        "信用方式，无需担保" if product.guarantee == NO_GUARANTEE else "需要担保",
    ]
    values = (rate, amount, speed, timely, guarantee)
    return [
        {"code": code, "label": label, "max": top, "points": value, "note": note}
        for (code, label, top), value, note in zip(SCORE_PARTS, values, notes, strict=True)
    ]
