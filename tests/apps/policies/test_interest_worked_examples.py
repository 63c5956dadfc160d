"""Worked examples of the loan interest subsidy (实施意见（十三）) computed through the app from
the loan book: the loans are reported, drawn and repaid through the loans context's reporting
services; the application goes through the API; the stored trace and periods are checked.

Benchmarks come from the loan book (the 1Y LPR in force on the contract date): 3.10% for a
contract between 2024-10-21 and 2025-05-19, 3.00% from 2025-05-20.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kejin.apps.policies.models import Application, InterestLine, ParameterValue
from tests.apps.policies.conftest import (
    PolicyCast,
    api,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)

D = Decimal


def test_one_period_from_the_loan_book(pc: PolicyCast) -> None:
    """3,000,000.00 at 6.00%, contract 2025-01-15 (benchmark 1Y LPR 3.10%), interest only.

    Period 2025-01-15 → 2025-02-15, 31 days, interest paid 3,000,000 × 6% × 31 ÷ 360 = 15,500.00
      above the benchmark 15,500.00 × (6.00 − 3.10) ÷ 6.00 = 7,491.666… → 7,491.67
      subsidy             7,491.67 × 50% = 3,745.835 → 3,745.84 (half up)
    Period 2025-02-15 → 2025-03-15, 28 days, 14,000.00 → 6,766.666… → 6,766.67 → 3,383.335
      → 3,383.34.  Total 3,745.84 + 3,383.34 = 7,129.18.
    """
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="JL-2025-001",
        borrower=cast.enterprise,
        amount="3000000.00",
        contract=date(2025, 1, 15),
        maturity=date(2026, 1, 15),
        rate="6.00",
    )
    pay_due(cast, loan, date(2025, 3, 31))
    program = make_program(pc)
    r = create_app(pc, program, {"loan_ids": [loan]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount"] == "7129.18"
    lines = {(x["period_end"], x["amount"]) for x in body["interest_lines"]}
    assert lines == {("2025-02-15", "3745.84"), ("2025-03-15", "3383.34")}
    text = "\n".join(body["trace_lines"])
    assert "15,500.00 × (6.00% − 3.10%) ÷ 6.00% = 7,491.67" in text
    assert "7,491.67 × 50% = 3,745.84" in text
    assert "依据：实施意见（十三）" in text
    # the trace cites each parameter with its effective date and source
    assert "interest_subsidy.proportion = 50%（自 2016-01-01 起施行" in text
    assert body["trace"]["trace"]["clause"] == "实施意见（十三）"


def test_annual_cap_reached_exactly_and_crossed_across_two_loans_and_two_applications(
    pc: PolicyCast,
) -> None:
    """Loans A 100,000,000.00 and B 60,000,000.00 at 6.00%, contract 2025-06-20 (benchmark
    3.00%): half of the interest is above the benchmark, half of that is paid, so each period's
    subsidy is a quarter of its interest, to the fen.

    30 days: A 500,000.00 → 125,000.00;  B 300,000.00 → 75,000.00
    31 days: A 516,666.67 → 258,333.335 → 258,333.34 → 129,166.67;  B 310,000.00 → 77,500.00

    Application 1 (periods due Jul–Sep 2025): A 125,000 + 129,166.67 + 129,166.67 = 383,333.34,
    B 75,000 + 77,500 + 77,500 = 230,000.00; total 613,333.34, approved.

    Application 2 (Oct–Dec 2025): 1,000,000 − 613,333.34 = 386,666.66 left for 2025, taken by
    period end, then loan:
      10-20 A 125,000.00 (left 261,666.66) · B 75,000.00 (left 186,666.66)
      11-20 A 129,166.67 (left 57,499.99) · B 77,500.00 → cut to 57,499.99 (capped)
      12-20 A 125,000.00 → 0.00 · B 75,000.00 → 0.00 (cap exhausted)
    Total 386,666.66; 2025 then sums to 1,000,000.00 exactly.
    """
    cast = pc.cast
    a = report_loan(
        cast,
        ext="A-2025",
        borrower=cast.enterprise,
        amount="100000000.00",
        contract=date(2025, 6, 20),
        maturity=date(2026, 6, 20),
        rate="6.00",
    )
    b = report_loan(
        cast,
        ext="B-2025",
        borrower=cast.enterprise,
        amount="60000000.00",
        contract=date(2025, 6, 20),
        maturity=date(2026, 6, 20),
        rate="6.00",
    )
    for loan in (a, b):
        pay_due(cast, loan, date(2025, 12, 31))
    first = make_program(pc, coverage_start=date(2025, 7, 1), coverage_end=date(2025, 9, 30))
    r = create_app(pc, first, {"loan_ids": [a, b]})
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "613333.34"
    submit_through(pc, r.json()["id"], until="pending_notice")

    second = make_program(pc, coverage_start=date(2025, 10, 1), coverage_end=date(2025, 12, 31))
    r = create_app(pc, second, {"loan_ids": [a, b]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount"] == "386666.66"
    got = [
        (x["loan_key"][:1], x["period_end"], x["proposed"], x["amount"], x["reason"])
        for x in body["interest_lines"]
    ]
    assert got == [
        ("A", "2025-10-20", "125000.00", "125000.00", ""),
        ("B", "2025-10-20", "75000.00", "75000.00", ""),
        ("A", "2025-11-20", "129166.67", "129166.67", ""),
        ("B", "2025-11-20", "77500.00", "57499.99", "capped"),
        ("A", "2025-12-20", "125000.00", "0.00", "cap_exhausted"),
        ("B", "2025-12-20", "75000.00", "0.00", "cap_exhausted"),
    ]
    text = "\n".join(body["trace_lines"])
    assert "2025 年上限 1,000,000.00 − 已批准 613,333.34" in text
    # approved in full: the year's total is the cap exactly
    submit_through(pc, body["id"], until="pending_notice")
    total = sum(InterestLine.objects.filter(year=2025).values_list("amount", flat=True), D(0))
    assert total == D("1000000.00")
    assert Application.objects.get(pk=body["id"]).proposed_amount == D("386666.66")


def test_a_loan_below_its_benchmark_gives_zero_and_cannot_be_submitted(pc: PolicyCast) -> None:
    """2.80% < the 3.00% benchmark: no part of the interest is above it, the subsidy is 0.00 and
    the submission is refused with the rule's reason; nothing changes."""
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="LOW-1",
        borrower=cast.enterprise,
        amount="1000000.00",
        contract=date(2025, 6, 10),
        maturity=date(2026, 6, 10),
        rate="2.80",
    )
    pay_due(cast, loan, date(2025, 8, 31))
    program = make_program(pc)
    r = create_app(pc, program, {"loan_ids": [loan]})
    assert r.status_code == 201
    body = r.json()
    assert body["amount"] == "0.00"
    assert {x["reason"] for x in body["interest_lines"]} == {"rate_not_above_benchmark"}
    r = api(cast.client(cast.owner), "post", f"/applications/{body['id']}/submit")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "application.zero_amount"
    assert "按实施意见（十三）计算的金额为 0.00 元" in error["message"]
    assert "合同利率不高于同期基准利率" in error["message"]
    assert Application.objects.get(pk=body["id"]).status == "draft"


def test_the_two_year_window_cuts_a_period(pc: PolicyCast) -> None:
    """First drawdown 2023-12-05, so the window is [2023-12-05, 2025-12-05). Loan 1,200,000.00
    at 6.00%, contract 2023-12-05 (benchmark 1Y LPR 3.45% since 2023-08-21).

    Period 2025-11-05 → 2025-12-05: 30 days, all inside: 6,000.00 → 6,000.00 × 2.55 ÷ 6
      = 2,550.00 → 1,275.00.
    Period 2025-10-05 → 2025-11-05: 31 days, 6,200.00 → 2,635.00 → 1,317.50.
    Period 2025-12-05 → 2026-01-05 lies after the window: 0.00 (``outside_window``).
    """
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="W-2023",
        borrower=cast.enterprise,
        amount="1200000.00",
        contract=date(2023, 12, 5),
        maturity=date(2026, 12, 5),
        rate="6.00",
    )
    pay_due(cast, loan, date(2026, 1, 10))
    program = make_program(pc, coverage_start=date(2025, 10, 6), coverage_end=date(2026, 1, 31))
    r = create_app(pc, program, {"loan_ids": [loan]})
    assert r.status_code == 201, r.content
    rows = [
        (x["period_start"], x["period_end"], x["amount"], x["reason"])
        for x in r.json()["interest_lines"]
    ]
    assert rows == [
        ("2025-10-05", "2025-11-05", "1317.50", ""),
        ("2025-11-05", "2025-12-05", "1275.00", ""),
        ("2025-12-05", "2026-01-05", "0.00", "outside_window"),
    ]
    assert "贴息期 2023-12-05～2025-12-05（不含末日）" in "\n".join(r.json()["trace_lines"])


def test_the_window_prorates_a_period_it_cuts(pc: PolicyCast) -> None:
    """Contract 2024-01-31, first drawdown 2024-02-10 (the window runs to 2026-02-10); payment
    day 31, so the period 2026-01-31 → 2026-02-28 (28 days) has 10 days inside the window.
    Principal 3,600,000.00 at 6.00% (benchmark 3.45%): interest 3,600,000 × 6% × 28 ÷ 360
    = 16,800.00; eligible 16,800.00 × 10 ÷ 28 = 6,000.00; above 6,000.00 × 2.55 ÷ 6 = 2,550.00;
    subsidy 1,275.00."""
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="CUT-1",
        borrower=cast.enterprise,
        amount="3600000.00",
        contract=date(2024, 1, 31),
        maturity=date(2027, 1, 31),
        rate="6.00",
        drawdowns=[(date(2024, 2, 10), "3600000.00")],
    )
    pay_due(cast, loan, date(2026, 3, 1))
    program = make_program(pc, coverage_start=date(2026, 2, 1), coverage_end=date(2026, 3, 1))
    r = create_app(pc, program, {"loan_ids": [loan]})
    assert r.status_code == 201, r.content
    (line,) = r.json()["interest_lines"]
    assert (line["period_start"], line["period_end"]) == ("2026-01-31", "2026-02-28")
    assert (line["interest_paid"], line["amount"]) == ("16800.00", "1275.00")
    assert "16,800.00 × 10 ÷ 28 = 6,000.00" in "\n".join(r.json()["trace_lines"])


def test_a_parameter_changing_mid_year(pc: PolicyCast) -> None:
    """The city raises the proportion to 60% from 2025-08-01 (through the API). Loan 2,000,000.00
    at 6.00% from 2025-06-10 (benchmark 3.00%): half of the interest is above the benchmark.

    period ending 2025-07-10 (30 days): 10,000.00 → 5,000.00 × 50% = 2,500.00
    period ending 2025-08-10 (31 days): 10,333.33 → 5,166.665 → 5,166.67 × 60% = 3,100.00
      (3,100.002 → 3,100.00)
    """
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="P-2025",
        borrower=cast.enterprise,
        amount="2000000.00",
        contract=date(2025, 6, 10),
        maturity=date(2026, 6, 10),
        rate="6.00",
    )
    pay_due(cast, loan, date(2025, 8, 31))
    r = api(
        cast.client(cast.city_admin),
        "post",
        "/parameters",
        {
            "key": "interest_subsidy.proportion",
            "effective_from": "2025-08-01",
            "value": "60",
            "source": "长科发〔2025〕12号 第三条",
        },
    )
    assert r.status_code == 201, r.content
    assert ParameterValue.objects.get().value == D("60")
    program = make_program(pc, coverage_start=date(2025, 7, 1), coverage_end=date(2025, 8, 31))
    r = create_app(pc, program, {"loan_ids": [loan]})
    assert r.status_code == 201, r.content
    rows = [(x["period_end"], x["amount"]) for x in r.json()["interest_lines"]]
    assert rows == [("2025-07-10", "2500.00"), ("2025-08-10", "3100.00")]
    text = "\n".join(r.json()["trace_lines"])
    assert "5,000.00 × 50% = 2,500.00" in text
    assert "5,166.67 × 60% = 3,100.00" in text
    assert (
        "interest_subsidy.proportion = 60%（自 2025-08-01 起施行；依据：长科发〔2025〕12号 第三条）"
        in text
    )


def test_each_drawdown_is_a_series_of_its_own_on_the_loans_window(pc: PolicyCast) -> None:
    """A loan drawn in two parts has two overlapping schedules: each drawdown is subsidised on
    its own periods, both within the window from the loan's first drawdown."""
    cast = pc.cast
    loan = report_loan(
        cast,
        ext="TWO",
        borrower=cast.enterprise,
        amount="2000000.00",
        contract=date(2025, 6, 10),
        maturity=date(2026, 6, 10),
        rate="6.00",
        drawdowns=[(date(2025, 6, 10), "1000000.00"), (date(2025, 7, 10), "1000000.00")],
    )
    pay_due(cast, loan, date(2025, 8, 31))
    program = make_program(pc, coverage_start=date(2025, 8, 1), coverage_end=date(2025, 8, 31))
    r = create_app(pc, program, {"loan_ids": [loan]})
    assert r.status_code == 201, r.content
    keys = sorted({x["loan_key"] for x in r.json()["interest_lines"]})
    assert len(keys) == 2
    assert all(k.startswith("TWO#") for k in keys)
    # 1,000,000 × 6% × 31 ÷ 360 = 5,166.67 each → 2,583.335 → 2,583.34 → 1,291.67
    assert r.json()["amount"] == "2583.34"
