"""Tech SME evaluation for a whole table at once, with polars expressions (no per-row Python).

It mirrors :func:`kejin.rules.evaluation.evaluate_tech_sme` to the point: amounts are int64 fen and
every ratio test ``a / b ≥ t %`` is the integer test ``100·a ≥ t·b``, so no ratio is ever rounded.
Amounts are limited to :data:`MAX_FEN` (10^16 fen, 10^14 yuan) so that ``100·a`` fits in int64.

Input columns (one row per enterprise):

===============================  ========  ===================================================
column                           dtype     meaning (see ``TechSmeFacts``)
===============================  ========  ===================================================
reference_date                   Date      or pass ``reference_date=`` for the whole table
resident_in_mainland             Boolean
employees, tech_staff            Int64
revenue_fen, total_assets_fen    Int64     yuan × 100
rd_expense_fen                   Int64
total_cost_and_expense_fen       Int64
ip_class_i, ip_class_ii          Int64
in_restricted_catalogue          Boolean
had_serious_incident             Boolean
on_abnormal_operations_list      Boolean
on_serious_dishonesty_list       Boolean
hnte_issue_date                  Date      optional, null = no certificate
hnte_expiry_date                 Date      optional, null = issue date + 3 years
hnte_revoked_on                  Date      optional
national_award_date              Date      optional
national_award_rank              Int64     optional
recognised_rd_institution        Boolean   optional, null = False
standard_led_date                Date      optional
standard_led_level               String    optional, a ``StandardLevel`` value
===============================  ========  ===================================================

Output: one row per input row, same order: the score components, ``total_score``, ``eligible``,
``passes_score``, the four ``route_*`` flags, ``direct_qualification`` and ``qualified``, preceded
by any input columns named in ``keep``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

import polars as pl

from kejin.rules.errors import DomainError
from kejin.rules.evaluation import (
    DIRECT_ROUTE_YEARS,
    IP_CLASS_I_POINTS,
    IP_CLASS_II_POINTS,
    MAX_AMOUNT,
    MAX_AWARD_RANK,
    MAX_EMPLOYEES,
    MAX_REVENUE,
    MAX_TOTAL_ASSETS,
    PASS_SCORE,
    QUALIFYING_STANDARD_LEVELS,
    RD_COST_BANDS,
    RD_REVENUE_BANDS,
    TECH_STAFF_BANDS,
    Bands,
    StandardLevel,
    TechSmeFacts,
)
from kejin.rules.hnte import CERTIFICATE_YEARS

MAX_FEN = int(MAX_AMOUNT * 100)
BOOL_COLUMNS = (
    "resident_in_mainland",
    "in_restricted_catalogue",
    "had_serious_incident",
    "on_abnormal_operations_list",
    "on_serious_dishonesty_list",
)
AMOUNT_COLUMNS = ("revenue_fen", "total_assets_fen", "rd_expense_fen", "total_cost_and_expense_fen")
COUNT_COLUMNS = ("employees", "tech_staff", "ip_class_i", "ip_class_ii")
OPTIONAL_COLUMNS: dict[str, pl.DataType] = {
    "hnte_issue_date": pl.Date(),
    "hnte_expiry_date": pl.Date(),
    "hnte_revoked_on": pl.Date(),
    "national_award_date": pl.Date(),
    "national_award_rank": pl.Int64(),
    "recognised_rd_institution": pl.Boolean(),
    "standard_led_date": pl.Date(),
    "standard_led_level": pl.String(),
}


def _fen(amount: Decimal) -> int:
    """Yuan at the fen to integer fen (exact: the facts refuse sub-fen amounts)."""
    return int(amount * 100)


def facts_to_frame(facts: Iterable[TechSmeFacts]) -> pl.DataFrame:
    """The batch input table for a list of facts (amounts converted exactly to fen)."""
    rows: list[dict[str, object]] = []
    for f in facts:
        cert = f.hnte_certificate
        rows.append(
            {
                "reference_date": f.reference_date,
                **{c: getattr(f, c) for c in BOOL_COLUMNS + COUNT_COLUMNS},
                **{c: _fen(getattr(f, c.removesuffix("_fen"))) for c in AMOUNT_COLUMNS},
                "hnte_issue_date": cert.issue_date if cert else None,
                "hnte_expiry_date": cert.expiry_date if cert else None,
                "hnte_revoked_on": cert.revoked_on if cert else None,
                "national_award_date": f.national_award_date,
                "national_award_rank": f.national_award_rank,
                "recognised_rd_institution": f.recognised_rd_institution,
                "standard_led_date": f.standard_led_date,
                "standard_led_level": None
                if f.standard_led_level is None
                else str(f.standard_led_level),
            }
        )
    schema: dict[str, pl.DataType] = {"reference_date": pl.Date()}
    schema |= {c: pl.Boolean() for c in BOOL_COLUMNS}
    schema |= {c: pl.Int64() for c in COUNT_COLUMNS + AMOUNT_COLUMNS}
    schema |= OPTIONAL_COLUMNS
    return pl.DataFrame(rows, schema=schema)


def _fail(code: str, column: str, row: int, message: str) -> DomainError:
    text = f"第{row + 1}行：{message}"
    return DomainError(code=code, message=text, fields={column: text})


def _first_row(frame: pl.DataFrame, condition: pl.Expr) -> int | None:
    """Index of the first row where ``condition`` holds, or ``None``."""
    value = frame.select(condition.arg_true().first()).item()
    return None if value is None else int(value)


def _prepare(df: pl.DataFrame, reference_date: date | None) -> pl.DataFrame:
    """Check and cast the input: required columns present and non-null, nothing negative."""
    required = [*BOOL_COLUMNS, *COUNT_COLUMNS, *AMOUNT_COLUMNS]
    if reference_date is None:
        required.append("reference_date")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DomainError(
            code="evaluation.batch_columns",
            message=f"缺少列：{'、'.join(missing)}",
            fields=dict.fromkeys(missing, "缺少此列"),
        )
    ref = pl.lit(reference_date) if reference_date is not None else pl.col("reference_date")
    frame = df.select(
        ref.cast(pl.Date).alias("reference_date"),
        *(pl.col(c).cast(pl.Boolean, strict=True) for c in BOOL_COLUMNS),
        *(pl.col(c).cast(pl.Int64, strict=True) for c in COUNT_COLUMNS + AMOUNT_COLUMNS),
        *(
            (pl.col(c) if c in df.columns else pl.lit(None)).cast(dtype, strict=True).alias(c)
            for c, dtype in OPTIONAL_COLUMNS.items()
        ),
    )
    for column in ["reference_date", *required]:
        row = _first_row(frame, pl.col(column).is_null())
        if row is not None:
            raise _fail("evaluation.missing", column, row, f"{column} 不能为空")
    for column in COUNT_COLUMNS + AMOUNT_COLUMNS:
        row = _first_row(frame, pl.col(column) < 0)
        if row is not None:
            raise _fail("evaluation.negative", column, row, f"{column} 不能为负数")
    for column in AMOUNT_COLUMNS:
        row = _first_row(frame, pl.col(column) > MAX_FEN)
        if row is not None:
            raise _fail("evaluation.too_large", column, row, f"{column} 超过 {MAX_FEN} 分")
    row = _first_row(frame, pl.col("tech_staff") > pl.col("employees"))
    if row is not None:
        raise _fail("evaluation.inconsistent", "tech_staff", row, "科技人员数不能超过职工总数")
    levels = [str(level) for level in StandardLevel]
    row = _first_row(frame, ~pl.col("standard_led_level").is_in(levels).fill_null(True))
    if row is not None:
        raise _fail("evaluation.standard_level", "standard_led_level", row, "标准级别无效")
    return frame


def _band_points(num: str, den: str, bands: Bands) -> pl.Expr:
    """Points of ``num/den`` by band, cross-multiplied in int64; 0 when ``den`` is 0."""
    expr = pl.when(pl.col(den) == 0).then(pl.lit(0, pl.Int64))
    for threshold, points in bands:
        expr = expr.when(pl.col(num) * 100 >= pl.col(den) * threshold).then(
            pl.lit(points, pl.Int64)
        )
    return expr.otherwise(pl.lit(0, pl.Int64))


def _ip_points() -> pl.Expr:
    expr = pl.when(pl.col("ip_class_i") >= 1).then(pl.lit(IP_CLASS_I_POINTS, pl.Int64))
    for count, points in IP_CLASS_II_POINTS:
        expr = expr.when(pl.col("ip_class_ii") >= count).then(pl.lit(points, pl.Int64))
    return expr.otherwise(pl.lit(0, pl.Int64))


def _within_window(column: str) -> pl.Expr:
    ref = pl.col("reference_date")
    start = ref.dt.offset_by(f"-{DIRECT_ROUTE_YEARS}y")
    return pl.col(column).is_not_null() & (pl.col(column) >= start) & (pl.col(column) <= ref)


def evaluate_tech_sme_batch(
    df: pl.DataFrame, *, reference_date: date | None = None, keep: Sequence[str] = ()
) -> pl.DataFrame:
    """Score, eligibility and result for every row; equal to the one-by-one rule row by row."""
    frame = _prepare(df, reference_date)
    ref = pl.col("reference_date")
    issue = pl.col("hnte_issue_date")
    expiry = pl.coalesce(pl.col("hnte_expiry_date"), issue.dt.offset_by(f"{CERTIFICATE_YEARS}y"))
    revoked = pl.col("hnte_revoked_on")
    max_revenue_fen = int(MAX_REVENUE * 100)
    max_assets_fen = int(MAX_TOTAL_ASSETS * 100)
    result = (
        frame.lazy()
        .select(
            tech_staff_points=_band_points("tech_staff", "employees", TECH_STAFF_BANDS),
            rd_revenue_points=_band_points("rd_expense_fen", "revenue_fen", RD_REVENUE_BANDS),
            rd_cost_points=_band_points(
                "rd_expense_fen", "total_cost_and_expense_fen", RD_COST_BANDS
            ),
            ip_points=_ip_points(),
            eligible=pl.col("resident_in_mainland")
            & (pl.col("employees") <= MAX_EMPLOYEES)
            & (pl.col("revenue_fen") <= max_revenue_fen)
            & (pl.col("total_assets_fen") <= max_assets_fen)
            & ~pl.col("in_restricted_catalogue")
            & ~pl.col("had_serious_incident")
            & ~pl.col("on_abnormal_operations_list")
            & ~pl.col("on_serious_dishonesty_list"),
            route_hnte=(
                issue.is_not_null()
                & (issue <= ref)
                & (ref <= expiry)
                & (revoked.is_null() | (ref < revoked))
            ).fill_null(False),
            route_national_award=(
                _within_window("national_award_date")
                & pl.col("national_award_rank").is_between(1, MAX_AWARD_RANK)
            ).fill_null(False),
            route_rd_institution=pl.col("recognised_rd_institution").fill_null(False),
            route_standard=(
                _within_window("standard_led_date")
                & pl.col("standard_led_level").is_in([str(s) for s in QUALIFYING_STANDARD_LEVELS])
            ).fill_null(False),
        )
        .with_columns(rd_points=pl.max_horizontal("rd_revenue_points", "rd_cost_points"))
        .with_columns(
            total_score=pl.col("tech_staff_points") + pl.col("rd_points") + pl.col("ip_points"),
            direct_qualification=pl.any_horizontal(
                "route_hnte", "route_national_award", "route_rd_institution", "route_standard"
            ),
        )
        .with_columns(
            passes_score=(pl.col("total_score") >= PASS_SCORE) & (pl.col("tech_staff_points") != 0)
        )
        .with_columns(
            qualified=pl.col("eligible") & (pl.col("direct_qualification") | pl.col("passes_score"))
        )
        .select(
            "tech_staff_points",
            "rd_revenue_points",
            "rd_cost_points",
            "rd_points",
            "ip_points",
            "total_score",
            "eligible",
            "passes_score",
            "route_hnte",
            "route_national_award",
            "route_rd_institution",
            "route_standard",
            "direct_qualification",
            "qualified",
        )
        .collect()
    )
    return pl.concat([df.select(keep), result], how="horizontal") if keep else result
