"""The benchmark rate table: the packaged LPR/PBoC history plus the fixings the city office adds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from kejin.apps.loans.models import BenchmarkRate
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.rates import RateRow, RateSource, RateTable, make_row


def packaged_rows() -> frozenset[RateRow]:
    return frozenset(RateTable.default().rows)


def rate_table() -> RateTable:
    """The table in force: packaged rows plus every row the city office entered."""
    extra = [
        RateRow(
            effective_date=r.effective_date,
            tenor=r.tenor,
            rate=r.rate_percent,
            table=RateSource(r.table),
        )
        for r in BenchmarkRate.objects.all()
    ]
    return RateTable.default(extra_rows=extra)


def benchmark_rate_add(
    *,
    actor: Actor,
    table: str,
    tenor: str,
    effective_date: date,
    rate_percent: Decimal | str,
    source: str,
) -> BenchmarkRate:
    """The city office enters a new fixing (e.g. this month's LPR), citing its source."""
    actor.require_kind("city_office", message="只有市科技局可以维护基准利率表")
    actor.require_role("admin", "officer", message="您没有维护基准利率表的角色")
    if not source.strip():
        raise DomainError(
            code="rates.source_required",
            message="请注明利率来源（公告链接或文号）",
            fields={"source": "请填写来源"},
        )
    row = make_row(effective_date, tenor, rate_percent, table)
    packaged = RateTable.default().rate_in_force(row.table, row.tenor, row.effective_date)
    if packaged is not None and packaged.effective_date == row.effective_date:
        raise Conflict(
            code="rates.duplicate",
            message=f"{row.effective_date} 的 {row.tenor} 利率已在基准利率表中",
            fields={"effective_date": "该日期已有利率"},
        )
    try:
        with transaction.atomic():
            return BenchmarkRate.objects.create(
                table=row.table.value,
                tenor=row.tenor,
                effective_date=row.effective_date,
                rate_percent=row.rate,
                source=source.strip(),
                created_by=actor.audit_user,
            )
    except IntegrityError:
        raise Conflict(
            code="rates.duplicate",
            message=f"{row.effective_date} 的 {row.tenor} 利率已录入",
            fields={"effective_date": "该日期已有利率"},
        ) from None
