"""Matching for the whole market at once, with polars expressions (no per-pair Python).

It mirrors :func:`kejin.rules.matching.evaluate` to the point: the same criteria as bit masks, the
same integer score. Amounts are int64 fen, rates int64 hundredths of a percent, and every set
(kinds, guarantees, districts, industries) becomes a bit mask over the codes present, so that a
membership test is a bitwise and. Targets (demands sent to chosen institutions) are a join.

The cross product of demands and products is taken a chunk of demands at a time (about
``chunk_rows`` pairs each), so memory stays bounded for 100,000 demands × 2,000 products.
:func:`rematch_one_by_one` is the same result pair by pair, the reference a test compares with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

import polars as pl

from kejin.rules.matching import (
    BIT,
    CRITERIA,
    MAX_RATE_CENTI,
    NEUTRAL_RATE_POINTS,
    NO_GUARANTEE,
    PRIVATE_MASK,
    DemandTerms,
    ProductTerms,
    centi,
    evaluate,
    fen,
    grade_rank,
)

RESULT_COLUMNS = (
    "demand_id",
    "product_id",
    "institution_id",
    "enterprise_id",
    "applicable",
    "failed",
    "rate_pts",
    "amount_pts",
    "speed_pts",
    "timely_pts",
    "guarantee_pts",
    "score",
    "eligible",
    "eligible_public",
)
_I64 = pl.Int64


def _vocab(values: Iterable[str]) -> dict[str, int]:
    """A bit for each distinct code (sets become integer masks, membership a bitwise and)."""
    codes = sorted(set(values))
    if len(codes) > 62:
        raise ValueError(f"too many distinct codes for a bit mask: {len(codes)}")
    return {code: 1 << i for i, code in enumerate(codes)}


def _mask(codes: Iterable[str], vocab: Mapping[str, int]) -> int:
    return sum(vocab[c] for c in set(codes))


def _opt(value: Decimal | None, unit: Callable[[Decimal], int]) -> int | None:
    return None if value is None else unit(value)


def market_frames(
    products: Sequence[ProductTerms], demands: Sequence[DemandTerms]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The products, the demands (with their enterprises' facts) and the (demand, institution)
    targets as frames of integers: amounts in fen, rates in hundredths of a percent, sets as bit
    masks over the codes present."""
    kinds = _vocab([p.kind for p in products] + [k for d in demands for k in d.kinds])
    guarantees = _vocab(
        [p.guarantee for p in products]
        + [g for d in demands for g in d.guarantees]
        + [NO_GUARANTEE]
    )
    districts = _vocab(
        [x for p in products for x in p.districts] + [d.enterprise.district_code for d in demands]
    )
    industries = _vocab(
        [x for p in products for x in p.industries]
        + [d.enterprise.industry for d in demands if d.enterprise.industry]
    )
    pf = pl.DataFrame(
        {
            "product_id": [p.product_id for p in products],
            "institution_id": [p.institution_id for p in products],
            "kind_bit": [kinds[p.kind] for p in products],
            "amount_min": [fen(p.amount_min) for p in products],
            "amount_max": [fen(p.amount_max) for p in products],
            "term_min": [p.term_min for p in products],
            "term_max": [p.term_max for p in products],
            "rate_min": [_opt(p.rate_min, centi) for p in products],
            "guarantee_bit": [guarantees[p.guarantee] for p in products],
            "no_guarantee": [p.guarantee == NO_GUARANTEE for p in products],
            "requires_tech_sme": [p.requires_tech_sme for p in products],
            "requires_hnte": [p.requires_hnte for p in products],
            "min_years": [p.min_years for p in products],
            "districts": [_mask(p.districts, districts) for p in products],
            "industries": [_mask(p.industries, industries) for p in products],
            "revenue_min": [_opt(p.revenue_min, fen) for p in products],
            "revenue_max": [_opt(p.revenue_max, fen) for p in products],
            "min_grade": [grade_rank(p.min_grade) for p in products],
            "response_days": [p.response_days for p in products],
        },
        schema_overrides={
            "rate_min": _I64,
            "min_years": _I64,
            "revenue_min": _I64,
            "revenue_max": _I64,
            "min_grade": _I64,
        },
    )
    df = pl.DataFrame(
        {
            "demand_id": [d.demand_id for d in demands],
            "enterprise_id": [d.enterprise.enterprise_id for d in demands],
            "kinds": [_mask(d.kinds, kinds) for d in demands],
            "amount": [fen(d.amount) for d in demands],
            "term": [d.term_months for d in demands],
            "max_rate": [_opt(d.max_rate, centi) for d in demands],
            "accepted": [_mask(d.guarantees | {NO_GUARANTEE}, guarantees) for d in demands],
            "accepted_bits": [
                sorted({guarantees[g] for g in d.guarantees | {NO_GUARANTEE}}) for d in demands
            ],
            "targeted": [bool(d.targets) for d in demands],
            "days_left": [d.working_days_left for d in demands],
            "district_bit": [districts[d.enterprise.district_code] for d in demands],
            "industry_bit": [industries.get(d.enterprise.industry, 0) for d in demands],
            "tech_sme": [d.enterprise.tech_sme for d in demands],
            "hnte": [d.enterprise.hnte for d in demands],
            "years": [d.enterprise.years_in_business for d in demands],
            "revenue": [_opt(d.enterprise.revenue, fen) for d in demands],
            "grade": [grade_rank(d.enterprise.grade) for d in demands],
        },
        schema_overrides={
            "max_rate": _I64,
            "accepted_bits": pl.List(_I64),
            "days_left": _I64,
            "years": _I64,
            "revenue": _I64,
            "grade": _I64,
        },
    )
    tf = pl.DataFrame(
        {
            "demand_id": [d.demand_id for d in demands for _ in d.targets],
            "institution_id": [i for d in demands for i in sorted(d.targets)],
            "hit": [True for d in demands for _ in d.targets],
        },
        schema={"demand_id": _I64, "institution_id": _I64, "hit": pl.Boolean},
    )
    return pf, df, tf


def _rules() -> list[tuple[str, pl.Expr, pl.Expr]]:
    """Each criterion as (code, applies, fails), both null-safe booleans (as :func:`evaluate`)."""
    c = pl.col
    rules: list[tuple[str, pl.Expr, pl.Expr]] = [
        ("audience", c("targeted"), ~c("hit").fill_null(False)),
        ("kind", c("kinds") != 0, (c("kinds") & c("kind_bit")) == 0),
        ("amount", pl.lit(True), (c("amount") < c("amount_min")) | (c("amount") > c("amount_max"))),
        ("term", pl.lit(True), (c("term") < c("term_min")) | (c("term") > c("term_max"))),
        ("rate", c("rate_min").is_not_null(), c("rate_min") > c("max_rate")),
        ("guarantee", pl.lit(True), (c("accepted") & c("guarantee_bit")) == 0),
        ("tech_sme", c("requires_tech_sme"), ~c("tech_sme")),
        ("hnte", c("requires_hnte"), ~c("hnte")),
        (
            "years",
            c("min_years").is_not_null(),
            c("years").is_null() | (c("years") < c("min_years")).fill_null(False),
        ),
        ("district", c("districts") != 0, (c("districts") & c("district_bit")) == 0),
        ("industry", c("industries") != 0, (c("industries") & c("industry_bit")) == 0),
        (
            "revenue",
            c("revenue_min").is_not_null() | c("revenue_max").is_not_null(),
            c("revenue").is_null()
            | (c("revenue") < c("revenue_min")).fill_null(False)
            | (c("revenue") > c("revenue_max")).fill_null(False),
        ),
        (
            "grade",
            c("min_grade").is_not_null(),
            c("grade").is_null() | (c("grade") > c("min_grade")).fill_null(False),
        ),
    ]
    return [(k, a.fill_null(False), f.fill_null(False)) for k, a, f in rules]


def _criteria_exprs() -> tuple[pl.Expr, pl.Expr]:
    """The ``applicable`` and ``failed`` bit masks."""
    rules = _rules()
    applicable = pl.sum_horizontal(
        [pl.when(a).then(pl.lit(BIT[k], _I64)).otherwise(0) for k, a, _ in rules]
    )
    failed = pl.sum_horizontal(
        [pl.when(a & f).then(pl.lit(BIT[k], _I64)).otherwise(0) for k, a, f in rules]
    )
    return applicable, failed


def _public_pass(*, audience: bool) -> pl.Expr:
    """True where every public criterion holds (a cheap filter before the masks are computed)."""
    private = {c.code for c in CRITERIA if c.private}
    return pl.all_horizontal(
        [~(a & f) for k, a, f in _rules() if k not in private and (audience or k != "audience")]
    )


def _score_exprs() -> list[pl.Expr]:
    c = pl.col
    cap = c("max_rate").fill_null(MAX_RATE_CENTI)
    rate = (
        pl.when(c("rate_min").is_null())
        .then(pl.lit(NEUTRAL_RATE_POINTS, _I64))
        .when((cap <= 0) | (c("rate_min") > cap))
        .then(pl.lit(0, _I64))
        .otherwise(30 * (cap - c("rate_min")) // cap)
    )
    amount = (
        pl.when(c("amount_max") > 0)
        .then(25 * pl.min_horizontal(c("amount"), c("amount_max")) // c("amount_max"))
        .otherwise(0)
    )
    timely = (
        pl.when(c("days_left").is_not_null() & (c("response_days") <= c("days_left")))
        .then(15)
        .otherwise(0)
    )
    return [
        rate.cast(_I64).alias("rate_pts"),
        amount.cast(_I64).alias("amount_pts"),
        (21 - c("response_days")).clip(0, 20).cast(_I64).alias("speed_pts"),
        timely.cast(_I64).alias("timely_pts"),
        pl.when(c("no_guarantee")).then(10).otherwise(0).cast(_I64).alias("guarantee_pts"),
    ]


def rematch(
    products: Sequence[ProductTerms],
    demands: Sequence[DemandTerms],
    *,
    keep: str = "public",
    chunk_rows: int = 2_000_000,
) -> pl.DataFrame:
    """Every (demand, product) pair of the market at once, vectorised: the same masks and score
    as :func:`evaluate`, one row per pair kept (``keep``: ``"public"`` the public-eligible pairs,
    ``"eligible"`` the eligible ones, ``"all"`` every pair), sorted by demand and product."""
    if keep not in ("public", "eligible", "all"):
        raise ValueError(keep)
    if not products or not demands:
        return pl.DataFrame(schema=dict.fromkeys(RESULT_COLUMNS, _I64)).with_columns(
            pl.col("eligible", "eligible_public").cast(pl.Boolean)
        )
    pf, df, tf = market_frames(products, demands)
    applicable, failed = _criteria_exprs()
    per_chunk = max(1, chunk_rows // max(1, pf.height))
    private = pl.lit(PRIVATE_MASK, _I64)
    parts: list[pl.DataFrame] = []
    plazy, tlazy = pf.lazy(), tf.lazy()
    for start in range(0, df.height, per_chunk):
        chunk = df.slice(start, per_chunk).lazy()
        if keep == "all":
            frame = chunk.join(plazy, how="cross")
        else:
            # The guarantee criterion always applies and is public: pair each demand only with
            # the products whose guarantee it accepts (an equi-join on the guarantee's bit), then
            # drop the pairs failing another public criterion before the targets' join and the
            # masks.
            frame = (
                chunk.with_columns(pl.col("accepted_bits").alias("guarantee_bit"))
                .explode("guarantee_bit")
                .join(plazy, on="guarantee_bit")
                .filter(_public_pass(audience=False))
            )
        frame = frame.join(tlazy, on=["demand_id", "institution_id"], how="left")
        if keep != "all":
            frame = frame.filter(_public_pass(audience=True))
        frame = frame.with_columns(
            applicable.alias("applicable"), failed.alias("failed"), *_score_exprs()
        ).with_columns(
            (pl.col("failed") == 0).alias("eligible"),
            ((pl.col("failed") & ~private) == 0).alias("eligible_public"),
            pl.sum_horizontal(
                "rate_pts", "amount_pts", "speed_pts", "timely_pts", "guarantee_pts"
            ).alias("score"),
        )
        if keep == "eligible":
            frame = frame.filter(pl.col("eligible"))
        parts.append(frame.select(RESULT_COLUMNS).collect())
    return pl.concat(parts).sort("demand_id", "product_id")


def rematch_one_by_one(
    products: Sequence[ProductTerms], demands: Sequence[DemandTerms], *, keep: str = "public"
) -> pl.DataFrame:
    """:func:`rematch` pair by pair with :func:`evaluate` (the reference the batch must equal)."""
    rows: list[tuple[object, ...]] = []
    for d in demands:
        for p in products:
            ev = evaluate(p, d)
            if (keep == "public" and not ev.eligible_public) or (
                keep == "eligible" and not ev.eligible
            ):
                continue
            rows.append(
                (
                    d.demand_id,
                    p.product_id,
                    p.institution_id,
                    d.enterprise.enterprise_id,
                    ev.applicable,
                    ev.failed,
                    *ev.parts,
                    ev.score,
                    ev.eligible,
                    ev.eligible_public,
                )
            )
    schema = dict.fromkeys(RESULT_COLUMNS[:-2], _I64) | {
        "eligible": pl.Boolean,
        "eligible_public": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort("demand_id", "product_id")
