"""The tech micro-loan business over the API: apply, price, approve/decline, contract, disburse.

Thin handlers: auth → service or selector → schema. Every error is the platform's envelope
``{"error": {"code", "message", "fields"}}``."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.loans.models import LoanApplication
from kejin.apps.loans.origination import apply, contract, decide, disburse, price, selectors
from kejin.apps.loans.origination.schemas import (
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    BookOut,
    ContractIn,
    DisburseIn,
    ParametersOut,
    ReasonIn,
)
from kejin.platform.api import ERROR_RESPONSES, actor_of
from kejin.rules.errors import PermissionDenied

router = Router(tags=["microloans 科技小贷"])


class ApplicationQuery(Schema):
    q: str = ""
    status: str = ""
    required_level: str = ""
    lender_id: int | None = None
    todo: bool = False
    sort: str = "-submitted_at"


def _param(v: object) -> dict[str, object]:
    data = v.to_dict()  # type: ignore[attr-defined]
    return {**data, "value": v.value}  # type: ignore[attr-defined]


@router.post("", response={201: ApplicationOut, **ERROR_RESPONSES})
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[LoanApplication]:
    """An enterprise applies to a tech micro-lender (``consent`` must be true)."""
    data = apply.ApplicationInput(**payload.dict())
    return Status(201, apply.application_submit(actor=actor_of(request), data=data))


@router.get("", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def application_list(request: HttpRequest, filters: Query[ApplicationQuery]) -> object:
    f = selectors.ApplicationFilter(**filters.dict())
    return selectors.application_list_for(actor_of(request), f)


@router.get("/parameters", response={200: ParametersOut, **ERROR_RESPONSES})
def parameters(request: HttpRequest) -> dict[str, object]:
    """Spreads by grade, authority thresholds and limits in force today (with their sources)."""
    p = selectors.parameters_in_force()
    return {
        "on": p.on,
        "term_min": _param(p.term_min),
        "term_max": _param(p.term_max),
        "spreads": [{"grade": g, "spread": _param(v)} for g, v in p.spreads],
        "authority": [_param(v) for v in p.authority],
        "limits": [_param(v) for v in p.limits],
    }


@router.get("/book", response={200: BookOut, **ERROR_RESPONSES})
def book(request: HttpRequest) -> dict[str, object]:
    """The acting tech micro-lender's exposures by industry and its largest borrowers."""
    summary = selectors.lender_book_for(actor_of(request))
    if summary is None:
        raise PermissionDenied("只有科技小额贷款公司可以查看本公司贷款敞口")
    data = asdict(summary)
    return {
        "total": data["total"],
        "by_industry": [
            {"industry": i, "exposure": e, "share_percent": s} for i, e, s in summary.by_industry
        ],
        "top_borrowers": [{"borrower": b, "exposure": e} for b, e in summary.top_borrowers],
    }


@router.get("/{application_id}", response={200: ApplicationDetailOut, **ERROR_RESPONSES})
def application_detail(request: HttpRequest, application_id: int) -> dict[str, object]:
    actor = actor_of(request)
    application = selectors.application_get(actor, application_id)
    return {
        "application": application,
        "decisions": list(selectors.decisions_of(application)),
        "actions": sorted(selectors.actions_for(actor, application)),
    }


@router.post("/{application_id}/price", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_price(request: HttpRequest, application_id: int) -> LoanApplication:
    """The lender's officer takes the case (becomes its maker) and prices it."""
    return price.application_price(actor=actor_of(request), application_id=application_id)


@router.post("/{application_id}/approve", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_approve(
    request: HttpRequest, application_id: int, payload: ReasonIn
) -> LoanApplication:
    return decide.application_approve(
        actor=actor_of(request), application_id=application_id, reason=payload.reason
    )


@router.post("/{application_id}/decline", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_decline(
    request: HttpRequest, application_id: int, payload: ReasonIn
) -> LoanApplication:
    return decide.application_decline(
        actor=actor_of(request), application_id=application_id, reason=payload.reason
    )


@router.post("/{application_id}/withdraw", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_withdraw(request: HttpRequest, application_id: int) -> LoanApplication:
    return apply.application_withdraw(actor=actor_of(request), application_id=application_id)


@router.post("/{application_id}/contract", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_contract(
    request: HttpRequest, application_id: int, payload: ContractIn
) -> LoanApplication:
    return contract.application_contract(
        actor=actor_of(request), application_id=application_id, **payload.dict()
    )


@router.post("/{application_id}/disburse", response={200: ApplicationOut, **ERROR_RESPONSES})
def application_disburse(
    request: HttpRequest, application_id: int, payload: DisburseIn
) -> LoanApplication:
    return disburse.application_disburse(
        actor=actor_of(request), application_id=application_id, on=payload.date
    )
