"""Pages: shared credit data filing (信用数据报送): the list, one record, a spreadsheet import."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kejin.apps.credit import selectors
from kejin.apps.credit.forms import ImportForm, RecordForm
from kejin.apps.credit.models import CreditRecord, RecordKind, RecordStatus
from kejin.apps.credit.services import imports, records
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.spreadsheets import ImportRejected, template_xlsx
from kejin.rules.errors import DomainError

RECORD_COLUMNS = [
    ("record_date", "记录日期"),
    ("kind", "记录类型"),
    ("enterprise", "企业"),
    ("uscc", "统一社会信用代码"),
    ("summary", "内容"),
    ("person", "涉及个人"),
    ("source", "数据来源"),
    ("status", "状态"),
    ("created_at", "报送时间"),
]


def _row(r: CreditRecord) -> dict[str, Any]:
    return {
        "record_date": r.record_date,
        "kind": r.get_kind_display(),
        "enterprise": r.enterprise.name,
        "uscc": r.enterprise.uscc,
        "summary": r.summary(),
        "person": f"{r.person_name} {r.person_id_masked}".strip(),
        "source": r.source.name,
        "status": r.get_status_display(),
        "created_at": r.created_at,
    }


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required_actor
def record_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind == OrgKind.ENTERPRISE:
        return redirect("credit:mine")
    g = request.GET
    f = selectors.RecordFilter(
        q=g.get("q", "").strip(),
        kind=g.get("kind", ""),
        status=g.get("status", ""),
        date_from=_day(g.get("date_from", "")),
        date_to=_day(g.get("date_to", "")),
    )
    qs = selectors.records_for(actor, f)
    if wants_export(request):
        return export_list("credit-records", RECORD_COLUMNS, qs.iterator(), _row)
    ctx = {
        **paginate(request, qs),
        "f": f,
        "kinds": RecordKind.choices,
        "statuses": RecordStatus.choices,
        "can_file": actor.kind in records.FILERS and actor.has_role("admin", "officer"),
    }
    return render(request, "credit/records.html", ctx)


@login_required_actor
def record_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = records.credit_record_file(
                actor=actor, data=records.RecordInput.from_mapping(form.cleaned_data)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已报送：{made.enterprise.name} {made.get_kind_display()}")
            return redirect("credit:records")
    return render(request, "credit/record_form.html", {"form": form})


@login_required_actor
def record_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.GET.get("template"):
        return template_xlsx(
            "信用数据导入模板", [label for _, label in imports.COLUMNS], imports.EXAMPLE
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = imports.credit_records_import(
                actor=actor, upload=upload, filename=upload.name
            )
        except ImportRejected as exc:
            row_errors = [e.as_dict() for e in exc.row_errors]
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已导入 {len(created)} 条信用记录")
            return redirect("credit:records")
    labels = dict(imports.COLUMNS)
    for e in row_errors:
        e["label"] = labels.get(e["field"], e["field"])
    return render(request, "credit/import.html", {"form": form, "row_errors": row_errors})
