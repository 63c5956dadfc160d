"""Loan interest subsidy (实施意见（十三）) for a whole book at once, with polars expressions.

Same rule, same amounts as :mod:`kejin.rules.subsidies.interest`, computed column-wise with no
Python loop over loans or periods.

**Exact integer method.** Money is carried as integer fen (``Int64``), rates and percent parameters
as integers in units of 0.0001% (``e4``: 4.35% → 43500). A step "amount × p ÷ q rounded half-up to
the fen" with integers p, q > 0 and amount ≥ 0 is ``(2·amount·p + q) // (2·q)``: floor(x + ½) of the
exact rational x = amount·p/q, i.e. the half-up rounding of the exact quotient, so the batch equals
the Decimal path to the fen. The steps are

- eligible interest = half_up(paid_fen × eligible_days ÷ period_days)
- above benchmark   = half_up(eligible_fen × (c_e4 − b_e4) ÷ c_e4), 0 when c ≤ b
- proposed          = half_up(above_fen × k_e4 ÷ 1,000,000)   (k% = k_e4 / 10⁴ / 100)

Bounds keep every product inside 63 bits: amounts ≤ 10⁹ yuan (10¹¹ fen), rates ≤ 100% with at
most 4 decimals (≤ 10⁶), periods shorter than 10⁵ days; largest product 2·10¹¹·10⁶ = 2·10¹⁷.

**Annual cap.** In cap order (enterprise, year of period end, period end, loan id), with R the cap
left after amounts already approved and S the running total of proposals before a row within its
(enterprise, year), the row keeps clip(R − S, 0, proposed): exactly the sequential cut. The cap is
the value in force on 31 December of the year.

**Memory and speed.** Identifiers are replaced by dense integer codes whose order is the order of
the ids; only rows with a positive proposal are put in cap order, by one arg-sort of a packed
Int64 key; five integer columns are gathered in that order and the result is scattered back by
row number, so strings never move and the output keeps the order of ``records``.
Intermediate columns are dropped as soon as used; days and years are Int32. See
``docs/rules/interest-subsidy.md`` for timings.

Inputs (polars frames):

- ``loans``: loan_id, enterprise_id (str), contract_date, first_drawdown (date), contract_rate,
  benchmark_rate (Decimal or integer, annual percent).
- ``records``: loan_id, period_start, period_end (date), interest_paid (Decimal yuan) or
  interest_paid_fen (integer fen).
- ``already_approved``: enterprise_id, year, approved (Decimal yuan) or approved_fen.

A float column is refused: it has already lost the fen.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from kejin.rules.errors import DomainError
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.interest import P_CAP, P_PROPORTION, P_WINDOW, RATE_PLACES, Reason

E4 = 10**RATE_PLACES
MAX_FEN = 100_000_000_000
MAX_RATE_E4 = 100 * E4

REASONS = pl.Enum([r.value for r in Reason])

OUTPUT_COLUMNS = [
    "loan_id",
    "enterprise_id",
    "period_start",
    "period_end",
    "year",
    "period_days",
    "eligible_days",
    "eligible_interest_fen",
    "above_benchmark_fen",
    "proposed_fen",
    "subsidy_fen",
    "cut_fen",
    "reason",
]


def _invalid(code: str, message: str, field: str, detail: str) -> DomainError:
    return DomainError(code=code, message=message, fields={field: detail})


def _scaled(df: pl.DataFrame, name: str, places: int, *, fen_alias: str | None = None) -> pl.Expr:
    """Column ``name`` as Int64 in units of 10^-places (a ``fen_alias`` integer column as is)."""
    if fen_alias and fen_alias in df.columns:
        if not df.schema[fen_alias].is_integer():
            raise TypeError(f"{fen_alias} must be an integer column")
        return pl.col(fen_alias).cast(pl.Int64)
    if name not in df.columns:
        raise KeyError(f"missing column {name}")
    dtype = df.schema[name]
    if isinstance(dtype, pl.Decimal):
        scale = dtype.scale or 0
        raw = (pl.col(name) * 10**scale).cast(pl.Int64)
        if scale <= places:
            return raw * 10 ** (places - scale)
        unit = 10 ** (scale - places)
        bad = df.select((raw % unit != 0).any()).item()
        if bad:
            code = "money.not_at_fen" if places == 2 else "interest_subsidy.rate_precision"
            raise _invalid(
                code, f"{name} 的小数位数超过 {places} 位", name, f"最多 {places} 位小数"
            )
        return raw // unit
    if dtype.is_integer() and places == RATE_PLACES:
        return pl.col(name).cast(pl.Int64) * 10**places
    raise TypeError(f"{name}: column type {dtype} cannot carry exact money or rates; use Decimal")


def _dated(params: ParameterSet, key: str, on: pl.Expr, scale: int) -> pl.Expr:
    """The value of ``key`` in force on ``on`` (row by row), × ``scale``, as Int64; null if none."""
    expr = pl.lit(None, dtype=pl.Int64)
    for v in params.history(key):
        scaled = v.value * scale
        if scaled != scaled.to_integral_value():
            raise _invalid(
                "batch.precision",
                f"参数 {key} 的取值 {v.value} 位数过多，批量计算无法精确处理",
                key,
                str(v.value),
            )
        lit = pl.lit(int(scaled), dtype=pl.Int64)
        expr = pl.when(on >= pl.lit(v.effective_from)).then(lit).otherwise(expr)
    return expr


def _window_end(params: ParameterSet, months: pl.Expr, start: pl.Expr) -> pl.Expr:
    """``start`` plus ``months`` calendar months (clamped to month end, as ``add_months``)."""
    expr = pl.lit(None, dtype=pl.Date)
    for m in sorted({int(v.value) for v in params.history(P_WINDOW)}):
        expr = pl.when(months == m).then(start.dt.offset_by(f"{m}mo")).otherwise(expr)
    return expr


def _first_date(column: pl.Series) -> date:
    first = column.min()
    if not isinstance(first, date):
        raise TypeError(f"{column.name} is not a date column")
    return first


def _not_in_force(key: str, on: date) -> DomainError:
    return DomainError(
        code="params.not_in_force",
        message=f"参数 {key} 在 {on.isoformat()} 尚无有效取值",
        fields={"date": f"{on.isoformat()} 早于参数 {key} 的首个生效日期"},
    )


def _prepare_loans(loans: pl.DataFrame, params: ParameterSet) -> pl.DataFrame:
    out = loans.select(
        pl.col("loan_id").cast(pl.String),
        pl.col("enterprise_id").cast(pl.String),
        pl.col("contract_date").cast(pl.Date),
        pl.col("first_drawdown").cast(pl.Date),
        _scaled(loans, "contract_rate", RATE_PLACES).alias("c"),
        _scaled(loans, "benchmark_rate", RATE_PLACES).alias("b"),
    )
    checks = out.select(
        dup=pl.col("loan_id").is_duplicated().any(),
        rate=((pl.col("c") <= 0) | (pl.col("c") > MAX_RATE_E4)).any()
        | ((pl.col("b") < 0) | (pl.col("b") > MAX_RATE_E4)).any(),
        drawdown=(pl.col("first_drawdown") < pl.col("contract_date")).any(),
    ).row(0, named=True)
    if checks["dup"]:
        raise _invalid("batch.duplicate_loan", "贷款编号重复", "loan_id", "每笔贷款只能出现一次")
    if checks["rate"]:
        raise _invalid(
            "interest_subsidy.rate_out_of_range", "利率须在 0 至 100（%）之间", "contract_rate", ""
        )
    if checks["drawdown"]:
        raise _invalid(
            "interest_subsidy.drawdown_before_contract",
            "首次放款日不能早于合同签订日",
            "first_drawdown",
            "",
        )
    window = _dated(params, P_WINDOW, pl.col("first_drawdown"), 1)
    out = out.with_columns(
        pl.col("loan_id").rank("dense").cast(pl.Int32).alias("loan_code"),
        pl.col("enterprise_id").rank("dense").cast(pl.Int32).alias("enterprise_code"),
        _window_end(params, window, pl.col("first_drawdown")).alias("window_end"),
    )
    missing = out.filter(pl.col("window_end").is_null())
    if missing.height:
        raise _not_in_force(P_WINDOW, _first_date(missing["first_drawdown"]))
    return out.drop("contract_date")


def _prepare_records(records: pl.DataFrame) -> pl.DataFrame:
    out = records.select(
        pl.col("loan_id").cast(pl.String),
        pl.col("period_start").cast(pl.Date),
        pl.col("period_end").cast(pl.Date),
        _scaled(records, "interest_paid", 2, fen_alias="interest_paid_fen").alias("paid"),
    )
    checks = out.select(
        empty=(pl.col("period_end") <= pl.col("period_start")).any(),
        long=((pl.col("period_end") - pl.col("period_start")).dt.total_days() >= 100_000).any(),
        negative=(pl.col("paid") < 0).any(),
        large=(pl.col("paid") > MAX_FEN).any(),
    ).row(0, named=True)
    if checks["empty"] or checks["long"]:
        raise _invalid(
            "interest_subsidy.empty_period", "计息期间的结束日须晚于开始日", "period_end", ""
        )
    if checks["negative"]:
        raise _invalid("money.negative", "金额不能为负数", "interest_paid", "")
    if checks["large"]:
        raise _invalid("money.too_large", "金额超出可处理范围", "interest_paid", "")
    return out


def _check_overlaps(rows: pl.DataFrame) -> None:
    ordered = rows.select("loan_code", "period_start", "period_end").sort(
        "loan_code", "period_start"
    )
    overlap = ordered.select(
        (
            (pl.col("loan_code") == pl.col("loan_code").shift(1))
            & (pl.col("period_start") < pl.col("period_end").shift(1))
        ).any()
    ).item()
    if overlap:
        raise _invalid(
            "interest_subsidy.periods_overlap",
            "同一笔贷款的计息期间不能重叠",
            "period_start",
            "",
        )


def _approved_fen(already: pl.DataFrame | None, codes: pl.DataFrame) -> pl.DataFrame:
    schema = {"enterprise_code": pl.Int32, "year": pl.Int32, "approved": pl.Int64}
    if already is None or already.height == 0:
        return pl.DataFrame(schema=schema)
    amount = _scaled(already, "approved", 2, fen_alias="approved_fen")
    frame = already.select(
        pl.col("enterprise_id").cast(pl.String), pl.col("year").cast(pl.Int32), amount.alias("a")
    )
    if frame.select((pl.col("a") < 0).any()).item():
        raise _invalid("money.negative", "金额不能为负数", "approved", "")
    return (
        frame.join(codes, on="enterprise_id", how="inner")
        .group_by("enterprise_code", "year")
        .agg(pl.col("a").sum().alias("approved"))
        .select(
            pl.col("enterprise_code").cast(pl.Int32),
            pl.col("year").cast(pl.Int32),
            pl.col("approved").cast(pl.Int64),
        )
    )


def _half_up(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """floor(numerator / denominator + ½) for numerator ≥ 0, denominator > 0, in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def interest_subsidy_batch(
    loans: pl.DataFrame,
    records: pl.DataFrame,
    params: ParameterSet,
    already_approved: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every period's subsidy for a book of loans, capped per enterprise and year.

    Returns one row per record, in the order of ``records``, with the columns of
    :data:`OUTPUT_COLUMNS`; amounts are integer fen (:func:`fen_to_yuan` converts).
    """
    lo = _prepare_loans(loans, params)
    rec = _prepare_records(records)
    wanted = ["loan_id", "loan_code", "enterprise_code", "first_drawdown", "window_end", "c", "b"]
    rows = rec.join(lo.select(wanted), on="loan_id", how="left", maintain_order="left")
    if rows.select(pl.col("loan_code").is_null().any()).item():
        raise _invalid("batch.unknown_loan", "计息记录对应的贷款不存在", "loan_id", "")
    del rec
    _check_overlaps(rows)

    start = pl.max_horizontal("period_start", "first_drawdown")
    end = pl.min_horizontal("period_end", "window_end")
    rows = rows.with_columns(
        (pl.col("period_end") - pl.col("period_start")).dt.total_days().cast(pl.Int32).alias("d"),
        pl.max_horizontal((end - start).dt.total_days(), pl.lit(0)).cast(pl.Int32).alias("e"),
        pl.col("period_end").dt.year().cast(pl.Int32).alias("year"),
        _dated(params, P_PROPORTION, pl.col("period_end"), E4).alias("k"),
    ).drop("first_drawdown", "window_end")
    missing = rows.filter(pl.col("k").is_null())
    if missing.height:
        raise _not_in_force(P_PROPORTION, _first_date(missing["period_end"]))

    eligible = _half_up(pl.col("paid") * pl.col("e"), pl.col("d"))
    rows = rows.with_columns(eligible.alias("eligible_interest_fen")).drop("paid")
    above = (
        pl.when(pl.col("c") > pl.col("b"))
        .then(_half_up(pl.col("eligible_interest_fen") * (pl.col("c") - pl.col("b")), pl.col("c")))
        .otherwise(0)
    )
    rows = rows.with_columns(above.alias("above_benchmark_fen"))
    proposed = _half_up(pl.col("above_benchmark_fen") * pl.col("k"), pl.lit(100 * E4))
    reason = (
        pl.when(pl.col("e") == 0)
        .then(pl.lit(Reason.OUTSIDE_WINDOW.value, dtype=REASONS))
        .when(pl.col("eligible_interest_fen") == 0)
        .then(pl.lit(Reason.NO_INTEREST.value, dtype=REASONS))
        .when(pl.col("c") <= pl.col("b"))
        .then(pl.lit(Reason.RATE_NOT_ABOVE_BENCHMARK.value, dtype=REASONS))
        .otherwise(pl.lit(Reason.OK.value, dtype=REASONS))
    )
    rows = rows.with_columns(
        proposed.alias("proposed_fen"),
        reason.alias("reason"),
    ).drop("c", "b", "k")

    codes = lo.select("enterprise_id", "enterprise_code").unique()
    rows = _apply_cap(rows, params, _approved_fen(already_approved, codes))
    names = codes.sort("enterprise_code")["enterprise_id"]
    return rows.select(
        "loan_id",
        pl.lit(names).gather(pl.col("enterprise_code") - 1).alias("enterprise_id"),
        "period_start",
        "period_end",
        "year",
        pl.col("d").alias("period_days"),
        pl.col("e").alias("eligible_days"),
        "eligible_interest_fen",
        "above_benchmark_fen",
        "proposed_fen",
        "subsidy_fen",
        "cut_fen",
        "reason",
    )


MAX_KEY_BITS = 63


def _cap_order(rows: pl.DataFrame) -> pl.Series:
    """Row positions in cap order: (enterprise, year, period end, loan id).

    When it fits in 63 bits, one packed Int64 key (enterprise code, year offset, day of year in 9
    bits, loan code, each in its own bit field) is sorted instead of four columns.
    """
    stats = rows.select(
        pl.col("enterprise_code").max().alias("ent"),
        pl.col("loan_code").max().alias("loan"),
        pl.col("year").min().alias("y0"),
        pl.col("year").max().alias("y1"),
    ).row(0, named=True)
    eb, lb = int(stats["ent"]).bit_length(), int(stats["loan"]).bit_length()
    yb = max(int(stats["y1"] - stats["y0"]).bit_length(), 1)
    if eb + yb + 9 + lb > MAX_KEY_BITS:
        by = pl.arg_sort_by("enterprise_code", "year", "period_end", "loan_code")
        return rows.select(by).to_series()
    key = (
        (pl.col("enterprise_code").cast(pl.Int64) * 2**yb + (pl.col("year") - stats["y0"])) * 2**9
        + pl.col("period_end").dt.ordinal_day()
    ) * 2**lb + pl.col("loan_code")
    return rows.select(key.arg_sort()).to_series()


def _cap_expr(params: ParameterSet) -> pl.Expr:
    """Cap (fen) of each row's year: the value in force on 31 December, i.e. the latest value
    whose effective year is ≤ the row's year."""
    expr = pl.lit(None, dtype=pl.Int64)
    for v in params.history(P_CAP):
        fen = v.value * 100
        if fen != fen.to_integral_value():
            raise _invalid("batch.precision", f"参数 {P_CAP} 须精确到分", P_CAP, str(v.value))
        lit = pl.lit(int(fen), dtype=pl.Int64)
        expr = pl.when(pl.col("year") >= v.effective_from.year).then(lit).otherwise(expr)
    return expr


def _apply_cap(rows: pl.DataFrame, params: ParameterSet, approved: pl.DataFrame) -> pl.DataFrame:
    """Cut proposals to the annual cap per (enterprise, year); rows keep their order.

    Only rows with a positive proposal can be cut or use up the cap, so only they are put in cap
    order: five integer columns are gathered, cut, and the result scattered back by row number.
    No string column is ever moved.
    """
    years = rows.select(pl.col("year").unique())
    missing = years.filter(_cap_expr(params).is_null())
    if missing.height:
        raise _not_in_force(P_CAP, date(int(missing["year"].cast(pl.Int64).min() or 0), 12, 31))
    positive = (
        rows.select("enterprise_code", "year", "period_end", "loan_code", "proposed_fen")
        .with_row_index("row")
        .filter(pl.col("proposed_fen") > 0)
        .with_columns(_cap_expr(params).alias("cap"))
    )
    if approved.height:
        # one Int64 key per (enterprise, year) joins faster than two columns
        group = (pl.col("enterprise_code").cast(pl.Int64) * 10_000 + pl.col("year")).alias("g")
        positive = positive.with_columns(group).join(
            approved.select(group, "approved"), on="g", how="left"
        )
        positive = positive.with_columns(
            (pl.col("cap") - pl.col("approved").fill_null(0)).alias("cap")
        ).drop("approved", "g")
    kept = pl.zeros(rows.height, dtype=pl.Int64, eager=True).alias("subsidy_fen")
    if positive.height:
        order = _cap_order(positive)
        ordered = positive.select(
            pl.col("row", "enterprise_code", "year", "proposed_fen", "cap").gather(order)
        )
        # Running total of the proposals before each row within its (enterprise, year): a global
        # running total minus the total at the group's first row (the rows are in group order).
        # Int128 when the global total could pass 2^63 fen.
        wide = positive.height * MAX_FEN >= 2**62
        amount = pl.col("proposed_fen").cast(pl.Int128 if wide else pl.Int64)
        running = amount.cum_sum()
        first = (pl.col("enterprise_code") != pl.col("enterprise_code").shift(1)) | (
            pl.col("year") != pl.col("year").shift(1)
        )
        offset = (
            pl.when(first.fill_null(True)).then(running - amount).otherwise(None).forward_fill()
        )
        left = pl.col("cap").clip(lower_bound=0) - (running - amount - offset)
        subsidy = pl.min_horizontal(pl.max_horizontal(left, pl.lit(0)), amount).cast(pl.Int64)
        ordered = ordered.select("row", subsidy.alias("subsidy_fen"))
        kept = kept.scatter(ordered["row"], ordered["subsidy_fen"])
    rows = rows.with_columns(kept)
    cut = pl.col("proposed_fen") - pl.col("subsidy_fen")
    reason = (
        pl.when(cut == 0)
        .then(pl.col("reason"))
        .when(pl.col("subsidy_fen") == 0)
        .then(pl.lit(Reason.CAP_EXHAUSTED.value, dtype=REASONS))
        .otherwise(pl.lit(Reason.CAPPED.value, dtype=REASONS))
    )
    return rows.with_columns(cut.alias("cut_fen"), reason.alias("reason"))


def fen_to_yuan(column: str) -> pl.Expr:
    """An integer-fen column as exact ``Decimal`` yuan (scale 2)."""
    return (pl.col(column).cast(pl.Decimal(20, 2)) / 100).alias(column.removesuffix("_fen"))
