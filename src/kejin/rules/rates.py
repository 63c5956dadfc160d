"""Benchmark lending rates: the LPR since 2019-08-20, the PBoC benchmark table before it (RULES §2).

The rows come from ``rules/data/lpr.csv`` and ``rules/data/pboc_benchmark_loan_rates.csv`` (each
row cited in ``rules/data/SOURCES.md``); the city office adds each month's fixing on top of them
(:meth:`RateTable.with_rows`). Both files list *changes*: a tenor that has no row on a date keeps
its previous value (on 2024-02-20 only the 5Y+ LPR moved; the 1Y LPR stayed at 3.45 from
2023-08-21).

:meth:`RateTable.benchmark_for` answers "which benchmark applies to a loan contracted on this date
for this many months", with the row it came from, or raises ``rates.no_benchmark`` when the table
cannot know (before its first row, or after its last known fixing by more than the staleness).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import NamedTuple

from kejin.rules.errors import DomainError
from kejin.rules.money import to_decimal

#: The first LPR under the reformed mechanism (公告〔2019〕第15号) was published on 2019-08-20.
LPR_START = date(2019, 8, 20)
#: From this date the PBoC table had three tenor bands instead of five (SOURCES.md, 希财网 table).
PBOC_THREE_BANDS_FROM = date(2014, 11, 22)
#: The CSV lists changes only; SOURCES.md records that no LPR change happened after 2025-05-20
#: up to and including the fixing of 2026-05-20 (PBoC notice of 2026-04-20, people.cn 2026-01-20,
#: quickly-tools monthly table). The table therefore *knows* the LPR until this fixing.
LPR_CONFIRMED_THROUGH = date(2026, 5, 20)
#: Loans with a tenor up to this many months take the 1Y LPR, longer ones the 5Y+ LPR.
DEFAULT_LONG_TENOR_MONTHS = 60
#: The LPR is published on the 20th; a fixing is "stale" after the 20th of the month after it.
LPR_FIXING_DAY = 20

LPR_TENORS = ("1Y", "5Y+")
PBOC_FIVE_BANDS = ("<=6M", "6M-1Y", "1-3Y", "3-5Y", ">5Y")
PBOC_THREE_BANDS = ("<=1Y", "1-5Y", ">5Y")


class RateSource(StrEnum):
    """The table a benchmark row belongs to."""

    LPR = "lpr"
    PBOC = "pboc"

    @property
    def label(self) -> str:
        """Chinese name of the table."""
        return "贷款市场报价利率（LPR）" if self is RateSource.LPR else "人民银行贷款基准利率"


_TENORS: dict[RateSource, frozenset[str]] = {
    RateSource.LPR: frozenset(LPR_TENORS),
    RateSource.PBOC: frozenset(PBOC_FIVE_BANDS + PBOC_THREE_BANDS),
}


@dataclass(frozen=True, order=True)
class RateRow:
    """One published rate: in force from ``effective_date`` for ``tenor`` in ``table``."""

    effective_date: date
    tenor: str
    rate: Decimal
    table: RateSource


class Benchmark(NamedTuple):
    """A benchmark rate and the row it was read from (``rate, source = table.benchmark_for(…)``)."""

    rate: Decimal
    source: RateRow


def _no_benchmark(contract_date: date, detail: str) -> DomainError:
    return DomainError(
        code="rates.no_benchmark",
        message=f"{contract_date} 没有已知的基准利率：{detail}",
        fields={"contract_date": "该日期没有已知的基准利率，请先录入当月 LPR"},
    )


def _bad_row(where: str, problem: str) -> DomainError:
    return DomainError(
        code="rates.invalid_row",
        message=f"利率表第 {where} 行有误：{problem}",
        fields={"rates": problem},
    )


def parse_rows(
    lines: Iterable[str], table: RateSource | str, *, origin: str = "csv"
) -> list[RateRow]:
    """Parse CSV text with the header ``effective_date,tenor,rate_percent`` into rows."""
    source = RateSource(table)
    reader = csv.DictReader(lines)
    expected = ["effective_date", "tenor", "rate_percent"]
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != expected:
        raise _bad_row(f"{origin}:1", f"表头应为 {','.join(expected)}")
    rows: list[RateRow] = []
    for number, raw in enumerate(reader, start=2):
        where = f"{origin}:{number}"
        try:
            when = date.fromisoformat(raw["effective_date"].strip())
        except ValueError:
            raise _bad_row(where, f"日期“{raw['effective_date']}”无效") from None
        tenor = raw["tenor"].strip()
        if tenor not in _TENORS[source]:
            raise _bad_row(where, f"期限“{tenor}”不属于{source.label}")
        rows.append(make_row(when, tenor, raw["rate_percent"], source, where=where))
    return rows


def make_row(
    effective_date: date,
    tenor: str,
    rate: Decimal | str,
    table: RateSource | str,
    *,
    where: str = "录入",
) -> RateRow:
    """Validate and build one row (the city office's monthly entry goes through here)."""
    source = RateSource(table)
    if tenor not in _TENORS[source]:
        raise _bad_row(where, f"期限“{tenor}”不属于{source.label}")
    value = to_decimal(rate, field="rate")
    if value < 0 or value > 100:
        raise _bad_row(where, f"利率 {value}% 超出 0–100 的范围")
    return RateRow(effective_date=effective_date, tenor=tenor, rate=value, table=source)


def load_packaged_rows() -> list[RateRow]:
    """The rows shipped in ``kejin/rules/data`` (LPR and PBoC), read from the CSV files."""
    data = resources.files("kejin.rules") / "data"
    rows: list[RateRow] = []
    for name, source in (
        ("lpr.csv", RateSource.LPR),
        ("pboc_benchmark_loan_rates.csv", RateSource.PBOC),
    ):
        text = (data / name).read_text(encoding="utf-8")
        rows.extend(parse_rows(text.splitlines(), source, origin=name))
    return rows


def pboc_band(contract_date: date, tenor_months: int) -> str:
    """The PBoC tenor band of a loan contracted on ``contract_date``.

    Until 2014-11-21: 六个月以内(含), 六个月至一年(含), 一至三年(含), 三至五年(含), 五年以上.
    From 2014-11-22: 一年以内(含), 一至五年(含), 五年以上.
    """
    if contract_date < PBOC_THREE_BANDS_FROM:
        for limit, band in ((6, "<=6M"), (12, "6M-1Y"), (36, "1-3Y"), (60, "3-5Y")):
            if tenor_months <= limit:
                return band
        return ">5Y"
    if tenor_months <= 12:
        return "<=1Y"
    if tenor_months <= 60:
        return "1-5Y"
    return ">5Y"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class RateTable:
    """Benchmark rates by table, tenor and effective date, with the parameters of the lookup.

    - ``long_tenor_months``: tenors above it take the 5Y+ LPR (default 60, RULES §2).
    - ``staleness_months``: how long after the last known LPR fixing a contract date is still
      answered; the limit is the 20th of the month that many months after it (default 1: a
      contract dated after the 20th of the month following the last fixing is refused). ``None``
      disables the check (for what-if analysis only).
    - ``lpr_known_through``: the last fixing known to be unchanged even when no row marks it (the
      CSV lists changes only); the latest LPR row counts too, whichever is later.
    """

    rows: tuple[RateRow, ...]
    lpr_start: date = LPR_START
    long_tenor_months: int = DEFAULT_LONG_TENOR_MONTHS
    staleness_months: int | None = 1
    lpr_known_through: date | None = None
    _by_key: dict[tuple[RateSource, str], tuple[RateRow, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.long_tenor_months < 1:
            raise ValueError("long_tenor_months must be positive")
        if self.staleness_months is not None and self.staleness_months < 0:
            raise ValueError("staleness_months must not be negative")
        seen: dict[tuple[RateSource, str, date], RateRow] = {}
        for row in self.rows:
            key = (row.table, row.tenor, row.effective_date)
            other = seen.get(key)
            if other is not None and other.rate != row.rate:
                raise DomainError(
                    code="rates.conflicting_fixing",
                    message=(
                        f"{row.effective_date} 的{row.table.label}（{row.tenor}）"
                        f"已有 {other.rate}%，不能再录入 {row.rate}%"
                    ),
                    fields={"rate": "同一日期同一期限只能有一个利率"},
                    status=409,
                )
            seen[key] = row
        grouped: dict[tuple[RateSource, str], list[RateRow]] = {}
        for row in seen.values():
            grouped.setdefault((row.table, row.tenor), []).append(row)
        by_key = {key: tuple(sorted(group)) for key, group in grouped.items()}
        object.__setattr__(self, "rows", tuple(sorted(seen.values())))
        object.__setattr__(self, "_by_key", by_key)

    @classmethod
    def default(
        cls,
        extra_rows: Iterable[RateRow] = (),
        *,
        long_tenor_months: int = DEFAULT_LONG_TENOR_MONTHS,
        staleness_months: int | None = 1,
        lpr_known_through: date | None = LPR_CONFIRMED_THROUGH,
    ) -> RateTable:
        """The packaged tables (CSV), known through :data:`LPR_CONFIRMED_THROUGH`, plus extras."""
        return cls(
            tuple(load_packaged_rows()) + tuple(extra_rows),
            long_tenor_months=long_tenor_months,
            staleness_months=staleness_months,
            lpr_known_through=lpr_known_through,
        )

    def with_rows(self, rows: Iterable[RateRow]) -> RateTable:
        """A new table with ``rows`` added (e.g. the city office's monthly fixings)."""
        return RateTable(
            self.rows + tuple(rows),
            lpr_start=self.lpr_start,
            long_tenor_months=self.long_tenor_months,
            staleness_months=self.staleness_months,
            lpr_known_through=self.lpr_known_through,
        )

    @property
    def first_date(self) -> date | None:
        """The earliest effective date in the table."""
        return self.rows[0].effective_date if self.rows else None

    @property
    def last_lpr_fixing(self) -> date | None:
        """The latest LPR fixing the table knows (a row, or ``lpr_known_through``)."""
        dates = [r.effective_date for r in self.rows if r.table is RateSource.LPR]
        if self.lpr_known_through is not None:
            dates.append(self.lpr_known_through)
        return max(dates) if dates else None

    @property
    def answers_until(self) -> date | None:
        """The last contract date the LPR lookup answers (``None``: no limit or no LPR)."""
        last = self.last_lpr_fixing
        if last is None or self.staleness_months is None:
            return None
        month = _add_months(last, self.staleness_months)
        return month.replace(day=LPR_FIXING_DAY)

    def rate_in_force(self, table: RateSource, tenor: str, on: date) -> RateRow | None:
        """The latest row of ``table``/``tenor`` effective on or before ``on`` (or ``None``)."""
        found: RateRow | None = None
        for row in self._by_key.get((table, tenor), ()):
            if row.effective_date > on:
                break
            found = row
        return found

    def lpr_tenor(self, tenor_months: int) -> str:
        """``1Y`` up to :attr:`long_tenor_months`, ``5Y+`` above."""
        return "1Y" if tenor_months <= self.long_tenor_months else "5Y+"

    def benchmark_for(self, contract_date: date, tenor_months: int) -> Benchmark:
        """The benchmark rate in force on ``contract_date`` for a loan of ``tenor_months``.

        From :attr:`lpr_start`: the 1Y LPR for tenors up to :attr:`long_tenor_months`, else the
        5Y+ LPR. Before it: the PBoC band in force (:func:`pboc_band`). Raises
        ``rates.no_benchmark`` before the first row, after :attr:`answers_until`, or when the
        tenor has no row yet.
        """
        if isinstance(tenor_months, bool) or not isinstance(tenor_months, int):
            raise TypeError("tenor_months must be an int")
        if tenor_months < 1:
            raise DomainError(
                code="rates.tenor_invalid",
                message="贷款期限必须至少 1 个月",
                fields={"tenor_months": f"期限 {tenor_months} 个月无效"},
            )
        if contract_date >= self.lpr_start:
            until = self.answers_until
            if until is not None and contract_date > until:
                raise _no_benchmark(
                    contract_date, f"最近一次已知 LPR 为 {self.last_lpr_fixing}，有效至 {until}"
                )
            source, tenor = RateSource.LPR, self.lpr_tenor(tenor_months)
        else:
            source, tenor = RateSource.PBOC, pboc_band(contract_date, tenor_months)
        row = self.rate_in_force(source, tenor, contract_date)
        if row is None:
            raise _no_benchmark(contract_date, f"{source.label}（{tenor}）在该日期之前没有记录")
        return Benchmark(rate=row.rate, source=row)


_DEFAULT: RateTable | None = None


def default_rate_table() -> RateTable:
    """The packaged table, loaded once (no city-office rows; services add those)."""
    global _DEFAULT  # noqa: PLW0603 - a read-only cache of packaged data
    if _DEFAULT is None:
        _DEFAULT = RateTable.default()
    return _DEFAULT
