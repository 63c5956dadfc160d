"""Repayment schedules (RULES §3): worked examples, month ends, prepayment, floating rate, batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kejin.rules.daycount import DayCount
from kejin.rules.errors import DomainError
from kejin.rules.rates import RateTable
from kejin.rules.schedules import (
    InstalmentKind,
    PrepaymentMode,
    RepaymentMethod,
    Schedule,
    anniversary_resets,
    annuity_payment,
    build_schedule,
    due_date,
    reschedule_after_prepayment,
)
from kejin.rules.schedules_batch import schedule_frame, schedules_batch


def _d(text: str) -> Decimal:
    return Decimal(text)


def _columns(schedule: Schedule, name: str) -> list[object]:
    return [getattr(row, name) for row in schedule.instalments]


# --- worked examples ------------------------------------------------------------------------


def test_interest_only_across_29_february_2024() -> None:
    s = build_schedule("100000", "3.45", date(2024, 1, 15), 3, RepaymentMethod.INTEREST_ONLY)
    assert _columns(s, "due_date") == [date(2024, 2, 15), date(2024, 3, 15), date(2024, 4, 15)]
    assert _columns(s, "days") == [31, 29, 31]
    # 100000 × 0.0345 × 31 / 360 = 297.0833… → 297.08
    # 100000 × 0.0345 × 29 / 360 = 277.9166… → 277.92 (February 2024 has 29 days)
    assert _columns(s, "interest") == [_d("297.08"), _d("277.92"), _d("297.08")]
    assert _columns(s, "principal") == [_d("0.00"), _d("0.00"), _d("100000.00")]
    assert s.instalments[-1].total == _d("100297.08")
    assert s.total_interest == _d("872.08")  # 297.08 + 277.92 + 297.08


def test_equal_principal_with_payment_day_31_over_february_and_april() -> None:
    s = build_schedule("120000", "4.35", date(2024, 1, 31), 3, "equal_principal")
    # payment day 31: 29 February (leap year), 31 March, 30 April
    assert _columns(s, "due_date") == [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert _columns(s, "days") == [29, 31, 30]
    # principal 120000 / 3 = 40000.00 each
    assert _columns(s, "principal") == [_d("40000.00")] * 3
    # 120000 × 0.0435 × 29 / 360 = 151380 / 360 = 420.50
    # 80000 × 0.0435 × 31 / 360 = 107880 / 360 = 299.666… → 299.67
    # 40000 × 0.0435 × 30 / 360 = 52200 / 360 = 145.00
    assert _columns(s, "interest") == [_d("420.50"), _d("299.67"), _d("145.00")]
    assert _columns(s, "closing_principal") == [_d("80000.00"), _d("40000.00"), _d("0.00")]


def test_annuity_last_instalment_absorbs_the_difference() -> None:
    # r = 6% / 12 = 0.005; A = 10000 × 0.005 × 1.005² / (1.005² − 1)
    #   = 10000 × 1.010025 / 2.005 = 5037.5311… → 5037.53
    assert annuity_payment(_d("10000"), _d("6"), 2) == _d("5037.53")
    s = build_schedule("10000", "6", date(2024, 1, 31), 2, RepaymentMethod.ANNUITY)
    first, last = s.instalments
    # 29 days: 10000 × 0.06 × 29 / 360 = 48.333… → 48.33; principal 5037.53 − 48.33 = 4989.20
    assert (first.interest, first.principal, first.total) == (
        _d("48.33"),
        _d("4989.20"),
        _d("5037.53"),
    )
    # 31 days: 5010.80 × 0.06 × 31 / 360 = 25.889… → 25.89; the last pays all 5010.80 left
    assert (last.opening_principal, last.interest, last.principal, last.total) == (
        _d("5010.80"),
        _d("25.89"),
        _d("5010.80"),
        _d("5036.69"),
    )
    assert s.total_principal == _d("10000.00")


def test_bullet_pays_all_interest_at_maturity() -> None:
    s = build_schedule("500000", "3.10", date(2024, 11, 20), 12, RepaymentMethod.BULLET)
    (only,) = s.instalments
    # 2024-11-20 → 2025-11-20: 365 days; 500000 × 0.031 × 365 / 360 = 5657500 / 360
    #   = 15715.2777… → 15715.28
    assert (only.number, only.period_start, only.due_date, only.days) == (
        1,
        date(2024, 11, 20),
        date(2025, 11, 20),
        365,
    )
    assert (only.interest, only.principal, only.total) == (
        _d("15715.28"),
        _d("500000.00"),
        _d("515715.28"),
    )


def test_bullet_across_leap_february() -> None:
    s = build_schedule("200000", "4", date(2023, 12, 10), 3, "bullet")
    # 2023-12-10 → 2024-03-10: 31 + 31 + 29 = 91 days
    # 200000 × 0.04 × 91 / 360 = 728000 / 360 = 2022.222… → 2022.22
    assert s.instalments[0].days == 91
    assert s.total_interest == _d("2022.22")


def test_month_end_start_pays_on_the_last_day_of_shorter_months() -> None:
    s = build_schedule("12000", "4", date(2024, 1, 31), 12, "annuity")
    assert _columns(s, "due_date") == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
        date(2024, 7, 31),
        date(2024, 8, 31),
        date(2024, 9, 30),
        date(2024, 10, 31),
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
    ]


def test_payment_day_other_than_the_start_day() -> None:
    s = build_schedule("36000", "3.6", date(2024, 1, 10), 3, "interest_only", payment_day=31)
    # first period 2024-01-10 → 2024-02-29 = 50 days: 36000 × 0.036 × 50 / 360 = 180.00
    assert _columns(s, "due_date") == [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert s.instalments[0].days == 50
    assert s.instalments[0].interest == _d("180.00")
    assert due_date(date(2023, 1, 31), 1, 31) == date(2023, 2, 28)


def test_thirty_360_schedule() -> None:
    s = build_schedule("36000", "5", date(2024, 1, 31), 3, "interest_only", convention="30/360")
    # 30/360 days: Jan 31→Feb 29 = 29, Feb 29→Mar 31 = 32, Mar 31→Apr 30 = 30
    # 36000 × 0.05 / 360 = 5 per day: 145.00, 160.00, 150.00
    assert _columns(s, "days") == [29, 32, 30]
    assert _columns(s, "interest") == [_d("145.00"), _d("160.00"), _d("150.00")]


def test_act_365_schedule() -> None:
    s = build_schedule("36500", "4", date(2024, 1, 15), 1, "bullet", convention=DayCount.ACT_365)
    # 36500 × 0.04 × 31 / 365 = 124.00
    assert s.total_interest == _d("124.00")


def test_annuity_long_period_interest_above_the_instalment_pays_no_principal() -> None:
    # 100,000 at 24% over 360 months: r = 0.02, A = 2000 × 1.02^360 / (1.02^360 − 1)
    #   = 2000 × 1247.5611… / 1246.5611… = 2001.6044… → 2001.60
    assert annuity_payment(_d("100000"), _d("24"), 360) == _d("2001.60")
    s = build_schedule("100000", "24", date(2024, 1, 15), 360, "annuity")
    first = s.instalments[0]
    # 31 days: 100000 × 0.24 × 31 / 360 = 2066.666… → 2066.67 > 2001.60: no principal this month
    assert (first.interest, first.principal, first.total) == (
        _d("2066.67"),
        _d("0.00"),
        _d("2066.67"),
    )
    assert s.total_principal == _d("100000.00")


def test_zero_rate_annuity_is_equal_instalments() -> None:
    s = build_schedule("100.00", "0", date(2024, 3, 1), 3, "annuity")
    # 100 / 3 = 33.333… → 33.33, 33.33, last 33.34
    assert _columns(s, "total") == [_d("33.33"), _d("33.33"), _d("33.34")]


# --- floating rates -------------------------------------------------------------------------


def test_reset_applies_to_periods_starting_on_or_after_it() -> None:
    on_start = build_schedule(
        "100000",
        "3.45",
        date(2024, 1, 15),
        3,
        "interest_only",
        rate_resets=[(date(2024, 3, 15), "3.10")],
    )
    # period 3 starts 2024-03-15: 100000 × 0.031 × 31 / 360 = 96100 / 360 = 266.944… → 266.94
    assert _columns(on_start, "interest") == [_d("297.08"), _d("277.92"), _d("266.94")]
    mid_period = build_schedule(
        "100000",
        "3.45",
        date(2024, 1, 15),
        3,
        "interest_only",
        rate_resets=[(date(2024, 3, 1), "3.10")],
    )
    # a reset inside period 2 (2024-02-15 → 03-15) changes nothing before period 3
    assert _columns(mid_period, "interest") == _columns(on_start, "interest")


def test_annuity_recomputed_when_the_rate_changes() -> None:
    s = build_schedule(
        "12000", "6", date(2024, 1, 15), 3, "annuity", rate_resets=[(date(2024, 2, 15), "12")]
    )
    # A = 12000 × 0.005 × 1.005³ / (1.005³ − 1) = 60 × 67.3344… = 4040.0665… → 4040.07
    # row 1: 12000 × 0.06 × 31 / 360 = 62.00; principal 3978.07; left 8021.93
    # at 12% (r = 0.01) over 2 months: 8021.93 × 0.01 × 1.0201 / 0.0201 = 4071.2292… → 4071.23
    # row 2: 8021.93 × 0.12 × 29 / 360 = 77.545… → 77.55; principal 4071.23 − 77.55 = 3993.68
    assert _columns(s, "total")[:2] == [_d("4040.07"), _d("4071.23")]
    assert _columns(s, "interest")[:2] == [_d("62.00"), _d("77.55")]
    assert s.instalments[1].principal == _d("3993.68")
    assert s.total_principal == _d("12000.00")


def test_anniversary_resets_from_the_lpr_table() -> None:
    table = RateTable.default()
    resets = anniversary_resets(date(2023, 8, 21), 36, "0.50", table)
    # 2024-08-21: 1Y LPR 3.35 (fixing of 2024-07-22) + 0.50 = 3.85
    # 2025-08-21: 1Y LPR 3.00 (fixing of 2025-05-20) + 0.50 = 3.50; 2026-08-21 is the maturity
    assert [(r.effective_date, r.rate) for r in resets] == [
        (date(2024, 8, 21), _d("3.85")),
        (date(2025, 8, 21), _d("3.50")),
    ]
    assert resets[0].source is not None
    assert resets[0].source.effective_date == date(2024, 7, 22)
    s = build_schedule("100000", "3.95", date(2023, 8, 21), 36, "interest_only", rate_resets=resets)
    # period 13 starts 2024-08-21 at 3.85%: 100000 × 0.0385 × 31 / 360 = 331.527… → 331.53
    assert s.instalments[12].period_start == date(2024, 8, 21)
    assert s.instalments[12].interest == _d("331.53")


def test_anniversary_of_29_february_and_long_tenor() -> None:
    table = RateTable.default()
    resets = anniversary_resets(date(2024, 2, 29), 72, "-0.10", table, as_of=date(2025, 12, 31))
    # 72 months > 60: 5Y+ LPR; 2025-02-28 (no 29th): 3.60 (2024-10-21) − 0.10 = 3.50
    assert [(r.effective_date, r.rate) for r in resets] == [(date(2025, 2, 28), _d("3.50"))]


def test_anniversary_beyond_the_known_fixings_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        anniversary_resets(date(2025, 8, 21), 36, "0.5", RateTable.default())
    assert caught.value.code == "rates.no_benchmark"


# --- prepayment -----------------------------------------------------------------------------


def test_prepayment_mid_period_settles_accrued_interest() -> None:
    s = build_schedule("100000", "3.60", date(2024, 1, 15), 6, "interest_only")
    after = reschedule_after_prepayment(s, date(2024, 3, 5), "40000")
    rows = after.instalments
    # 3.60% on 100,000 is 100000 × 0.036 / 360 = 10.00 a day
    assert rows[0] == s.instalments[0]  # 2024-02-15, 31 days, 310.00: unchanged
    prepay = rows[1]
    # 2024-02-15 → 03-05 = 19 days: 190.00 interest with the 40,000 principal
    assert (prepay.kind, prepay.due_date, prepay.days, prepay.interest, prepay.principal) == (
        InstalmentKind.PREPAYMENT,
        date(2024, 3, 5),
        19,
        _d("190.00"),
        _d("40000.00"),
    )
    # 2024-03-05 → 03-15 = 10 days on 60,000: 60000 × 0.036 × 10 / 360 = 60.00
    assert (rows[2].period_start, rows[2].days, rows[2].interest) == (
        date(2024, 3, 5),
        10,
        _d("60.00"),
    )
    # 2024-03-15 → 04-15 = 31 days on 60,000: 186.00
    assert rows[3].interest == _d("186.00")
    assert rows[-1].due_date == date(2024, 7, 15)
    assert after.total_principal == _d("100000.00")


def test_equal_principal_prepayment_shorter_term_vs_lower_instalment() -> None:
    s = build_schedule("120000", "3.60", date(2024, 1, 15), 12, "equal_principal")
    # after instalment 3 (2024-04-15) 90,000 is left; prepaying 30,000 the same day leaves 60,000
    shorter = reschedule_after_prepayment(s, date(2024, 4, 15), "30000", "shorter_term")
    lower = reschedule_after_prepayment(
        s, date(2024, 4, 15), "30000", PrepaymentMode.LOWER_INSTALMENT
    )
    for after in (shorter, lower):
        assert after.instalments[:3] == s.instalments[:3]
        prepay = after.instalments[3]
        assert (prepay.days, prepay.interest, prepay.closing_principal) == (
            0,
            _d("0.00"),
            _d("60000.00"),
        )
        assert after.total_principal == _d("120000.00")
    # shorter term: still 10,000 a month, 60,000 / 10,000 = 6 more instalments, last 2024-10-15
    assert {r.principal for r in shorter.regular()[3:]} == {_d("10000.00")}
    assert shorter.last_due_date == date(2024, 10, 15)
    # lower instalment: 60000 / 9 = 6666.666… → 6666.67 × 8, last 60000 − 53333.36 = 6666.64
    assert [r.principal for r in lower.regular()[3:]] == [_d("6666.67")] * 8 + [_d("6666.64")]
    assert lower.last_due_date == date(2025, 1, 15)


def test_annuity_prepayment_modes() -> None:
    s = build_schedule("120000", "4.35", date(2024, 1, 15), 12, "annuity")
    level = s.instalments[0].total
    shorter = reschedule_after_prepayment(s, date(2024, 5, 10), "50000", "shorter_term")
    lower = reschedule_after_prepayment(s, date(2024, 5, 10), "50000", "lower_instalment")
    # shorter term keeps the instalment and ends before the contractual maturity
    assert all(r.total == level for r in shorter.regular()[:-1])
    assert shorter.last_due_date < s.last_due_date
    # lower instalment keeps the maturity with a smaller instalment
    assert lower.last_due_date == s.last_due_date
    assert lower.regular()[4].total < level
    assert shorter.total_interest < lower.total_interest < s.total_interest


def test_bullet_prepayment() -> None:
    s = build_schedule("100000", "3.60", date(2024, 1, 15), 12, "bullet")
    # 2024-01-15 → 2025-01-15 = 366 days × 10.00 = 3660.00
    assert s.total_interest == _d("3660.00")
    after = reschedule_after_prepayment(s, date(2024, 7, 15), "50000")
    prepay, final = after.instalments
    # 2024-01-15 → 07-15 = 31+29+31+30+31+30 = 182 days × 10.00 = 1820.00
    assert (prepay.period_start, prepay.days, prepay.interest) == (
        date(2024, 1, 15),
        182,
        _d("1820.00"),
    )
    # 2024-07-15 → 2025-01-15 = 184 days on 50,000 × 0.036 / 360 = 5.00 a day = 920.00
    assert (final.period_start, final.days, final.interest, final.principal) == (
        date(2024, 7, 15),
        184,
        _d("920.00"),
        _d("50000.00"),
    )


def test_prepaying_everything_closes_the_loan() -> None:
    s = build_schedule("50000", "4", date(2024, 1, 15), 6, "annuity")
    outstanding = s.instalments[1].closing_principal
    after = reschedule_after_prepayment(s, date(2024, 3, 20), outstanding)
    assert after.instalments[-1].kind is InstalmentKind.PREPAYMENT
    assert after.instalments[-1].closing_principal == 0
    assert after.total_principal == _d("50000.00")


def test_prepayment_errors() -> None:
    s = build_schedule("50000", "4", date(2024, 1, 15), 6, "annuity")
    with pytest.raises(DomainError) as caught:
        reschedule_after_prepayment(s, date(2024, 3, 20), "50000.01")
    assert caught.value.code == "prepayment.exceeds_outstanding"
    for bad_day in (date(2024, 1, 15), date(2024, 7, 15), date(2024, 8, 1)):
        with pytest.raises(DomainError) as caught:
            reschedule_after_prepayment(s, bad_day, "100")
        assert caught.value.code == "prepayment.date_invalid"
    closed = reschedule_after_prepayment(s, date(2024, 2, 1), "50000")
    with pytest.raises(DomainError) as caught:
        reschedule_after_prepayment(closed, date(2024, 4, 1), "100")
    assert caught.value.code == "prepayment.after_repaid"
    with pytest.raises(DomainError) as caught:
        reschedule_after_prepayment(s, date(2024, 3, 20), "100", "faster")
    assert caught.value.code == "schedule.prepayment_mode_unknown"


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"payment_day": 0}, "schedule.payment_day_invalid"),
        ({"payment_day": 32}, "schedule.payment_day_invalid"),
        ({"term_months": 0}, "schedule.term_invalid"),
        ({"term_months": 601}, "schedule.term_invalid"),
        ({"principal": "0"}, "schedule.amount_not_positive"),
        ({"principal": "100.001"}, "schedule.amount_not_fen"),
        ({"annual_rate": "-1"}, "schedule.rate_out_of_range"),
        ({"annual_rate": "3.45001"}, "schedule.rate_too_precise"),
        ({"method": "balloon"}, "schedule.method_unknown"),
    ],
)
def test_invalid_inputs_are_refused(kwargs: dict[str, object], code: str) -> None:
    args: dict[str, object] = {
        "principal": "1000",
        "annual_rate": "4",
        "start": date(2024, 1, 1),
        "term_months": 12,
        "method": "annuity",
    }
    args.update(kwargs)
    with pytest.raises(DomainError) as caught:
        build_schedule(**args)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_float_amount_is_refused() -> None:
    with pytest.raises(TypeError):
        build_schedule(1000.0, "4", date(2024, 1, 1), 12, "annuity")  # type: ignore[arg-type]


def test_method_labels() -> None:
    assert [m.label for m in RepaymentMethod] == [
        "等额本息",
        "等额本金",
        "先息后本",
        "到期一次还本付息",
    ]


# --- properties -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Loan:
    principal: Decimal
    rate: Decimal
    start: date
    term: int
    method: RepaymentMethod
    payment_day: int | None
    convention: DayCount
    resets: tuple[tuple[date, Decimal], ...]

    def schedule(self) -> Schedule:
        return build_schedule(
            self.principal,
            self.rate,
            self.start,
            self.term,
            self.method,
            payment_day=self.payment_day,
            convention=self.convention,
            rate_resets=self.resets,
        )


rates = st.integers(min_value=0, max_value=360000).map(lambda r: Decimal(r) / 10000)


@st.composite
def loans(draw: st.DrawFn, max_term: int = 120) -> Loan:
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    term = draw(st.integers(min_value=1, max_value=max_term))
    resets = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=-40, max_value=term * 31).map(
                    lambda d: start + timedelta(days=d)
                ),
                rates,
            ),
            max_size=3,
        )
    )
    return Loan(
        principal=Decimal(draw(st.integers(min_value=1, max_value=10**11))) / 100,
        rate=draw(rates),
        start=start,
        term=term,
        method=draw(st.sampled_from(list(RepaymentMethod))),
        payment_day=draw(st.none() | st.integers(min_value=1, max_value=31)),
        convention=draw(st.sampled_from(list(DayCount))),
        resets=tuple(resets),
    )


@settings(deadline=None)
@given(loan=loans())
def test_principal_repaid_equals_the_amount_for_every_method(loan: Loan) -> None:
    s = loan.schedule()
    assert s.total_principal == loan.principal
    assert s.instalments[-1].closing_principal == 0
    previous = loan.start
    for row in s.instalments:
        assert row.principal >= 0
        assert row.interest >= 0
        assert row.total == row.principal + row.interest
        assert row.closing_principal == row.opening_principal - row.principal
        assert row.due_date > previous
        assert row.interest == row.interest.quantize(Decimal("0.01"))
        previous = row.due_date
    if loan.method is RepaymentMethod.BULLET:
        assert len(s.instalments) == 1


@settings(deadline=None)
@given(loan=loans(max_term=60), data=st.data())
def test_prepayment_keeps_earlier_rows_and_the_total_principal(
    loan: Loan, data: st.DataObject
) -> None:
    s = loan.schedule()
    maturity = s.terms.maturity
    assume((maturity - loan.start).days >= 2)
    on = loan.start + timedelta(days=data.draw(st.integers(1, (maturity - loan.start).days - 1)))
    assume(on < s.last_due_date)
    before = [r for r in s.instalments if r.due_date <= on]
    outstanding = before[-1].closing_principal if before else loan.principal
    amount = Decimal(data.draw(st.integers(1, int(outstanding * 100)))) / 100
    mode = data.draw(st.sampled_from(list(PrepaymentMode)))
    after = reschedule_after_prepayment(s, on, amount, mode)
    assert list(after.instalments[: len(before)]) == before
    assert after.total_principal == loan.principal
    prepay = [r for r in after.instalments if r.kind is InstalmentKind.PREPAYMENT]
    assert [(r.due_date, r.principal) for r in prepay] == [(on, amount)]


# --- batch ----------------------------------------------------------------------------------


def _frame(loans_: list[Loan]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "loan_id": [f"L{i}" for i in range(len(loans_))],
            "principal": [str(x.principal) for x in loans_],
            "annual_rate": [str(x.rate) for x in loans_],
            "start_date": [x.start for x in loans_],
            "term_months": [x.term for x in loans_],
            "method": [x.method.value for x in loans_],
            "payment_day": [x.payment_day for x in loans_],
            "convention": [x.convention.value for x in loans_],
            "rate_resets": [[{"date": d, "rate": str(r)} for d, r in x.resets] for x in loans_],
        },
        schema_overrides={
            "start_date": pl.Date,
            "term_months": pl.Int64,
            "payment_day": pl.Int64,
            "rate_resets": pl.List(pl.Struct({"date": pl.Date, "rate": pl.String})),
        },
    )


def _one_by_one(loans_: list[Loan]) -> pl.DataFrame:
    return pl.concat([schedule_frame(x.schedule(), f"L{i}") for i, x in enumerate(loans_)])


def test_batch_matches_worked_examples() -> None:
    df = pl.DataFrame(
        {
            "principal": [_d("120000"), _d("10000"), _d("500000")],
            "annual_rate": [_d("4.35"), _d("6"), _d("3.10")],
            "start_date": [date(2024, 1, 31), date(2024, 1, 31), date(2024, 11, 20)],
            "term_months": [3, 2, 12],
            "method": ["equal_principal", "annuity", "bullet"],
        }
    )
    out = schedules_batch(df)
    assert out["loan_id"].to_list() == [0, 0, 0, 1, 1, 2]
    # the fen amounts of the worked examples above
    assert out["interest_fen"].to_list() == [42050, 29967, 14500, 4833, 2589, 1571528]
    assert out["total_fen"].to_list()[3:5] == [503753, 503669]
    assert out["due_date"].to_list()[:3] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


def test_batch_accepts_fen_and_defaults() -> None:
    df = pl.DataFrame(
        {
            "principal_fen": [10_000_000],
            "annual_rate": ["3.45"],
            "start_date": [date(2024, 1, 15)],
            "term_months": [3],
            "method": ["interest_only"],
        }
    )
    out = schedules_batch(df)
    assert out["interest_fen"].to_list() == [29708, 27792, 29708]
    assert out["closing_principal_fen"].to_list() == [10_000_000, 10_000_000, 0]


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        ("annual_rate", ["3.45001"], DomainError),
        ("annual_rate", [3.45], TypeError),
        ("principal", ["abc"], DomainError),
        ("principal", ["100.005"], DomainError),
        ("method", ["balloon"], DomainError),
        ("term_months", [0], DomainError),
    ],
)
def test_batch_refuses_bad_input(column: str, value: list[object], error: type[Exception]) -> None:
    data: dict[str, list[object]] = {
        "principal": ["1000"],
        "annual_rate": ["4"],
        "start_date": [date(2024, 1, 1)],
        "term_months": [12],
        "method": ["annuity"],
    }
    data[column] = value
    with pytest.raises(error):
        schedules_batch(pl.DataFrame(data))


def test_batch_equals_one_by_one_on_fixed_mixed_loans() -> None:
    loans_ = [
        Loan(_d("120000"), _d("4.35"), date(2024, 1, 15), 12, m, pd, c, resets)
        for m in RepaymentMethod
        for pd in (None, 31, 1)
        for c in DayCount
        for resets in ((), ((date(2024, 6, 15), _d("3.85")), (date(2024, 3, 1), _d("5.1"))))
    ]
    loans_.append(
        Loan(
            _d("100000"),
            _d("24"),
            date(2024, 1, 15),
            360,
            RepaymentMethod.ANNUITY,
            None,
            DayCount.ACT_360,
            (),
        )
    )
    assert schedules_batch(_frame(loans_)).equals(_one_by_one(loans_))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(loans(), min_size=1, max_size=12))
def test_batch_equals_one_by_one_on_generated_loans(batch: list[Loan]) -> None:
    assert schedules_batch(_frame(batch)).equals(_one_by_one(batch))


def test_annuity_exact_half_fen_rounds_up_in_both_paths() -> None:
    # 901.50 at 4% over 2 months: r = 0.04 / 12 = 1/300, A = P·(1+r)² / (2+r)
    #   = 901.50 × (301/300)² / (601/300) = 901.50 × 90601 / 180300 = 453.005 exactly → 453.01
    assert annuity_payment(_d("901.50"), _d("4"), 2) == _d("453.01")
    df = pl.DataFrame(
        {
            "principal": ["901.50"],
            "annual_rate": ["4"],
            "start_date": [date(2024, 1, 15)],
            "term_months": [2],
            "method": ["annuity"],
        }
    )
    assert schedules_batch(df)["total_fen"].to_list()[0] == 45301
    assert build_schedule("901.50", "4", date(2024, 1, 15), 2, "annuity").instalments[
        0
    ].total == _d("453.01")
