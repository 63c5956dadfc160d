"""Demo loan book: loans from the demo city's lenders to its enterprises, with their schedules,
on-time repayments up to today, and a tail of loans that stopped paying (1–400 days past due)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.bookrun.run import book_run
from kejin.apps.loans.models import BenchmarkRate, Instalment, Loan, Repayment
from kejin.apps.loans.services import reporting
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.platform.tenancy import Actor
from kejin.rules.calendar import is_working_day

DEMO_LPR_SOURCE = "演示数据：假定与上月持平，请以中国人民银行授权全国银行间同业拆借中心公告为准"
KINDS = [
    "credit",
    "credit",
    "credit",
    "ip_pledge",
    "equity_pledge",
    "guarantee_backed",
    "insurance_backed",
    "leasing",
]
METHODS = ["annuity", "equal_principal", "interest_only", "interest_only", "bullet"]


def _actor(org: Organisation) -> Actor:
    officer = User.objects.filter(organisation=org).order_by("pk").first()
    return Actor(organisation=org, user=officer, roles=frozenset({"officer"}))


def load_demo(*, seed: int, loans: int = 400) -> int:
    """Report ``loans`` loans through the reporting services, then settle the instalments due
    before today (or before each bad loan's default date) as paid on time."""
    rng = random.Random(seed + 5)
    _demo_lpr_fixings(timezone.localdate())
    lenders = list(
        Organisation.objects.filter(kind__in=reporting.LENDER_KINDS, status=OrgStatus.ACTIVE)
    )
    borrowers = list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
        .order_by("pk")
        .values_list("uscc", flat=True)
    )
    today = timezone.localdate()
    by_lender: dict[int, list[reporting.LoanInput]] = {}
    drawdowns: dict[int, list[reporting.DrawdownInput]] = {}
    first = date(2023, 9, 1)
    span = (min(today, date(2026, 6, 20)) - first).days
    for i in range(loans):
        lender = rng.choice(lenders)
        contract = first + timedelta(days=rng.randrange(span))
        term = rng.choice([6, 12, 12, 12, 24, 36])
        month = contract.month - 1 + term
        maturity = date(contract.year + month // 12, month % 12 + 1, min(contract.day, 28))
        amount = Decimal(rng.randrange(30, 1000)) * 10_000
        ext = f"DEMO-{lender.pk}-{i:05d}"
        kind = "leasing" if lender.kind == OrgKind.LEASING_COMPANY else rng.choice(KINDS[:-1])
        item = reporting.LoanInput(
            external_id=ext,
            borrower_uscc=rng.choice(borrowers),
            product_kind=kind,
            amount=amount,
            contract_date=contract,
            maturity_date=maturity,
            contract_rate=Decimal(rng.randrange(330, 780)) / 100,
            repayment_method=rng.choice(METHODS),
            payment_day=min(contract.day, 28),
            purpose=rng.choice(["研发投入", "设备购置", "流动资金", "知识产权转化", "市场拓展"]),
        )
        by_lender.setdefault(lender.pk, []).append(item)
        drawdowns.setdefault(lender.pk, []).append(
            reporting.DrawdownInput(
                loan_external_id=ext, external_id=f"{ext}-1", date=contract, amount=amount
            )
        )
    with transaction.atomic():
        for lender in lenders:
            if lender.pk not in by_lender:
                continue
            actor = _actor(lender)
            reporting.loans_report(actor=actor, items=by_lender[lender.pk])
            reporting.drawdowns_report(actor=actor, items=drawdowns[lender.pk])
        _settle_on_time(rng, today)
    book_run(business_date=today)  # so that the portfolio pages have today's figures
    return Loan.objects.count()


def _demo_lpr_fixings(today: date) -> None:
    """The packaged LPR table is verified through 2026-05; the demo city office has entered the
    months since as unchanged (labelled as demo data: check each against the PBoC notice)."""
    clerk = User.objects.filter(organisation__kind=OrgKind.CITY_OFFICE, roles__icontains="admin")
    creator = clerk.first() or User.objects.filter(organisation__kind=OrgKind.CITY_OFFICE).first()
    month = date(2026, 6, 20)
    rows = []
    while month <= today:
        fixing = month  # published on the 20th, or on the next working day
        while not is_working_day(fixing):
            fixing += timedelta(days=1)
        for tenor, rate in (("1Y", "3.00"), ("5Y+", "3.50")):
            rows.append(
                BenchmarkRate(
                    table="lpr",
                    tenor=tenor,
                    effective_date=fixing,
                    rate_percent=Decimal(rate),
                    source=DEMO_LPR_SOURCE,
                    created_by=creator,
                )
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 20)
    BenchmarkRate.objects.bulk_create(rows, ignore_conflicts=True)


def _settle_on_time(rng: random.Random, today: date) -> None:
    bad = {loan_id for loan_id in Loan.objects.values_list("pk", flat=True) if rng.random() < 0.08}
    stop: dict[int, date] = {
        loan_id: today - timedelta(days=rng.choice([5, 20, 45, 100, 200, 300, 400]))
        for loan_id in bad
    }
    rows = list(Instalment.objects.filter(due_date__lte=today).order_by("loan_id", "due_date"))
    repayments = []
    for inst in rows:
        if inst.loan_id in stop and inst.due_date >= stop[inst.loan_id]:
            continue
        inst.principal_paid = inst.principal_due
        inst.interest_paid = inst.interest_due
        inst.settled_on = inst.due_date
        repayments.append(
            Repayment(
                loan_id=inst.loan_id,
                external_id=f"R-{inst.pk}",
                date=inst.due_date,
                amount=inst.principal_due + inst.interest_due,
                interest_part=inst.interest_due,
                principal_part=inst.principal_due,
                content_hash="demo",
            )
        )
    Instalment.objects.bulk_update(
        rows, ["principal_paid", "interest_paid", "settled_on"], batch_size=1000
    )
    Repayment.objects.bulk_create(repayments, batch_size=1000)
    still_open = Instalment.objects.filter(settled_on__isnull=True, superseded=False)
    closed = list(Loan.objects.exclude(pk__in=still_open.values("loan_id")))
    for loan in closed:
        loan.status = "closed"
    Loan.objects.bulk_update(closed, ["status"])
