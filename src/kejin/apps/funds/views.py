"""Pages of the special fund (the city office only): the same services and selectors as the API."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kejin.apps.funds import selectors, usage
from kejin.apps.funds.forms import BudgetLineForm, LedgerFilterForm, TopupForm
from kejin.apps.funds.models import BudgetLine, LedgerEntry, Purpose
from kejin.apps.funds.services import lines
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError, NotFound

WAN = Decimal(10000)

LINE_EXPORT_COLUMNS = [
    ("year", "预算年度"),
    ("purpose", "用途"),
    ("name", "预算科目"),
    ("budgeted", "预算（元）"),
    ("used", "已承诺（扣除释放，元）"),
    ("paid", "已拨付（元）"),
    ("open", "已承诺未拨付（元）"),
    ("available", "可用余额（元）"),
    ("usage_rate", "使用率（%）"),
]

LEDGER_EXPORT_COLUMNS = [
    ("at", "记账时间"),
    ("value_date", "业务日期"),
    ("year", "预算年度"),
    ("line", "预算科目"),
    ("kind", "类型"),
    ("amount", "金额（元）"),
    ("linkage_mode", "联动模式"),
    ("reference", "业务依据"),
    ("counterparty", "收款方"),
    ("bank_reference", "银行流水号"),
    ("commitment", "对应承诺分录"),
    ("actor", "经办人"),
    ("note", "备注"),
]


def _line_row(line: BudgetLine) -> dict[str, Any]:
    b = selectors.balance_of(line)
    return {
        "year": line.year,
        "purpose": line.get_purpose_display(),
        "name": line.name,
        "budgeted": b.budgeted,
        "used": b.used,
        "paid": b.paid,
        "open": b.open,
        "available": b.available,
        "usage_rate": b.usage_rate,
    }


def _entry_row(e: LedgerEntry) -> dict[str, Any]:
    return {
        "at": e.at,
        "value_date": e.value_date,
        "year": e.line.year,
        "line": e.line.name,
        "kind": e.get_kind_display(),
        "amount": e.amount,
        "linkage_mode": e.get_linkage_mode_display() if e.linkage_mode else "",
        "reference": e.reference,
        "counterparty": e.counterparty,
        "bank_reference": e.bank_reference,
        "commitment": e.commitment_id or "",
        "actor": str(e.actor or ""),
        "note": e.note,
    }


def _city(request: HttpRequest) -> Actor:
    """The fund's pages are the city office's; for anyone else they do not exist."""
    actor = actor_of(request)
    if not actor.is_city:
        raise NotFound("页面")
    return actor


def _wan(value: Decimal) -> str:
    """An amount in 万元 for the charts (display only; tables show yuan to the fen)."""
    return str((value / WAN).quantize(Decimal("0.01")))


def _year(request: HttpRequest, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    if raw == "all":
        return None
    if raw.isdigit():
        return int(raw)
    today = timezone.localdate().year
    return today if today in years or not years else years[0]


@login_required_actor
def overview(request: HttpRequest) -> HttpResponse:
    """Budget usage by line (stacked bar: paid / committed not paid / available), by linkage mode,
    and the list of lines."""
    actor = _city(request)
    years = selectors.fund_years(actor)
    year = _year(request, years)
    purpose = request.GET.get("purpose", "")
    qs = selectors.budget_lines_for(actor, year=year, purpose=purpose or None)
    if wants_export(request):
        return export_list("budget-lines", LINE_EXPORT_COLUMNS, qs, _line_row)
    every = [(line, selectors.balance_of(line)) for line in qs]
    listing = paginate(request, every)
    summary = usage.usage_for(actor, year)
    chart = {
        "names": [f"{line.year} {line.name}" if year is None else line.name for line, _ in every],
        "paid": [_wan(b.paid) for _, b in every],
        "open": [_wan(b.open) for _, b in every],
        "available": [_wan(b.available) for _, b in every],
    }
    modes = summary["by_linkage_mode"]
    linkage_chart = {
        "names": [r.label for r in modes],
        "used": [_wan(r.used) for r in modes],
        "paid": [_wan(r.paid) for r in modes],
    }
    ctx = {
        **listing,
        "rows": listing["page"],
        "years": years,
        "year": year,
        "purpose": purpose,
        "purposes": Purpose.choices,
        "summary": summary,
        "chart": json.dumps(chart, ensure_ascii=False),
        "linkage_chart": json.dumps(linkage_chart, ensure_ascii=False),
        "can_manage": actor.has_role("admin"),
    }
    return render(request, "funds/overview.html", ctx)


def _ledger_filter(request: HttpRequest) -> tuple[LedgerFilterForm, selectors.LedgerFilter]:
    form = LedgerFilterForm(request.GET)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    for bad in form.errors:
        messages.warning(request, f"筛选条件“{form.fields[bad].label}”无效，已忽略")
    return form, selectors.LedgerFilter(**data)


@login_required_actor
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    """A line's balance (with the identities) and its ledger: filter, paginate, export."""
    actor = _city(request)
    line = selectors.budget_line_get(actor, line_id)
    form, f = _ledger_filter(request)
    qs = selectors.ledger_for(actor, line.pk, f)
    if wants_export(request):
        return export_list(f"ledger-{line.year}-{line.pk}", LEDGER_EXPORT_COLUMNS, qs, _entry_row)
    ctx = {
        **paginate(request, qs),
        "line": line,
        "b": selectors.balance_of(line),
        "filter_form": form,
        "can_manage": actor.has_role("admin"),
    }
    return render(request, "funds/line_detail.html", ctx)


@login_required_actor
def ledger(request: HttpRequest) -> HttpResponse:
    """Every line's ledger in one list, filtered by year and line too."""
    actor = _city(request)
    form, f = _ledger_filter(request)
    year = request.GET.get("year", "")
    line_id = request.GET.get("line", "")
    f = replace(f, year=int(year) if year.isdigit() else None)
    qs = selectors.ledger_for(actor, int(line_id) if line_id.isdigit() else None, f)
    if wants_export(request):
        return export_list("fund-ledger", LEDGER_EXPORT_COLUMNS, qs, _entry_row)
    ctx = {
        **paginate(request, qs),
        "filter_form": form,
        "years": selectors.fund_years(actor),
        "year": year,
        "lines": selectors.budget_lines_for(actor),
        "line_id": line_id,
    }
    return render(request, "funds/ledger.html", ctx)


@login_required_actor
def line_create(request: HttpRequest) -> HttpResponse:
    actor = _city(request)
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = lines.budget_line_create(
                actor=actor, data=lines.BudgetLineInput(**form.cleaned_data)
            )
        except NotFound:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已创建预算科目：{line}")
            return redirect("funds:line", line_id=line.pk)
    return render(request, "funds/line_create.html", {"form": form})


@login_required_actor
def line_topup(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = _city(request)
    line = selectors.budget_line_get(actor, line_id)
    form = TopupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lines.budget_line_topup(
                actor=actor,
                line_id=line.pk,
                amount=form.signed_amount(),
                note=form.cleaned_data["note"],
            )
        except NotFound:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "预算已调整")
            return redirect("funds:line", line_id=line.pk)
    ctx = {"form": form, "line": line, "b": selectors.balance_of(line)}
    return render(request, "funds/line_topup.html", ctx)
