"""The pool's figures: public totals (anyone), per-bank rows (the city; a bank its own row), and
the series behind the charts. All derived from the ledger, the registrations and the loan book."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from kejin.apps.riskpool.accounts import (
    BANK_PREFIX,
    COMPENSATION_PAID,
    GOVERNMENT,
    POOL_CASH,
    RECOVERIES,
)
from kejin.apps.riskpool.balances import (
    Exposure,
    account_totals,
    exposures,
    fen,
    npl_figures,
)
from kejin.apps.riskpool.models import (
    Agreement,
    Claim,
    ClaimStatus,
    JournalLine,
    PartyKind,
    Recovery,
    RiskPool,
    Suspension,
)
from kejin.apps.riskpool.services.common import version_in_force
from kejin.platform.tenancy import Actor
from kejin.rules.money import ZERO, round_fen

HUNDRED = Decimal(100)
_Z = Value(ZERO, output_field=DecimalField(max_digits=18, decimal_places=2))


def _sum(expr: str, **filters: object) -> Coalesce:
    return Coalesce(Sum(expr, filter=Q(**filters) if filters else None), _Z)


@dataclass(frozen=True)
class PoolTotals:
    pool_id: int
    name: str
    as_of: date
    balance: Decimal
    contributed_government: Decimal
    contributed_banks: Decimal
    compensation_paid: Decimal
    recovered_to_pool: Decimal
    registered_outstanding: Decimal
    registered_count: int
    claims_paid: int
    claims_open: int
    losses_approved: Decimal
    shares_paid: dict[str, Decimal] = field(default_factory=dict)
    recoveries_total: Decimal = ZERO

    @property
    def leverage_used(self) -> Decimal | None:
        """Registered outstanding ÷ balance (times), to two places."""
        if self.balance <= 0:
            return None
        return (self.registered_outstanding / self.balance).quantize(Decimal("0.01"))

    @property
    def recovery_rate(self) -> Decimal | None:
        """Recovered ÷ approved losses of paid claims, percent to two places."""
        if self.losses_approved <= 0:
            return None
        return round_fen(self.recoveries_total * HUNDRED / self.losses_approved)


def pool_totals(pool: RiskPool, on: date, items: list[Exposure] | None = None) -> PoolTotals:
    """Public totals of a pool on ``on``."""
    sums = {a: (d, c) for a, d, c in account_totals(pool.pk)}

    def net_credit(account: str) -> Decimal:
        d, c = sums.get(account, (ZERO, ZERO))
        return c - d

    banks = sum((c - d for a, (d, c) in sums.items() if a.startswith(BANK_PREFIX)), ZERO)
    cash_d, cash_c = sums.get(POOL_CASH, (ZERO, ZERO))
    comp_d, comp_c = sums.get(COMPENSATION_PAID, (ZERO, ZERO))
    rows = items if items is not None else exposures(pool.pk, on)
    claims = Claim.objects.filter(pool=pool).aggregate(
        paid=Count("pk", filter=Q(status=ClaimStatus.PAID)),
        open=Count("pk", filter=Q(status__in=[ClaimStatus.FILED, ClaimStatus.PROPOSED])),
        losses=_sum("approved_loss", status=ClaimStatus.PAID),
        pool=_sum("pool_share", status=ClaimStatus.PAID),
        bank=_sum("bank_share", status=ClaimStatus.PAID),
        insurer=_sum("insurer_share", status=ClaimStatus.PAID),
    )
    recovered = Recovery.objects.filter(pool=pool).aggregate(total=_sum("amount"))["total"]
    return PoolTotals(
        pool_id=pool.pk,
        name=pool.name,
        as_of=on,
        balance=cash_d - cash_c,
        contributed_government=net_credit(GOVERNMENT),
        contributed_banks=banks,
        compensation_paid=comp_d - comp_c,
        recovered_to_pool=net_credit(RECOVERIES),
        registered_outstanding=sum((e.outstanding for e in rows), ZERO),
        registered_count=len(rows),
        claims_paid=claims["paid"],
        claims_open=claims["open"],
        losses_approved=fen(claims["losses"]),
        shares_paid={p: fen(claims[p]) for p in ("pool", "bank", "insurer")},
        recoveries_total=fen(recovered),
    )


@dataclass(frozen=True)
class BankRow:
    bank_id: int
    name: str
    registered_count: int
    registered_outstanding: Decimal
    npl_outstanding: Decimal
    npl_ratio: Decimal
    threshold: Decimal | None
    leverage: Decimal | None
    suspended: bool
    claims_paid: int
    compensation_received: Decimal

    @property
    def npl_ratio_shown(self) -> Decimal:
        return self.npl_ratio.quantize(Decimal("0.01"))


def bank_rows(
    pool: RiskPool, on: date, items: list[Exposure], bank_id: int | None = None
) -> list[BankRow]:
    """One row per cooperating bank (or only ``bank_id``'s)."""
    agreements = Agreement.objects.filter(pool=pool, party_kind=PartyKind.BANK).select_related(
        "party"
    )
    if bank_id is not None:
        agreements = agreements.filter(party_id=bank_id)
    by_bank: dict[int, list[Exposure]] = defaultdict(list)
    for e in items:
        by_bank[e.bank_id].append(e)
    paid = {
        r["bank_id"]: r
        for r in Claim.objects.filter(pool=pool, status=ClaimStatus.PAID)
        .values("bank_id")
        .annotate(n=Count("pk"), amount=_sum("pool_share"))
    }
    suspended = set(
        Suspension.objects.filter(pool=pool, lifted_on__isnull=True).values_list(
            "bank_id", flat=True
        )
    )
    out = []
    for agreement in agreements:
        rows = by_bank.get(agreement.party_id, [])
        figures = npl_figures(rows)
        version = version_in_force(agreement, on)
        claimed = paid.get(agreement.party_id, {})
        out.append(
            BankRow(
                bank_id=agreement.party_id,
                name=agreement.party.name,
                registered_count=len(rows),
                registered_outstanding=figures.registered_outstanding,
                npl_outstanding=figures.npl_outstanding,
                npl_ratio=figures.ratio,
                threshold=version.npl_threshold if version else None,
                leverage=version.leverage if version else None,
                suspended=agreement.party_id in suspended,
                claims_paid=claimed.get("n", 0),
                compensation_received=fen(claimed.get("amount", ZERO)),
            )
        )
    return out


def balance_series(pool: RiskPool) -> list[tuple[str, Decimal]]:
    """The pool's balance at the end of each month with a movement (for the line chart)."""
    rows = (
        JournalLine.objects.filter(journal__pool=pool, account=POOL_CASH)
        .annotate(month=TruncMonth("journal__date"))
        .values("month")
        .annotate(d=_sum("debit"), c=_sum("credit"))
        .order_by("month")
    )
    running = ZERO
    out = []
    for r in rows:
        running += fen(r["d"]) - fen(r["c"])
        out.append((r["month"].strftime("%Y-%m"), running))
    return out


def claims_by_month(pool: RiskPool) -> list[dict[str, object]]:
    rows = (
        Claim.objects.filter(pool=pool, status=ClaimStatus.PAID)
        .annotate(month=TruncMonth("filed_on"))
        .values("month")
        .annotate(
            n=Count("pk"),
            loss=_sum("approved_loss"),
            pool=_sum("pool_share"),
            bank=_sum("bank_share"),
            insurer=_sum("insurer_share"),
        )
        .order_by("month")
    )
    return [
        {
            "month": r["month"].strftime("%Y-%m"),
            "count": r["n"],
            "loss": fen(r["loss"]),
            "pool": fen(r["pool"]),
            "bank": fen(r["bank"]),
            "insurer": fen(r["insurer"]),
        }
        for r in rows
    ]


@dataclass(frozen=True)
class PoolReport:
    totals: PoolTotals
    banks: list[BankRow]
    balance_series: list[tuple[str, Decimal]]
    claims_by_month: list[dict[str, object]]


def pool_report_for(actor: Actor, pool: RiskPool, on: date) -> PoolReport:
    """Totals for anyone; bank rows for the city (all) or a cooperating bank (its own)."""
    items = exposures(pool.pk, on)
    totals = pool_totals(pool, on, items)
    if actor.is_city:
        banks = bank_rows(pool, on, items)
    elif (
        actor.org_id
        and Agreement.objects.filter(
            pool=pool, party_id=actor.org_id, party_kind=PartyKind.BANK
        ).exists()
    ):
        banks = bank_rows(pool, on, items, bank_id=actor.org_id)
    else:
        banks = []
    return PoolReport(totals, banks, balance_series(pool), claims_by_month(pool))
