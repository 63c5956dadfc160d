"""The city office's pages for public notices, objections and payment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.policies import selectors
from kejin.apps.policies.forms import BatchForm, NoticeForm, PaidForm, ResolveForm
from kejin.apps.policies.models import ObjectionStatus
from kejin.apps.policies.services import notice, payment
from kejin.platform.pages import actor_of, apply_domain_error, login_required_actor, paginate
from kejin.platform.spreadsheets import export_xlsx
from kejin.rules.errors import DomainError, NotFound, PermissionDenied


def _city(request: HttpRequest) -> None:
    if not actor_of(request).is_city:
        raise PermissionDenied("公示与拨付由市科技局办理")


@login_required_actor
def notices_manage(request: HttpRequest) -> HttpResponse:
    """公示: awards approved and waiting for their notice; notices; objections to handle."""
    _city(request)
    actor = actor_of(request)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        try:
            created = notice.notice_open(actor=actor, application_ids=ids, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"公示 {created.number} 已发布：{created.opens_on} 至 {created.closes_on}"
                f"（{created.working_days} 个工作日）",
            )
            return redirect("policies:notices_manage")
    ctx = {
        "pending": selectors.pending_notice_for(actor),
        "form": form,
        "notices": selectors.notices_for(actor)[:50],
        "objections": selectors.objections_for(actor, ObjectionStatus.PENDING),
    }
    return render(request, "policies/notices_manage.html", ctx)


@login_required_actor
@require_POST
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        closed = notice.notice_close(actor=actor_of(request), notice_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"公示 {closed.number} 已办结，无异议的奖补已批准")
    return redirect("policies:notices_manage")


@login_required_actor
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    objection = selectors.objection_get(actor, pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice.objection_resolve(actor=actor, objection_id=pk, **form.cleaned_data)
        except NotFound:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"异议 {objection.number} 已处理")
            return redirect("policies:notices_manage")
    return render(request, "policies/objection.html", {"o": objection, "form": form})


@login_required_actor
def payments(request: HttpRequest) -> HttpResponse:
    """拨付: approved awards not yet in a batch; the batches."""
    _city(request)
    actor = actor_of(request)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        try:
            created = payment.payment_batch_create(
                actor=actor, application_ids=ids, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"拨付批次 {created.number} 已生成（{created.count} 笔）")
            return redirect("policies:payment_batch", pk=created.pk)
    ctx = {
        "unpaid": selectors.approved_unpaid_for(actor),
        "form": form,
        **paginate(request, selectors.payment_batches_for(actor)),
    }
    return render(request, "policies/payments.html", ctx)


@login_required_actor
def payment_batch(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    batch = selectors.payment_batch_get(actor, pk)
    form = PaidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment.payment_batch_mark_paid(actor=actor, batch_id=pk, **form.cleaned_data)
        except NotFound:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"拨付批次 {batch.number} 已登记拨付")
            return redirect("policies:payment_batch", pk=pk)
    ctx = {
        "batch": batch,
        "rows": payment.transfer_rows(batch),
        "form": form,
        "apps": batch.applications.select_related("applicant", "program"),
    }
    return render(request, "policies/payment_batch.html", ctx)


@login_required_actor
def payment_transfer(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The bank transfer file of a batch (xlsx or CSV)."""
    batch, rows = payment.payment_batch_export(actor=actor_of(request), batch_id=pk)
    if fmt == "xlsx":
        return export_xlsx(f"transfer-{batch.number}", payment.TRANSFER_COLUMNS, rows)
    response = HttpResponse(payment.transfer_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transfer-{batch.number}.csv"'
    return response
