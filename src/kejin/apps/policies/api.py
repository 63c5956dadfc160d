"""Policies, programs and applications over the API: thin handlers (auth → service → schema).

Public (no login): policies, programs, public notices, filing an objection. The city office's
notice, payment, parameter and batch endpoints are in ``api_city``.
"""

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.policies import selectors
from kejin.apps.policies.api_city import router as city_router
from kejin.apps.policies.codes import CLAUSE_OF
from kejin.apps.policies.measures import measure_of
from kejin.apps.policies.models import Application, Notice, Objection, Policy, Program
from kejin.apps.policies.notifications import notification_mark_read, notifications_for
from kejin.apps.policies.schemas import (
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    AwardOut,
    BulkOut,
    DocumentOut,
    EstimateIn,
    IdsIn,
    NoticeDetailOut,
    NoticeIn,
    NoticeOut,
    NotificationOut,
    ObjectionIn,
    ObjectionReceiptOut,
    PolicyDetailOut,
    PolicyIn,
    PolicyOut,
    ProgramDetailOut,
    ProgramIn,
    ProgramOut,
    ReviewIn,
    WithdrawIn,
)
from kejin.apps.policies.services import apply, notice, programs, review
from kejin.platform.api import ERROR_RESPONSES, actor_of
from kejin.rules.subsidies.trace import clause

router = Router(tags=["policies 政策与扶持申报"])
router.add_router("", city_router)


class ApplicationQuery(Schema):
    q: str = ""
    status: str = ""
    program_id: int | None = None
    measure: str = ""
    district_code: str = ""
    origin: str = ""
    overdue: bool = False
    sort: str = "-created"


def _filter(q: ApplicationQuery) -> selectors.ApplicationFilter:
    return selectors.ApplicationFilter(**q.dict())


# --- public ---------------------------------------------------------------------------------


@router.get("/policies", response=list[PolicyOut], auth=None)
def policy_list(request: HttpRequest) -> object:
    """Public: the policies in force."""
    return selectors.policies_published()


@router.get("/policies/{policy_id}", response={200: PolicyDetailOut, **ERROR_RESPONSES}, auth=None)
def policy_detail(request: HttpRequest, policy_id: int) -> Policy:
    return selectors.policy_public(policy_id)


@router.post("/policies", response={201: PolicyDetailOut, **ERROR_RESPONSES})
def policy_create(request: HttpRequest, payload: PolicyIn) -> Status[Policy]:
    """The city office publishes a policy (a code already used gets a new version)."""
    return Status(201, programs.policy_create(actor=actor_of(request), **payload.dict()))


def _program_detail(program: Program) -> Program:
    measure = measure_of(program.measure)
    program.input_fields = [  # type: ignore[attr-defined]
        {
            "name": f.name,
            "label": f.label,
            "kind": f.kind,
            "help": f.help,
            "required": f.required,
            "choices": [list(c) for c in f.choices],
            "columns": list(f.columns),
        }
        for f in measure.fields
    ]
    program.clause_text = clause(CLAUSE_OF[program.measure])  # type: ignore[attr-defined]
    return program


@router.get("/programs", response=list[ProgramOut], auth=None)
@paginate(PageNumberPagination)
def program_list(request: HttpRequest, open_only: bool = False) -> object:
    """Public: published programs (``open_only``: those taking applications today)."""
    return selectors.programs_public(only_open=open_only)


@router.get("/programs/open-to-me", response=list[ProgramOut])
def programs_open_to_me(request: HttpRequest) -> object:
    """Programs open today that the caller's organisation may apply to."""
    return selectors.programs_open_to(actor_of(request))


@router.get(
    "/programs/{program_id}", response={200: ProgramDetailOut, **ERROR_RESPONSES}, auth=None
)
def program_detail(request: HttpRequest, program_id: int) -> Program:
    return _program_detail(selectors.program_public(program_id))


@router.post("/programs", response={201: ProgramOut, **ERROR_RESPONSES})
def program_create(request: HttpRequest, payload: ProgramIn) -> Status[Program]:
    data = programs.ProgramInput(**payload.dict())
    return Status(201, programs.program_create(actor=actor_of(request), data=data))


@router.put("/programs/{program_id}", response={200: ProgramOut, **ERROR_RESPONSES})
def program_update(request: HttpRequest, program_id: int, payload: ProgramIn) -> Program:
    data = programs.ProgramInput(**payload.dict())
    return programs.program_update(actor=actor_of(request), program_id=program_id, data=data)


@router.get("/notices", response=list[NoticeOut], auth=None)
@paginate(PageNumberPagination)
def notice_list(request: HttpRequest) -> object:
    """Public: notices of proposed awards, newest first."""
    return selectors.notices_public()


@router.post("/notices", response={201: NoticeOut, **ERROR_RESPONSES})
def notice_open(request: HttpRequest, payload: NoticeIn) -> Status[Notice]:
    """Publish approved awards for the notice period (working days, the parameter in force)."""
    return Status(201, notice.notice_open(actor=actor_of(request), **payload.dict()))


@router.get("/notices/{notice_id}", response={200: NoticeDetailOut, **ERROR_RESPONSES}, auth=None)
def notice_detail(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    found: Notice = selectors.notice_public(notice_id)
    return {**NoticeOut.from_orm(found).dict(), "entries": list(selectors.notice_entries(found))}


@router.post(
    "/notices/{notice_id}/objections",
    response={201: ObjectionReceiptOut, **ERROR_RESPONSES},
    auth=None,
)
def objection_file(request: HttpRequest, notice_id: int, payload: ObjectionIn) -> Status[Objection]:
    """Anyone may object to an award during its notice period (contact details required)."""
    return Status(201, notice.objection_file(notice_id=notice_id, **payload.dict()))


# --- applications ---------------------------------------------------------------------------


@router.post("/estimate", response={200: AwardOut, **ERROR_RESPONSES})
def estimate(request: HttpRequest, payload: EstimateIn) -> dict[str, Any]:
    """What the program's rule gives for these inputs now, with the trace (nothing is saved)."""
    award = apply.application_estimate(actor=actor_of(request), **payload.dict())
    return {
        **award.to_dict(),
        "amount": award.amount,
        "lines": award.lines(),
        "reference_date": award.reference_date if award.reference_date.year > 1 else None,
    }


@router.get("/applications", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def application_list(request: HttpRequest, filters: Query[ApplicationQuery]) -> object:
    """Applications the caller may see (its own; a district office its district's; the city all)."""
    return selectors.application_list_for(actor_of(request), _filter(filters))


@router.get("/review/district", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def district_queue(request: HttpRequest, filters: Query[ApplicationQuery]) -> object:
    return selectors.district_queue(actor_of(request), _filter(filters))


@router.get("/review/city", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def city_queue(request: HttpRequest, filters: Query[ApplicationQuery]) -> object:
    return selectors.city_queue(actor_of(request), _filter(filters))


@router.post("/applications", response={201: ApplicationDetailOut, **ERROR_RESPONSES})
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[Application]:
    """A draft application with its estimate (submit it with ``/submit``)."""
    actor = actor_of(request)
    created = apply.application_create(actor=actor, data=apply.ApplicationInput(**payload.dict()))
    return Status(201, _detail(actor, created.pk))


# Declared before "/applications/{application_id}": paths match in declaration order.
@router.post("/applications/bulk-approve", response={200: BulkOut, **ERROR_RESPONSES})
def bulk_approve(request: HttpRequest, payload: IdsIn) -> dict[str, Any]:
    """The city approves several proposals; each refusal is reported with its reason."""
    result = review.applications_bulk_approve(
        actor=actor_of(request), application_ids=payload.application_ids
    )
    return {
        "approved": [a.pk for a in result.approved],
        "refused": [{"id": pk, "message": m} for pk, m in result.refused],
    }


def _detail(actor: Any, application_id: int) -> Application:
    """The application with its events, documents and interest periods attached."""
    found: Application = selectors.application_get(actor, application_id)
    found.event_list = list(selectors.events_of(found))  # type: ignore[attr-defined]
    found.document_list = list(selectors.documents_of(found))  # type: ignore[attr-defined]
    found.line_list = list(selectors.interest_lines_of(found))  # type: ignore[attr-defined]
    return found


@router.get(
    "/applications/{application_id}", response={200: ApplicationDetailOut, **ERROR_RESPONSES}
)
def application_detail(request: HttpRequest, application_id: int) -> Application:
    return _detail(actor_of(request), application_id)


@router.patch(
    "/applications/{application_id}", response={200: ApplicationDetailOut, **ERROR_RESPONSES}
)
def application_update(
    request: HttpRequest, application_id: int, payload: ApplicationPatch
) -> Application:
    actor = actor_of(request)
    changes = payload.dict(exclude_unset=True)
    apply.application_update(actor=actor, application_id=application_id, changes=changes)
    return _detail(actor, application_id)


@router.post(
    "/applications/{application_id}/documents", response={201: DocumentOut, **ERROR_RESPONSES}
)
def document_upload(
    request: HttpRequest, application_id: int, code: Form[str], file: File[UploadedFile]
) -> Status[object]:
    doc = apply.application_document_add(
        actor=actor_of(request), application_id=application_id, code=code, upload=file
    )
    return Status(201, doc)


@router.post(
    "/applications/{application_id}/submit",
    response={200: ApplicationDetailOut, **ERROR_RESPONSES},
)
def application_submit(request: HttpRequest, application_id: int) -> Application:
    """Submit: documents, payee and dates checked, the amount computed by the rule."""
    actor = actor_of(request)
    apply.application_submit(actor=actor, application_id=application_id)
    return _detail(actor, application_id)


@router.post(
    "/applications/{application_id}/approve",
    response={200: ApplicationDetailOut, **ERROR_RESPONSES},
)
def application_approve(request: HttpRequest, application_id: int) -> Application:
    """A second city person approves the proposal (four-eyes); the money is committed."""
    actor = actor_of(request)
    review.application_city_approve(actor=actor, application_id=application_id)
    return _detail(actor, application_id)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationDetailOut, **ERROR_RESPONSES},
)
def application_withdraw(
    request: HttpRequest, application_id: int, payload: WithdrawIn
) -> Application:
    actor = actor_of(request)
    apply.application_withdraw(actor=actor, application_id=application_id, reason=payload.reason)
    return _detail(actor, application_id)


@router.post(
    "/applications/{application_id}/district-review",
    response={200: ApplicationDetailOut, **ERROR_RESPONSES},
)
def district_review(request: HttpRequest, application_id: int, payload: ReviewIn) -> Application:
    """The district office: ``approve`` (to the city), ``return`` (with reason), ``reject``."""
    actor = actor_of(request)
    review.application_district_review(actor=actor, application_id=application_id, **payload.dict())
    return _detail(actor, application_id)


@router.post(
    "/applications/{application_id}/city-review",
    response={200: ApplicationDetailOut, **ERROR_RESPONSES},
)
def city_review(request: HttpRequest, application_id: int, payload: ReviewIn) -> Application:
    """The city office: ``propose`` (a second person then approves), ``return``, ``reject``."""
    actor = actor_of(request)
    review.application_city_review(actor=actor, application_id=application_id, **payload.dict())
    return _detail(actor, application_id)


# --- notifications --------------------------------------------------------------------------


@router.get("/notifications", response=list[NotificationOut])
@paginate(PageNumberPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> object:
    return notifications_for(actor_of(request), unread_only=unread)


@router.post("/notifications/{notification_id}/read", response={200: dict, **ERROR_RESPONSES})
def notification_read(request: HttpRequest, notification_id: int) -> dict[str, int]:
    changed = notification_mark_read(actor=actor_of(request), notification_id=notification_id)
    return {"changed": changed}
