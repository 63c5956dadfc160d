"""The pure batch computation (no database) against ``loan_position``, one loan at a time."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.apps.loans.bookrun.compute import (
    INSTALMENT_SCHEMA,
    POSITION_COLUMNS,
    compute_positions,
    empty_positions,
    in_book,
)
from kejin.apps.loans.position import InstalmentState, loan_position

D = Decimal
CATEGORIES = ("", "normal", "special_mention", "substandard", "doubtful", "loss")


def _frames(
    loans: dict[int, tuple[str, list[InstalmentState]]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    def fen(value: Decimal) -> int:
        return int(value * 100)

    rows = [
        (
            loan_id,
            r.drawn_on,
            r.period_start,
            r.due_date,
            r.days,
            fen(r.interest_due),
            fen(r.principal_due - r.principal_paid),
            fen(r.interest_due - r.interest_paid),
        )
        for loan_id, (_, states) in loans.items()
        for r in states
    ]
    instalments = pl.DataFrame(rows, schema=INSTALMENT_SCHEMA, orient="row")
    loan_frame = pl.DataFrame(
        {
            "loan_id": list(loans),
            "reported_category": [category for category, _ in loans.values()],
            "lender_id": [7] * len(loans),
        },
        schema={"loan_id": pl.Int64, "reported_category": pl.String, "lender_id": pl.Int64},
    )
    return instalments, loan_frame


def _as_position_tuple(row: dict[str, object]) -> tuple[object, ...]:
    return (
        D(int(row["outstanding_principal_fen"])).scaleb(-2),  # type: ignore[call-overload]
        D(int(row["overdue_principal_fen"])).scaleb(-2),  # type: ignore[call-overload]
        D(int(row["overdue_interest_fen"])).scaleb(-2),  # type: ignore[call-overload]
        D(int(row["accrued_interest_fen"])).scaleb(-2),  # type: ignore[call-overload]
        row["days_past_due"],
        row["floor_category"],
        row["category"],
        row["lifted"],
    )


def _expected(states: list[InstalmentState], as_of: date, reported: str) -> tuple[object, ...]:
    p = loan_position(states, as_of, reported)
    return (
        p.outstanding_principal,
        p.overdue_principal,
        p.overdue_interest,
        p.accrued_interest,
        p.days_past_due,
        p.floor_category,
        p.category,
        p.lifted,
    )


def state(text: str) -> InstalmentState:
    """``"drawn start due principal interest principal_paid interest_paid"``."""
    drawn, start, due, principal, interest, paid_p, paid_i = text.split()
    period_start, due_date = date.fromisoformat(start), date.fromisoformat(due)
    return InstalmentState(
        drawn_on=date.fromisoformat(drawn),
        period_start=period_start,
        due_date=due_date,
        days=(due_date - period_start).days,
        principal_due=D(principal),
        interest_due=D(interest),
        principal_paid=D(paid_p),
        interest_paid=D(paid_i),
    )


def test_a_worked_loan_overdue_in_part_with_interest_accruing() -> None:
    # Equal principal 3,000.00 from 2024-01-31, payment day 31, 3 instalments (2024 is leap):
    #   02-29: 1,000.00 + 10.01, paid in full;
    #   03-31: 1,000.00 + 8.00, paid 400.00 of principal and all the interest;
    #   04-30: 1,000.00 + 3.01, not yet due.
    rows = [
        state("2024-01-31 2024-01-31 2024-02-29 1000.00 10.01 1000.00 10.01"),
        state("2024-01-31 2024-02-29 2024-03-31 1000.00 8.00 400.00 8.00"),
        state("2024-01-31 2024-03-31 2024-04-30 1000.00 3.01 0.00 0.00"),
    ]
    instalments, loans = _frames({1: ("", rows)})
    got = compute_positions(instalments, loans, date(2024, 4, 15)).row(0, named=True)
    # outstanding = 0 + 600.00 + 1,000.00 = 1,600.00; overdue: the 03-31 instalment only,
    # 600.00 of principal, 0.00 of interest, 2024-04-15 − 2024-03-31 = 15 days (关注);
    # accrued on 04-30's period (30 days): 3.01 × 15 / 30 = 1.505 → 1.51 (half-up, exactly
    # (2 × 301 × 15 + 30) // (2 × 30) = 151 fen).
    assert _as_position_tuple(got) == (
        D("1600.00"),
        D("600.00"),
        D("0.00"),
        D("1.51"),
        15,
        "special_mention",
        "special_mention",
        False,
    )
    assert _as_position_tuple(got) == _expected(rows, date(2024, 4, 15), "")
    assert got["lender_id"] == 7  # the loans frame's other columns come through


def test_a_report_better_than_the_floor_is_lifted_and_a_worse_one_stands() -> None:
    rows = [state("2024-01-01 2024-01-01 2024-02-01 500.00 5.00 0.00 0.00")]
    instalments, loans = _frames({1: ("normal", rows), 2: ("loss", rows)})
    got = compute_positions(instalments, loans, date(2024, 5, 2))  # 91 days past due
    assert got["days_past_due"].to_list() == [91, 91]
    assert got["floor_category"].cast(pl.String).to_list() == ["substandard", "substandard"]
    assert got["category"].cast(pl.String).to_list() == ["substandard", "loss"]
    assert got["lifted"].to_list() == [True, False]


def test_a_drawdown_after_the_date_and_a_loan_without_rows_are_left_out() -> None:
    later = [state("2024-03-01 2024-03-01 2024-04-01 100.00 1.00 0 0")]
    instalments, loans = _frames({1: ("", later), 2: ("", [])})
    got = compute_positions(instalments, loans, date(2024, 2, 1))
    assert got.height == 0
    assert got.columns == empty_positions(loans).columns
    assert list(got.columns[: len(POSITION_COLUMNS)]) == list(POSITION_COLUMNS)


def test_only_loans_that_owe_something_are_in_the_book() -> None:
    paid = [state("2024-01-01 2024-01-01 2024-02-01 100.00 1.00 100.00 1.00")]
    owes = [state("2024-01-01 2024-01-01 2024-02-01 100.00 1.00 100.00 0.50")]
    instalments, loans = _frames({1: ("", paid), 2: ("", owes)})
    positions = compute_positions(instalments, loans, date(2024, 3, 1))
    assert positions["loan_id"].to_list() == [1, 2]
    assert in_book(positions)["loan_id"].to_list() == [2]  # overdue interest 0.50, principal 0


def test_missing_columns_are_refused() -> None:
    instalments, loans = _frames({})
    with pytest.raises(ValueError, match="due_date"):
        compute_positions(instalments.drop("due_date"), loans, date(2024, 1, 1))


amounts = st.integers(min_value=0, max_value=10**9).map(lambda fen: D(fen).scaleb(-2))


@st.composite
def instalment_states(draw: st.DrawFn) -> InstalmentState:
    drawn = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    start = drawn + timedelta(days=draw(st.integers(0, 400)))
    days = draw(st.integers(0, 400))
    principal, interest = draw(amounts), draw(amounts)
    paid_p = draw(st.sampled_from([D(0), principal, (principal / 3).quantize(D("0.01"))]))
    paid_i = draw(st.sampled_from([D(0), interest, (interest / 7).quantize(D("0.01"))]))
    return InstalmentState(
        drawn_on=drawn,
        period_start=start,
        due_date=start + timedelta(days=days),
        days=days,
        principal_due=principal,
        interest_due=interest,
        principal_paid=paid_p,
        interest_paid=paid_i,
    )


@settings(max_examples=150, deadline=None)
@given(
    book=st.lists(
        st.tuples(st.sampled_from(CATEGORIES), st.lists(instalment_states(), max_size=8)),
        min_size=1,
        max_size=6,
    ),
    offset=st.integers(0, 1200),
    slice_rows=st.sampled_from([1, 2, 5, 1_000_000]),
    shuffle=st.randoms(use_true_random=False),
)
def test_the_batch_equals_loan_position_for_every_loan(
    book: list[tuple[str, list[InstalmentState]]],
    offset: int,
    slice_rows: int,
    shuffle: random.Random,
) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    loans = {i + 1: loan for i, loan in enumerate(book)}
    instalments, loan_frame = _frames(loans)
    order = list(range(instalments.height))
    shuffle.shuffle(order)  # rows in any order: they are sorted by loan inside
    instalments = instalments[order]
    positions = compute_positions(instalments, loan_frame, as_of, slice_rows=slice_rows)
    assert positions["loan_id"].is_sorted()
    got = {r["loan_id"]: r for r in positions.to_dicts()}
    for loan_id, (reported, states) in loans.items():
        if any(s.drawn_on <= as_of for s in states):
            assert _as_position_tuple(got[loan_id]) == _expected(states, as_of, reported)
        else:
            assert loan_id not in got
