"""Pages of the loan portfolio: figures with charts, the watch list, and the daily book runs.

They call the same selectors and services as ``api_portfolio``; what an actor sees is scoped by
the selectors (a bank its loans, a district its district, the city everything).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kejin.apps.loans import portfolio
from kejin.apps.loans.bookrun import selectors as runs
from kejin.apps.loans.bookrun.run import book_run_request, today_in_shanghai
from kejin.apps.loans.bookrun.state import run_state
from kejin.apps.loans.models import BookRun, Category, LoanSnapshot, ProductKind
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.spreadsheets import export_xlsx
from kejin.platform.tenancy import Actor
from kejin.rules import divisions
from kejin.rules.errors import DomainError, NotFound, PermissionDenied

ALL = [("", "全部")]


class PortfolioFilterForm(forms.Form):
    business_date = forms.TypedChoiceField(
        label="业务日期", coerce=date.fromisoformat, required=False, empty_value=None
    )
    lender_id = forms.TypedChoiceField(
        label="贷款机构", coerce=int, required=False, empty_value=None
    )
    district_code = forms.ChoiceField(label="区县", required=False)
    product_kind = forms.ChoiceField(label="产品类型", required=False, choices=ALL)

    def __init__(self, data: Any, *, actor: Actor, dates: list[date]) -> None:
        super().__init__(data)
        self.fields["business_date"].choices = [(d.isoformat(), d.isoformat()) for d in dates]
        chosen = self._chosen_date(dates)
        self.fields["lender_id"].choices = ALL + (
            portfolio.lender_choices_for(actor, chosen) if chosen else []
        )
        self.fields["district_code"].choices = ALL + (
            portfolio.district_choices_for(actor, chosen) if chosen else []
        )
        self.fields["product_kind"].choices = ALL + list(ProductKind.choices)

    def _chosen_date(self, dates: list[date]) -> date | None:
        try:
            chosen = date.fromisoformat(str(self.data.get("business_date") or ""))
        except ValueError:
            return dates[0] if dates else None
        return chosen if chosen in dates else (dates[0] if dates else None)

    def portfolio_filter(self) -> portfolio.PortfolioFilter:
        data = self.cleaned_data
        return portfolio.PortfolioFilter(
            business_date=data["business_date"],
            lender_id=data["lender_id"],
            district_code=data["district_code"],
            product_kind=data["product_kind"],
        )


class WatchFilterForm(PortfolioFilterForm):
    reason = forms.ChoiceField(
        label="预警原因", required=False, choices=ALL + list(portfolio.WATCH_REASONS.items())
    )
    bucket = forms.ChoiceField(
        label="逾期区间",
        required=False,
        choices=ALL + [(b.key, b.label) for b in portfolio.BUCKETS],
    )
    category = forms.ChoiceField(
        label="五级分类", required=False, choices=ALL + list(Category.choices)
    )
    q = forms.CharField(label="合同编号/企业", required=False, max_length=100)

    def watch_filter(self) -> portfolio.WatchFilter:
        base = self.portfolio_filter()
        data = self.cleaned_data
        return portfolio.WatchFilter(
            business_date=base.business_date,
            reason=data["reason"],
            bucket=data["bucket"],
            category=data["category"],
            lender_id=base.lender_id,
            district_code=base.district_code,
            product_kind=base.product_kind,
            q=data["q"],
        )


class BookRunForm(forms.Form):
    business_date = forms.DateField(
        label="业务日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="日终批处理按该日计提利息、更新逾期天数并五级分类；同一日期可重复运行，结果相同。",
    )


FIGURE_COLUMNS = [
    ("label", "维度"),
    ("loans", "笔数"),
    ("outstanding", "贷款余额（元）"),
    ("overdue_outstanding", "逾期贷款余额（元）"),
    ("overdue_principal", "逾期本金（元）"),
    ("overdue_interest", "逾期利息（元）"),
    ("accrued_interest", "应计利息（元）"),
    ("npl_outstanding", "不良贷款余额（元）"),
    ("npl_ratio", "不良贷款率（%）"),
]
TABLES = {
    "buckets": "逾期区间",
    "categories": "五级分类",
    "by_lender": "按贷款机构",
    "by_district": "按区县",
    "by_product_kind": "按产品类型",
}
SNAPSHOT_COLUMNS = [
    ("business_date", "业务日期"),
    ("external_id", "合同编号"),
    ("lender", "贷款机构"),
    ("borrower", "借款企业"),
    ("district", "区县"),
    ("product_kind", "产品类型"),
    ("outstanding_principal", "贷款余额（元）"),
    ("overdue_principal", "逾期本金（元）"),
    ("overdue_interest", "逾期利息（元）"),
    ("accrued_interest", "应计利息（元）"),
    ("days_past_due", "逾期天数"),
    ("bucket", "逾期区间"),
    ("floor_category", "监管底线分类"),
    ("category", "五级分类"),
]
WATCH_COLUMNS = [
    *SNAPSHOT_COLUMNS,
    ("previous_category", "上次分类"),
    ("reason", "预警原因"),
]


def _figure_row(f: portfolio.Figures) -> dict[str, Any]:
    return {key: getattr(f, key) for key, _ in FIGURE_COLUMNS}


def _category_label(code: str | None) -> str:
    return str(Category(code).label) if code in Category.values else "—"


def _kind_label(kind: str) -> str:
    return str(ProductKind(kind).label) if kind in ProductKind.values else kind


def _snapshot_row(s: LoanSnapshot) -> dict[str, Any]:
    reasons = []
    if s.days_past_due > 0:
        reasons.append(portfolio.WATCH_REASONS["overdue"])
    if getattr(s, "downgraded", False):
        reasons.append(portfolio.WATCH_REASONS["downgraded"])
    return {
        "business_date": s.business_date,
        "external_id": s.loan.external_id,
        "lender": s.lender.name,
        "borrower": s.borrower.name,
        "district": f"{divisions.name(s.district_code)} {s.district_code}",
        "product_kind": _kind_label(s.product_kind),
        "outstanding_principal": s.outstanding_principal,
        "overdue_principal": s.overdue_principal,
        "overdue_interest": s.overdue_interest,
        "accrued_interest": s.accrued_interest,
        "days_past_due": s.days_past_due,
        "bucket": portfolio.bucket_of(s.days_past_due).label,
        "floor_category": _category_label(s.floor_category),
        "category": _category_label(s.category),
        "previous_category": _category_label(getattr(s, "previous_category", None)),
        "reason": "、".join(reasons),
    }


def _chart_data(p: portfolio.Portfolio, trend: Iterable[portfolio.Figures]) -> dict[str, Any]:
    """Series for the ECharts of the page; amounts as exact decimal strings."""

    def series(rows: Iterable[portfolio.Figures]) -> dict[str, list[str]]:
        rows = list(rows)
        return {"names": [r.label for r in rows], "values": [str(r.outstanding) for r in rows]}

    trend = list(trend)
    return {
        "buckets": series(p.buckets),
        "categories": series(p.categories),
        "districts": series(p.by_district),
        "trend": {
            "dates": [t.key for t in trend],
            "outstanding": [str(t.outstanding) for t in trend],
            "npl_ratio": [None if t.npl_ratio is None else str(t.npl_ratio) for t in trend],
        },
    }


@login_required_actor
@require_GET
def portfolio_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    dates = portfolio.business_dates()
    form = PortfolioFilterForm(request.GET, actor=actor, dates=dates)
    ctx: dict[str, Any] = {"form": form, "dates": dates, "tables": TABLES, "is_city": actor.is_city}
    if dates and form.is_valid():
        try:
            f = form.portfolio_filter()
            p = portfolio.portfolio_for(actor, f)
            trend = portfolio.trend_for(actor, f)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            table = request.GET.get("table", "")
            if wants_export(request):
                return _export(actor, p, table)
            ctx.update(
                p=p,
                charts=_chart_data(p, trend),
                query=_query(request),
                sections=[(key, title, getattr(p, key)) for key, title in TABLES.items()],
            )
    return render(request, "loans/portfolio/index.html", ctx)


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("export", "table", "page"):
        params.pop(key, None)
    return params.urlencode()


def _export(actor: Actor, p: portfolio.Portfolio, table: str) -> HttpResponse:
    stamp = p.business_date.isoformat()
    if table in TABLES:
        rows: list[portfolio.Figures] = getattr(p, table)
        return export_xlsx(
            f"portfolio-{table}-{stamp}",
            FIGURE_COLUMNS,
            [*map(_figure_row, rows), _figure_row(p.total)],
        )
    snapshots = portfolio.snapshot_list_for(actor, p.filters)
    return export_list(
        f"portfolio-loans-{stamp}", SNAPSHOT_COLUMNS, snapshots.iterator(), _snapshot_row
    )


@login_required_actor
@require_GET
def watch_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    portfolio.require_watch_list_reader(actor)
    dates = portfolio.business_dates()
    form = WatchFilterForm(request.GET, actor=actor, dates=dates)
    ctx: dict[str, Any] = {"form": form, "dates": dates, "is_city": actor.is_city}
    if dates and form.is_valid():
        try:
            f = form.watch_filter()
            qs = portfolio.watch_list_for(actor, f)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if wants_export(request):
                name = f"watch-list-{f.business_date or dates[0]}"
                return export_list(name, WATCH_COLUMNS, qs.iterator(), _snapshot_row)
            ctx.update(paginate(request, qs))
            for s in ctx["page"]:
                s.previous_label = _category_label(s.previous_category)
                s.product_label = _kind_label(s.product_kind)
            ctx["business_date"] = f.business_date or dates[0]
    return render(request, "loans/portfolio/watch_list.html", ctx)


@login_required_actor
def book_runs_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = runs.book_run_list_for(actor)
    form = BookRunForm(request.POST or None, initial={"business_date": today_in_shanghai()})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["business_date"]
        try:
            book_run_request(actor=actor, business_date=day)
        except PermissionDenied:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已提交 {day} 的日终批处理")
            return redirect("loans:book_runs")
    ctx = {
        **paginate(request, qs),
        "form": form,
        "can_run": actor.has_role("admin", "officer"),
    }
    ctx["rows"] = [(run, run_state(run)) for run in ctx["page"]]
    return render(request, "loans/portfolio/book_runs.html", ctx)


def _run_of(actor: Actor, business_date: str) -> BookRun:
    try:
        day = date.fromisoformat(business_date)
    except ValueError:
        raise NotFound("日终批处理") from None
    return runs.book_run_get(actor, day)


@login_required_actor
@require_GET
def book_run_progress(request: HttpRequest, business_date: str) -> HttpResponse:
    """The progress of one run (polled by htmx every 2 s until it is done)."""
    run = _run_of(actor_of(request), business_date)
    return render(
        request, "loans/portfolio/_run_progress.html", {"run": run, "state": run_state(run)}
    )
