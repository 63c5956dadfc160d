"""Reads on loans, always scoped: a lender sees its loans, a borrower its own, a district office
its district's borrowers', the city everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kejin.apps.loans.models import Instalment, Loan, LoanSnapshot, Repayment
from kejin.apps.loans.position import InstalmentState, Position, loan_position
from kejin.platform.tenancy import Actor, access

LOAN_SORTS = {
    "-contract_date": "-contract_date",
    "contract_date": "contract_date",
    "-amount": "-amount",
    "amount": "amount",
    "borrower": "borrower__name",
}


@dataclass(frozen=True)
class LoanFilter:
    q: str = ""
    status: str = ""
    product_kind: str = ""
    lender_id: int | None = None
    district_code: str = ""
    sort: str = "-contract_date"


def loan_list_for(actor: Actor, f: LoanFilter | None = None) -> QuerySet[Loan]:
    f = f or LoanFilter()
    qs = Loan.objects.visible_to(actor).select_related("lender", "borrower")
    if f.q:
        qs = qs.filter(
            Q(external_id__icontains=f.q)
            | Q(borrower__name__icontains=f.q)
            | Q(borrower__uscc__icontains=f.q.upper())
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.product_kind:
        qs = qs.filter(product_kind=f.product_kind)
    if f.lender_id:
        qs = qs.filter(lender_id=f.lender_id)
    if f.district_code:
        qs = qs.filter(borrower__district_code=f.district_code)
    return qs.order_by(LOAN_SORTS.get(f.sort, "-contract_date"), "pk")


def loan_get(actor: Actor, loan_id: int) -> Loan:
    return access(actor, Loan.objects.select_related("lender", "borrower"), loan_id, what="贷款")


def schedule_of(loan: Loan, *, include_superseded: bool = False) -> QuerySet[Instalment]:
    qs = loan.instalments.select_related("drawdown").order_by("due_date", "drawdown_id", "number")
    return qs if include_superseded else qs.filter(superseded=False)


def repayments_of(loan: Loan) -> QuerySet[Repayment]:
    return loan.repayments.order_by("date", "pk")


def instalment_states(loan: Loan) -> list[InstalmentState]:
    return [
        InstalmentState(
            drawn_on=i.drawdown.date,
            period_start=i.period_start,
            due_date=i.due_date,
            days=i.days,
            principal_due=i.principal_due,
            interest_due=i.interest_due,
            principal_paid=i.principal_paid,
            interest_paid=i.interest_paid,
        )
        for i in schedule_of(loan)
    ]


def position_of(loan: Loan, as_of: date) -> Position:
    """Where the loan stands on ``as_of`` (the one-by-one path of the daily book run)."""
    return loan_position(instalment_states(loan), as_of, loan.reported_category)


def snapshots_for(actor: Actor, business_date: date) -> QuerySet[LoanSnapshot]:
    return LoanSnapshot.objects.visible_to(actor).filter(business_date=business_date)
