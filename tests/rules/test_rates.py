"""Benchmark rates: LPR since 2019-08-20, PBoC bands before it, staleness (RULES §2)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from kejin.rules.errors import DomainError
from kejin.rules.rates import (
    LPR_CONFIRMED_THROUGH,
    RateSource,
    RateTable,
    default_rate_table,
    make_row,
    parse_rows,
    pboc_band,
)


@pytest.fixture(scope="module")
def table() -> RateTable:
    return RateTable.default()


def _csv_rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("kejin.rules") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_every_csv_row_is_loaded(table: RateTable) -> None:
    lpr, pboc = _csv_rows("lpr.csv"), _csv_rows("pboc_benchmark_loan_rates.csv")
    assert len(table.rows) == len(lpr) + len(pboc)
    for raw in lpr:
        row = table.rate_in_force(
            RateSource.LPR, raw["tenor"], date.fromisoformat(raw["effective_date"])
        )
        assert row is not None
        assert row.rate == Decimal(raw["rate_percent"])


def test_day_before_lpr_reform_uses_pboc_table(table: RateTable) -> None:
    # 2019-08-19: PBoC table in force since 2015-10-24; 12 months is the ≤1Y band: 4.35%
    rate, source = table.benchmark_for(date(2019, 8, 19), 12)
    assert rate == Decimal("4.35")
    assert (source.table, source.tenor, source.effective_date) == (
        RateSource.PBOC,
        "<=1Y",
        date(2015, 10, 24),
    )


def test_reform_day_uses_first_lpr(table: RateTable) -> None:
    # 2019-08-20: first LPR, 1Y 4.25%
    rate, source = table.benchmark_for(date(2019, 8, 20), 12)
    assert rate == Decimal("4.25")
    assert (source.table, source.tenor, source.effective_date) == (
        RateSource.LPR,
        "1Y",
        date(2019, 8, 20),
    )


def test_tenor_of_exactly_60_months_takes_1y_and_61_takes_5y(table: RateTable) -> None:
    assert table.benchmark_for(date(2019, 8, 20), 60).rate == Decimal("4.25")  # 1Y
    long = table.benchmark_for(date(2019, 8, 20), 61)
    assert long.rate == Decimal("4.85")
    assert long.source.tenor == "5Y+"


def test_tenor_not_listed_on_a_date_keeps_its_previous_value(table: RateTable) -> None:
    # 2024-02-20 lists only 5Y+ (3.95); the 1Y LPR stays 3.45 from 2023-08-21
    short = table.benchmark_for(date(2024, 2, 20), 12)
    assert short.rate == Decimal("3.45")
    assert short.source.effective_date == date(2023, 8, 21)
    long = table.benchmark_for(date(2024, 2, 20), 120)
    assert long.rate == Decimal("3.95")
    assert long.source.effective_date == date(2024, 2, 20)
    # the day before, 5Y+ was still 4.20 from 2023-06-20
    assert table.benchmark_for(date(2024, 2, 19), 120).rate == Decimal("4.20")


def test_lpr_published_on_the_22nd_applies_from_that_day(table: RateTable) -> None:
    # 2022-08-22 (the 20th was a Saturday): 1Y 3.65; on 2022-08-21 still 3.70 from 2022-01-20
    assert table.benchmark_for(date(2022, 8, 21), 12).rate == Decimal("3.70")
    assert table.benchmark_for(date(2022, 8, 22), 12).rate == Decimal("3.65")


@pytest.mark.parametrize(
    ("tenor", "band", "rate"),
    [
        (6, "<=6M", "5.60"),
        (7, "6M-1Y", "6.00"),
        (36, "1-3Y", "6.15"),
        (37, "3-5Y", "6.40"),
        (60, "3-5Y", "6.40"),
        (61, ">5Y", "6.55"),
    ],
)
def test_five_pboc_bands_until_2014_11_21(
    table: RateTable, tenor: int, band: str, rate: str
) -> None:
    # rates of the 2012-07-06 table, still in force on 2014-11-21
    benchmark = table.benchmark_for(date(2014, 11, 21), tenor)
    assert (benchmark.source.tenor, benchmark.rate) == (band, Decimal(rate))
    assert benchmark.source.effective_date == date(2012, 7, 6)


@pytest.mark.parametrize(
    ("tenor", "band", "rate"),
    [
        (6, "<=1Y", "5.60"),
        (12, "<=1Y", "5.60"),
        (13, "1-5Y", "6.00"),
        (60, "1-5Y", "6.00"),
        (61, ">5Y", "6.15"),
    ],
)
def test_three_pboc_bands_from_2014_11_22(
    table: RateTable, tenor: int, band: str, rate: str
) -> None:
    benchmark = table.benchmark_for(date(2014, 11, 22), tenor)
    assert (benchmark.source.tenor, benchmark.rate) == (band, Decimal(rate))


def test_band_function_on_its_boundaries() -> None:
    assert pboc_band(date(2013, 1, 1), 12) == "6M-1Y"
    assert pboc_band(date(2013, 1, 1), 13) == "1-3Y"
    assert pboc_band(date(2016, 1, 1), 12) == "<=1Y"


def test_before_the_first_row_there_is_no_benchmark(table: RateTable) -> None:
    assert table.benchmark_for(date(2012, 6, 8), 6).rate == Decimal("5.85")
    with pytest.raises(DomainError) as caught:
        table.benchmark_for(date(2012, 6, 7), 6)
    assert caught.value.code == "rates.no_benchmark"


def test_known_through_the_20th_of_the_month_after_the_last_fixing(table: RateTable) -> None:
    # last confirmed fixing 2026-05-20 (SOURCES.md): answers until 2026-06-20 inclusive
    assert date(2026, 5, 20) == LPR_CONFIRMED_THROUGH
    assert table.answers_until == date(2026, 6, 20)
    benchmark = table.benchmark_for(date(2026, 6, 20), 12)
    assert benchmark.rate == Decimal("3.00")
    assert benchmark.source.effective_date == date(2025, 5, 20)
    with pytest.raises(DomainError) as caught:
        table.benchmark_for(date(2026, 6, 21), 12)
    assert caught.value.code == "rates.no_benchmark"
    assert "2026-05-20" in caught.value.message


def test_city_office_fixing_extends_the_table(table: RateTable) -> None:
    # a June fixing published on 2026-06-22 (20th a Saturday): 1Y cut to 2.90, 5Y+ unchanged 3.50
    extended = table.with_rows(
        [
            make_row(date(2026, 6, 22), "1Y", "2.90", RateSource.LPR),
            make_row(date(2026, 6, 22), "5Y+", "3.50", RateSource.LPR),
        ]
    )
    assert extended.benchmark_for(date(2026, 6, 21), 12).rate == Decimal("3.00")
    assert extended.benchmark_for(date(2026, 6, 22), 12).rate == Decimal("2.90")
    assert extended.benchmark_for(date(2026, 7, 20), 61).rate == Decimal("3.50")
    with pytest.raises(DomainError):
        extended.benchmark_for(date(2026, 7, 21), 12)
    # the original table is unchanged
    assert table.answers_until == date(2026, 6, 20)


def test_staleness_is_a_parameter() -> None:
    two_months = RateTable.default(staleness_months=2)
    assert two_months.answers_until == date(2026, 7, 20)
    unlimited = RateTable.default(staleness_months=None)
    assert unlimited.benchmark_for(date(2030, 1, 1), 12).rate == Decimal("3.00")
    only_rows = RateTable.default(lpr_known_through=None)
    # without the confirmation, the table ends with its last change (2025-05-20)
    assert only_rows.answers_until == date(2025, 6, 20)


def test_long_tenor_threshold_is_a_parameter() -> None:
    ten_years = RateTable.default(long_tenor_months=120)
    assert ten_years.benchmark_for(date(2019, 8, 20), 61).rate == Decimal("4.25")
    assert ten_years.benchmark_for(date(2019, 8, 20), 121).rate == Decimal("4.85")


def test_conflicting_fixing_is_refused(table: RateTable) -> None:
    same = table.with_rows([make_row(date(2025, 5, 20), "1Y", "3.00", "lpr")])
    assert len(same.rows) == len(table.rows)  # an identical row is accepted once
    with pytest.raises(DomainError) as caught:
        table.with_rows([make_row(date(2025, 5, 20), "1Y", "3.10", "lpr")])
    assert caught.value.code == "rates.conflicting_fixing"


def test_bad_rows_are_refused() -> None:
    with pytest.raises(DomainError) as caught:
        make_row(date(2026, 6, 22), "3Y", "3.00", RateSource.LPR)
    assert caught.value.code == "rates.invalid_row"
    with pytest.raises(DomainError):
        parse_rows(["effective_date,tenor,rate_percent", "2026-13-01,1Y,3.0"], "lpr")
    with pytest.raises(DomainError):
        parse_rows(["date,tenor,rate", "2026-06-22,1Y,3.0"], "lpr")
    with pytest.raises(TypeError):
        make_row(date(2026, 6, 22), "1Y", 3.0, "lpr")  # type: ignore[arg-type]


def test_extra_rows_parse_from_csv_text() -> None:
    rows = parse_rows(["effective_date,tenor,rate_percent", "2026-06-22,1Y,2.90"], "lpr")
    assert rows[0].rate == Decimal("2.90")
    table = RateTable.default(rows)
    assert table.benchmark_for(date(2026, 7, 1), 12).rate == Decimal("2.90")


def test_tenor_must_be_positive(table: RateTable) -> None:
    with pytest.raises(DomainError) as caught:
        table.benchmark_for(date(2024, 1, 1), 0)
    assert caught.value.code == "rates.tenor_invalid"


def test_default_table_is_cached() -> None:
    assert default_rate_table() is default_rate_table()
    assert RateSource.LPR.label.startswith("贷款市场报价利率")
