"""The lender's exposures and the limits checked at every approval (RULES: ``rules.authority``).

Exposure of a loan = contract amount − principal repaid (its outstanding principal plus what is
still to be drawn), for the lender's loans that are contracted or active; plus the amount of every
application approved but not yet contracted. Industry = the borrower's ``industry`` as registered
(blank: 未登记行业)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kejin.apps.loans.models import (
    ApplicationStatus,
    LoanApplication,
    LoanStatus,
    Repayment,
)
from kejin.apps.loans.models import Loan as LoanRow
from kejin.apps.loans.origination.parameters import microloan_params
from kejin.rules.authority import UNKNOWN_INDUSTRY, Book, LimitCheck, check_limits
from kejin.rules.money import ZERO
from kejin.rules.params import ParameterSet

EXPOSED = (LoanStatus.APPROVED, LoanStatus.ACTIVE)
_MONEY = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class Exposure:
    """One exposure of the lender: a loan or an approved application."""

    borrower_id: int
    borrower_name: str
    industry: str
    amount: Decimal


def exposures_of(lender_id: int, *, excluding_application: int | None = None) -> list[Exposure]:
    """Every exposure of the lender now (the application being decided left out)."""
    repaid = (
        Repayment.objects.filter(loan=OuterRef("pk"))
        .values("loan")
        .annotate(s=Sum(F("principal_part") + F("prepaid_principal")))
        .values("s")
    )
    loans = (
        LoanRow.objects.filter(lender_id=lender_id, status__in=EXPOSED)
        .annotate(repaid=Coalesce(Subquery(repaid, output_field=_MONEY), Value(ZERO)))
        .annotate(exposure=F("amount") - F("repaid"))
        .values_list("borrower_id", "borrower__name", "borrower__industry", "exposure")
    )
    pending = LoanApplication.objects.filter(
        lender_id=lender_id, status=ApplicationStatus.APPROVED, loan__isnull=True
    )
    if excluding_application is not None:
        pending = pending.exclude(pk=excluding_application)
    rows = list(loans) + list(
        pending.values_list("borrower_id", "borrower__name", "borrower__industry", "amount")
    )
    return [
        Exposure(b, name, (industry or "").strip() or UNKNOWN_INDUSTRY, Decimal(amount))
        for b, name, industry, amount in rows
        if Decimal(amount) > 0
    ]


def book_for(application: LoanApplication) -> Book:
    """The lender's exposures as the limit rule needs them for ``application``."""
    rows = exposures_of(application.lender_id, excluding_application=application.pk)
    industry = (application.borrower.industry or "").strip() or UNKNOWN_INDUSTRY
    return Book(
        borrower=sum((r.amount for r in rows if r.borrower_id == application.borrower_id), ZERO),
        industry=industry,
        industry_exposure=sum((r.amount for r in rows if r.industry == industry), ZERO),
        total=sum((r.amount for r in rows), ZERO),
    )


def limits_check(
    application: LoanApplication, on: date, params: ParameterSet | None = None
) -> LimitCheck:
    """Refuse (naming the limit) or return the figures the approval passed."""
    params = params or microloan_params()
    return check_limits(application.amount, book_for(application), on, params)


@dataclass(frozen=True)
class BookSummary:
    """The lender's book by industry and its largest borrowers (the limits page)."""

    total: Decimal
    by_industry: list[tuple[str, Decimal, Decimal]]  # industry, exposure, share %
    top_borrowers: list[tuple[str, Decimal]]


def book_summary(lender_id: int, top: int = 10) -> BookSummary:
    rows = exposures_of(lender_id)
    total = sum((r.amount for r in rows), ZERO)
    industries: dict[str, Decimal] = defaultdict(lambda: ZERO)
    borrowers: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        industries[r.industry] += r.amount
        borrowers[r.borrower_name] += r.amount

    def share(x: Decimal) -> Decimal:
        return (x * 100 / total).quantize(Decimal("0.01")) if total else ZERO

    return BookSummary(
        total=total,
        by_industry=sorted(
            ((k, v, share(v)) for k, v in industries.items()), key=lambda t: (-t[1], t[0])
        ),
        top_borrowers=sorted(borrowers.items(), key=lambda t: (-t[1], t[0]))[:top],
    )
