"""Reads on the special fund. Balances are always derived from the ledger, never stored.

Identities (docs/modules/funds.md)::

    budgeted  = Σ budgeted − Σ adjusted            (the line's budget after reductions)
    open      = committed − released − paid         (approved, not yet paid nor released)
    available = budgeted − (committed − released)   (what new commitments may still take)
    budgeted  = available + open + paid             (the totals reconcile)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round

from kejin.apps.funds.models import BudgetLine, EntryKind, LedgerEntry, Purpose, SpecialFund
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import PermissionDenied
from kejin.rules.money import FEN, ZERO

# Lines are listed in the fixed order of the purposes (引导基金, 风险补偿, 融资补助, 贴息, 奖励).
PURPOSE_ORDER = Case(
    *[When(purpose=p, then=Value(i)) for i, p in enumerate(Purpose.values)],
    default=Value(99),
    output_field=IntegerField(),
)

CITY_ONLY = "专项资金由市科技局管理，只有市科技局可以查看资金台账"


@dataclass(frozen=True)
class Balance:
    """A budget line's position, derived from its ledger entries."""

    budgeted: Decimal  # Σ budgeted − Σ adjusted
    committed: Decimal
    paid: Decimal
    released: Decimal
    available: Decimal  # budgeted − (committed − released)
    reduced: Decimal = ZERO  # Σ adjusted (already netted in ``budgeted``)

    @property
    def open(self) -> Decimal:
        """Committed and neither paid nor released yet."""
        return self.committed - self.released - self.paid

    @property
    def gross_budget(self) -> Decimal:
        """Σ budgeted entries, before reductions."""
        return self.budgeted + self.reduced

    @property
    def used(self) -> Decimal:
        """Committed net of releases: paid plus still open."""
        return self.committed - self.released

    @property
    def usage_rate(self) -> Decimal:
        """Share of the budget used (committed net of releases), in percent, to 0.1."""
        if self.budgeted <= 0:
            return Decimal("0.0")
        return (self.used * 100 / self.budgeted).quantize(Decimal("0.1"))

    @classmethod
    def from_sums(
        cls,
        *,
        budgeted: Decimal,
        adjusted: Decimal,
        committed: Decimal,
        released: Decimal,
        paid: Decimal,
    ) -> Balance:
        net = budgeted - adjusted
        return cls(
            budgeted=net,
            committed=committed,
            paid=paid,
            released=released,
            available=net - (committed - released),
            reduced=adjusted,
        )


def fen_sum(prefix: str, **condition: object) -> Sum:
    """Σ amount in integer fen, exact on every database: PostgreSQL sums NUMERIC exactly, but
    SQLite keeps decimals as REAL and would add them in floating point; whole fen add exactly."""
    fen = Cast(Round(F(f"{prefix}amount") * 100), BigIntegerField())
    return Sum(fen, filter=Q(**condition), default=0)


def fen_sums(prefix: str = "") -> dict[str, Sum]:
    """Conditional sums by kind, in fen (``prefix`` walks from a line to its entries)."""
    return {f"sum_{kind}": fen_sum(prefix, **{f"{prefix}kind": kind}) for kind in EntryKind.values}


def fen_to_yuan(value: int | Decimal | None) -> Decimal:
    """A sum in fen as yuan."""
    return (Decimal(int(value or 0)) / 100).quantize(FEN)


def balance_from_row(row: object) -> Balance:
    def get(key: str) -> Decimal:
        return fen_to_yuan(row[key] if isinstance(row, dict) else getattr(row, key))

    return Balance.from_sums(
        budgeted=get("sum_budgeted"),
        adjusted=get("sum_adjusted"),
        committed=get("sum_committed"),
        released=get("sum_released"),
        paid=get("sum_paid"),
    )


def line_balance(line_id: int) -> Balance:
    """The balance of one line from its ledger (no actor: for services of other contexts)."""
    return balance_from_row(LedgerEntry.objects.filter(line_id=line_id).aggregate(**fen_sums()))


def with_balances(qs: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """Annotate each line with its sums by kind (one query); read them with :func:`balance_of`."""
    return qs.annotate(**fen_sums("entries__"))


def balance_of(line: BudgetLine) -> Balance:
    """The balance of a line fetched through :func:`with_balances`."""
    return balance_from_row(line)


def budget_lines_for(
    actor: Actor, year: int | None = None, purpose: str | None = None
) -> QuerySet[BudgetLine]:
    """The city office's budget lines with their balances; other actors see none."""
    qs = BudgetLine.objects.visible_to(actor).select_related("fund")
    if year:
        qs = qs.filter(year=year)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return with_balances(qs).order_by("-year", PURPOSE_ORDER, "name", "pk")


def budget_line_get(actor: Actor, line_id: int) -> BudgetLine:
    """One line with its balance, or NotFound for anyone but the city office."""
    return access(
        actor, with_balances(BudgetLine.objects.select_related("fund")), line_id, what="预算科目"
    )


def require_city(actor: Actor) -> None:
    """Lists of the fund are the city office's: refuse anyone else with a clear message."""
    if not actor.is_city:
        raise PermissionDenied(CITY_ONLY)


def fund_years(actor: Actor) -> list[int]:
    """Years that have budget lines, newest first."""
    qs = BudgetLine.objects.visible_to(actor).order_by().values_list("year", flat=True).distinct()
    return sorted(set(qs), reverse=True)


def special_funds_for(actor: Actor) -> QuerySet[SpecialFund]:
    return SpecialFund.objects.visible_to(actor).order_by("pk")


@dataclass(frozen=True)
class LedgerFilter:
    line_id: int | None = None
    year: int | None = None
    kind: str = ""
    linkage_mode: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


def ledger_for(
    actor: Actor, line_id: int | None = None, filters: LedgerFilter | None = None
) -> QuerySet[LedgerEntry]:
    """Ledger entries the actor may see (the city office: all), by business date, newest first
    (entries of the same day in the order they were written, latest first).

    With ``line_id`` the line must be visible (NotFound otherwise); without it every line's.
    """
    f = filters or LedgerFilter()
    line_id = line_id or f.line_id
    if line_id is not None:
        access(actor, BudgetLine.objects.all(), line_id, what="预算科目")
    else:
        require_city(actor)
    qs = LedgerEntry.objects.visible_to(actor).select_related(
        "line", "actor", "actor_organisation", "commitment"
    )
    if line_id is not None:
        qs = qs.filter(line_id=line_id)
    if f.year:
        qs = qs.filter(line__year=f.year)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.linkage_mode:
        qs = qs.filter(linkage_mode=f.linkage_mode)
    if f.date_from:
        qs = qs.filter(value_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(value_date__lte=f.date_to)
    if f.q:
        qs = qs.filter(
            Q(reference__icontains=f.q)
            | Q(counterparty__icontains=f.q)
            | Q(note__icontains=f.q)
            | Q(bank_reference__icontains=f.q)
        )
    return qs.order_by("-value_date", "-pk")


@dataclass(frozen=True)
class CommitmentBalance:
    """Where one commitment stands: ``paid + released ≤ committed``, always."""

    committed: Decimal
    released: Decimal
    paid: Decimal

    @property
    def open(self) -> Decimal:
        return self.committed - self.released - self.paid


def commitment_balance(commitment_id: int) -> CommitmentBalance:
    """The paid, released and open amounts of one commitment (for other contexts' services)."""
    commitment = LedgerEntry.objects.get(pk=commitment_id, kind=EntryKind.COMMITTED)
    sums = LedgerEntry.objects.filter(commitment_id=commitment_id).aggregate(
        released=fen_sum("", kind=EntryKind.RELEASED), paid=fen_sum("", kind=EntryKind.PAID)
    )
    return CommitmentBalance(
        committed=commitment.amount,
        released=fen_to_yuan(sums["released"]),
        paid=fen_to_yuan(sums["paid"]),
    )


def commitments_for_subject(subject: str) -> QuerySet[LedgerEntry]:
    """Commitments made for a thing of another context (``"policies.Award:123"``)."""
    subject_type, _, subject_id = subject.partition(":")
    return LedgerEntry.objects.filter(
        kind=EntryKind.COMMITTED, subject_type=subject_type, subject_id=subject_id
    ).order_by("at", "pk")
