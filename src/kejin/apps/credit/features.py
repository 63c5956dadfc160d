"""Build the scorecard's features for a set of enterprises as of a date, from the shared credit
records and the enterprises context's selectors; and the outcome (default within 12 months) for
training on the platform's own data.

One code path for one enterprise and for the whole population: :func:`build_features` takes a
list of ids and answers a polars frame (one row per enterprise, the catalogue's feature columns,
null = missing). Only records dated on or before ``as_of`` count (point in time), withdrawn records
never, executives' personal records never.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from kejin.apps.credit import sources
from kejin.apps.credit.modelling.catalogue import CODES, TAX_GRADES
from kejin.apps.credit.models import CreditRecord, RecordKind, RecordStatus

CHUNK = 900
DEFAULT_DPD = 90

_RECORD_COLUMNS = {
    "e": pl.Int64,
    "kind": pl.String,
    "d": pl.Date,
    "year": pl.Int64,
    "month": pl.Int64,
    "grade": pl.String,
    "headcount": pl.Int64,
    "dpd": pl.Int64,
    "event": pl.String,
    "source": pl.Int64,
    "ended": pl.Date,
}


def months_back(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _records(ids: Sequence[int], start: date, end: date) -> pl.DataFrame:
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids):
        rows.extend(
            CreditRecord.objects.filter(
                enterprise_id__in=chunk,
                record_date__gt=start,
                record_date__lte=end,
                person_id_hash="",
            )
            .exclude(status=RecordStatus.WITHDRAWN)
            .values_list(
                "enterprise_id",
                "kind",
                "record_date",
                "year",
                "month",
                "grade",
                "headcount",
                "days_past_due",
                "repayment_event",
                "source_id",
                "ended_on",
            )
        )
    return pl.DataFrame(rows, schema=_RECORD_COLUMNS, orient="row")


def _count(rec: pl.DataFrame, kinds: Sequence[str], since: date, name: str) -> pl.DataFrame:
    return (
        rec.filter(pl.col("kind").is_in(list(kinds)) & (pl.col("d") > since))
        .group_by("e")
        .agg(pl.len().cast(pl.Float64).alias(name))
    )


def _listed(rec: pl.DataFrame, kind: str, as_of: date, name: str) -> pl.DataFrame:
    return (
        rec.filter(
            (pl.col("kind") == kind) & (pl.col("ended").is_null() | (pl.col("ended") > as_of))
        )
        .group_by("e")
        .agg(pl.lit(1.0).alias(name))
    )


def _record_features(rec: pl.DataFrame, as_of: date) -> list[pl.DataFrame]:
    since_12 = months_back(as_of, 12)
    since_36 = months_back(as_of, 36)
    grade_map = {k: float(v) for k, v in TAX_GRADES.items()}
    tax = (
        rec.filter(pl.col("kind") == RecordKind.TAX_GRADE)
        .sort(["e", "year", "d"])
        .group_by("e")
        .agg(pl.col("grade").last())
        .select("e", pl.col("grade").replace_strict(grade_map, default=None).alias("tax_grade"))
    )
    si = rec.filter(pl.col("kind") == RecordKind.SOCIAL_INSURANCE).select(
        "e", (pl.col("year") * 12 + pl.col("month")).alias("p"), "headcount"
    )
    last = si.sort(["e", "p"]).group_by("e").agg(pl.col("p").last(), pl.col("headcount").last())
    prev = si.rename({"headcount": "before"}).with_columns(pl.col("p") + 12)
    trend = last.join(prev, on=["e", "p"], how="inner").select(
        "e",
        pl.when(pl.col("before") > 0)
        .then((pl.col("headcount") - pl.col("before")) / pl.col("before") * 100.0)
        .otherwise(None)
        .alias("headcount_trend"),
    )
    pay = rec.filter((pl.col("kind") == RecordKind.REPAYMENT) & (pl.col("d") > since_12))
    repayment = pay.group_by("e").agg(
        pl.col("dpd").fill_null(0).max().cast(pl.Float64).alias("max_dpd_12m"),
        pl.col("event")
        .is_in(["overdue", "default"])
        .sum()
        .cast(pl.Float64)
        .alias("overdue_count_12m"),
        pl.col("source").n_unique().cast(pl.Float64).alias("lenders_12m"),
    )
    return [
        tax,
        trend,
        _count(
            rec, [RecordKind.COURT_JUDGMENT, RecordKind.ENFORCEMENT], since_36, "court_cases_36m"
        ),
        _count(rec, [RecordKind.PENALTY], since_36, "penalties_36m"),
        _count(rec, [RecordKind.UTILITY_ARREARS], since_12, "utility_arrears_12m"),
        _listed(rec, RecordKind.DISHONEST_DEBTOR, as_of, "dishonest"),
        _listed(rec, RecordKind.ABNORMAL_OPERATION, as_of, "abnormal"),
        repayment,
    ]


def _f(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else None


def _ratio(num: Any, den: Any) -> float | None:
    n, d = _f(num), _f(den)
    if n is None or d is None or d <= 0:
        return None
    return n / d * 100.0


def _enterprise_features(ids: Sequence[int], as_of: date) -> pl.DataFrame:
    last_year = as_of.year - 1
    fin = sources.financials(ids, last_year)
    fin_before = sources.financials(ids, last_year - 1)
    prof = sources.profiles(ids)
    hnte = sources.hnte(ids, as_of)
    sme = sources.tech_sme(ids, as_of)
    rows = []
    for pk in ids:
        f, b, p = fin.get(pk), fin_before.get(pk), prof.get(pk)
        revenue = _f(getattr(f, "revenue", None))
        established = getattr(p, "established_date", None)
        rows.append(
            {
                "e": pk,
                "years_in_business": (
                    (as_of - established).days / 365.25
                    if isinstance(established, date) and established <= as_of
                    else None
                ),
                "revenue": None if revenue is None else revenue / 10_000,
                "revenue_growth": _growth(f, b),
                "rd_intensity": _ratio(getattr(f, "rd_expense", None), getattr(f, "revenue", None)),
                "profit_margin": _ratio(
                    getattr(f, "net_profit", None), getattr(f, "revenue", None)
                ),
                "hnte": None if pk not in hnte else float(bool(hnte[pk])),
                "tech_sme": None if pk not in sme else float(bool(sme[pk])),
            }
        )
    names = (
        "years_in_business",
        "revenue",
        "revenue_growth",
        "rd_intensity",
        "profit_margin",
        "hnte",
        "tech_sme",
    )
    schema = {"e": pl.Int64} | dict.fromkeys(names, pl.Float64)
    return pl.DataFrame(rows, schema=schema, orient="row")


def _growth(current: Any, before: Any) -> float | None:
    """Revenue growth between two consecutive filed years (missing unless both are there)."""
    now, then = _f(getattr(current, "revenue", None)), _f(getattr(before, "revenue", None))
    year_now, year_then = getattr(current, "year", None), getattr(before, "year", None)
    if now is None or then is None or then <= 0 or year_now is None or year_then != year_now - 1:
        return None
    return (now - then) / then * 100.0


COUNT_FEATURES = (
    "court_cases_36m",
    "penalties_36m",
    "utility_arrears_12m",
    "dishonest",
    "abnormal",
    "lenders_12m",
)


def build_features(enterprise_ids: Sequence[int], as_of: date) -> pl.DataFrame:
    """One row per enterprise (column ``enterprise_id``), the catalogue's features (null =
    missing), as of ``as_of``. Counts without records are 0; repayment features without any
    repayment record in the last 12 months are missing (no platform history)."""
    ids = list(dict.fromkeys(int(i) for i in enterprise_ids))
    rec = _records(ids, months_back(as_of, 60), as_of)
    frame = _enterprise_features(ids, as_of)
    for part in _record_features(rec, as_of):
        frame = frame.join(part, on="e", how="left")
    frame = frame.with_columns([pl.col(c).fill_null(0.0) for c in COUNT_FEATURES])
    return frame.rename({"e": "enterprise_id"}).select(
        "enterprise_id", *[pl.col(c).cast(pl.Float64) for c in CODES]
    )


def to_columns(frame: pl.DataFrame, codes: Iterable[str] = CODES) -> dict[str, np.ndarray]:
    """Feature columns as float arrays with NaN for missing (the scorecard's batch input)."""
    return {c: frame.get_column(c).cast(pl.Float64).fill_null(np.nan).to_numpy() for c in codes}


def row_values(frame: pl.DataFrame, index: int = 0) -> dict[str, float | None]:
    """One row's features as a dict (None = missing): the one-by-one scoring input."""
    row = frame.row(index, named=True)
    return {c: row[c] for c in CODES}


def outcomes(enterprise_ids: Sequence[int], as_of: date) -> tuple[list[int], list[int]]:
    """For training on the platform's data: enterprises observable at ``as_of`` (a repayment
    record within 12 months before or after) and their outcome: 1 when a repayment record in the
    12 months after ``as_of`` is a default or 90+ days past due."""
    start, end = months_back(as_of, 12), as_of + timedelta(days=365)
    rows: list[tuple[int, date, int | None, str]] = []
    for chunk in _chunks(list(enterprise_ids)):
        rows.extend(
            CreditRecord.objects.filter(
                enterprise_id__in=chunk,
                kind=RecordKind.REPAYMENT,
                record_date__gt=start,
                record_date__lte=end,
            )
            .exclude(status=RecordStatus.WITHDRAWN)
            .values_list("enterprise_id", "record_date", "days_past_due", "repayment_event")
        )
    seen: dict[int, int] = {}
    for pk, day, dpd, event in rows:
        bad = day > as_of and ((dpd or 0) >= DEFAULT_DPD or event == "default")
        seen[pk] = max(seen.get(pk, 0), int(bad))
    ids = sorted(seen)
    return ids, [seen[i] for i in ids]
