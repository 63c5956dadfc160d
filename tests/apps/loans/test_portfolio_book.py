"""A tiny loan book, reported through the services, whose portfolio figures are worked by hand in
test_portfolio_*.py. Business date 2024-06-30 (the previous run: 2024-05-31).

- A: bank → enterprise (220104), credit, bullet 1,000,000.00 at 3.60%, 2024-01-01 → 2025-01-01;
  current.
- B: bank → stranger (220104), IP pledge, interest-only 500,000.00 at 3.60%, from 2023-12-15,
  12 months, payment day 15; January and February paid, nothing since (interest due 03-15 on).
- C: other bank → far enterprise (220102), equity pledge, equal principal 120,000.00 at 4.35%,
  2024-01-31, 3 months, payment day 31, reported 损失; nothing paid.
- D: bank → far enterprise (220102), credit, equal principal 1,200,000.00 at 4.35%, 2024-01-15,
  12 months, payment day 15, reported 关注; paid on time to 06-15 (06-15 paid after the 05-31
  run).
- E: bank → enterprise (220104), credit, annuity 100,000.00 at 6%, 2024-05-29, 2 months, payment
  day 29; the instalment of 06-29 is unpaid.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kejin.apps.loans.bookrun.run import book_run
from kejin.apps.loans.models import Instalment
from kejin.apps.loans.services import reporting
from kejin.apps.orgs.models import Organisation, User
from tests.conftest import Cast

D = Decimal
PREVIOUS = date(2024, 5, 31)
BUSINESS = date(2024, 6, 30)


def report_loan(
    cast: Cast,
    user: User,
    *,
    ext: str,
    borrower: Organisation,
    kind: str,
    amount: str,
    contract: date,
    maturity: date,
    rate: str,
    method: str,
    payment_day: int,
    category: str = "",
) -> None:
    actor = cast.actor(user)
    reporting.loans_report(
        actor=actor,
        items=[
            reporting.LoanInput(
                external_id=ext,
                borrower_uscc=borrower.uscc,
                product_kind=kind,
                amount=D(amount),
                contract_date=contract,
                maturity_date=maturity,
                contract_rate=D(rate),
                repayment_method=method,
                payment_day=payment_day,
                reported_category=category,
            )
        ],
    )
    reporting.drawdowns_report(
        actor=actor,
        items=[
            reporting.DrawdownInput(
                loan_external_id=ext, external_id=f"{ext}-1", date=contract, amount=D(amount)
            )
        ],
    )


def pay_due(cast: Cast, user: User, ext: str, on: date) -> Decimal:
    """Pay what falls due on ``on`` (principal + interest of the live instalments), on the day."""
    rows = Instalment.objects.filter(loan__external_id=ext, due_date=on, superseded=False)
    amount = sum((r.principal_due + r.interest_due for r in rows), D(0))
    reporting.repayments_report(
        actor=cast.actor(user),
        items=[
            reporting.RepaymentInput(
                loan_external_id=ext, external_id=f"{ext}-{on}", date=on, amount=amount
            )
        ],
    )
    return amount


def build_tiny_book(cast: Cast) -> None:
    """The five loans, with the repayments known on 2024-05-31, then the book run of that date,
    then June's repayments (the run of 2024-06-30 is the test's to make)."""
    bank, other = cast.bank_officer, cast.other_bank_admin
    report_loan(
        cast, bank, ext="A", borrower=cast.enterprise, kind="credit", amount="1000000.00",
        contract=date(2024, 1, 1), maturity=date(2025, 1, 1), rate="3.60", method="bullet",
        payment_day=1,
    )  # fmt: skip
    report_loan(
        cast, bank, ext="B", borrower=cast.stranger, kind="ip_pledge", amount="500000.00",
        contract=date(2023, 12, 15), maturity=date(2024, 12, 15), rate="3.60",
        method="interest_only", payment_day=15,
    )  # fmt: skip
    report_loan(
        cast, other, ext="C", borrower=cast.far_enterprise, kind="equity_pledge",
        amount="120000.00", contract=date(2024, 1, 31), maturity=date(2024, 4, 30), rate="4.35",
        method="equal_principal", payment_day=31, category="loss",
    )  # fmt: skip
    report_loan(
        cast, bank, ext="D", borrower=cast.far_enterprise, kind="credit", amount="1200000.00",
        contract=date(2024, 1, 15), maturity=date(2025, 1, 15), rate="4.35",
        method="equal_principal", payment_day=15, category="special_mention",
    )  # fmt: skip
    report_loan(
        cast, bank, ext="E", borrower=cast.enterprise, kind="credit", amount="100000.00",
        contract=date(2024, 5, 29), maturity=date(2024, 7, 29), rate="6.00", method="annuity",
        payment_day=29,
    )  # fmt: skip
    for on in (date(2024, 1, 15), date(2024, 2, 15)):
        pay_due(cast, bank, "B", on)
    for month in (2, 3, 4, 5):
        pay_due(cast, bank, "D", date(2024, month, 15))
    book_run(business_date=PREVIOUS)
    pay_due(cast, bank, "D", date(2024, 6, 15))
