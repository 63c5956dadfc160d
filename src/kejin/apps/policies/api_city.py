"""The city office's endpoints (notices, objections, payment, parameters, the book-wide run) and
milestones. Mounted on the policies router."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.policies import selectors
from kejin.apps.policies.models import InterestBatchRun, Milestone, Notice, Objection, PaymentBatch
from kejin.apps.policies.schemas import (
    MilestoneOut,
    NoticeOut,
    ObjectionOut,
    PaidIn,
    ParameterIn,
    ParameterOut,
    ParameterValueOut,
    PaymentBatchIn,
    PaymentBatchOut,
    ResolveIn,
    RunIn,
    RunOut,
    WhatIfOut,
)
from kejin.apps.policies.services import batch, milestones, notice, parameters, payment
from kejin.apps.policies.services.workflow import require_city
from kejin.platform.api import ERROR_RESPONSES, actor_of
from kejin.platform.spreadsheets import export_xlsx

router = Router()


@router.post("/notices/{notice_id}/close", response={200: NoticeOut, **ERROR_RESPONSES})
def notice_close(request: HttpRequest, notice_id: int) -> Notice:
    """After the period: awards without a pending objection are approved."""
    return notice.notice_close(actor=actor_of(request), notice_id=notice_id)


@router.get("/objections", response=list[ObjectionOut])
@paginate(PageNumberPagination)
def objection_list(request: HttpRequest, status: str = "") -> object:
    return selectors.objections_for(actor_of(request), status)


@router.post("/objections/{objection_id}/resolve", response={200: ObjectionOut, **ERROR_RESPONSES})
def objection_resolve(request: HttpRequest, objection_id: int, payload: ResolveIn) -> Objection:
    return notice.objection_resolve(
        actor=actor_of(request), objection_id=objection_id, **payload.dict()
    )


@router.get("/payment-batches", response=list[PaymentBatchOut])
@paginate(PageNumberPagination)
def batch_list(request: HttpRequest) -> object:
    return selectors.payment_batches_for(actor_of(request))


@router.post("/payment-batches", response={201: PaymentBatchOut, **ERROR_RESPONSES})
def batch_create(request: HttpRequest, payload: PaymentBatchIn) -> Status[PaymentBatch]:
    return Status(201, payment.payment_batch_create(actor=actor_of(request), **payload.dict()))


@router.get("/payment-batches/{batch_id}/transfer", response={200: None, **ERROR_RESPONSES})
def batch_transfer(request: HttpRequest, batch_id: int, format: str = "csv") -> HttpResponse:
    """The bank transfer file: ``format=csv`` (UTF-8) or ``format=xlsx``."""
    found, rows = payment.payment_batch_export(actor=actor_of(request), batch_id=batch_id)
    if format == "xlsx":
        return export_xlsx(f"transfer-{found.number}", payment.TRANSFER_COLUMNS, rows)
    response = HttpResponse(payment.transfer_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transfer-{found.number}.csv"'
    return response


@router.post("/payment-batches/{batch_id}/paid", response={200: PaymentBatchOut, **ERROR_RESPONSES})
def batch_paid(request: HttpRequest, batch_id: int, payload: PaidIn) -> PaymentBatch:
    return payment.payment_batch_mark_paid(
        actor=actor_of(request), batch_id=batch_id, **payload.dict()
    )


@router.get("/parameters", response=list[ParameterOut])
def parameter_list(request: HttpRequest, on: date | None = None) -> list[Any]:
    """Every parameter with its value in force (today or ``on``) and its dated history."""
    require_city(actor_of(request), "admin", "officer", "reviewer", "auditor", what="查看参数")
    return [
        {
            "key": r.key,
            "label": r.label,
            "unit": r.unit,
            "current": r.current.to_dict() if r.current else None,
            "history": [v.to_dict() for v in r.history],
        }
        for r in selectors.parameter_overview(on)
    ]


def _draft(payload: ParameterIn) -> parameters.DraftValue:
    return parameters.DraftValue(**payload.dict())


@router.post("/parameters", response={201: ParameterValueOut, **ERROR_RESPONSES})
def parameter_add(request: HttpRequest, payload: ParameterIn) -> Status[object]:
    """Add a dated value; refused on or before a date an approved award read the parameter."""
    created = parameters.parameter_value_add(actor=actor_of(request), draft=_draft(payload))
    return Status(201, created)


@router.post("/parameters/what-if", response={200: WhatIfOut, **ERROR_RESPONSES})
def parameter_what_if(request: HttpRequest, payload: ParameterIn) -> dict[str, Any]:
    """Recompute the open applications with a draft value (nothing is saved)."""
    result = parameters.parameter_what_if(actor=actor_of(request), draft=_draft(payload))
    return {
        "key": result.record.key,
        "effective_from": result.record.effective_from,
        "value": result.record.value,
        "blocked": result.blocked,
        "total_before": result.total_before,
        "total_after": result.total_after,
        "total_difference": result.total_difference,
        "changed": result.changed,
        "rows": [
            {
                "application_id": r.application.pk,
                "number": r.application.number,
                "applicant_name": r.application.applicant.name,
                "status": r.application.status,
                "stored": r.stored,
                "before": r.before,
                "after": r.after,
                "difference": r.difference,
                "error": r.error,
            }
            for r in result.rows
        ],
    }


@router.post("/interest-batch-runs", response={201: RunOut, **ERROR_RESPONSES})
def run_start(request: HttpRequest, payload: RunIn) -> Status[InterestBatchRun]:
    """免申即享: compute the interest subsidy for the whole loan book in the background."""
    run = batch.interest_batch_start(actor=actor_of(request), program_id=payload.program_id)
    return Status(201, run)


@router.get("/interest-batch-runs/{run_id}", response={200: RunOut, **ERROR_RESPONSES})
def run_detail(request: HttpRequest, run_id: int) -> InterestBatchRun:
    return selectors.run_get(actor_of(request), run_id)


@router.get("/milestones", response=list[MilestoneOut])
@paginate(PageNumberPagination)
def milestone_list(request: HttpRequest) -> object:
    return selectors.milestones_for(actor_of(request))


@router.post("/milestones", response={201: MilestoneOut, **ERROR_RESPONSES})
def milestone_record(  # noqa: PLR0917 - one form field per argument
    request: HttpRequest,
    kind: Form[str],
    reached_on: Form[date],
    evidence: File[UploadedFile],
    enterprise_uscc: Form[str] = "",
    note: Form[str] = "",
) -> Status[Milestone]:
    """An enterprise records its milestone; a broker one of the enterprises it tutors."""
    data = milestones.MilestoneInput(
        kind=kind, reached_on=reached_on, enterprise_uscc=enterprise_uscc, note=note
    )
    return Status(
        201, milestones.milestone_record(actor=actor_of(request), data=data, evidence=evidence)
    )
