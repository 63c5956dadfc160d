"""Budget usage of the special fund for dashboards: by purpose and year, by linkage mode, and a
published version with totals only (for the public portal and for district offices)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kejin.apps.funds.models import EntryKind, LedgerEntry, LinkageMode, Purpose
from kejin.apps.funds.selectors import (
    Balance,
    balance_from_row,
    fen_sums,
    fen_to_yuan,
    require_city,
)
from kejin.platform.tenancy import Actor
from kejin.rules.money import ZERO

UNLABELLED = "未标注联动模式"


@dataclass(frozen=True)
class UsageRow:
    """One group's totals. ``budgeted`` and ``available`` are ``None`` for linkage modes (a budget
    is set per purpose, not per mode)."""

    key: str
    label: str
    committed: Decimal
    released: Decimal
    paid: Decimal
    budgeted: Decimal | None = None
    available: Decimal | None = None
    year: int | None = None

    @property
    def open(self) -> Decimal:
        return self.committed - self.released - self.paid

    @property
    def used(self) -> Decimal:
        return self.committed - self.released

    @classmethod
    def of(cls, key: str, label: str, b: Balance, *, year: int | None = None) -> UsageRow:
        return cls(
            key=key,
            label=label,
            committed=b.committed,
            released=b.released,
            paid=b.paid,
            budgeted=b.budgeted,
            available=b.available,
            year=year,
        )


def _entries(year: int | None) -> object:
    qs = LedgerEntry.objects.all()
    return qs.filter(line__year=year) if year else qs


def usage_by_purpose(year: int | None = None) -> list[UsageRow]:
    """Totals by (year, purpose), newest year first, purposes in their fixed order."""
    rows = (
        _entries(year)
        .values("line__year", "line__purpose")
        .annotate(**fen_sums())
        .order_by("-line__year", "line__purpose")
    )
    labels = dict(Purpose.choices)
    order = {p: i for i, p in enumerate(Purpose.values)}
    out = [
        UsageRow.of(
            r["line__purpose"],
            str(labels.get(r["line__purpose"], r["line__purpose"])),
            balance_from_row(r),
            year=r["line__year"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (-(r.year or 0), order.get(r.key, 99)))


def usage_by_linkage_mode(year: int | None = None) -> list[UsageRow]:
    """Committed, released, paid by linkage mode (every mode listed, even at zero)."""
    rows = (
        _entries(year)
        .filter(kind__in=[EntryKind.COMMITTED, EntryKind.RELEASED, EntryKind.PAID])
        .values("linkage_mode")
        .annotate(**fen_sums())
        .order_by()
    )
    by_mode = {r["linkage_mode"]: r for r in rows}
    out: list[UsageRow] = []
    for mode, label in [*LinkageMode.choices, (None, UNLABELLED)]:
        r = by_mode.get(mode)
        if r is None and mode is None:
            continue
        out.append(
            UsageRow(
                key=mode or "",
                label=str(label),
                committed=fen_to_yuan(r["sum_committed"]) if r else ZERO,
                released=fen_to_yuan(r["sum_released"]) if r else ZERO,
                paid=fen_to_yuan(r["sum_paid"]) if r else ZERO,
            )
        )
    return out


def total_of(rows: list[UsageRow]) -> UsageRow:
    """The sum of purpose rows (the fund's total)."""

    def add(attr: str) -> Decimal:
        return sum((getattr(r, attr) or ZERO for r in rows), ZERO)

    return UsageRow(
        key="total",
        label="合计",
        committed=add("committed"),
        released=add("released"),
        paid=add("paid"),
        budgeted=add("budgeted"),
        available=add("available"),
    )


def usage_for(actor: Actor, year: int | None = None) -> dict[str, object]:
    """The city office's dashboard: by purpose, by linkage mode and the total."""
    require_city(actor)
    by_purpose = usage_by_purpose(year)
    return {
        "year": year,
        "by_purpose": by_purpose,
        "by_linkage_mode": usage_by_linkage_mode(year),
        "total": total_of(by_purpose),
    }


@dataclass(frozen=True)
class PublicUsageRow:
    year: int
    purpose: str
    purpose_label: str
    budgeted: Decimal
    used: Decimal
    paid: Decimal


def public_usage_summary(year: int | None = None) -> list[PublicUsageRow]:
    """What anyone may read: per year and purpose, the budget, the amount used (committed net of
    releases) and the amount paid. No references, payees or entries."""
    return [
        PublicUsageRow(
            year=r.year or 0,
            purpose=r.key,
            purpose_label=r.label,
            budgeted=r.budgeted or ZERO,
            used=r.used,
            paid=r.paid,
        )
        for r in usage_by_purpose(year)
    ]
