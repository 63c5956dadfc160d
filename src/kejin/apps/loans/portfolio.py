"""Portfolio figures read from the daily snapshots, always scoped to the actor.

A lender sees the figures of its own loans, an enterprise of the loans it took, a district office
of its district's borrowers, the city office of the whole book. Every figure is a sum over the
visible ``LoanSnapshot`` rows of one business date, added up in integer fen in the database (exact
on SQLite and PostgreSQL alike).

- overdue buckets by days past due: 0, 1–30, 31–90, 91–180, 181–360, more than 360;
- NPL (不良) = substandard + doubtful + loss; NPL ratio = NPL outstanding ÷ total outstanding, in
  percent rounded half-up to two decimals (the trace shows the sum);
- breakdowns by institution, district and product kind; a trend over past business dates;
- the watch list (风险预警名单): loans overdue, or classified worse than on their previous snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from kejin.apps.loans.bookrun.frames import fen_of
from kejin.apps.loans.models import BookRun, Category, LoanSnapshot, ProductKind
from kejin.apps.loans.services.reporting import LENDER_KINDS
from kejin.platform.tenancy import Actor
from kejin.rules import divisions
from kejin.rules.errors import DomainError, PermissionDenied
from kejin.rules.money import fmt_yuan

NPL_CATEGORIES = (Category.SUBSTANDARD, Category.DOUBTFUL, Category.LOSS)
CATEGORY_RANK = {c.value: i for i, c in enumerate(Category)}
TREND_DATES = 30
PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    low: int
    high: int | None  # None: no upper bound


BUCKETS = (
    Bucket("0", "未逾期", 0, 0),
    Bucket("1-30", "逾期 1–30 天", 1, 30),
    Bucket("31-90", "逾期 31–90 天", 31, 90),
    Bucket("91-180", "逾期 91–180 天", 91, 180),
    Bucket("181-360", "逾期 181–360 天", 181, 360),
    Bucket("361+", "逾期 360 天以上", 361, None),
)
BUCKET_KEYS = tuple(b.key for b in BUCKETS)


def bucket_of(days_past_due: int) -> Bucket:
    return next(b for b in BUCKETS if b.high is None or days_past_due <= b.high)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole`` in percent, half-up to two decimals (None when ``whole`` is zero)."""
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The sums of one group of snapshots."""

    key: str
    label: str
    loans: int = 0
    outstanding: Decimal = Decimal("0.00")
    overdue_outstanding: Decimal = Decimal("0.00")  # outstanding of loans past due
    overdue_principal: Decimal = Decimal("0.00")
    overdue_interest: Decimal = Decimal("0.00")
    accrued_interest: Decimal = Decimal("0.00")
    npl_outstanding: Decimal = Decimal("0.00")

    @property
    def npl_ratio(self) -> Decimal | None:
        return percent(self.npl_outstanding, self.outstanding)


@dataclass(frozen=True)
class PortfolioFilter:
    business_date: date | None = None
    lender_id: int | None = None
    district_code: str = ""
    product_kind: str = ""


@dataclass(frozen=True)
class Portfolio:
    business_date: date
    total: Figures
    buckets: list[Figures]
    categories: list[Figures]
    by_lender: list[Figures]
    by_district: list[Figures]
    by_product_kind: list[Figures]
    filters: PortfolioFilter = field(default_factory=PortfolioFilter)

    @property
    def npl_trace(self) -> str:
        """How the NPL ratio was computed, with the amounts."""
        parts = {f.key: f.outstanding for f in self.categories}
        terms = " + ".join(
            f"{Category(c).label} {fmt_yuan(parts.get(c, Decimal(0)))}" for c in NPL_CATEGORIES
        )
        ratio = self.total.npl_ratio
        shown = "—（贷款余额为零）" if ratio is None else f"{ratio}%"
        return (
            f"不良贷款率 = （{terms}）÷ 贷款余额 {fmt_yuan(self.total.outstanding)}"
            f" = {fmt_yuan(self.total.npl_outstanding)} ÷ {fmt_yuan(self.total.outstanding)}"
            f" = {shown}"
        )


def _fen_sum(name: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(fen_of(name), filter=condition), Value(0), output_field=BigIntegerField())


AGGREGATES = {
    "loans": Count("pk"),
    "outstanding": _fen_sum("outstanding_principal"),
    "overdue_outstanding": _fen_sum("outstanding_principal", Q(days_past_due__gt=0)),
    "overdue_principal": _fen_sum("overdue_principal"),
    "overdue_interest": _fen_sum("overdue_interest"),
    "accrued_interest": _fen_sum("accrued_interest"),
    "npl_outstanding": _fen_sum("outstanding_principal", Q(category__in=NPL_CATEGORIES)),
}
_MONEY_KEYS = tuple(k for k in AGGREGATES if k != "loans")


def _figures(key: str, label: str, row: dict[str, Any]) -> Figures:
    money = {k: Decimal(int(row[k])).scaleb(-2) for k in _MONEY_KEYS}
    return Figures(key=key, label=label, loans=int(row["loans"]), **money)


def _bucket_expression() -> Case:
    whens = [
        When(days_past_due__lte=b.high, then=Value(b.key)) for b in BUCKETS if b.high is not None
    ]
    return Case(*whens, default=Value(BUCKETS[-1].key))


def rank_expression(name: str = "category") -> Case:
    """The category as its rank, 0 (normal) … 4 (loss), for comparisons in the database."""
    whens = [When(**{name: code}, then=Value(rank)) for code, rank in CATEGORY_RANK.items()]
    return Case(*whens, output_field=IntegerField())


def latest_business_date() -> date | None:
    """The latest business date with a finished book run."""
    found: date | None = BookRun.objects.filter(finished_at__isnull=False).aggregate(
        d=Max("business_date")
    )["d"]
    return found


def business_dates(limit: int = 60) -> list[date]:
    """Business dates with a finished book run, newest first."""
    return list(
        BookRun.objects.filter(finished_at__isnull=False)
        .order_by("-business_date")
        .values_list("business_date", flat=True)[:limit]
    )


def _invalid(field_name: str, message: str, code: str = "portfolio.filter_invalid") -> DomainError:
    return DomainError(code=code, message=message, fields={field_name: message})


def check_filter(f: PortfolioFilter) -> PortfolioFilter:
    """Validate a filter and fill in the business date (default: the latest finished run)."""
    if f.district_code and divisions.get(f.district_code) is None:
        raise _invalid("district_code", f"未知的行政区划代码“{f.district_code}”")
    if f.product_kind and f.product_kind not in ProductKind.values:
        raise _invalid("product_kind", f"未知的产品类型“{f.product_kind}”")
    if f.business_date is None:
        latest = latest_business_date()
        if latest is None:
            raise DomainError(
                code="portfolio.no_book_run",
                message="尚未运行日终批处理，暂无组合数据",
                fields={"business_date": "尚无任何业务日期的日终数据"},
                status=404,
            )
        return PortfolioFilter(latest, f.lender_id, f.district_code, f.product_kind)
    if not BookRun.objects.filter(
        business_date=f.business_date, finished_at__isnull=False
    ).exists():
        message = f"{f.business_date} 没有已完成的日终批处理结果"
        raise DomainError(
            code="portfolio.no_book_run",
            message=message,
            fields={"business_date": message},
            status=404,
        )
    return f


def snapshots_for(actor: Actor, f: PortfolioFilter) -> QuerySet[LoanSnapshot]:
    """The snapshots of the filter's business date the actor may see, filtered (the filter is
    checked: see :func:`check_filter`)."""
    qs = LoanSnapshot.objects.visible_to(actor).filter(business_date=f.business_date)
    if f.lender_id:
        qs = qs.filter(lender_id=f.lender_id)
    if f.district_code:
        qs = qs.filter(district_code=f.district_code)
    if f.product_kind:
        qs = qs.filter(product_kind=f.product_kind)
    return qs


def snapshot_list_for(actor: Actor, f: PortfolioFilter | None = None) -> QuerySet[LoanSnapshot]:
    """The loan snapshots of a business date (default: the latest) the actor may see, by loan."""
    f = check_filter(f or PortfolioFilter())
    return snapshots_for(actor, f).select_related("loan", "lender", "borrower").order_by("loan_id")


def _grouped(qs: QuerySet[LoanSnapshot], *names: str) -> Iterable[dict[str, Any]]:
    return qs.order_by().values(*names).annotate(**AGGREGATES)


def _sorted(rows: list[Figures]) -> list[Figures]:
    return sorted(rows, key=lambda r: (-r.outstanding, r.label, r.key))


def portfolio_for(actor: Actor, f: PortfolioFilter | None = None) -> Portfolio:
    """The portfolio figures of a business date (default: the latest) that the actor may see."""
    f = check_filter(f or PortfolioFilter())
    assert f.business_date is not None
    qs = snapshots_for(actor, f)
    total = _figures("total", "合计", qs.order_by().aggregate(**AGGREGATES))
    by_bucket = {
        r["bucket"]: r for r in _grouped(qs.annotate(bucket=_bucket_expression()), "bucket")
    }
    by_category = {r["category"]: r for r in _grouped(qs, "category")}
    empty = dict.fromkeys(AGGREGATES, 0)
    return Portfolio(
        business_date=f.business_date,
        total=total,
        buckets=[_figures(b.key, b.label, by_bucket.get(b.key, empty)) for b in BUCKETS],
        categories=[
            _figures(c.value, str(c.label), by_category.get(c.value, empty)) for c in Category
        ],
        by_lender=_sorted(
            [
                _figures(str(r["lender_id"]), r["lender__name"], r)
                for r in _grouped(qs, "lender_id", "lender__name")
            ]
        ),
        by_district=_sorted(
            [
                _figures(r["district_code"], divisions.name(r["district_code"]), r)
                for r in _grouped(qs, "district_code")
            ]
        ),
        by_product_kind=_sorted(
            [
                _figures(r["product_kind"], _kind_label(r["product_kind"]), r)
                for r in _grouped(qs, "product_kind")
            ]
        ),
        filters=f,
    )


def _kind_label(kind: str) -> str:
    return str(ProductKind(kind).label) if kind in ProductKind.values else kind


def trend_for(actor: Actor, f: PortfolioFilter | None = None) -> list[Figures]:
    """The totals of the last :data:`TREND_DATES` finished business dates up to the filter's,
    oldest first (``key`` is the ISO date)."""
    f = check_filter(f or PortfolioFilter())
    dates = list(
        BookRun.objects.filter(finished_at__isnull=False, business_date__lte=f.business_date)
        .order_by("-business_date")
        .values_list("business_date", flat=True)[:TREND_DATES]
    )
    qs = LoanSnapshot.objects.visible_to(actor).filter(business_date__in=dates)
    if f.lender_id:
        qs = qs.filter(lender_id=f.lender_id)
    if f.district_code:
        qs = qs.filter(district_code=f.district_code)
    if f.product_kind:
        qs = qs.filter(product_kind=f.product_kind)
    found = {r["business_date"]: r for r in _grouped(qs, "business_date")}
    empty = dict.fromkeys(AGGREGATES, 0)
    return [_figures(d.isoformat(), d.isoformat(), found.get(d, empty)) for d in sorted(dates)]


WATCH_REASONS = {"overdue": "逾期", "downgraded": "分类下调"}


@dataclass(frozen=True)
class WatchFilter:
    business_date: date | None = None
    reason: str = ""  # "", "overdue" or "downgraded"
    bucket: str = ""
    category: str = ""
    lender_id: int | None = None
    district_code: str = ""
    product_kind: str = ""
    q: str = ""


def check_watch_filter(f: WatchFilter) -> WatchFilter:
    if f.reason and f.reason not in WATCH_REASONS:
        raise _invalid("reason", f"未知的预警原因“{f.reason}”（可选 overdue、downgraded）")
    if f.bucket and f.bucket not in BUCKET_KEYS:
        raise _invalid("bucket", f"未知的逾期区间“{f.bucket}”")
    if f.category and f.category not in Category.values:
        raise _invalid("category", f"未知的五级分类“{f.category}”")
    base = check_filter(
        PortfolioFilter(f.business_date, f.lender_id, f.district_code, f.product_kind)
    )
    return WatchFilter(
        base.business_date,
        f.reason,
        f.bucket,
        f.category,
        f.lender_id,
        f.district_code,
        f.product_kind,
        f.q.strip(),
    )


def require_watch_list_reader(actor: Actor) -> None:
    """The watch list is for lenders (their own loans) and the city office (every loan)."""
    if not (actor.is_city or actor.kind in LENDER_KINDS):
        raise PermissionDenied("风险预警名单仅向贷款机构和市级主管部门开放")


def watch_list_for(actor: Actor, f: WatchFilter | None = None) -> QuerySet[LoanSnapshot]:
    """Loans of the business date that are overdue, or classified worse than on their previous
    snapshot (``previous_category`` and ``downgraded`` are annotated), worst first."""
    require_watch_list_reader(actor)
    f = check_watch_filter(f or WatchFilter())
    base = PortfolioFilter(f.business_date, f.lender_id, f.district_code, f.product_kind)
    previous = LoanSnapshot.objects.filter(
        loan_id=OuterRef("loan_id"), business_date__lt=f.business_date
    ).order_by("-business_date")
    qs = (
        snapshots_for(actor, base)
        .select_related("loan", "lender", "borrower")
        .annotate(
            rank=rank_expression(),
            previous_category=Subquery(previous.values("category")[:1]),
            previous_rank=Subquery(previous.annotate(r=rank_expression()).values("r")[:1]),
        )
        .annotate(
            downgraded=Case(
                When(rank__gt=F("previous_rank"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .filter(Q(days_past_due__gt=0) | Q(rank__gt=F("previous_rank")))
    )
    if f.reason == "overdue":
        qs = qs.filter(days_past_due__gt=0)
    elif f.reason == "downgraded":
        qs = qs.filter(rank__gt=F("previous_rank"))
    if f.bucket:
        b = next(b for b in BUCKETS if b.key == f.bucket)
        qs = qs.filter(days_past_due__gte=b.low)
        if b.high is not None:
            qs = qs.filter(days_past_due__lte=b.high)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.q:
        qs = qs.filter(Q(loan__external_id__icontains=f.q) | Q(borrower__name__icontains=f.q))
    return qs.order_by("-days_past_due", "-outstanding_principal", "loan_id")


def lender_choices_for(actor: Actor, business_date: date) -> list[tuple[int, str]]:
    """The lenders of the snapshots the actor may see on the date, by name."""
    rows = (
        LoanSnapshot.objects.visible_to(actor)
        .filter(business_date=business_date)
        .order_by("lender__name")
        .values_list("lender_id", "lender__name")
        .distinct()
    )
    return [(int(pk), str(name)) for pk, name in rows]


def district_choices_for(actor: Actor, business_date: date) -> list[tuple[str, str]]:
    """The districts of the snapshots the actor may see on the date."""
    codes = (
        LoanSnapshot.objects.visible_to(actor)
        .filter(business_date=business_date)
        .order_by("district_code")
        .values_list("district_code", flat=True)
        .distinct()
    )
    return [(code, f"{divisions.name(code)} {code}") for code in codes]
