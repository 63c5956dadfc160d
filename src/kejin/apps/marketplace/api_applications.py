"""Applications over the API: the enterprise submits, withdraws, provides information and rates;
the institution accepts, asks for information, declines and grants."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.models import Application
from kejin.apps.marketplace.schemas import (
    AcceptIn,
    ApplicationIn,
    ApplicationOut,
    CreditOut,
    GrantIn,
    MessageIn,
    RatingIn,
    ReasonIn,
)
from kejin.apps.marketplace.services import applications, granting
from kejin.apps.marketplace.services.leads import lead_credit_view
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["marketplace 金融服务超市"])


class ApplicationQuery(Schema):
    q: str = ""
    status: str = ""
    overdue: bool = False
    sort: str = "-submitted"


@router.get("/applications", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def application_list(request: HttpRequest, filters: Query[ApplicationQuery]) -> object:
    """The enterprise's applications, the institution's received ones, a district's, all."""
    return selectors.applications_for(
        actor_of(request), selectors.ApplicationFilter(**filters.dict())
    )


@router.post("/applications", response={201: ApplicationOut, **ERROR_RESPONSES})
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[Application]:
    app = applications.application_submit(
        actor=actor_of(request), data=applications.ApplyInput(**payload.dict())
    )
    return Status(201, app)


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_detail(request: HttpRequest, application_id: int) -> Application:
    return selectors.application_get(actor_of(request), application_id)


@router.get("/applications/{application_id}/credit", response={200: CreditOut, **ERROR_RESPONSES})
def application_credit(request: HttpRequest, application_id: int) -> object:
    """The applicant's grade and revenue, under its consent (each read logged)."""
    actor = actor_of(request)
    app = selectors.application_get(actor, application_id)
    return lead_credit_view(actor=actor, enterprise_id=app.enterprise_id)


@router.post(
    "/applications/{application_id}/accept", response={200: ApplicationOut, **ERROR_RESPONSES}
)
def application_accept(request: HttpRequest, application_id: int, payload: AcceptIn) -> Application:
    return applications.application_accept(
        actor=actor_of(request), application_id=application_id, note=payload.note
    )


@router.post(
    "/applications/{application_id}/request-info",
    response={200: ApplicationOut, **ERROR_RESPONSES},
)
def application_request_info(
    request: HttpRequest, application_id: int, payload: MessageIn
) -> Application:
    return applications.application_request_info(
        actor=actor_of(request), application_id=application_id, message=payload.message
    )


@router.post(
    "/applications/{application_id}/provide-info",
    response={200: ApplicationOut, **ERROR_RESPONSES},
)
def application_provide_info(
    request: HttpRequest, application_id: int, payload: MessageIn
) -> Application:
    return applications.application_provide_info(
        actor=actor_of(request), application_id=application_id, message=payload.message
    )


@router.post(
    "/applications/{application_id}/decline", response={200: ApplicationOut, **ERROR_RESPONSES}
)
def application_decline(
    request: HttpRequest, application_id: int, payload: ReasonIn
) -> Application:
    return applications.application_decline(
        actor=actor_of(request), application_id=application_id, reason=payload.reason
    )


@router.post(
    "/applications/{application_id}/grant", response={200: ApplicationOut, **ERROR_RESPONSES}
)
def application_grant(request: HttpRequest, application_id: int, payload: GrantIn) -> Application:
    return granting.application_grant(
        actor=actor_of(request),
        application_id=application_id,
        data=granting.GrantInput(**payload.dict()),
    )


@router.post(
    "/applications/{application_id}/withdraw", response={200: ApplicationOut, **ERROR_RESPONSES}
)
def application_withdraw(request: HttpRequest, application_id: int) -> Application:
    return applications.application_withdraw(actor=actor_of(request), application_id=application_id)


@router.post(
    "/applications/{application_id}/rate", response={200: ApplicationOut, **ERROR_RESPONSES}
)
def application_rate(request: HttpRequest, application_id: int, payload: RatingIn) -> Application:
    return applications.application_rate(
        actor=actor_of(request),
        application_id=application_id,
        rating=payload.rating,
        comment=payload.comment,
    )
