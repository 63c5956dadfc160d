"""From the database to the batch rule's table, many enterprises at once, with polars.

:func:`facts_frame` reads the year's filings and every dated record of a set of enterprises in a
handful of queries, and builds the input table of
:func:`kejin.rules.evaluation_batch.evaluate_tech_sme_batch` with column expressions (no per-row
Python): IP counted and classed, the certificate, award and standard chosen, all exactly as
:mod:`kejin.apps.enterprises.facts` does for one enterprise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from kejin.apps.enterprises.models import (
    IP_CLASS_I,
    IP_CLASS_II,
    QUALIFYING_INSTITUTION_LEVELS,
    FinancialYear,
    HnteCertificate,
    IpItem,
    NationalAward,
    RdInstitution,
    StandardLed,
)
from kejin.apps.enterprises.services.financials import DECLARATION_FIELDS
from kejin.rules.evaluation import DIRECT_ROUTE_YEARS, MAX_AWARD_RANK, QUALIFYING_STANDARD_LEVELS
from kejin.rules.evaluation_batch import evaluate_tech_sme_batch

AMOUNTS = ("revenue", "total_assets", "rd_expense", "total_cost_and_expense")
DECLARATIONS = tuple(f.name for f in DECLARATION_FIELDS)
MONEY = pl.Decimal(18, 2)
ID = {"enterprise_id": pl.Int64()}


def _frame(rows: Sequence[dict[str, Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _window_start(ref: date) -> pl.Expr:
    return pl.lit(ref).dt.offset_by(f"-{DIRECT_ROUTE_YEARS}y")


def _latest(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """The first row per enterprise after sorting by ``keys``, largest first."""
    return (
        frame.sort(keys, descending=True, nulls_last=True)
        .group_by("enterprise_id", maintain_order=True)
        .first()
    )


def _ip_counts(ids: Sequence[int], ref: date) -> pl.DataFrame:
    fields = ["enterprise_id", "kind", "grant_date", "expiry_date", "disputed"]
    rows = IpItem.objects.filter(enterprise_id__in=ids).values(*fields, "related_to_main_products")
    schema = {
        **ID,
        "kind": pl.String(),
        "grant_date": pl.Date(),
        "expiry_date": pl.Date(),
        "disputed": pl.Boolean(),
        "related_to_main_products": pl.Boolean(),
    }
    counted = (pl.col("grant_date") <= ref) & (pl.col("expiry_date") >= ref)
    counted &= ~pl.col("disputed") & pl.col("related_to_main_products")
    return (
        _frame(list(rows), schema)
        .filter(counted)
        .group_by("enterprise_id")
        .agg(
            ip_class_i=pl.col("kind").is_in([str(k) for k in IP_CLASS_I]).sum().cast(pl.Int64),
            ip_class_ii=pl.col("kind").is_in([str(k) for k in IP_CLASS_II]).sum().cast(pl.Int64),
        )
    )


def _certificates(ids: Sequence[int], ref: date) -> pl.DataFrame:
    rows = HnteCertificate.objects.filter(enterprise_id__in=ids, issue_date__lte=ref).values(
        "pk", "enterprise_id", "number", "issue_date", "expiry_date", "revoked_on"
    )
    schema = {
        "pk": pl.Int64(),
        **ID,
        "number": pl.String(),
        "issue_date": pl.Date(),
        "expiry_date": pl.Date(),
        "revoked_on": pl.Date(),
    }
    valid = (pl.col("expiry_date") >= ref) & (
        pl.col("revoked_on").is_null() | (pl.col("revoked_on") > ref)
    )
    frame = _frame(list(rows), schema).with_columns(valid=valid)
    return _latest(frame, ["valid", "expiry_date", "issue_date", "pk"]).select(
        "enterprise_id",
        hnte_number=pl.col("number"),
        hnte_issue_date=pl.col("issue_date"),
        hnte_expiry_date=pl.col("expiry_date"),
        hnte_revoked_on=pl.col("revoked_on"),
    )


def _awards(ids: Sequence[int], ref: date) -> pl.DataFrame:
    rows = NationalAward.objects.filter(enterprise_id__in=ids, award_date__lte=ref).values(
        "pk", "enterprise_id", "award_date", "rank"
    )
    schema = {"pk": pl.Int64(), **ID, "award_date": pl.Date(), "rank": pl.Int64()}
    qualifying = (pl.col("award_date") >= _window_start(ref)) & pl.col("rank").is_between(
        1, MAX_AWARD_RANK
    )
    frame = _frame(list(rows), schema).with_columns(qualifying=qualifying)
    return _latest(frame, ["qualifying", "award_date", "pk"]).select(
        "enterprise_id",
        national_award_date=pl.col("award_date"),
        national_award_rank=pl.col("rank"),
    )


def _standards(ids: Sequence[int], ref: date) -> pl.DataFrame:
    rows = StandardLed.objects.filter(enterprise_id__in=ids, published_date__lte=ref).values(
        "pk", "enterprise_id", "published_date", "level"
    )
    schema = {"pk": pl.Int64(), **ID, "published_date": pl.Date(), "level": pl.String()}
    qualifying = (pl.col("published_date") >= _window_start(ref)) & pl.col("level").is_in(
        [str(s) for s in QUALIFYING_STANDARD_LEVELS]
    )
    frame = _frame(list(rows), schema).with_columns(qualifying=qualifying)
    return _latest(frame, ["qualifying", "published_date", "pk"]).select(
        "enterprise_id",
        standard_led_date=pl.col("published_date"),
        standard_led_level=pl.col("level"),
    )


def _institutions(ids: Sequence[int], ref: date) -> pl.DataFrame:
    found = (
        RdInstitution.objects.filter(
            enterprise_id__in=ids,
            level__in=list(QUALIFYING_INSTITUTION_LEVELS),
            recognised_date__lte=ref,
        )
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    return pl.DataFrame({"enterprise_id": list(found)}, schema=ID).with_columns(
        recognised_rd_institution=pl.lit(True)
    )


def facts_frame(ids: Sequence[int], year: int, ref: date) -> tuple[pl.DataFrame, dict[int, str]]:
    """The batch input table of the enterprises ``ids`` whose ``year`` filing is complete (with
    ``enterprise_id`` and ``hnte_number`` kept beside the rule's columns), and the reason each of
    the others cannot be evaluated."""
    money = dict.fromkeys(AMOUNTS, MONEY)
    schema = {
        **ID,
        "employees": pl.Int64(),
        "tech_staff": pl.Int64(),
        **money,
        **{name: pl.Boolean() for name in DECLARATIONS},
    }
    rows = FinancialYear.objects.filter(enterprise_id__in=ids, year=year).values(*schema)
    filings = _frame(list(rows), schema)
    labels = {f.name: f.label for f in DECLARATION_FIELDS}
    unanswered = filings.filter(pl.any_horizontal(pl.col(d).is_null() for d in DECLARATIONS))
    missing: dict[int, str] = {}
    for row in unanswered.iter_rows(named=True):
        gaps = "、".join(labels[d] for d in DECLARATIONS if row[d] is None)
        missing[row["enterprise_id"]] = f"{year} 年度资格声明未填写：{gaps}"[:300]
    filed = set(filings["enterprise_id"].to_list())
    for enterprise_id in ids:
        if enterprise_id not in filed:
            missing[enterprise_id] = f"未填报 {year} 年度数据"
    frame = (
        filings.filter(~pl.col("enterprise_id").is_in(list(missing)))
        .with_columns(
            reference_date=pl.lit(ref),
            **{f"{name}_fen": (pl.col(name) * 100).cast(pl.Int64) for name in AMOUNTS},
        )
        .drop(*AMOUNTS)
    )
    for part in (
        _ip_counts(ids, ref),
        _certificates(ids, ref),
        _awards(ids, ref),
        _standards(ids, ref),
        _institutions(ids, ref),
    ):
        frame = frame.join(part, on="enterprise_id", how="left")
    frame = frame.with_columns(
        pl.col("ip_class_i").fill_null(0),
        pl.col("ip_class_ii").fill_null(0),
        pl.col("recognised_rd_institution").fill_null(False),
    ).sort("enterprise_id")
    return frame, missing


RESULT_COLUMNS = (
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


def evaluate_frame(frame: pl.DataFrame, ref: date) -> pl.DataFrame:
    """The batch rule on a non-empty table, with the enterprise and facts columns kept beside."""
    keep = [c for c in frame.columns if c != "reference_date"]
    return evaluate_tech_sme_batch(frame, reference_date=ref, keep=keep)


def _yuan(fen: int) -> str:
    return str(Decimal(fen).scaleb(-2))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def row_snapshot(row: dict[str, Any], ref: date) -> dict[str, Any]:
    """The facts snapshot of a batch row, in the shape of :func:`facts.facts_to_json` (every
    result explains itself from it through the one-by-one rule)."""
    issue = row["hnte_issue_date"]
    return {
        "reference_date": ref.isoformat(),
        "resident_in_mainland": row["resident_in_mainland"],
        "employees": row["employees"],
        "tech_staff": row["tech_staff"],
        **{name: _yuan(row[f"{name}_fen"]) for name in AMOUNTS},
        "ip_class_i": row["ip_class_i"],
        "ip_class_ii": row["ip_class_ii"],
        "in_restricted_catalogue": row["in_restricted_catalogue"],
        "had_serious_incident": row["had_serious_incident"],
        "on_abnormal_operations_list": row["on_abnormal_operations_list"],
        "on_serious_dishonesty_list": row["on_serious_dishonesty_list"],
        "hnte_certificate": None
        if issue is None
        else {
            "number": row["hnte_number"],
            "issue_date": issue.isoformat(),
            "expiry_date": row["hnte_expiry_date"].isoformat(),
            "revoked_on": _iso(row["hnte_revoked_on"]),
        },
        "national_award_date": _iso(row["national_award_date"]),
        "national_award_rank": row["national_award_rank"],
        "recognised_rd_institution": row["recognised_rd_institution"],
        "standard_led_date": _iso(row["standard_led_date"]),
        "standard_led_level": row["standard_led_level"],
    }
