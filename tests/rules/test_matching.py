"""Matching rules: every criterion with its reason in plain Chinese, the score with its arithmetic
written out, and the vectorised market rematch equal to the one-by-one rule on generated data."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kejin.rules.matching import (
    BIT,
    CRITERIA,
    DemandTerms,
    EnterpriseFacts,
    Labels,
    ProductTerms,
    centi,
    evaluate,
    explain,
    fen,
    fmt_amount,
    score_trace,
)
from kejin.rules.matching_batch import rematch, rematch_one_by_one

D = Decimal
BANK = 7
OTHER_BANK = 8
LABELS = Labels(industries={"next_gen_it": "新一代信息技术", "biotech": "生物"})

PRODUCT = ProductTerms(
    product_id=1,
    institution_id=BANK,
    kind="ip_pledge",
    amount_min=D("1000000"),
    amount_max=D("10000000"),
    term_min=6,
    term_max=36,
    rate_min=D("3.45"),
    rate_max=D("6.00"),
    guarantee="ip_pledge",
    response_days=5,
)
ENTERPRISE = EnterpriseFacts(
    enterprise_id=100,
    district_code="220104",
    industry="next_gen_it",
    tech_sme=True,
    hnte=False,
    years_in_business=4,
    revenue=D("32000000"),
    grade="AA",
)
DEMAND = DemandTerms(
    demand_id=10,
    enterprise=ENTERPRISE,
    amount=D("5000000"),
    term_months=12,
    max_rate=D("6.00"),
    guarantees=frozenset({"ip_pledge"}),
    working_days_left=12,
)


def reason(product: ProductTerms, demand: DemandTerms, code: str) -> tuple[str, str]:
    found = [r for r in explain(product, demand, labels=LABELS) if r.code == code]
    assert len(found) == 1, f"criterion {code} does not apply"
    return found[0].verdict, found[0].text


def codes(product: ProductTerms, demand: DemandTerms) -> list[str]:
    return [r.code for r in explain(product, demand, labels=LABELS)]


# --- the worked example ---------------------------------------------------------------------


def test_the_worked_example_matches_with_every_reason_in_chinese() -> None:
    reasons = explain(PRODUCT, DEMAND, labels=LABELS)
    assert [(r.label, r.verdict, r.text) for r in reasons] == [
        ("金额", "符合", "需求金额 500万元 在产品额度 100万元–1,000万元 之内"),
        ("期限", "符合", "需求期限 12 个月在产品期限 6–36 个月之内"),
        (
            "利率",
            "符合",
            "产品最低年利率 3.45% 不高于可接受的最高利率 6.00%（产品年利率 3.45%–6.00%）",
        ),
        ("担保方式", "符合", "产品要求“知识产权质押”，在可接受的担保方式（知识产权质押）之内"),
    ]
    ev = evaluate(PRODUCT, DEMAND)
    assert ev.eligible
    assert ev.eligible_public


def test_the_score_of_the_worked_example() -> None:
    # rate: 30 × (600 − 345) ÷ 600 = 7650 ÷ 600 = 12.75 → 12
    # amount: 25 × 500万 ÷ 1000万 = 12.5 → 12
    # speed: 21 − 5 = 16
    # timely: promised 5 ≤ 12 working days left → 15
    # guarantee: a pledge is needed → 0
    ev = evaluate(PRODUCT, DEMAND)
    assert ev.parts == (12, 12, 16, 15, 0)
    assert ev.score == 55
    trace = score_trace(PRODUCT, DEMAND, ev.parts)
    assert [t["points"] for t in trace] == [12, 12, 16, 15, 0]
    assert trace[0]["note"] == "30 ×（6.00% − 3.45%）÷ 6.00%，取整"
    assert trace[3]["note"] == "承诺 5 个工作日答复，距需求日期还有 12 个工作日"


def test_a_credit_product_without_a_rate_cap_scores_on_36_percent() -> None:
    # credit: rate 30 × (3600 − 400) ÷ 3600 = 26.67 → 26; amount 25 × 500 ÷ 500 = 25;
    # speed 21 − 1 = 20 (capped at 20); timely 1 ≤ 12 → 15; no guarantee → 10. Total 96.
    product = replace(
        PRODUCT,
        kind="credit_loan",
        guarantee="none",
        rate_min=D("4.00"),
        rate_max=None,
        amount_max=D("5000000"),
        response_days=1,
    )
    demand = replace(DEMAND, max_rate=None)
    ev = evaluate(product, demand)
    assert ev.parts == (26, 25, 20, 15, 10)
    assert ev.score == 96
    assert reason(product, demand, "rate") == ("符合", "需求未限定最高利率；产品年利率 4.00% 起")
    assert reason(product, demand, "guarantee") == ("符合", "信用方式，无需担保")


def test_an_equity_investment_has_no_rate_criterion_and_a_neutral_rate_score() -> None:
    product = replace(
        PRODUCT,
        kind="equity_investment",
        rate_min=None,
        rate_max=None,
        guarantee="none",
        response_days=25,
    )
    ev = evaluate(product, DEMAND)
    assert "rate" not in codes(product, DEMAND)
    # rate 15 (neutral); amount 12; speed 21 − 25 < 0 → 0; timely 25 > 12 → 0; guarantee 10
    assert ev.parts == (15, 12, 0, 0, 10)


# --- criterion by criterion -----------------------------------------------------------------


def test_amount_below_and_above_the_product_range() -> None:
    low = replace(DEMAND, amount=D("500000"))
    high = replace(DEMAND, amount=D("20000000"))
    assert reason(PRODUCT, low, "amount") == ("不符合", "需求金额 50万元 低于产品最低额度 100万元")
    assert reason(PRODUCT, high, "amount") == (
        "不符合",
        "需求金额 2,000万元 超过产品最高额度 1,000万元",
    )
    assert not evaluate(PRODUCT, low).eligible_public


def test_the_amount_range_is_inclusive_at_both_ends() -> None:
    assert evaluate(PRODUCT, replace(DEMAND, amount=D("1000000"))).ok("amount")
    assert evaluate(PRODUCT, replace(DEMAND, amount=D("10000000"))).ok("amount")
    assert not evaluate(PRODUCT, replace(DEMAND, amount=D("10000000.01"))).ok("amount")


def test_term_shorter_and_longer_than_the_product() -> None:
    assert reason(PRODUCT, replace(DEMAND, term_months=3), "term") == (
        "不符合",
        "需求期限 3 个月短于产品期限 6–36 个月",
    )
    assert reason(PRODUCT, replace(DEMAND, term_months=48), "term") == (
        "不符合",
        "需求期限 48 个月长于产品期限 6–36 个月",
    )


def test_a_product_dearer_than_the_highest_acceptable_rate() -> None:
    demand = replace(DEMAND, max_rate=D("3.20"))
    assert reason(PRODUCT, demand, "rate") == (
        "不符合",
        "产品最低年利率 3.45% 高于可接受的最高利率 3.20%",
    )
    assert evaluate(PRODUCT, demand).parts[0] == 0


def test_a_rate_equal_to_the_cap_is_acceptable() -> None:
    assert evaluate(PRODUCT, replace(DEMAND, max_rate=D("3.45"))).ok("rate")


def test_a_guarantee_the_enterprise_does_not_accept() -> None:
    product = replace(PRODUCT, guarantee="collateral")
    assert reason(product, DEMAND, "guarantee") == (
        "不符合",
        "产品要求“房产/设备抵押”，不在可接受的担保方式（知识产权质押）之内",
    )
    credit_only = replace(DEMAND, guarantees=frozenset())
    assert reason(product, credit_only, "guarantee") == (
        "不符合",
        "产品要求“房产/设备抵押”，需求只接受信用方式",
    )


def test_a_credit_product_suits_every_demand_whatever_guarantees_it_accepts() -> None:
    product = replace(PRODUCT, guarantee="none")
    assert evaluate(product, replace(DEMAND, guarantees=frozenset())).ok("guarantee")


def test_the_kind_of_financing_the_demand_wants() -> None:
    demand = replace(DEMAND, kinds=frozenset({"credit_loan", "equity_investment"}))
    assert reason(PRODUCT, demand, "kind") == (
        "不符合",
        "产品类型“知识产权质押融资”不属于需求的融资方式（信用贷款、股权投资）",
    )
    ok = replace(DEMAND, kinds=frozenset({"ip_pledge"}))
    assert reason(PRODUCT, ok, "kind") == (
        "符合",
        "产品类型“知识产权质押融资”属于需求的融资方式（知识产权质押融资）",
    )
    assert "kind" not in codes(PRODUCT, DEMAND)  # no kinds listed: any kind


def test_tech_sme_and_hnte_requirements() -> None:
    product = replace(PRODUCT, requires_tech_sme=True, requires_hnte=True)
    assert reason(product, DEMAND, "tech_sme") == (
        "符合",
        "产品要求科技型中小企业，企业在有效期内",
    )
    assert reason(product, DEMAND, "hnte") == (
        "不符合",
        "产品要求高新技术企业，企业没有有效的高新技术企业证书",
    )
    lapsed = replace(DEMAND, enterprise=replace(ENTERPRISE, tech_sme=False))
    assert reason(product, lapsed, "tech_sme") == (
        "不符合",
        "产品要求科技型中小企业，企业未入库或已过有效期",
    )


def test_years_in_business() -> None:
    product = replace(PRODUCT, min_years=3)
    assert reason(product, DEMAND, "years") == ("符合", "企业成立 4 年，满足产品成立满 3 年的要求")
    young = replace(DEMAND, enterprise=replace(ENTERPRISE, years_in_business=2))
    assert reason(product, young, "years") == (
        "不符合",
        "企业成立 2 年，不满足产品成立满 3 年的要求",
    )
    unknown = replace(DEMAND, enterprise=replace(ENTERPRISE, years_in_business=None))
    assert reason(product, unknown, "years") == (
        "不符合",
        "产品要求成立满 3 年，企业未填写成立日期",
    )


def test_districts_served_by_the_product() -> None:
    product = replace(PRODUCT, districts=frozenset({"220102", "220104"}))
    assert reason(product, DEMAND, "district") == (
        "符合",
        "企业位于朝阳区，在产品服务区域（南关区、朝阳区）内",
    )
    elsewhere = replace(DEMAND, enterprise=replace(ENTERPRISE, district_code="220103"))
    assert reason(product, elsewhere, "district") == (
        "不符合",
        "企业位于宽城区，不在产品服务区域（南关区、朝阳区）内",
    )


def test_industries_served_by_the_product() -> None:
    product = replace(PRODUCT, industries=frozenset({"biotech"}))
    assert reason(product, DEMAND, "industry") == (
        "不符合",
        "企业属于“新一代信息技术”，不在产品面向的行业（生物）内",
    )
    unknown = replace(DEMAND, enterprise=replace(ENTERPRISE, industry=""))
    assert reason(product, unknown, "industry") == (
        "不符合",
        "产品面向生物行业，企业未填写所属行业",
    )


def test_revenue_range_is_private() -> None:
    product = replace(PRODUCT, revenue_min=D("10000000"), revenue_max=D("50000000"))
    verdict = reason(product, DEMAND, "revenue")
    assert verdict == (
        "符合",
        "企业最近年度营业收入 3,200万元，符合产品要求（1,000万元–5,000万元）",
    )
    small = replace(DEMAND, enterprise=replace(ENTERPRISE, revenue=D("8000000")))
    ev = evaluate(product, small)
    assert not ev.eligible
    assert ev.eligible_public  # a private criterion alone does not hide the pair from the bank
    none = replace(DEMAND, enterprise=replace(ENTERPRISE, revenue=None))
    assert reason(replace(product, revenue_max=None), none, "revenue") == (
        "不符合",
        "产品要求营业收入不低于 1,000万元，企业未报送年度财务数据",
    )
    assert [r.private for r in explain(product, DEMAND) if r.code == "revenue"] == [True]


def test_credit_grade_at_least_the_minimum() -> None:
    product = replace(PRODUCT, min_grade="A")
    assert reason(product, DEMAND, "grade") == ("符合", "企业信用等级 AA，不低于产品要求的 A")
    weak = replace(DEMAND, enterprise=replace(ENTERPRISE, grade="BBB"))
    assert reason(product, weak, "grade") == ("不符合", "企业信用等级 BBB，低于产品要求的 A")
    unrated = replace(DEMAND, enterprise=replace(ENTERPRISE, grade=None))
    assert reason(product, unrated, "grade") == (
        "不符合",
        "产品要求信用等级不低于 A，企业暂无信用评级",
    )
    assert evaluate(product, replace(DEMAND, enterprise=replace(ENTERPRISE, grade="A"))).ok("grade")


def test_a_demand_sent_to_chosen_institutions_matches_only_their_products() -> None:
    sent = replace(DEMAND, targets=frozenset({OTHER_BANK}))
    assert reason(PRODUCT, sent, "audience") == ("不符合", "需求仅定向发送给其他机构")
    assert not evaluate(PRODUCT, sent).eligible_public
    ours = replace(DEMAND, targets=frozenset({BANK, OTHER_BANK}))
    assert reason(PRODUCT, ours, "audience") == ("符合", "需求定向发送给本产品所属机构")


def test_reasons_follow_the_order_of_the_criteria() -> None:
    product = replace(
        PRODUCT, requires_hnte=True, min_grade="A", min_years=1, districts=frozenset({"220104"})
    )
    order = [c.code for c in CRITERIA]
    shown = codes(product, DEMAND)
    assert shown == sorted(shown, key=order.index)


def test_units_are_exact() -> None:
    assert fen(D("12.34")) == 1234
    assert centi(D("3.45")) == 345
    with pytest.raises(ValueError, match="fen"):
        fen(D("0.001"))
    with pytest.raises(ValueError, match="decimals"):
        centi(D("3.455"))
    assert fmt_amount(D("5000000")) == "500万元"
    assert fmt_amount(D("12345.6")) == "1.23万元"
    assert fmt_amount(D("800")) == "800元"


# --- the whole market: vectorised = one by one ----------------------------------------------

KIND_CODES = ["credit_loan", "ip_pledge", "equity_investment", "leasing"]
GUARANTEE_CODES = ["none", "ip_pledge", "collateral", "guarantee_company"]
DISTRICT_CODES = ["220102", "220103", "220104"]
INDUSTRY_CODES = ["", "next_gen_it", "biotech"]
GRADES = [None, "AAA", "A", "BBB", "C"]
amounts = st.integers(min_value=1, max_value=2_000).map(lambda n: D(n) * 10_000)
rates = st.integers(min_value=0, max_value=3600).map(lambda n: D(n) / 100)


@st.composite
def products(draw: st.DrawFn, pid: int) -> ProductTerms:
    lo, hi = sorted((draw(amounts), draw(amounts)))
    tlo, thi = sorted((draw(st.integers(1, 60)), draw(st.integers(1, 60))))
    rated = draw(st.booleans())
    rlo, rhi = sorted((draw(rates), draw(rates)))
    rev = draw(st.sampled_from([None, (D(0), D(5_000_000)), (D(1_000_000), None)]))
    return ProductTerms(
        product_id=pid,
        institution_id=draw(st.sampled_from([BANK, OTHER_BANK, 9])),
        kind=draw(st.sampled_from(KIND_CODES)),
        amount_min=lo,
        amount_max=hi,
        term_min=tlo,
        term_max=thi,
        rate_min=rlo if rated else None,
        rate_max=rhi if rated else None,
        guarantee=draw(st.sampled_from(GUARANTEE_CODES)),
        requires_tech_sme=draw(st.booleans()),
        requires_hnte=draw(st.booleans()),
        min_years=draw(st.sampled_from([None, 1, 3])),
        revenue_min=rev[0] if rev else None,
        revenue_max=rev[1] if rev else None,
        min_grade=draw(st.sampled_from([None, "AA", "BBB"])),
        districts=frozenset(draw(st.sets(st.sampled_from(DISTRICT_CODES), max_size=2))),
        industries=frozenset(draw(st.sets(st.sampled_from(INDUSTRY_CODES[1:]), max_size=1))),
        response_days=draw(st.integers(1, 25)),
    )


@st.composite
def demands(draw: st.DrawFn, did: int) -> DemandTerms:
    ent = EnterpriseFacts(
        enterprise_id=1000 + did,
        district_code=draw(st.sampled_from(DISTRICT_CODES)),
        industry=draw(st.sampled_from(INDUSTRY_CODES)),
        tech_sme=draw(st.booleans()),
        hnte=draw(st.booleans()),
        years_in_business=draw(st.sampled_from([None, 0, 2, 5])),
        revenue=draw(st.sampled_from([None, D(0), D(900_000), D(3_000_000), D(9_000_000)])),
        grade=draw(st.sampled_from(GRADES)),
    )
    return DemandTerms(
        demand_id=did,
        enterprise=ent,
        amount=draw(amounts),
        term_months=draw(st.integers(1, 60)),
        max_rate=draw(st.one_of(st.none(), rates)),
        guarantees=frozenset(draw(st.sets(st.sampled_from(GUARANTEE_CODES)))),
        kinds=frozenset(draw(st.sets(st.sampled_from(KIND_CODES), max_size=2))),
        targets=frozenset(draw(st.sets(st.sampled_from([BANK, OTHER_BANK]), max_size=1))),
        working_days_left=draw(st.one_of(st.none(), st.integers(0, 40))),
    )


@st.composite
def markets(draw: st.DrawFn) -> tuple[list[ProductTerms], list[DemandTerms]]:
    n_products = draw(st.integers(1, 8))
    n_demands = draw(st.integers(1, 8))
    return (
        [draw(products(i + 1)) for i in range(n_products)],
        [draw(demands(i + 1)) for i in range(n_demands)],
    )


@settings(max_examples=80, deadline=None)
@given(markets(), st.sampled_from(["all", "public", "eligible"]), st.integers(1, 20))
def test_the_vectorised_rematch_equals_the_one_by_one_rule(
    market: tuple[list[ProductTerms], list[DemandTerms]], keep: str, chunk: int
) -> None:
    prods, dems = market
    batch = rematch(prods, dems, keep=keep, chunk_rows=chunk)
    single = rematch_one_by_one(prods, dems, keep=keep)
    assert_frame_equal(batch, single)


def test_every_pair_is_kept_with_keep_all_and_masks_agree_with_evaluate() -> None:
    prods = [PRODUCT, replace(PRODUCT, product_id=2, institution_id=OTHER_BANK, min_grade="AAA")]
    dems = [DEMAND, replace(DEMAND, demand_id=11, targets=frozenset({BANK}))]
    frame = rematch(prods, dems, keep="all")
    assert frame.height == 4
    row = frame.filter((pl.col("demand_id") == 11) & (pl.col("product_id") == 2)).row(0, named=True)
    ev = evaluate(prods[1], dems[1])
    assert row["failed"] == ev.failed == BIT["audience"] | BIT["grade"]
    assert row["eligible_public"] is False


def test_an_empty_market_gives_an_empty_frame() -> None:
    assert rematch([], [DEMAND]).height == 0
    assert rematch([PRODUCT], []).height == 0
