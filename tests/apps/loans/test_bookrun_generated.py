"""The vectorised book run agrees with the one-by-one path, loan by loan, on a generated book.

The book (216 loans, reported through the services exactly as institutions report them) mixes the
four repayment methods, fixed and floating rates, one and two drawdowns, loans paid on time,
loans that stop paying, partial payments, prepayments (both modes), loans overdue by exactly
1, 91, 271 and 361 days on 2024-06-30, and reported categories better and worse than the floor.
For each business date (29 February 2024, month ends, a year end) every loan's snapshot equals
``position_of(loan, date)``; a loan without a snapshot owes nothing that day.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from kejin.apps.loans.bookrun.run import book_run
from kejin.apps.loans.models import (
    BookRun,
    Instalment,
    Loan,
    LoanSnapshot,
    LoanStatus,
    Repayment,
)
from kejin.apps.loans.selectors import position_of
from kejin.apps.loans.services import reporting
from kejin.rules.schedules import due_date
from tests.conftest import Cast

D = Decimal
BUSINESS_DATES = (
    date(2024, 2, 29),
    date(2024, 3, 31),
    date(2024, 6, 30),
    date(2024, 12, 31),
    date(2025, 5, 31),
)
TARGET_DATE = date(2024, 6, 30)
TARGET_DPD = (1, 91, 271, 361)
METHODS = ("annuity", "equal_principal", "interest_only", "bullet")
KINDS = ("credit", "ip_pledge", "equity_pledge", "guarantee_backed", "insurance_backed", "leasing")
REPORTED = ("", "", "", "normal", "special_mention", "substandard", "doubtful", "loss")
SNAPSHOT_FIELDS = (
    "outstanding_principal",
    "overdue_principal",
    "overdue_interest",
    "accrued_interest",
    "days_past_due",
    "floor_category",
    "category",
)


@dataclass
class Plan:
    loan: reporting.LoanInput
    lender: str  # "bank" or "other"
    drawdowns: list[reporting.DrawdownInput]
    behaviour: str  # current | stops | partial | prepay | late
    paid: int  # how many dues it pays on their due dates (then, by behaviour, more or nothing)


def _fen(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _plans(cast: Cast, rng: random.Random) -> list[Plan]:
    borrowers = (cast.enterprise, cast.stranger, cast.far_enterprise)
    plans: list[Plan] = []
    for i in range(200):
        method = METHODS[i % 4]
        floating = i % 5 == 0
        if floating:
            contract = date(2022, 7, 1) + timedelta(days=rng.randrange(0, 690))
            term = rng.choice((6, 12, 18, 24))
        else:
            contract = date(2022, 7, 1) + timedelta(days=rng.randrange(0, 1030))
            term = rng.choice((3, 3, 6, 6, 12, 12, 18, 24, 36))
        payment_day = rng.choice((contract.day, rng.randint(1, 31), 31))
        maturity = due_date(contract, term, contract.day)
        amount = D(rng.randrange(5_000_000, 300_000_000)) / 100
        ext = f"G{i:03d}"
        loan = reporting.LoanInput(
            external_id=ext,
            borrower_uscc=borrowers[(i // 4) % 3].uscc,
            product_kind=KINDS[i % 6],
            amount=amount,
            contract_date=contract,
            maturity_date=maturity,
            contract_rate=D(rng.randrange(300, 1200)) / 100,
            repayment_method=method,
            payment_day=payment_day,
            rate_type="floating" if floating else "fixed",
            spread=D(rng.randrange(20, 150)) / 100 if floating else None,
            reported_category=rng.choice(REPORTED),
        )
        if i % 7 == 3 and term >= 6:
            first = _fen(amount * D("0.6"))
            later = contract + timedelta(days=rng.randrange(20, 120))
            drawdowns = [
                reporting.DrawdownInput(ext, f"{ext}-1", contract, first),
                reporting.DrawdownInput(ext, f"{ext}-2", later, amount - first),
            ]
        else:
            drawdowns = [reporting.DrawdownInput(ext, f"{ext}-1", contract, amount)]
        behaviour = rng.choices(("current", "stops", "partial", "prepay"), (45, 30, 10, 15))[0]
        paid = term if behaviour == "current" and term == 3 else rng.randint(0, 2)
        plans.append(Plan(loan, "other" if i % 3 == 0 else "bank", drawdowns, behaviour, paid))
    plans.extend(_late_plans(cast))
    return plans


def _late_plans(cast: Cast) -> list[Plan]:
    """Loans whose first instalment, due ``n`` days before 2024-06-30, was never paid."""
    plans = []
    for j, (n, method, reported) in enumerate(
        (dpd, method, reported)
        for dpd in TARGET_DPD
        for method, reported in (("annuity", "normal"), ("equal_principal", "loss"))
        + ((("interest_only", ""), ("bullet", "")) if dpd in (91, 361) else ())
    ):
        first_due = TARGET_DATE - timedelta(days=n)
        term = 1 if method == "bullet" else 12
        contract = due_date(first_due, -1, first_due.day)  # a shorter month: its last day
        ext = f"L{j:02d}"
        amount = D("250000.00")
        loan = reporting.LoanInput(
            external_id=ext,
            borrower_uscc=cast.far_enterprise.uscc if j % 2 else cast.enterprise.uscc,
            product_kind="credit",
            amount=amount,
            contract_date=contract,
            maturity_date=due_date(contract, term, first_due.day),
            contract_rate=D("5.22"),
            repayment_method=method,
            payment_day=first_due.day,
            reported_category=reported,
        )
        dd = [reporting.DrawdownInput(ext, f"{ext}-1", contract, amount)]
        plans.append(Plan(loan, "bank", dd, "late", 0))
    return plans


def _dues(loan_ids: list[int]) -> dict[int, dict[date, Decimal]]:
    """What falls due on each date, per loan (live instalments)."""
    dues: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: D(0)))
    rows = Instalment.objects.filter(loan_id__in=loan_ids, superseded=False).values_list(
        "loan_id", "due_date", "principal_due", "interest_due"
    )
    for loan_id, due, principal, interest in rows:
        dues[loan_id][due] += principal + interest
    return dues


def _principal_due_by(loan_id: int, on: date) -> Decimal:
    rows = Instalment.objects.filter(loan_id=loan_id, superseded=False, due_date__lte=on)
    return sum((r.principal_due for r in rows), D(0))


def build_generated_book(cast: Cast, seed: int = 20240229) -> dict[str, int]:
    """Report the generated book through the services; returns counts of what it contains."""
    rng = random.Random(seed)
    plans = _plans(cast, rng)
    actors = {"bank": cast.actor(cast.bank_officer), "other": cast.actor(cast.other_bank_admin)}
    for who, actor in actors.items():
        mine = [p for p in plans if p.lender == who]
        reporting.loans_report(actor=actor, items=[p.loan for p in mine])
        reporting.drawdowns_report(actor=actor, items=[d for p in mine for d in p.drawdowns])
    ids = dict(Loan.objects.values_list("external_id", "pk"))
    dues = _dues(list(ids.values()))
    payments: dict[str, list[reporting.RepaymentInput]] = defaultdict(list)
    follow_ups: list[tuple[Plan, date]] = []
    for p in plans:
        ext = p.loan.external_id
        due_dates = sorted(dues[ids[ext]])
        paid_dates = due_dates[: p.paid]
        for on in paid_dates:
            payments[p.lender].append(
                reporting.RepaymentInput(ext, f"{ext}-{on}", on, dues[ids[ext]][on])
            )
        if p.behaviour == "partial" and len(due_dates) > p.paid:
            on = due_dates[p.paid]
            amount = _fen(dues[ids[ext]][on] * D("0.6"))
            payments[p.lender].append(reporting.RepaymentInput(ext, f"{ext}-part", on, amount))
        if p.behaviour == "prepay":
            on = (paid_dates[-1] if paid_dates else p.loan.contract_date) + timedelta(days=10)
            drawn = sum((d.amount for d in p.drawdowns if d.date <= on), D(0))
            outstanding = drawn - _principal_due_by(ids[ext], on)
            if on < p.loan.maturity_date - timedelta(days=40) and outstanding > 1000:
                mode = rng.choice(("shorter_term", "lower_instalment"))
                payments[p.lender].append(
                    reporting.RepaymentInput(
                        ext, f"{ext}-pre", on, _fen(outstanding * D("0.3")), True, mode
                    )
                )
                follow_ups.append((p, on))
    for who, items in payments.items():
        reporting.repayments_report(actor=actors[who], items=items)
    after = _dues([ids[p.loan.external_id] for p, _ in follow_ups])
    more: dict[str, list[reporting.RepaymentInput]] = defaultdict(list)
    for p, on in follow_ups:
        ext = p.loan.external_id
        for due in sorted(d for d in after[ids[ext]] if d > on)[:1]:
            more[p.lender].append(
                reporting.RepaymentInput(ext, f"{ext}-after-{due}", due, after[ids[ext]][due])
            )
    for who, items in more.items():
        reporting.repayments_report(actor=actors[who], items=items)
    return {
        "loans": len(plans),
        "floating": sum(1 for p in plans if p.loan.rate_type == "floating"),
        "two_drawdowns": sum(1 for p in plans if len(p.drawdowns) == 2),
        "prepayments": Repayment.objects.filter(is_prepayment=True).count(),
        "partial": sum(1 for p in plans if p.behaviour == "partial"),
        "stops": sum(1 for p in plans if p.behaviour == "stops"),
        **{m: sum(1 for p in plans if p.loan.repayment_method == m) for m in METHODS},
    }


def _snapshot_values(business_date: date) -> dict[int, tuple[object, ...]]:
    rows = LoanSnapshot.objects.filter(business_date=business_date).values_list(
        "loan_id", "lender_id", "borrower_id", "district_code", "product_kind", *SNAPSHOT_FIELDS
    )
    return {r[0]: r[1:] for r in rows}


def test_the_batch_run_equals_the_per_loan_path_and_a_rerun_changes_nothing(cast: Cast) -> None:
    counts = build_generated_book(cast)
    assert counts["loans"] >= 200
    assert all(counts[m] >= 30 for m in METHODS)
    assert counts["floating"] >= 30
    assert counts["two_drawdowns"] >= 10
    assert counts["prepayments"] >= 10
    assert counts["partial"] >= 5
    assert counts["stops"] >= 20
    loans = list(Loan.objects.select_related("borrower").order_by("pk"))
    seen_dpd: set[int] = set()
    seen_categories: set[str] = set()
    lifted = worse_than_floor = 0
    for business_date in BUSINESS_DATES:
        run = book_run(business_date=business_date)
        snapshots = _snapshot_values(business_date)
        assert run.loans == len(snapshots) > 0
        assert run.outstanding == sum((s[4] for s in snapshots.values()), D(0))
        for loan in loans:
            pos = position_of(loan, business_date)
            if loan.pk not in snapshots:  # out of the book: owes nothing that day
                assert (pos.outstanding_principal, pos.overdue_interest) == (0, 0), loan
                continue
            expected = (
                loan.lender_id,
                loan.borrower_id,
                loan.borrower.district_code,
                loan.product_kind,
                pos.outstanding_principal,
                pos.overdue_principal,
                pos.overdue_interest,
                pos.accrued_interest,
                pos.days_past_due,
                pos.floor_category,
                pos.category,
            )
            assert snapshots[loan.pk] == expected, (loan.external_id, business_date)
            if business_date == TARGET_DATE:
                seen_dpd.add(pos.days_past_due)
            seen_categories.add(pos.category)
            lifted += pos.lifted
            worse_than_floor += pos.category != pos.floor_category
    assert set(TARGET_DPD) <= seen_dpd
    assert lifted > 0
    assert worse_than_floor > 0
    assert seen_categories == {"normal", "special_mention", "substandard", "doubtful", "loss"}
    assert Loan.objects.filter(status=LoanStatus.CLOSED).exists()  # closed loans are out
    assert BookRun.objects.count() == len(BUSINESS_DATES)

    # Running a date again replaces its snapshot with the same one.
    first = BookRun.objects.get(business_date=TARGET_DATE)
    before = _snapshot_values(TARGET_DATE)
    again = book_run(business_date=TARGET_DATE)
    assert _snapshot_values(TARGET_DATE) == before
    assert LoanSnapshot.objects.filter(business_date=TARGET_DATE).count() == len(before)
    assert (again.loans, again.outstanding) == (first.loans, first.outstanding)
    assert again.finished_at is not None
    assert first.finished_at is not None
    assert again.finished_at >= first.finished_at
    assert BookRun.objects.filter(business_date=TARGET_DATE).count() == 1
