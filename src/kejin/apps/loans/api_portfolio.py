"""The loan portfolio over the API: figures of a business date, the trend, the watch list, the
loan snapshots, and the daily book runs (city office). Every read is scoped to the caller."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.loans import portfolio
from kejin.apps.loans.bookrun import selectors as runs
from kejin.apps.loans.bookrun.run import book_run_request
from kejin.apps.loans.bookrun.state import run_state
from kejin.apps.loans.models import BookRun
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["loans 贷款组合"])


class FiguresOut(Schema):
    key: str
    label: str
    loans: int
    outstanding: Decimal
    overdue_outstanding: Decimal
    overdue_principal: Decimal
    overdue_interest: Decimal
    accrued_interest: Decimal
    npl_outstanding: Decimal
    npl_ratio: Decimal | None


class PortfolioOut(Schema):
    business_date: date
    total: FiguresOut
    npl_trace: str
    buckets: list[FiguresOut]
    categories: list[FiguresOut]
    by_lender: list[FiguresOut]
    by_district: list[FiguresOut]
    by_product_kind: list[FiguresOut]


class PortfolioQuery(Schema):
    business_date: date | None = None
    lender_id: int | None = None
    district_code: str = ""
    product_kind: str = ""


class WatchQuery(PortfolioQuery):
    reason: str = ""
    bucket: str = ""
    category: str = ""
    q: str = ""


class SnapshotOut(Schema):
    business_date: date
    loan_id: int
    loan_external_id: str
    lender_id: int
    lender: str
    borrower_id: int
    borrower: str
    district_code: str
    product_kind: str
    outstanding_principal: Decimal
    overdue_principal: Decimal
    overdue_interest: Decimal
    accrued_interest: Decimal
    days_past_due: int
    bucket: str
    floor_category: str
    category: str

    @staticmethod
    def resolve_loan_external_id(obj: object) -> str:
        return obj.loan.external_id  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_lender(obj: object) -> str:
        return obj.lender.name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_borrower(obj: object) -> str:
        return obj.borrower.name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_bucket(obj: object) -> str:
        return portfolio.bucket_of(obj.days_past_due).key  # type: ignore[attr-defined]


class WatchItemOut(SnapshotOut):
    previous_category: str | None
    downgraded: bool


class BookRunIn(Schema):
    business_date: date


class BookRunOut(Schema):
    business_date: date
    status: str
    status_label: str
    percent: int
    loans: int
    outstanding: Decimal
    started_at: datetime
    finished_at: datetime | None
    task_id: str

    @staticmethod
    def resolve_status(obj: BookRun) -> str:
        return str(run_state(obj).status)

    @staticmethod
    def resolve_status_label(obj: BookRun) -> str:
        return run_state(obj).label

    @staticmethod
    def resolve_percent(obj: BookRun) -> int:
        return run_state(obj).percent


@router.get("", response={200: PortfolioOut, **ERROR_RESPONSES})
def portfolio_figures(request: HttpRequest, filters: Query[PortfolioQuery]) -> object:
    """Outstanding, overdue buckets, five categories, NPL ratio and breakdowns by institution,
    district and product kind on a business date (default: the latest book run)."""
    f = portfolio.PortfolioFilter(**filters.dict())
    return portfolio.portfolio_for(actor_of(request), f)


@router.get("/trend", response={200: list[FiguresOut], **ERROR_RESPONSES})
def portfolio_trend(request: HttpRequest, filters: Query[PortfolioQuery]) -> object:
    """Totals of the last 30 business dates up to the given one, oldest first."""
    f = portfolio.PortfolioFilter(**filters.dict())
    return portfolio.trend_for(actor_of(request), f)


@router.get("/snapshots", response={200: list[SnapshotOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination)
def snapshot_list(request: HttpRequest, filters: Query[PortfolioQuery]) -> object:
    """The loan snapshots of a business date (one row per loan in the book)."""
    f = portfolio.PortfolioFilter(**filters.dict())
    return portfolio.snapshot_list_for(actor_of(request), f)


@router.get("/watch-list", response={200: list[WatchItemOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination)
def watch_list(request: HttpRequest, filters: Query[WatchQuery]) -> object:
    """Loans overdue or classified worse than on their previous snapshot (lenders: their own
    loans; the city office: every loan)."""
    return portfolio.watch_list_for(actor_of(request), portfolio.WatchFilter(**filters.dict()))


@router.get("/book-runs", response={200: list[BookRunOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination)
def book_run_list(request: HttpRequest) -> object:
    """Daily book runs, newest business date first (city office)."""
    return runs.book_run_list_for(actor_of(request))


@router.post("/book-runs", response={202: BookRunOut, **ERROR_RESPONSES})
def book_run_start(request: HttpRequest, payload: BookRunIn) -> Status[BookRun]:
    """Queue the daily book run of a business date (city office administrators and officers);
    re-running a date replaces its snapshots with the same result."""
    run = book_run_request(actor=actor_of(request), business_date=payload.business_date)
    return Status(202, run)


@router.get("/book-runs/{business_date}", response={200: BookRunOut, **ERROR_RESPONSES})
def book_run_detail(request: HttpRequest, business_date: date) -> BookRun:
    """One book run with its status and progress (0–100)."""
    return runs.book_run_get(actor_of(request), business_date)
