"""Pages of an enterprise's data: profile, yearly filings, IP, HNTE certificates, awards,
standards, R&D institutions, executives, imports and history. Same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.facts import ip_standing
from kejin.apps.enterprises.forms import (
    FinancialYearForm,
    ImportForm,
    ProfileForm,
    form_class,
    initial_of,
)
from kejin.apps.enterprises.models import IpKind
from kejin.apps.enterprises.services import financials, imports, records
from kejin.apps.enterprises.services.financials import PROFILE_FIELDS, YEAR_FIELDS
from kejin.apps.enterprises.views.common import enterprise_context, to_mine
from kejin.platform.audit.selectors import AuditFilter, audit_list_for
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.spreadsheets import ImportRejected, template_xlsx
from kejin.rules.errors import DomainError, PermissionDenied

RECORD_PAGES = ("awards", "standards", "institutions", "executives")
YEAR_EXPORT = [("year", "年度")] + [(f.name, f.label) for f in YEAR_FIELDS]


@login_required_actor
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind == "enterprise":
        return to_mine(request, "enterprises:detail")
    if actor.is_city or actor.is_district:
        return redirect("enterprises:results")
    raise PermissionDenied("金融机构不能在此查看企业数据；请通过征信授权查询")


@login_required_actor
def mine(request: HttpRequest) -> HttpResponse:
    return to_mine(request, "enterprises:detail")


@login_required_actor
def detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "detail")
    actor = actor_of(request)
    years = selectors.financial_years_for(actor, enterprise_id)
    ctx |= {
        "latest": years.first(),
        "executives": selectors.records_for(actor, enterprise_id, "executives"),
        "ip_count": selectors.records_for(actor, enterprise_id, "ip").count(),
        "expiring": selectors.expiring_certificates_for(actor, enterprise_id=enterprise_id),
        "published": selectors.results_of_enterprise(actor, enterprise_id)[:3],
        "can_see_history": (actor.org_id == enterprise_id and actor.has_role("admin"))
        or (actor.is_city and actor.has_role("auditor")),
    }
    return render(request, "enterprises/detail.html", ctx)


@login_required_actor
def profile_edit(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "detail")
    card = ctx["ent"]
    initial = {s.name: card[s.name] for s in PROFILE_FIELDS}
    initial["legal_representative"] = card["legal_representative"]
    form = ProfileForm(request.POST or None, initial=initial)
    if not actor_of(request).has_role("admin"):
        field = form.fields["legal_representative"]
        field.disabled = True
        field.help_text = "法定代表人由本企业管理员修改"
    if request.method == "POST" and form.is_valid():
        try:
            financials.profile_update(
                actor=actor_of(request), enterprise_id=enterprise_id, data=form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "企业概况已保存")
            return redirect("enterprises:detail", enterprise_id=enterprise_id)
    return render(
        request, "enterprises/form_page.html", ctx | {"form": form, "title": "编辑企业概况"}
    )


def _year_row(row: Any) -> dict[str, Any]:
    values = {name: getattr(row, name) for name, _ in YEAR_EXPORT}
    for spec in YEAR_FIELDS:
        if spec.kind == "bool" and values[spec.name] is not None:
            values[spec.name] = "是" if values[spec.name] else "否"
    return values


@login_required_actor
def years(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "years")
    qs = selectors.financial_years_for(actor_of(request), enterprise_id)
    if wants_export(request):
        return export_list("financial-years", YEAR_EXPORT, qs, _year_row)
    form = FinancialYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year = data.pop("year")
        try:
            financials.financial_year_save(
                actor=actor_of(request), enterprise_id=enterprise_id, year=year, data=data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"{year} 年度数据已保存")
            return redirect("enterprises:years", enterprise_id=enterprise_id)
    return render(request, "enterprises/years.html", ctx | {**paginate(request, qs), "form": form})


@login_required_actor
def year_edit(request: HttpRequest, enterprise_id: int, year: int) -> HttpResponse:
    from kejin.apps.enterprises.forms import CorrectionForm  # noqa: PLC0415

    ctx = enterprise_context(request, enterprise_id, "years")
    row = selectors.financial_year_for(actor_of(request), enterprise_id, year)
    initial = initial_of(row, YEAR_FIELDS)
    if row.is_locked:
        form = CorrectionForm(initial=initial)
        ctx["pending"] = row.corrections.filter(status="pending").first()
    else:
        form = FinancialYearForm(request.POST or None, initial=initial, with_year=False)
        if request.method == "POST" and form.is_valid():
            try:
                financials.financial_year_save(
                    actor=actor_of(request), enterprise_id=enterprise_id, year=year,
                    data=form.cleaned_data,
                )  # fmt: skip
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"{year} 年度数据已保存")
                return redirect("enterprises:years", enterprise_id=enterprise_id)
    return render(request, "enterprises/year_edit.html", ctx | {"row": row, "form": form})


def _import_page(
    request: HttpRequest, enterprise_id: int, *, what: str, columns: list[tuple[str, str]],
    example: list[Any], run: Any, back: str, tab: str,
) -> HttpResponse:  # fmt: skip
    ctx = enterprise_context(request, enterprise_id, tab)
    if request.GET.get("template"):
        return template_xlsx(f"{what}导入模板", [label for _, label in columns], example)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = run(actor=actor_of(request), enterprise_id=enterprise_id, upload=upload,
                        filename=upload.name)  # fmt: skip
        except ImportRejected as exc:
            row_errors = [e.as_dict() for e in exc.row_errors]
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已导入 {len(saved)} 行{what}")
            return redirect(back, enterprise_id=enterprise_id)
    labels = dict(columns)
    for e in row_errors:
        e["label"] = labels.get(e["field"], e["field"])
    ctx |= {"form": form, "row_errors": row_errors, "what": what, "columns": columns}
    return render(request, "enterprises/import.html", ctx)


@login_required_actor
def years_import(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    year = timezone.localdate().year - 1
    example = [year, 120, 36, "35000000.00", "30000000.00", "2100000.00", "2000000.00",
               "48000000.00", "1500000.00", "900000.00", "36000000.00", "25000000.00",
               "是", "否", "否", "否", "否"]  # fmt: skip
    return _import_page(
        request, enterprise_id, what="年度数据", columns=imports.YEAR_COLUMNS, example=example,
        run=imports.financial_years_import, back="enterprises:years", tab="years",
    )  # fmt: skip


@login_required_actor
def ip_import(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    example = ["发明专利", "ZL202310000001.1", "一种高精度视觉检测方法", "2024-03-15",
               "2043-09-01", "否", "是"]  # fmt: skip
    return _import_page(
        request, enterprise_id, what="知识产权", columns=imports.IP_COLUMNS, example=example,
        run=imports.ip_items_import, back="enterprises:ip", tab="ip",
    )  # fmt: skip


IP_EXPORT = [
    ("kind", "知识产权类型"),
    ("number", "编号"),
    ("title", "名称"),
    ("grant_date", "授权日期"),
    ("expiry_date", "有效期至"),
    ("disputed", "存在权属纠纷"),
    ("related_to_main_products", "与主营产品相关"),
    ("standing", "今日是否计入评价"),
]


def _ip_row(item: Any) -> dict[str, Any]:
    return {
        "kind": item.get_kind_display(),
        "number": item.number,
        "title": item.title,
        "grant_date": item.grant_date,
        "expiry_date": item.expiry_date,
        "disputed": "是" if item.disputed else "否",
        "related_to_main_products": "是" if item.related_to_main_products else "否",
        "standing": ip_standing(item, timezone.localdate()).reason,
    }


@login_required_actor
def ip_list(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "ip")
    g = request.GET
    f = selectors.IpFilter(kind=g.get("kind", ""), status=g.get("status", ""), q=g.get("q", ""))
    qs = selectors.ip_list_for(actor_of(request), enterprise_id, f)
    if wants_export(request):
        return export_list("ip-items", IP_EXPORT, qs, _ip_row)
    spec = records.record_kind("ip")
    form = record_form(request, enterprise_id, "ip")
    if isinstance(form, HttpResponse):
        return form
    page = paginate(request, qs)
    today = timezone.localdate()
    rows = [(item, ip_standing(item, today)) for item in page["page"]]
    ctx |= page | {"rows": rows, "f": f, "kinds": IpKind.choices, "form": form, "spec": spec}
    return render(request, "enterprises/ip.html", ctx)


def record_form(request: HttpRequest, enterprise_id: int, kind: str) -> Any:
    """The add form of a record kind; on a valid POST the record is created (then redirect)."""
    spec = records.record_kind(kind)
    form = form_class(f"{kind}Form", spec.fields)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.record_create(
                actor=actor_of(request), enterprise_id=enterprise_id, kind=kind,
                data=form.cleaned_data,
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已添加{spec.label}")
            return redirect(request.path)
    return form


@login_required_actor
def record_list(request: HttpRequest, enterprise_id: int, kind: str) -> HttpResponse:
    if kind not in RECORD_PAGES:
        return redirect("enterprises:records", enterprise_id=enterprise_id, kind="awards")
    ctx = enterprise_context(request, enterprise_id, "records")
    form = record_form(request, enterprise_id, kind)
    if isinstance(form, HttpResponse):
        return form
    spec = records.record_kind(kind)
    qs = selectors.records_for(actor_of(request), enterprise_id, kind)
    kinds = [(k, records.record_kind(k).label) for k in RECORD_PAGES]
    ctx |= paginate(request, qs) | {"form": form, "spec": spec, "kind": kind, "kinds": kinds}
    ctx["export_url"] = None
    return render(request, "enterprises/records.html", ctx)


@login_required_actor
def record_edit(request: HttpRequest, enterprise_id: int, kind: str, pk: int) -> HttpResponse:
    spec = records.record_kind(kind)
    tab = {"ip": "ip", "hnte_certificates": "hnte"}.get(kind, "records")
    ctx = enterprise_context(request, enterprise_id, tab)
    record = selectors.record_get(actor_of(request), enterprise_id, kind, pk)
    form = form_class(f"{kind}EditForm", spec.fields)(
        request.POST or None, initial=initial_of(record, spec.fields)
    )
    back = {"ip": "enterprises:ip", "hnte_certificates": "enterprises:hnte"}
    if request.method == "POST" and form.is_valid():
        try:
            records.record_update(
                actor=actor_of(request), enterprise_id=enterprise_id, kind=kind, pk=pk,
                changes=form.cleaned_data,
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"{spec.label}已保存")
            if kind in back:
                return redirect(back[kind], enterprise_id=enterprise_id)
            return redirect("enterprises:records", enterprise_id=enterprise_id, kind=kind)
    title = f"编辑{spec.label}：{record}"
    return render(request, "enterprises/form_page.html", ctx | {"form": form, "title": title})


@login_required_actor
@require_POST
def record_delete(request: HttpRequest, enterprise_id: int, kind: str, pk: int) -> HttpResponse:
    spec = records.record_kind(kind)
    try:
        records.record_delete(
            actor=actor_of(request), enterprise_id=enterprise_id, kind=kind, pk=pk
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除{spec.label}")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("enterprises:detail", enterprise_id=enterprise_id)


@login_required_actor
def history(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    ctx = enterprise_context(request, enterprise_id, "detail")
    qs = audit_list_for(actor_of(request), AuditFilter(organisation_id=enterprise_id)).filter(
        content_type__app_label="enterprises"
    )
    return render(
        request, "enterprises/history.html", ctx | paginate(request, qs) | {"export_url": None}
    )
