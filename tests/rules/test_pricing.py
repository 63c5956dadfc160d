"""Risk-based pricing of a tech micro-loan: benchmark + the spread of the grade, with a trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.rules import pricing
from kejin.rules.errors import DomainError
from kejin.rules.params import ORIGIN_CITY, ParameterSet, ParamValue, Unit
from kejin.rules.scoring import GRADES

D = Decimal
P = ParameterSet.defaults()
ON = date(2025, 6, 10)
LPR = "LPR 1Y 2025-05-20"


def quote(grade: str | None, benchmark: str = "3.00", term: int = 12, **kw: object):  # type: ignore[no-untyped-def]
    return pricing.price(
        on=kw.pop("on", ON),  # type: ignore[arg-type]
        term_months=term,
        benchmark_rate=D(benchmark),
        benchmark_source=LPR,
        grade=grade,
        params=kw.pop("params", P),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_aa_grade_pays_the_lpr_plus_one_and_a_half_points() -> None:
    # 1Y LPR of 2025-05-20 = 3.00%; spread AA = 1.50 points; 3.00 + 1.50 = 4.5000%
    q = quote("AA", score=712)
    assert (q.benchmark_rate, q.spread, q.offered_rate) == (D("3.00"), D("1.50"), D("4.5000"))
    assert q.grade == "AA"
    assert q.rated
    assert q.trace["inputs"]["grade"] == "AA"
    assert q.trace["inputs"]["score"] == "712"
    assert q.trace["parameters"][0]["key"] == "microloan.spread.AA"
    assert q.trace["result"] == {"spread": "1.50", "offered_rate": "4.5000"}
    assert any("4.5000%" in s for s in q.trace["steps"])
    assert q.trace["clause"] == "实施意见（十二）"


def test_an_unrated_borrower_takes_the_unrated_spread_and_the_trace_says_so() -> None:
    # 3.45 (1Y LPR of 2023-08-21) + 6.00 (unrated) = 9.4500%
    q = quote(None, benchmark="3.45")
    assert q.offered_rate == D("9.4500")
    assert q.grade == ""
    assert not q.rated
    assert q.trace["inputs"]["rated"] is False
    assert q.trace["parameters"][0]["key"] == "microloan.spread.unrated"
    assert "暂无信用评级" in q.trace["steps"][0]


@pytest.mark.parametrize(
    ("grade", "spread", "offered"),
    [
        ("AAA", "1.00", "4.0000"),  # 3.00 + 1.00
        ("A", "2.00", "5.0000"),  # 3.00 + 2.00
        ("BBB", "3.00", "6.0000"),  # 3.00 + 3.00
        ("BB", "4.00", "7.0000"),
        ("B", "5.50", "8.5000"),
        ("CCC", "7.50", "10.5000"),
        ("CC", "9.50", "12.5000"),
        ("C", "12.00", "15.0000"),
    ],
)
def test_the_default_spread_table_by_grade(grade: str, spread: str, offered: str) -> None:
    q = quote(grade)
    assert (q.spread, q.offered_rate) == (D(spread), D(offered))


def test_the_sum_is_rounded_half_up_to_four_places() -> None:
    assert pricing.round_rate(D("4.31255")) == D("4.3126")
    assert pricing.round_rate(D("4.31254")) == D("4.3125")


def test_a_city_value_from_a_later_date_prices_later_cases_only() -> None:
    city = ParamValue(
        "microloan.spread.AA",
        date(2026, 1, 1),
        D("1.20"),
        Unit.PERCENT,
        "市科技局通知",
        ORIGIN_CITY,
    )
    params = P.with_values([city])
    assert quote("AA", params=params).offered_rate == D("4.5000")  # 2025: 3.00 + 1.50
    later = quote("AA", params=params, on=date(2026, 2, 1))  # 3.00 + 1.20
    assert later.offered_rate == D("4.2000")
    assert later.trace["parameters"][0]["origin"] == "city"


@pytest.mark.parametrize("term", [0, 37, -1])
def test_a_term_outside_one_to_thirty_six_months_is_refused_naming_the_field(term: int) -> None:
    with pytest.raises(DomainError) as exc:
        quote("AA", term=term)
    assert exc.value.code == "microloan.term_out_of_range"
    assert "1–36" in exc.value.fields["term_months"]


@pytest.mark.parametrize("term", [1, 36])
def test_the_term_bounds_are_inclusive(term: int) -> None:
    assert quote("AA", term=term).term_months == term


def test_an_unknown_grade_is_refused() -> None:
    with pytest.raises(DomainError) as exc:
        quote("D")
    assert exc.value.code == "microloan.grade_unknown"


def test_the_spread_table_lists_every_grade_then_unrated() -> None:
    table = pricing.spread_table(ON, P)
    assert [g for g, _ in table] == [*GRADES, "unrated"]


@given(
    grade=st.sampled_from([*GRADES, None]),
    benchmark=st.decimals(min_value=D("0.01"), max_value=D("10"), places=4),
)
def test_offered_rate_is_benchmark_plus_spread_and_worse_grades_never_pay_less(
    grade: str | None, benchmark: Decimal
) -> None:
    q = quote(grade, benchmark=str(benchmark))
    assert q.offered_rate == q.benchmark_rate + q.spread
    assert q.offered_rate == q.offered_rate.quantize(D("0.0001"))
    if grade is not None:
        i = GRADES.index(grade)
        better = GRADES[max(0, i - 1)]
        assert quote(better, benchmark=str(benchmark)).offered_rate <= q.offered_rate


def test_rates_are_shown_with_at_least_two_decimals_and_no_padding() -> None:
    assert pricing.show_rate(D("3.0000")) == "3.00"
    assert pricing.show_rate(D("1.5000")) == "1.50"
    assert pricing.show_rate(D("4.3125")) == "4.3125"
