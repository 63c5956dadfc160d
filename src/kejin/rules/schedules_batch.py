"""Repayment schedules for many loans at once: the vectorised twin of :mod:`kejin.rules.schedules`.

``schedules_batch(df)`` takes one row per loan and returns one row per instalment, identical to the
fen to :func:`kejin.rules.schedules.build_schedule` (a test asserts it on generated loans). There is
no Python loop over loans: the loop runs over the instalment number ``k = 1 … max term``, each step
working on the numpy arrays of the loans still running.

How the amounts stay exact in int64:

- money is integer fen; a rate is an integer in 1/10,000 of a percent (``rate_e4``: 3.45% → 34500,
  which is why a rate has at most 4 decimals) and accrual is ``rd = Σ rate_e4 × days``;
- interest in fen is ``out_fen × rd / (basis × 10^6)`` rounded half-up. With ``D = basis × 10^6``
  (even) and ``out_fen = a1·D + a0``, it is ``a1·rd + ⌊(a0·rd + D/2) / D⌋``: exact, and every
  product stays below 2^63 for principal ≤ 10^13 fen, rate ≤ 100% and term ≤ 600 months
  (``a0·rd < 3.65·10^8 × 1.9·10^10 ≈ 6.9·10^18``);
- equal-principal parts are ``⌊(2·out + n) / (2n)⌋`` (half-up of ``out / n``);
- the annuity instalment ``P·r·q / (q − 1)`` is computed in float64 (``q − 1`` with ``expm1`` and
  ``log1p``, relative error about 10^-15). When the value in fen lies within ``10^-12`` (relative)
  of a half fen, where float64 could round the other way, that loan's instalment is recomputed
  by :func:`~kejin.rules.schedules.annuity_payment`, which is exact (integer arithmetic): a loop
  over those few loans only (about one in 10^5 for instalments of some thousand yuan, and the
  exact ties such as ``n = 1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import polars as pl

from kejin.rules.daycount import DayCount
from kejin.rules.errors import DomainError
from kejin.rules.schedules import (
    MAX_TERM_MONTHS,
    RATE_PLACES,
    RepaymentMethod,
    Schedule,
    annuity_payment,
)

I64 = npt.NDArray[np.int64]
MAX_PRINCIPAL_FEN = 10**13
MAX_RATE_E4 = 100 * 10**RATE_PLACES
_METHODS = {m.value: i for i, m in enumerate(RepaymentMethod)}
_ANNUITY, _EQUAL, _INTEREST_ONLY, _BULLET = (_METHODS[m.value] for m in RepaymentMethod)
_CONVENTIONS = {c.value: i for i, c in enumerate(DayCount)}
_ACT365, _THIRTY = _CONVENTIONS[DayCount.ACT_365.value], _CONVENTIONS[DayCount.THIRTY_360.value]
_AMBIGUITY = 1e-12
OUTPUT_COLUMNS = (
    "loan_id",
    "number",
    "due_date",
    "period_start",
    "days",
    "opening_principal_fen",
    "principal_fen",
    "interest_fen",
    "total_fen",
    "closing_principal_fen",
)


def _invalid(column: str, problem: str, row: int | None = None) -> DomainError:
    where = f"第 {row + 1} 笔贷款" if row is not None else "批量数据"
    return DomainError(
        code="schedule.batch_invalid",
        message=f"{where}：{problem}",
        fields={column: problem},
    )


def _scaled(series: pl.Series, places: int, column: str) -> I64:
    """Exact ``value × 10^places`` as int64, refusing floats and values with more decimals."""
    dtype = series.dtype
    if dtype.is_float():
        raise TypeError(f"{column}: float column reached money code; use Decimal or str")
    if dtype.is_integer():
        values: pl.Series = series.cast(pl.Decimal(38, places))
    elif dtype == pl.String or isinstance(dtype, pl.Decimal):
        text = series.str.strip_chars() if dtype == pl.String else series
        parsed = text.cast(pl.Decimal(38, 12), strict=False)
        bad = parsed.is_null() & series.is_not_null()
        if bad.any():
            raise _invalid(column, f"“{series.filter(bad)[0]}”不是数字", int(bad.arg_max() or 0))
        values = parsed.cast(pl.Decimal(38, places))
        inexact = values != parsed
        if inexact.any():
            row = int(inexact.arg_max() or 0)
            raise _invalid(column, f"{parsed[row]} 最多保留 {places} 位小数", row)
    else:
        raise TypeError(f"{column}: unsupported dtype {dtype}")
    if values.null_count():
        raise _invalid(column, "不能为空", int(values.is_null().arg_max() or 0))
    result: I64 = (values * 10**places).cast(pl.Int64).to_numpy().astype(np.int64)
    return result


def _codes(series: pl.Series, mapping: dict[str, int], column: str) -> I64:
    text = series.cast(pl.String).str.strip_chars()
    if column == "convention":
        text = text.str.to_uppercase()
    codes = text.replace_strict(mapping, default=-1, return_dtype=pl.Int64).fill_null(-1)
    bad = codes < 0
    if bad.any():
        row = int(bad.arg_max() or 0)
        raise _invalid(column, f"未知的取值“{text[row]}”", row)
    return codes.to_numpy().astype(np.int64)


def _ints(series: pl.Series, column: str, low: int, high: int) -> I64:
    if not series.dtype.is_integer():
        raise TypeError(f"{column}: expected an integer column, got {series.dtype}")
    if series.null_count():
        raise _invalid(column, "不能为空", int(series.is_null().arg_max() or 0))
    values = series.cast(pl.Int64).to_numpy().astype(np.int64)
    bad = (values < low) | (values > high)
    if bad.any():
        row = int(np.argmax(bad))
        raise _invalid(column, f"{values[row]} 应在 {low} 到 {high} 之间", row)
    return values


def _days(series: pl.Series, column: str) -> I64:
    if series.dtype != pl.Date:
        raise TypeError(f"{column}: expected a Date column, got {series.dtype}")
    if series.null_count():
        raise _invalid(column, "不能为空", int(series.is_null().arg_max() or 0))
    return series.to_numpy().astype("datetime64[D]").astype(np.int64)


def _ymd(days: I64) -> tuple[I64, I64, I64]:
    as_date = days.astype("datetime64[D]")
    months = as_date.astype("datetime64[M]")
    month_index = months.astype(np.int64)
    day = (as_date - months.astype("datetime64[D]")).astype(np.int64) + 1
    return month_index // 12 + 1970, month_index % 12 + 1, day


def _accrual_days(start: I64, end: I64, convention: I64) -> I64:
    """:func:`kejin.rules.daycount.accrual_days`, vectorised."""
    days = end - start
    thirty = convention == _THIRTY
    if thirty.any():
        y1, m1, d1 = _ymd(start[thirty])
        y2, m2, d2 = _ymd(end[thirty])
        d1 = np.minimum(d1, 30)
        d2 = np.where((d2 == 31) & (d1 == 30), 30, d2)
        days = days.copy()
        days[thirty] = 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
    return days


def _interest(out: I64, rate_days: I64, denominator: I64) -> I64:
    """Half-up of ``out × rate_days / denominator`` without leaving int64."""
    high, low = np.divmod(out, denominator)
    return high * rate_days + (low * rate_days + denominator // 2) // denominator


def _annuity(out: I64, rate_e4: I64, n: I64) -> I64:
    """:func:`kejin.rules.schedules.annuity_payment` in fen (see the module docstring)."""
    result = np.empty(out.shape, dtype=np.int64)
    zero = rate_e4 == 0
    result[zero] = (2 * out[zero] + n[zero]) // (2 * n[zero])
    pos = ~zero
    if pos.any():
        r = rate_e4[pos] / 1.2e7
        growth = np.expm1(n[pos] * np.log1p(r))
        value = out[pos] * r * (1.0 + growth) / growth
        rounded = np.floor(value + 0.5)
        distance = np.abs(value - np.floor(value) - 0.5)
        doubtful = distance <= np.abs(value) * _AMBIGUITY + 1e-9
        exact = rounded.astype(np.int64)
        for i in np.flatnonzero(doubtful):  # the rare near-half-fen instalments only
            j = np.flatnonzero(pos)[i]
            amount = annuity_payment(
                Decimal(int(out[j])) / 100, Decimal(int(rate_e4[j])) / 10**RATE_PLACES, int(n[j])
            )
            exact[i] = int(amount * 100)
        result[pos] = exact
    return result


@dataclass
class _Resets:
    """Rate resets of the loans that have some, padded to a rectangle (dates sorted per loan)."""

    row_of_loan: I64  # -1 for a loan without resets
    dates: I64  # (loans with resets) × (max resets), padded with a far-future day
    rates: I64

    def rate_at(self, count: int, period_start: I64, base: I64) -> I64:
        """The rate of the periods starting on ``period_start`` for the first ``count`` loans."""
        rows = self.row_of_loan[:count]
        has = rows >= 0
        rate = base.copy()
        if has.any():
            dates = self.dates[rows[has]]
            count = (dates <= period_start[has, None]).sum(axis=1)
            picked = self.rates[rows[has], np.maximum(count - 1, 0)]
            rate[has] = np.where(count > 0, picked, base[has])
        return rate


def _resets(df: pl.DataFrame) -> _Resets | None:
    if "rate_resets" not in df.columns:
        return None
    long = (
        df.select(pl.int_range(pl.len()).alias("_loan"), pl.col("rate_resets"))
        .explode("rate_resets")
        .drop_nulls("rate_resets")
        .unnest("rate_resets")
    )
    if long.height == 0:
        return None
    long = long.sort(["_loan", "date"], maintain_order=True)
    loans = long["_loan"].to_numpy().astype(np.int64)
    dates = _days(long["date"], "rate_resets")
    rates = _scaled(long["rate"], RATE_PLACES, "rate_resets")
    if ((rates < 0) | (rates > MAX_RATE_E4)).any():
        raise _invalid("rate_resets", "重定价利率应在 0 到 100 之间")
    unique, first, counts = np.unique(loans, return_index=True, return_counts=True)
    row_of_loan = np.full(df.height, -1, dtype=np.int64)
    row_of_loan[unique] = np.arange(len(unique))
    width = int(counts.max())
    position = np.arange(len(loans)) - np.repeat(first, counts)
    padded_dates = np.full((len(unique), width), np.iinfo(np.int64).max // 2, dtype=np.int64)
    padded_rates = np.zeros((len(unique), width), dtype=np.int64)
    padded_dates[row_of_loan[loans], position] = dates
    padded_rates[row_of_loan[loans], position] = rates
    return _Resets(row_of_loan, padded_dates, padded_rates)


def schedules_batch(df: pl.DataFrame) -> pl.DataFrame:
    """Schedules of many loans: one input row per loan, one output row per instalment.

    Input columns: ``principal`` (Decimal or str yuan; or ``principal_fen`` as integers),
    ``annual_rate`` (Decimal or str percent), ``start_date`` (Date), ``term_months`` (int),
    ``method`` (a :class:`~kejin.rules.schedules.RepaymentMethod` value); optional ``loan_id``
    (default: the row number), ``payment_day`` (int, null → the start's day), ``convention``
    (``ACT/360`` by default) and ``rate_resets`` (list of struct ``{date, rate}``).

    Output columns: :data:`OUTPUT_COLUMNS`, money in int64 fen, sorted by loan then instalment.
    Prepayments are not part of the batch path.
    """
    n_loans = df.height
    if "principal_fen" in df.columns:
        principal = _ints(df["principal_fen"], "principal_fen", 1, MAX_PRINCIPAL_FEN)
    else:
        principal = _scaled(df["principal"], 2, "principal")
        bad = (principal < 1) | (principal > MAX_PRINCIPAL_FEN)
        if bad.any():
            raise _invalid("principal", "金额应大于零且不超过 1,000 亿元", int(np.argmax(bad)))
    rate = _scaled(df["annual_rate"], RATE_PLACES, "annual_rate")
    if ((rate < 0) | (rate > MAX_RATE_E4)).any():
        raise _invalid(
            "annual_rate", "年利率应在 0 到 100 之间", int(np.argmax(rate > MAX_RATE_E4))
        )
    start = _days(df["start_date"], "start_date")
    term = _ints(df["term_months"], "term_months", 1, MAX_TERM_MONTHS)
    method = _codes(df["method"], _METHODS, "method")
    if "convention" in df.columns:
        convention = _codes(
            df["convention"].fill_null(DayCount.ACT_360.value), _CONVENTIONS, "convention"
        )
    else:
        convention = np.zeros(n_loans, dtype=np.int64)
    _, _, start_day = _ymd(start)
    if "payment_day" in df.columns:
        filled = df["payment_day"].cast(pl.Int64).fill_null(pl.Series(start_day))
        payment_day = _ints(filled, "payment_day", 1, 31)
    else:
        payment_day = start_day
    resets = _resets(df)
    denominator = np.where(convention == _ACT365, 365, 360).astype(np.int64) * 10**6
    start_month = start.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)

    # Longest terms first: the loans still within their term at step k are a prefix (a slice).
    order = np.argsort(-term, kind="stable")
    principal, rate, start, term, method = (
        a[order] for a in (principal, rate, start, term, method)
    )
    convention, payment_day, denominator = convention[order], payment_day[order], denominator[order]
    start_month = start_month[order]
    if resets is not None:
        resets = _Resets(resets.row_of_loan[order], resets.dates, resets.rates)
    months = _MonthTable(start_month, int(term.max(initial=0)))

    out = principal.copy()
    level = np.zeros(n_loans, dtype=np.int64)
    previous_rate = np.zeros(n_loans, dtype=np.int64)
    rate_days = np.zeros(n_loans, dtype=np.int64)
    days_accrued = np.zeros(n_loans, dtype=np.int64)
    accrual_start = start.copy()
    previous_due = start.copy()
    running = np.ones(n_loans, dtype=bool)
    pieces: list[dict[str, I64]] = []

    for k in range(1, int(term.max(initial=0)) + 1):
        c = int(np.searchsorted(-term, -k, side="right"))  # loans with term >= k
        o, m, t = out[:c], method[:c], term[:c]
        period_start = previous_due[:c]
        due = months.due(start_month[:c] + k, payment_day[:c])
        r = rate[:c] if resets is None else resets.rate_at(c, period_start, rate[:c])
        if k == 1:
            level[:c] = np.where(m == _EQUAL, (2 * o + t) // (2 * t), 0)
            annuity = np.flatnonzero(m == _ANNUITY)
        else:
            annuity = np.flatnonzero((m == _ANNUITY) & (r != previous_rate[:c]))
        if annuity.size:
            level[annuity] = _annuity(o[annuity], r[annuity], t[annuity] - k + 1)
        previous_rate[:c] = r
        days = _accrual_days(period_start, due, convention[:c])
        rd = rate_days[:c] + r * days
        dd = days_accrued[:c] + days
        pays = (m != _BULLET) | (t == k)
        interest = np.where(pays, _interest(o, rd, denominator[:c]), 0)
        lv = level[:c]
        paid = np.where(
            m == _ANNUITY,
            np.clip(lv - interest, 0, o),
            np.where(m == _EQUAL, np.minimum(lv, o), 0),
        )
        paid = np.where(t == k, o, np.where(pays, paid, 0))
        emit = np.flatnonzero(pays & running[:c])
        pieces.append(
            {
                "_loan": order[emit],
                "number": np.where(m[emit] == _BULLET, 1, k),
                "due_date": due[emit],
                "period_start": accrual_start[emit],
                "days": dd[emit],
                "opening_principal_fen": o[emit],
                "principal_fen": paid[emit],
                "interest_fen": interest[emit],
                "total_fen": paid[emit] + interest[emit],
                "closing_principal_fen": o[emit] - paid[emit],
            }
        )
        out[:c] = o - paid
        rate_days[:c] = np.where(pays, 0, rd)
        days_accrued[:c] = np.where(pays, 0, dd)
        accrual_start[:c] = np.where(pays, due, accrual_start[:c])
        previous_due[:c] = due
        running[:c] &= out[:c] > 0

    return _assemble(df, pieces)


class _MonthTable:
    """First day and length of every month a due date can fall in (days since 1970-01-01)."""

    def __init__(self, start_month: I64, max_term: int) -> None:
        self.low = int(start_month.min(initial=0)) + 1
        months = np.arange(self.low, int(start_month.max(initial=0)) + max_term + 2)
        first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        self.first = first[:-1]
        self.length = np.diff(first)

    def due(self, month: I64, payment_day: I64) -> I64:
        """:func:`kejin.rules.schedules.due_date` for the given months (month index since 1970)."""
        i = month - self.low
        return self.first[i] + np.minimum(payment_day, self.length[i]) - 1


def _assemble(df: pl.DataFrame, pieces: list[dict[str, I64]]) -> pl.DataFrame:
    names = ("_loan", *OUTPUT_COLUMNS[1:])
    if pieces:
        columns = {name: np.concatenate([p[name] for p in pieces]) for name in names}
    else:
        columns = {name: np.zeros(0, dtype=np.int64) for name in names}
    # pieces run instalment by instalment; a stable sort by loan keeps that order within a loan
    by_loan = pl.Series(np.argsort(columns["_loan"], kind="stable"))
    frame = (
        pl.DataFrame(columns)
        .select(pl.all().gather(by_loan))
        .with_columns(
            pl.col("due_date", "period_start").cast(pl.Int32).cast(pl.Date),
            pl.col("number", "days").cast(pl.Int32),
        )
    )
    ids = df["loan_id"] if "loan_id" in df.columns else pl.Series(np.arange(df.height))
    return frame.with_columns(loan_id=ids.gather(frame["_loan"])).select(OUTPUT_COLUMNS)


def schedule_frame(schedule: Schedule, loan_id: object = 0) -> pl.DataFrame:
    """A one-by-one :class:`~kejin.rules.schedules.Schedule` in the batch output format."""
    rows = schedule.instalments

    def fen(values: list[Decimal]) -> list[int]:
        return [int(v * 100) for v in values]

    return pl.DataFrame(
        {
            "loan_id": [loan_id] * len(rows),
            "number": pl.Series([r.number for r in rows], dtype=pl.Int32),
            "due_date": pl.Series([r.due_date for r in rows], dtype=pl.Date),
            "period_start": pl.Series([r.period_start for r in rows], dtype=pl.Date),
            "days": pl.Series([r.days for r in rows], dtype=pl.Int32),
            "opening_principal_fen": fen([r.opening_principal for r in rows]),
            "principal_fen": fen([r.principal for r in rows]),
            "interest_fen": fen([r.interest for r in rows]),
            "total_fen": fen([r.total for r in rows]),
            "closing_principal_fen": fen([r.closing_principal for r in rows]),
        },
        schema_overrides=dict.fromkeys(OUTPUT_COLUMNS[5:], pl.Int64),
    )
