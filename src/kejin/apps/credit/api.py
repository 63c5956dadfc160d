"""The credit context over the API: thin handlers (auth → access → service → schema)."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja import File as FileParam
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.credit import report as reports
from kejin.apps.credit import selectors
from kejin.apps.credit.models import Rating, ReadWhat
from kejin.apps.credit.schemas import (
    BatchOut,
    ConsentIn,
    ConsentOut,
    CreatedOut,
    DecisionIn,
    DisputeOut,
    ExecutiveConsentOut,
    ExecutiveIn,
    ExecutiveOut,
    LookupOut,
    ModelCardOut,
    ModelOut,
    ParameterIn,
    ParameterOut,
    ProfileOut,
    PurposeLiteral,
    RatingOut,
    ReadLogOut,
    RecordBulkIn,
    RecordIn,
    RecordOut,
    ReportOut,
    ResolveIn,
    TrainPlatformIn,
)
from kejin.apps.credit.services import (
    consent,
    disputes,
    executives,
    imports,
    models,
    parameters,
    ratings,
    records,
)
from kejin.platform.api import ERROR_RESPONSES, actor_of
from kejin.rules.errors import NotFound

router = Router(tags=["credit 信用体系"])


class RecordQuery(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""


class ReadQuery(Schema):
    outcome: str = ""
    reader: str = ""


class PurposeQuery(Schema):
    purpose: PurposeLiteral | None = None


# --- shared credit data --------------------------------------------------------------------------


@router.get("/records", response=list[RecordOut])
@paginate(PageNumberPagination)
def record_list(request: HttpRequest, filters: Query[RecordQuery]) -> object:
    """Records the caller filed (data providers, lenders) or all records (the city office)."""
    return selectors.records_for(actor_of(request), selectors.RecordFilter(**filters.dict()))


@router.post("/records", response={201: RecordOut, **ERROR_RESPONSES})
def record_file(request: HttpRequest, payload: RecordIn) -> Status[object]:
    """File one record (data providers and the city office)."""
    data = records.RecordInput(**payload.dict())
    return Status(201, records.credit_record_file(actor=actor_of(request), data=data))


@router.post("/records/bulk", response={201: CreatedOut, **ERROR_RESPONSES})
def record_file_bulk(request: HttpRequest, payload: RecordBulkIn) -> Status[dict[str, int]]:
    """File many records: all valid, or none written (errors name ``items[i].field``)."""
    items = [records.RecordInput(**item.dict()) for item in payload.items]
    created = records.credit_records_file_batch(actor=actor_of(request), items=items)
    return Status(201, {"created": len(created)})


@router.post("/records/import", response={201: CreatedOut, **ERROR_RESPONSES})
def record_import(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, int]]:
    """Import an xlsx/csv sheet of records: all rows or none (errors name ``row N.field``)."""
    created = imports.credit_records_import(
        actor=actor_of(request), upload=file.file, filename=file.name or ""
    )
    return Status(201, {"created": len(created)})


# --- consent, executives, read log ---------------------------------------------------------------


@router.get("/consents", response=list[ConsentOut])
def consent_list(request: HttpRequest) -> object:
    return selectors.consents_for(actor_of(request))


@router.post("/consents", response={201: ConsentOut, **ERROR_RESPONSES})
def consent_grant(request: HttpRequest, payload: ConsentIn) -> Status[object]:
    """The enterprise's admin authorises an institution (at most one year)."""
    return Status(201, consent.consent_grant(actor=actor_of(request), **payload.dict()))


@router.post("/consents/{consent_id}/revoke", response={200: ConsentOut, **ERROR_RESPONSES})
def consent_revoke(request: HttpRequest, consent_id: int) -> object:
    return consent.consent_revoke(actor=actor_of(request), consent_id=consent_id)


@router.get("/executives", response=list[ExecutiveOut])
def executive_list(request: HttpRequest) -> object:
    return selectors.executives_of(actor_of(request))


@router.post("/executives", response={201: ExecutiveOut, **ERROR_RESPONSES})
def executive_add(request: HttpRequest, payload: ExecutiveIn) -> Status[object]:
    return Status(201, executives.executive_add(actor=actor_of(request), **payload.dict()))


@router.post(
    "/executives/{executive_id}/consents", response={201: ExecutiveConsentOut, **ERROR_RESPONSES}
)
def executive_consent(  # noqa: PLR0917 - ninja passes each form field as an argument
    request: HttpRequest,
    executive_id: int,
    purpose: Form[PurposeLiteral],
    signed_on: Form[date],
    valid_until: Form[date],
    document: File[UploadedFile],
) -> Status[object]:
    """Upload and confirm the executive's own signed consent (PDF/PNG/JPG)."""
    made = executives.executive_consent_confirm(
        actor=actor_of(request),
        executive_id=executive_id,
        purpose=purpose,
        signed_on=signed_on,
        valid_until=valid_until,
        document=document,
    )
    return Status(201, made)


@router.get("/reads", response=list[ReadLogOut])
@paginate(PageNumberPagination)
def read_list(request: HttpRequest, filters: Query[ReadQuery]) -> object:
    """Who read the enterprise's credit data (an enterprise) or the reads the caller made."""
    return selectors.reads_for(actor_of(request), selectors.ReadFilter(**filters.dict()))


# --- an enterprise's credit data (consent required) ----------------------------------------------


@router.get("/lookup", response={200: LookupOut, **ERROR_RESPONSES})
def lookup(request: HttpRequest, uscc: str) -> object:
    """Find an enterprise by its code (no credit data: reading it needs consent)."""
    return selectors.enterprise_by_uscc(uscc)


def _report(request: HttpRequest, enterprise_id: int, purpose: str | None, what: str) -> object:
    grant = consent.authorise_read(
        actor=actor_of(request), enterprise_id=enterprise_id, purpose=purpose, what=what
    )
    return reports.build_report(grant)


@router.get("/enterprises/{enterprise_id}/profile", response={200: ProfileOut, **ERROR_RESPONSES})
def profile(request: HttpRequest, enterprise_id: int, q: Query[PurposeQuery]) -> object:
    """The credit profile (records by source, executives). 403 ``credit.no_consent`` without a
    valid consent; every read and refusal is logged."""
    return _report(request, enterprise_id, q.purpose, ReadWhat.PROFILE).as_dict()  # type: ignore[attr-defined]


@router.get("/enterprises/{enterprise_id}/rating", response={200: RatingOut, **ERROR_RESPONSES})
def rating(request: HttpRequest, enterprise_id: int, q: Query[PurposeQuery]) -> Rating:
    consent.require_consent(
        actor=actor_of(request),
        enterprise_id=enterprise_id,
        purpose=q.purpose,
        what=ReadWhat.RATING,
    )
    found = selectors.latest_rating(enterprise_id)
    if found is None:
        raise NotFound("该企业的信用评级")
    return found


@router.get("/enterprises/{enterprise_id}/report", response={200: ReportOut, **ERROR_RESPONSES})
def report(request: HttpRequest, enterprise_id: int, q: Query[PurposeQuery]) -> object:
    return _report(request, enterprise_id, q.purpose, ReadWhat.REPORT).as_dict()  # type: ignore[attr-defined]


@router.get("/enterprises/{enterprise_id}/report.pdf", response={200: None, **ERROR_RESPONSES})
def report_pdf(request: HttpRequest, enterprise_id: int, q: Query[PurposeQuery]) -> HttpResponse:
    made = _report(request, enterprise_id, q.purpose, ReadWhat.REPORT_PDF)
    response = HttpResponse(reports.render_pdf(made), content_type="application/pdf")  # type: ignore[arg-type]
    response["Content-Disposition"] = f'attachment; filename="credit-report-{enterprise_id}.pdf"'
    return response


@router.post("/enterprises/{enterprise_id}/rate", response={201: RatingOut, **ERROR_RESPONSES})
def rate(request: HttpRequest, enterprise_id: int) -> Status[Rating]:
    """The city office rates one enterprise now with the approved model."""
    return Status(201, ratings.rating_refresh(actor=actor_of(request), enterprise_id=enterprise_id))


# --- disputes ------------------------------------------------------------------------------------


@router.get("/disputes", response=list[DisputeOut])
@paginate(PageNumberPagination)
def dispute_list(request: HttpRequest, status: str = "") -> object:
    return selectors.disputes_for(actor_of(request), status)


@router.post("/disputes", response={201: DisputeOut, **ERROR_RESPONSES})
def dispute_raise(
    request: HttpRequest,
    record_id: Form[int],
    reason: Form[str],
    attachment: UploadedFile | None = FileParam(None),  # noqa: B008 - ninja optional file
) -> Status[object]:
    made = disputes.dispute_raise(
        actor=actor_of(request), record_id=record_id, reason=reason, attachment=attachment
    )
    return Status(201, made)


@router.get("/disputes/{dispute_id}", response={200: DisputeOut, **ERROR_RESPONSES})
def dispute_detail(request: HttpRequest, dispute_id: int) -> object:
    return selectors.dispute_get(actor_of(request), dispute_id)


@router.post("/disputes/{dispute_id}/resolve", response={200: DisputeOut, **ERROR_RESPONSES})
def dispute_resolve(request: HttpRequest, dispute_id: int, payload: ResolveIn) -> object:
    return disputes.dispute_resolve(
        actor=actor_of(request), dispute_id=dispute_id, **payload.dict()
    )


# --- scoring models, batches, parameters (the city office) ---------------------------------------


@router.get("/models", response=list[ModelOut])
def model_list(request: HttpRequest) -> object:
    return selectors.models_for(actor_of(request))


@router.post("/models/train-csv", response={201: ModelOut, **ERROR_RESPONSES})
def model_train_csv(
    request: HttpRequest, name: Form[str], file: File[UploadedFile]
) -> Status[object]:
    """Train on an uploaded CSV (feature columns + ``default``); runs as a background task."""
    made = models.scoring_model_train_csv(
        actor=actor_of(request), name=name, upload=file.file, filename=file.name or ""
    )
    return Status(201, made)


@router.post("/models/train-platform", response={201: ModelOut, **ERROR_RESPONSES})
def model_train_platform(request: HttpRequest, payload: TrainPlatformIn) -> Status[object]:
    made = models.scoring_model_train_platform(actor=actor_of(request), **payload.dict())
    return Status(201, made)


@router.get("/models/{model_id}", response={200: ModelCardOut, **ERROR_RESPONSES})
def model_detail(request: HttpRequest, model_id: int) -> object:
    return selectors.model_get(actor_of(request), model_id)


@router.post("/models/{model_id}/approve", response={200: ModelOut, **ERROR_RESPONSES})
def model_approve(request: HttpRequest, model_id: int, payload: DecisionIn) -> object:
    return models.scoring_model_approve(
        actor=actor_of(request), model_id=model_id, note=payload.note
    )


@router.post("/models/{model_id}/reject", response={200: ModelOut, **ERROR_RESPONSES})
def model_reject(request: HttpRequest, model_id: int, payload: DecisionIn) -> object:
    return models.scoring_model_reject(
        actor=actor_of(request), model_id=model_id, note=payload.note
    )


@router.post("/ratings/batches", response={201: BatchOut, **ERROR_RESPONSES})
def batch_start(request: HttpRequest) -> Status[object]:
    """Rate every active enterprise with the approved model (background task)."""
    batch = ratings.rating_batch_start(actor=actor_of(request))
    batch.refresh_from_db()
    return Status(201, batch)


@router.get("/ratings/batches/{batch_id}", response={200: BatchOut, **ERROR_RESPONSES})
def batch_detail(request: HttpRequest, batch_id: int) -> object:
    return selectors.batch_get(actor_of(request), batch_id)


@router.get("/parameters", response=list[ParameterOut])
def parameter_list(request: HttpRequest) -> object:
    return selectors.scoring_parameters() if actor_of(request).is_city else []


@router.post("/parameters", response={201: ParameterOut, **ERROR_RESPONSES})
def parameter_add(request: HttpRequest, payload: ParameterIn) -> Status[object]:
    return Status(201, parameters.scoring_parameter_add(actor=actor_of(request), **payload.dict()))
