"""Loan interest subsidy (实施意见（十三）): worked examples, the annual cap, the batch twin.

Every amount below is worked by hand in the comment beside it. Rates are annual percent; a period
runs from its start (inclusive) to its end (exclusive).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.rules.errors import DomainError
from kejin.rules.params import ORIGIN_CITY, ParameterSet, ParamValue, Unit, check_new_value
from kejin.rules.subsidies import interest_batch
from kejin.rules.subsidies.interest import (
    InterestProposal,
    InterestRecord,
    Loan,
    Reason,
    add_months,
    apply_annual_cap,
    interest_subsidy,
    period_proposals,
)
from kejin.rules.subsidies.interest_batch import fen_to_yuan, interest_subsidy_batch

D = Decimal
P = ParameterSet.defaults()
CAP = D(1_000_000)


def loan(
    loan_id: str = "L1",
    enterprise: str = "E1",
    *,
    drawdown: date = date(2016, 3, 21),
    contract: str = "6.00",
    benchmark: str = "4.35",
) -> Loan:
    return Loan(
        loan_id, enterprise, drawdown - timedelta(days=3), drawdown, D(contract), D(benchmark)
    )


def rec(start: date, end: date, interest: str, principal: str = "3000000.00") -> InterestRecord:
    return InterestRecord(start, end, D(interest), D(principal))


def city_proportion(on: date, value: str) -> ParameterSet:
    return P.with_values(
        [
            ParamValue(
                "interest_subsidy.proportion", on, D(value), Unit.PERCENT, "市通知", ORIGIN_CITY
            )
        ]
    )


# ---------------------------------------------------------------------------------------------
# One period, step by step


def test_subsidy_is_half_the_interest_above_the_benchmark() -> None:
    # 3,000,000 at 6.00% for 31 days (2016-03-21 → 2016-04-21):
    #   3,000,000 × 6% × 31 ÷ 360 = 15,500.00
    # above the benchmark: 15,500.00 × (6.00 − 4.35) ÷ 6.00 = 15,500.00 × 0.275 = 4,262.50
    # subsidy: 4,262.50 × 50% = 2,131.25
    (p,) = period_proposals(loan(), [rec(date(2016, 3, 21), date(2016, 4, 21), "15500.00")], P)
    assert (p.amount, p.reason) == (D("2131.25"), Reason.OK)
    assert [s.amount for s in p.steps] == [None, D("15500.00"), D("4262.50"), D("2131.25")]
    assert p.steps[2].formula == "15,500.00 × (6.00% − 4.35%) ÷ 6.00% = 4,262.50"
    assert p.warnings == ()


def test_each_step_rounds_half_up_to_the_fen() -> None:
    # 10,000.01 × (5.00 − 4.35) ÷ 5.00 = 10,000.01 × 0.13 = 1,300.0013 → 1,300.00
    # 1,300.00 × 50% = 650.00
    # and 10,000.03 × 0.13 = 1,300.0039 → 1,300.00; 1,300.00 × 50% = 650.00
    # 3.85 × 0.13 = 0.5005 → 0.50 (half-up at the third decimal: 0.5005 → 0.50);
    # 0.50 × 50% = 0.25
    # 0.05 × 0.13 = 0.0065 → 0.01 (half-up); 0.01 × 50% = 0.005 → 0.01 (half-up, not to even)
    ln = loan(contract="5.00")
    start = date(2016, 3, 21)
    cases = [("10000.01", "650.00"), ("10000.03", "650.00"), ("3.85", "0.25"), ("0.05", "0.01")]
    for paid, expected in cases:
        (p,) = period_proposals(ln, [rec(start, start + timedelta(days=30), paid)], P)
        assert p.amount == D(expected), paid


def test_a_rate_at_or_below_the_benchmark_gets_zero_with_the_reason() -> None:
    # 4.00% < 4.35%: no part of the rate is above the benchmark, so the subsidy is 0.
    # 4.35% = 4.35%: likewise 0.
    for contract in ("4.00", "4.35"):
        (p,) = period_proposals(
            loan(contract=contract), [rec(date(2016, 3, 21), date(2016, 4, 21), "10333.33")], P
        )
        assert (p.amount, p.reason) == (D(0), Reason.RATE_NOT_ABOVE_BENCHMARK)
        assert "不高于同期基准利率" in p.steps[-1].note
    award = interest_subsidy(
        "E1",
        [(loan(contract="4.00"), [rec(date(2016, 3, 21), date(2016, 4, 21), "10333.33")])],
        P,
    )
    assert award.amount == D(0)
    assert award.reasons == ("合同利率不高于同期基准利率，没有超过基准利率的部分，贴息为零",)


def test_the_24_month_window_cuts_a_period_prorated_by_days() -> None:
    # First drawdown 2016-01-15: window [2016-01-15, 2018-01-15).
    # Period 2017-12-21 → 2018-01-21 has 31 days; 2017-12-21 → 2018-01-15 are 25 of them.
    # eligible interest: 15,500.00 × 25 ÷ 31 = 12,500.00
    # above benchmark: 12,500.00 × (6.00 − 4.35) ÷ 6.00 = 3,437.50; × 50% = 1,718.75
    # Next period 2018-01-21 → 2018-02-21 lies after the window: 0.
    ln = loan(drawdown=date(2016, 1, 15))
    cut, after = period_proposals(
        ln,
        [
            rec(date(2017, 12, 21), date(2018, 1, 21), "15500.00"),
            rec(date(2018, 1, 21), date(2018, 2, 21), "15500.00"),
        ],
        P,
    )
    assert [s.amount for s in cut.steps[1:]] == [D("12500.00"), D("3437.50"), D("1718.75")]
    assert cut.steps[0].formula.startswith("本期 31 天，其中 25 天在贴息期 2016-01-15～2018-01-15")
    assert (after.amount, after.reason) == (D(0), Reason.OUTSIDE_WINDOW)


def test_the_days_before_first_drawdown_do_not_count() -> None:
    # Drawdown 2016-03-26 inside a period 2016-03-21 → 2016-04-21 (31 days): 26 days count.
    # 3,100.00 × 26 ÷ 31 = 2,600.00; × (6.00 − 4.35) ÷ 6.00 = 715.00; × 50% = 357.50
    (p,) = period_proposals(
        loan(drawdown=date(2016, 3, 26)), [rec(date(2016, 3, 21), date(2016, 4, 21), "3100.00")], P
    )
    assert p.amount == D("357.50")


def test_the_window_of_a_month_end_drawdown_ends_on_the_last_day_of_the_month() -> None:
    assert add_months(date(2016, 2, 29), 24) == date(2018, 2, 28)
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)
    assert add_months(date(2016, 12, 31), 24) == date(2018, 12, 31)


def test_a_proportion_changed_mid_year_applies_to_the_periods_ending_after_the_change() -> None:
    # The city raises the proportion to 60% from 2024-07-01.
    # Contract 5.175%, benchmark (1Y LPR since 2023-08-21) 3.45%: (5.175 − 3.45) ÷ 5.175 = 1/3.
    # Period ending 2024-06-21: 30,000.00 ÷ 3 = 10,000.00; × 50% = 5,000.00
    # Period ending 2024-07-21: 30,000.00 ÷ 3 = 10,000.00; × 60% = 6,000.00
    params = city_proportion(date(2024, 7, 1), "60")
    ln = loan(drawdown=date(2024, 1, 21), contract="5.175", benchmark="3.45")
    june, july = period_proposals(
        ln,
        [
            rec(date(2024, 5, 21), date(2024, 6, 21), "30000.00", "7000000.00"),
            rec(date(2024, 6, 21), date(2024, 7, 21), "30000.00", "7000000.00"),
        ],
        params,
    )
    assert (june.amount, july.amount) == (D("5000.00"), D("6000.00"))
    assert june.steps[-1].params[0].value == D(50)
    assert (july.steps[-1].params[0].value, july.steps[-1].params[0].origin) == (D(60), "city")


def test_the_trace_says_which_date_each_parameter_was_read_for_so_approvals_can_lock_it() -> None:
    # Periods ending 2024-06-21 and 2024-07-21 of a loan drawn 2024-01-21: the proportion was read
    # for 2024-07-21 at the latest, the window for the drawdown, the cap for 2024-12-31.
    ln = loan(drawdown=date(2024, 1, 21), contract="5.175", benchmark="3.45")
    records = [
        rec(date(2024, 5, 21), date(2024, 6, 21), "30000.00", "7000000.00"),
        rec(date(2024, 6, 21), date(2024, 7, 21), "30000.00", "7000000.00"),
    ]
    award = interest_subsidy("E1", [(ln, records)], P)
    assert award.trace.reads() == {
        "interest_subsidy.window_months": date(2024, 1, 21),
        "interest_subsidy.proportion": date(2024, 7, 21),
        "interest_subsidy.annual_cap_per_enterprise": date(2024, 12, 31),
    }
    # Once approved, a new proportion from 2024-07-21 or earlier would change it: refused.
    with pytest.raises(DomainError) as err:
        check_new_value(
            "interest_subsidy.proportion",
            date(2024, 7, 1),
            award.trace.reads()["interest_subsidy.proportion"],
        )
    assert err.value.code == "params.locked"


def test_interest_above_the_contract_rate_is_flagged_not_cut() -> None:
    # 1,000,000 × 6% × 31 ÷ 360 = 5,166.67 contractual; 6,000.00 paid (penalty interest?)
    (p,) = period_proposals(
        loan(), [rec(date(2016, 3, 21), date(2016, 4, 21), "6000.00", "1000000.00")], P
    )
    assert len(p.warnings) == 1
    assert "5,166.67" in p.warnings[0]
    # the amount still follows the paid interest: 6,000 × 0.275 = 1,650.00; × 50% = 825.00
    assert p.amount == D("825.00")


# ---------------------------------------------------------------------------------------------
# The annual cap: 1,000,000 yuan per enterprise per calendar year

# Contract 9.00%, benchmark 4.50%: half the rate is above the benchmark, and half of that is paid,
# so each period's subsidy is a quarter of its interest.
BIG = "300000000.00"  # principal large enough that the interest below is within the contract rate


def big_loan(loan_id: str) -> Loan:
    return loan(loan_id, "E1", drawdown=date(2023, 6, 21), contract="9.00", benchmark="4.50")


def month(year: int, m: int) -> tuple[date, date]:
    start = date(year, m - 1, 21) if m > 1 else date(year - 1, 12, 21)
    return start, date(year, m, 21)


def test_subsidy_stops_at_annual_cap_across_two_loans_and_two_applications() -> None:
    # Application 1 (March 2024):
    #   A ends 2024-03-21: 2,000,000.00 ÷ 4 = 500,000.00
    #   B ends 2024-03-21: 1,200,000.00 ÷ 4 = 300,000.00      → approved 800,000.00 in 2024
    a, b = big_loan("A"), big_loan("B")
    first = interest_subsidy(
        "E1",
        [
            (a, [rec(*month(2024, 3), "2000000.00", BIG)]),
            (b, [rec(*month(2024, 3), "1200000.00", BIG)]),
        ],
        P,
    )
    assert first.amount == D("800000.00")
    # Application 2 (June 2024), 800,000.00 already approved for 2024, 200,000.00 left:
    #   B ends 2024-05-21: 480,000.00 ÷ 4 = 120,000.00 → kept (920,000.00)
    #   A ends 2024-06-21: 800,000.00 ÷ 4 = 200,000.00 → cut to 1,000,000 − 920,000 = 80,000.00
    #   B ends 2024-06-21: 400,000.00 ÷ 4 = 100,000.00 → cut to 0 (A sorts before B on one day)
    #   A ends 2025-01-21: 400,000.00 ÷ 4 = 100,000.00 → a new year, kept
    already = {("E1", 2024): D("800000.00")}
    loans = [
        (a, [rec(*month(2024, 6), "800000.00", BIG), rec(*month(2025, 1), "400000.00", BIG)]),
        (b, [rec(*month(2024, 5), "480000.00", BIG), rec(*month(2024, 6), "400000.00", BIG)]),
    ]
    proposals = [p for ln, rs in loans for p in period_proposals(ln, rs, P)]
    capped = apply_annual_cap(proposals, already, P)
    got = [(p.loan_id, p.period_end, p.proposed, p.amount, p.reason) for p in capped]
    assert got == [
        ("B", date(2024, 5, 21), D("120000.00"), D("120000.00"), Reason.OK),
        ("A", date(2024, 6, 21), D("200000.00"), D("80000.00"), Reason.CAPPED),
        ("B", date(2024, 6, 21), D("100000.00"), D("0.00"), Reason.CAP_EXHAUSTED),
        ("A", date(2025, 1, 21), D("100000.00"), D("100000.00"), Reason.OK),
    ]
    # 800,000 + 120,000 + 80,000 = 1,000,000.00: the cap, never more.
    assert already[("E1", 2024)] + sum(p.amount for p in capped if p.year == 2024) == CAP
    cut_step = capped[1].steps[-1]
    assert cut_step.code == "capped"
    assert cut_step.params[0].key == "interest_subsidy.annual_cap_per_enterprise"
    assert "剩余 80,000.00" in cut_step.formula
    award = interest_subsidy("E1", loans, P, already)
    assert award.amount == D("300000.00")  # 120,000 + 80,000 + 0 + 100,000


def test_subsidy_reaching_the_cap_exactly_is_paid_in_full() -> None:
    # 800,000.00 approved; a proposal of 800,000.00 ÷ 4 = 200,000.00 brings 2024 to exactly
    # 1,000,000.00, which the cap allows: nothing is cut.
    award = interest_subsidy(
        "E1",
        [(big_loan("A"), [rec(*month(2024, 6), "800000.00", BIG)])],
        P,
        {("E1", 2024): D("800000.00")},
    )
    assert (award.amount, award.reasons) == (D("200000.00"), ())
    assert "合计 1,000,000.00 ≤ 上限 1,000,000.00" in award.trace.steps[-2].formula


def test_an_enterprise_already_at_the_cap_gets_nothing_more_that_year() -> None:
    award = interest_subsidy(
        "E1", [(big_loan("A"), [rec(*month(2024, 6), "4.00", BIG)])], P, {("E1", 2024): CAP}
    )
    assert award.amount == D(0)
    assert award.reasons == ("企业本年度贴息额度已用完，本期贴息核减为零",)


def test_the_cap_of_a_year_is_the_value_in_force_on_31_december() -> None:
    # The city lowers the cap to 500,000 from 2024-10-01: it governs all of 2024.
    # 2,400,000.00 ÷ 4 = 600,000.00 in a period ending 2024-03-21 → cut to 500,000.00.
    params = P.with_values(
        [
            ParamValue(
                "interest_subsidy.annual_cap_per_enterprise",
                date(2024, 10, 1),
                D(500_000),
                Unit.YUAN,
                "市通知",
                ORIGIN_CITY,
            )
        ]
    )
    award = interest_subsidy(
        "E1", [(big_loan("A"), [rec(*month(2024, 3), "2400000.00", BIG)])], params
    )
    assert award.amount == D("500000.00")


def test_caps_are_per_enterprise() -> None:
    other = loan("C", "E2", drawdown=date(2023, 6, 21), contract="9.00", benchmark="4.50")
    proposals = period_proposals(big_loan("A"), [rec(*month(2024, 3), "4000000.00", BIG)], P)
    proposals += period_proposals(other, [rec(*month(2024, 3), "4000000.00", BIG)], P)
    capped = apply_annual_cap(proposals, {("E1", 2024): CAP}, P)
    assert {p.enterprise_id: p.amount for p in capped} == {"E1": D(0), "E2": CAP}


# ---------------------------------------------------------------------------------------------
# The trace and the award


def test_the_award_trace_serialises_and_reads_in_chinese() -> None:
    award = interest_subsidy(
        "E1", [(loan(), [rec(date(2016, 3, 21), date(2016, 4, 21), "15500.00")])], P
    )
    data = json.loads(award.to_json())
    assert data["amount"] == "2131.25"
    assert data["trace"]["clause"] == "实施意见（十三）"
    assert data["trace"]["inputs"]["loans"][0]["records"][0]["interest_paid"] == "15500.00"
    used = {p["key"]: p for s in data["trace"]["steps"] for p in s["params"]}
    assert used["interest_subsidy.proportion"]["effective_from"] == "2016-01-01"
    lines = award.lines()
    assert lines[0] == "科技型中小企业贷款贴息（依据：实施意见（十三））"
    assert lines[-1] == "结果：E1 获得 2,131.25 元"
    assert any("4,262.50 × 50% = 2,131.25" in line for line in lines)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"contract_rate": D("-1")}, "interest_subsidy.rate_out_of_range"),
        ({"contract_rate": D("0")}, "interest_subsidy.rate_out_of_range"),
        ({"benchmark_rate": D("4.35001")}, "interest_subsidy.rate_precision"),
        ({"first_drawdown": date(2016, 3, 1)}, "interest_subsidy.drawdown_before_contract"),
    ],
)
def test_bad_loans_are_refused(change: dict[str, object], code: str) -> None:
    base = loan()
    bad = Loan(**{**base.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(DomainError) as err:
        period_proposals(bad, [rec(date(2016, 3, 21), date(2016, 4, 21), "1.00")], P)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("records", "code", "field"),
    [
        (
            [rec(date(2016, 4, 21), date(2016, 4, 21), "1.00")],
            "interest_subsidy.empty_period",
            "records[0].period_end",
        ),
        (
            [rec(date(2016, 3, 21), date(2016, 4, 21), "-1.00")],
            "money.negative",
            "records[0].interest_paid",
        ),
        (
            [rec(date(2016, 3, 21), date(2016, 4, 21), "1.001")],
            "money.not_at_fen",
            "records[0].interest_paid",
        ),
        (
            [
                rec(date(2016, 3, 21), date(2016, 4, 21), "1.00"),
                rec(date(2016, 4, 20), date(2016, 5, 21), "1.00"),
            ],
            "interest_subsidy.periods_overlap",
            "records[1].period_start",
        ),
    ],
)
def test_bad_records_are_refused_with_the_field(
    records: list[InterestRecord], code: str, field: str
) -> None:
    with pytest.raises(DomainError) as err:
        period_proposals(loan(), records, P)
    assert (err.value.code, list(err.value.fields)) == (code, [field])


def test_a_period_before_the_first_parameter_value_is_refused() -> None:
    ln = loan(drawdown=date(2015, 6, 21))
    with pytest.raises(DomainError) as err:
        period_proposals(ln, [rec(date(2015, 6, 21), date(2015, 7, 21), "1.00")], P)
    assert err.value.code == "params.not_in_force"


def test_the_same_period_claimed_twice_is_refused() -> None:
    (p,) = period_proposals(loan(), [rec(date(2016, 3, 21), date(2016, 4, 21), "1.00")], P)
    with pytest.raises(DomainError) as err:
        apply_annual_cap([p, p], {}, P)
    assert err.value.code == "interest_subsidy.duplicate_period"


# ---------------------------------------------------------------------------------------------
# The batch twin


def frames(
    loans: list[tuple[Loan, list[InterestRecord]]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    lf = pl.DataFrame(
        [
            {
                "loan_id": ln.loan_id,
                "enterprise_id": ln.enterprise_id,
                "contract_date": ln.contract_date,
                "first_drawdown": ln.first_drawdown,
                "contract_rate": ln.contract_rate,
                "benchmark_rate": ln.benchmark_rate,
            }
            for ln, _ in loans
        ],
        schema_overrides={"contract_rate": pl.Decimal(10, 4), "benchmark_rate": pl.Decimal(10, 4)},
    )
    rf = pl.DataFrame(
        [
            {
                "loan_id": ln.loan_id,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "interest_paid": r.interest_paid,
            }
            for ln, rs in loans
            for r in rs
        ],
        schema={
            "loan_id": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "interest_paid": pl.Decimal(18, 2),
        },
    )
    return lf, rf


def approved_frame(already: dict[tuple[str, int], Decimal]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": [e for e, _ in already],
            "year": [y for _, y in already],
            "approved": list(already.values()),
        },
        schema={"enterprise_id": pl.String, "year": pl.Int32, "approved": pl.Decimal(18, 2)},
    )


def one_by_one(
    loans: list[tuple[Loan, list[InterestRecord]]],
    params: ParameterSet,
    already: dict[tuple[str, int], Decimal],
) -> dict[tuple[str, date], tuple[Decimal, Decimal, str]]:
    proposals: list[InterestProposal] = []
    for ln, rs in loans:
        proposals += period_proposals(ln, rs, params)
    capped = apply_annual_cap(proposals, already, params)
    return {(p.loan_id, p.period_start): (p.proposed, p.amount, p.reason.value) for p in capped}


def batched(
    loans: list[tuple[Loan, list[InterestRecord]]],
    params: ParameterSet,
    already: dict[tuple[str, int], Decimal],
) -> dict[tuple[str, date], tuple[Decimal, Decimal, str]]:
    lf, rf = frames(loans)
    out = interest_subsidy_batch(lf, rf, params, approved_frame(already))
    out = out.with_columns(fen_to_yuan("proposed_fen"), fen_to_yuan("subsidy_fen"))
    return {
        (r["loan_id"], r["period_start"]): (r["proposed"], r["subsidy"], r["reason"])
        for r in out.iter_rows(named=True)
    }


def test_batch_gives_the_worked_cap_example_to_the_fen() -> None:
    a, b = big_loan("A"), big_loan("B")
    loans = [
        (a, [rec(*month(2024, 6), "800000.00", BIG), rec(*month(2025, 1), "400000.00", BIG)]),
        (b, [rec(*month(2024, 5), "480000.00", BIG), rec(*month(2024, 6), "400000.00", BIG)]),
    ]
    already = {("E1", 2024): D("800000.00")}
    result = batched(loans, P, already)
    assert result == one_by_one(loans, P, already)
    assert result[("A", date(2024, 5, 21))] == (D("200000.00"), D("80000.00"), "capped")


def test_batch_keeps_the_order_of_the_records_and_reports_days() -> None:
    loans = [
        (
            loan(drawdown=date(2016, 1, 15)),
            [
                rec(date(2018, 1, 21), date(2018, 2, 21), "15500.00"),
                rec(date(2017, 12, 21), date(2018, 1, 21), "15500.00"),
            ],
        )
    ]
    lf, rf = frames(loans)
    out = interest_subsidy_batch(lf, rf, P)
    assert out["period_start"].to_list() == [date(2018, 1, 21), date(2017, 12, 21)]
    assert out["eligible_days"].to_list() == [0, 25]
    assert out["period_days"].to_list() == [31, 31]
    assert out["subsidy_fen"].to_list() == [0, 171875]
    assert out["reason"].to_list() == ["outside_window", "ok"]
    assert out.columns == interest_batch.OUTPUT_COLUMNS


def test_batch_accepts_integer_fen_and_refuses_float_columns() -> None:
    loans = [(loan(), [rec(date(2016, 3, 21), date(2016, 4, 21), "15500.00")])]
    lf, rf = frames(loans)
    fen = rf.with_columns((pl.col("interest_paid") * 100).cast(pl.Int64).alias("interest_paid_fen"))
    out = interest_subsidy_batch(lf, fen.drop("interest_paid"), P)
    assert out["subsidy_fen"].to_list() == [213125]
    with pytest.raises(TypeError, match="Decimal"):
        interest_subsidy_batch(lf, rf.with_columns(pl.col("interest_paid").cast(pl.Float64)), P)


def test_batch_refuses_what_the_one_by_one_path_refuses() -> None:
    loans = [
        (
            loan(),
            [
                rec(date(2016, 3, 21), date(2016, 4, 21), "1.00"),
                rec(date(2016, 4, 20), date(2016, 5, 21), "1.00"),
            ],
        )
    ]
    lf, rf = frames(loans)
    with pytest.raises(DomainError) as err:
        interest_subsidy_batch(lf, rf, P)
    assert err.value.code == "interest_subsidy.periods_overlap"
    with pytest.raises(DomainError) as err:
        interest_subsidy_batch(pl.concat([lf, lf]), rf, P)
    assert err.value.code == "batch.duplicate_loan"
    with pytest.raises(DomainError) as err:
        interest_subsidy_batch(lf, rf.with_columns(pl.lit("X").alias("loan_id")), P)
    assert err.value.code == "batch.unknown_loan"


def test_batch_falls_back_to_a_multi_column_sort_when_the_packed_key_does_not_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = big_loan("A"), big_loan("B")
    loans = [
        (a, [rec(*month(2024, 6), "800000.00", BIG)]),
        (b, [rec(*month(2024, 5), "480000.00", BIG), rec(*month(2024, 6), "400000.00", BIG)]),
    ]
    already = {("E1", 2024): D("800000.00")}
    monkeypatch.setattr(interest_batch, "MAX_KEY_BITS", 0)
    assert batched(loans, P, already) == one_by_one(loans, P, already)


# A generated book: random loans across a few enterprises, drawdowns on month ends and leap days,
# rates above, at and below the benchmark, windows cutting periods, interest from a fen to a
# size that reaches the cap, amounts already approved, and a city proportion change mid-year.

IDS = ["甲", "A", "b", "B-2", "z"]


def generate_book(
    seed: int, n_loans: int, n_enterprises: int
) -> tuple[list[tuple[Loan, list[InterestRecord]]], ParameterSet, dict[tuple[str, int], Decimal]]:
    rnd = random.Random(seed)
    enterprises = [f"{rnd.choice(IDS)}{i}" for i in range(n_enterprises)]
    loans: list[tuple[Loan, list[InterestRecord]]] = []
    for i in range(n_loans):
        drawdown = rnd.choice(
            [
                date(2020, 2, 29),
                date(2021, 1, 31),
                date(2022, 8, 31),
                date(2019, 1, 1) + timedelta(days=rnd.randrange(2000)),
            ]
        )
        benchmark = D(rnd.randrange(250, 500)) / 100
        above = benchmark + D(rnd.randrange(1, 40000)) / 10000
        contract = rnd.choice([benchmark, benchmark - D("0.5"), above, above, above, above])
        ln = Loan(
            f"{rnd.choice(IDS)}{i:04d}",
            rnd.choice(enterprises),
            drawdown - timedelta(days=rnd.randrange(10)),
            drawdown,
            max(contract, D("0.01")),
            benchmark,
        )
        start = drawdown - timedelta(days=rnd.choice([0, 0, 5]))
        records = []
        for _ in range(rnd.randrange(1, 29)):
            end = start + timedelta(days=rnd.choice([28, 30, 31, 90, 1]))
            size = rnd.choice([0, 1, 99, 10**4, 10**6, 10**8, 10**9])
            records.append(InterestRecord(start, end, D(rnd.randrange(size + 1)) / 100, D(0)))
            start = end + timedelta(days=rnd.choice([0, 0, 3]))
        loans.append((ln, records))
    years = range(2019, 2028)
    already = {
        (e, y): D(rnd.randrange(0, 120_000_000)) / 100
        for e in enterprises
        for y in years
        if rnd.random() < 0.3
    }
    change = date(2021, 1, 1) + timedelta(days=rnd.randrange(1500))
    params = city_proportion(change, str(D(rnd.randrange(0, 1_000_000)) / 10000))
    return loans, params, already


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    n_loans=st.integers(1, 300),
    n_enterprises=st.integers(1, 40),
)
def test_batch_equals_one_by_one_on_generated_books(
    seed: int, n_loans: int, n_enterprises: int
) -> None:
    loans, params, already = generate_book(seed, n_loans, n_enterprises)
    assert batched(loans, params, already) == one_by_one(loans, params, already)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), n_loans=st.integers(1, 60), n_enterprises=st.integers(1, 5))
def test_no_enterprise_year_ever_exceeds_the_cap(
    seed: int, n_loans: int, n_enterprises: int
) -> None:
    loans, params, already = generate_book(seed, n_loans, n_enterprises)
    proposals = [p for ln, rs in loans for p in period_proposals(ln, rs, params)]
    capped = apply_annual_cap(proposals, already, params)
    totals: dict[tuple[str, int], Decimal] = {}
    for p in capped:
        assert D(0) <= p.amount <= p.proposed
        assert p.amount == p.amount.quantize(D("0.01"))
        totals[(p.enterprise_id, p.year)] = totals.get((p.enterprise_id, p.year), D(0)) + p.amount
    for key, total in totals.items():
        before = already.get(key, D(0))
        # what is granted never takes the year above the cap (nor adds anything once above it)
        assert total <= max(CAP - before, D(0))
        # and the cap only cuts when it binds: if anything was cut, the year is exactly full
        if any(p.cut for p in capped if (p.enterprise_id, p.year) == key):
            assert before + total == max(CAP, before)


def test_batch_refuses_sub_fen_amounts_and_over_precise_rates() -> None:
    loans = [(loan(), [rec(date(2016, 3, 21), date(2016, 4, 21), "1.00")])]
    lf, rf = frames(loans)
    sub_fen = rf.with_columns(pl.lit(D("1.005"), dtype=pl.Decimal(18, 3)).alias("interest_paid"))
    with pytest.raises(DomainError) as err:
        interest_subsidy_batch(lf, sub_fen, P)
    assert err.value.code == "money.not_at_fen"
    precise = lf.with_columns(pl.lit(D("4.35001"), dtype=pl.Decimal(10, 5)).alias("benchmark_rate"))
    with pytest.raises(DomainError) as err:
        interest_subsidy_batch(precise, rf, P)
    assert err.value.code == "interest_subsidy.rate_precision"
