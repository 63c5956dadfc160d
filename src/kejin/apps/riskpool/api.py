"""The risk pool over the API: thin handlers (auth → access → service → schema).

Public (no login): the pools' totals. Banks register loans, file claims and report recoveries;
the city runs the pool (agreements, contributions, reviews, ledger, trial balance, suspensions).
"""

from dataclasses import asdict
from datetime import date

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.riskpool import exports, reports, selectors
from kejin.apps.riskpool.models import (
    Agreement,
    AgreementVersion,
    Claim,
    Journal,
    Recovery,
    Registration,
    RiskPool,
    Suspension,
)
from kejin.apps.riskpool.schemas import (
    AgreementIn,
    AgreementOut,
    ClaimIn,
    ClaimOut,
    ContributionIn,
    DecisionIn,
    ImportResultOut,
    JournalOut,
    NplReviewIn,
    PoolIn,
    PoolOut,
    PoolTotalsOut,
    ProposeIn,
    ReasonIn,
    RecoveryIn,
    RecoveryOut,
    RegistrationIn,
    RegistrationOut,
    ReportOut,
    SuspensionOut,
    TrialBalanceOut,
    VersionIn,
    VersionOut,
)
from kejin.apps.riskpool.services import (
    claims,
    contributions,
    imports,
    pools,
    recoveries,
    registrations,
    suspensions,
)
from kejin.apps.riskpool.services.common import today
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["risk pool 风险补偿资金池"])


def _version(payload: VersionIn) -> pools.VersionInput:
    data = payload.dict()
    products = data.pop("product_kinds") or pools.DEFAULT_PRODUCTS
    borrowers = data.pop("eligible_borrowers")
    return pools.VersionInput(
        **data, product_kinds=tuple(products), eligible_borrowers=tuple(borrowers)
    )


# --- public ----------------------------------------------------------------------------------


@router.get("/pools", response=list[PoolTotalsOut], auth=None)
def pool_list(request: HttpRequest) -> list[reports.PoolTotals]:
    """Public: every pool in operation with its totals."""
    on = today()
    return [reports.pool_totals(p, on) for p in selectors.public_pools()]


@router.get("/pools/{pool_id}/totals", response={200: PoolTotalsOut, **ERROR_RESPONSES}, auth=None)
def pool_totals(request: HttpRequest, pool_id: int) -> reports.PoolTotals:
    """Public: one pool's totals."""
    return reports.pool_totals(selectors.public_pool_get(pool_id), today())


# --- the city runs the pool --------------------------------------------------------------------


@router.post("/pools", response={201: PoolOut, **ERROR_RESPONSES})
def pool_create(request: HttpRequest, payload: PoolIn) -> Status[RiskPool]:
    return Status(201, pools.pool_create(actor=actor_of(request), **payload.dict()))


class ReportQuery(Schema):
    on: date | None = None


@router.get("/pools/{pool_id}/report", response={200: ReportOut, **ERROR_RESPONSES})
def pool_report(request: HttpRequest, pool_id: int, q: Query[ReportQuery]) -> dict[str, object]:
    """Totals, per-bank rows (the city: all; a bank: its own), and the chart series."""
    actor = actor_of(request)
    report = reports.pool_report_for(actor, selectors.pool_get(actor, pool_id), q.on or today())
    return {
        **asdict(report),
        "totals": report.totals,
        "banks": report.banks,
        "balance_series": [{"month": m, "balance": b} for m, b in report.balance_series],
    }


@router.get("/pools/{pool_id}/report.xlsx")
def pool_report_xlsx(request: HttpRequest, pool_id: int, q: Query[ReportQuery]) -> HttpResponse:
    actor = actor_of(request)
    pool = selectors.pool_get(actor, pool_id)
    return exports.report_xlsx(reports.pool_report_for(actor, pool, q.on or today()))


@router.get("/pools/{pool_id}/agreements", response={200: list[AgreementOut], **ERROR_RESPONSES})
def agreement_list(request: HttpRequest, pool_id: int) -> object:
    actor = actor_of(request)
    return selectors.agreements_of(actor, selectors.pool_get(actor, pool_id).pk)


@router.post("/pools/{pool_id}/agreements", response={201: AgreementOut, **ERROR_RESPONSES})
def agreement_create(request: HttpRequest, pool_id: int, payload: AgreementIn) -> Status[Agreement]:
    agreement = pools.agreement_create(
        actor=actor_of(request),
        pool_id=pool_id,
        party_id=payload.party_id,
        reference=payload.reference,
        signed_on=payload.signed_on,
        version=_version(payload.terms),
    )
    return Status(201, selectors.agreement_get(actor_of(request), agreement.pk))


@router.post("/agreements/{agreement_id}/versions", response={201: VersionOut, **ERROR_RESPONSES})
def version_add(
    request: HttpRequest, agreement_id: int, payload: VersionIn
) -> Status[AgreementVersion]:
    version = pools.agreement_version_add(
        actor=actor_of(request), agreement_id=agreement_id, version=_version(payload)
    )
    return Status(201, version)


@router.post("/pools/{pool_id}/contributions", response={201: JournalOut, **ERROR_RESPONSES})
def contribution_create(
    request: HttpRequest, pool_id: int, payload: ContributionIn
) -> Status[Journal]:
    journal = contributions.contribution_record(
        actor=actor_of(request), pool_id=pool_id, **payload.dict()
    )
    return Status(201, journal)


@router.get("/pools/{pool_id}/journals", response=list[JournalOut])
@paginate(PageNumberPagination)
def journal_list(request: HttpRequest, pool_id: int) -> object:
    return selectors.journals_for(actor_of(request), pool_id)


@router.get("/pools/{pool_id}/trial-balance", response={200: TrialBalanceOut, **ERROR_RESPONSES})
def trial_balance(request: HttpRequest, pool_id: int) -> object:
    return selectors.trial_balance_for(actor_of(request), pool_id)


@router.post("/pools/{pool_id}/npl-review", response={200: list[SuspensionOut], **ERROR_RESPONSES})
def npl_review(request: HttpRequest, pool_id: int, payload: NplReviewIn) -> list[Suspension]:
    return suspensions.pool_npl_review(actor=actor_of(request), pool_id=pool_id, on=payload.on)


@router.get("/suspensions", response=list[SuspensionOut])
def suspension_list(request: HttpRequest) -> object:
    return selectors.suspensions_for(actor_of(request))


@router.post("/suspensions/{suspension_id}/lift", response={200: SuspensionOut, **ERROR_RESPONSES})
def suspension_lift(request: HttpRequest, suspension_id: int, payload: ReasonIn) -> Suspension:
    return suspensions.suspension_lift(
        actor=actor_of(request), suspension_id=suspension_id, reason=payload.reason
    )


# --- banks: registrations, claims, recoveries ---------------------------------------------------


class RegistrationQuery(Schema):
    q: str = ""
    pool_id: int | None = None
    bank_id: int | None = None
    status: str = ""
    district_code: str = ""
    insured: str = ""


@router.get("/registrations", response=list[RegistrationOut])
@paginate(PageNumberPagination)
def registration_list(request: HttpRequest, filters: Query[RegistrationQuery]) -> object:
    f = selectors.RegistrationFilter(**filters.dict())
    return selectors.registration_list_for(actor_of(request), f)


@router.post(
    "/pools/{pool_id}/registrations/import", response={201: ImportResultOut, **ERROR_RESPONSES}
)
def registration_import(
    request: HttpRequest, pool_id: int, file: File[UploadedFile]
) -> Status[dict[str, int]]:
    created = imports.registrations_import(
        actor=actor_of(request), pool_id=pool_id, upload=file.file, filename=file.name or ""
    )
    return Status(201, {"created": len(created)})


@router.post("/pools/{pool_id}/registrations", response={201: RegistrationOut, **ERROR_RESPONSES})
def registration_create(
    request: HttpRequest, pool_id: int, payload: RegistrationIn
) -> Status[Registration]:
    reg = registrations.registration_create(
        actor=actor_of(request),
        pool_id=pool_id,
        data=registrations.RegistrationInput(**payload.dict()),
    )
    return Status(201, selectors.registration_get(actor_of(request), reg.pk))


@router.get("/registrations/{registration_id}", response={200: RegistrationOut, **ERROR_RESPONSES})
def registration_detail(request: HttpRequest, registration_id: int) -> Registration:
    return selectors.registration_get(actor_of(request), registration_id)


@router.post(
    "/registrations/{registration_id}/recoveries", response={201: RecoveryOut, **ERROR_RESPONSES}
)
def recovery_create(
    request: HttpRequest, registration_id: int, payload: RecoveryIn
) -> Status[Recovery]:
    recovery = recoveries.recovery_record(
        actor=actor_of(request), registration_id=registration_id, **payload.dict()
    )
    return Status(201, recovery)


class ClaimQuery(Schema):
    q: str = ""
    pool_id: int | None = None
    bank_id: int | None = None
    status: str = ""
    insured: str = ""


@router.get("/claims", response=list[ClaimOut])
@paginate(PageNumberPagination)
def claim_list(request: HttpRequest, filters: Query[ClaimQuery]) -> object:
    return selectors.claim_list_for(actor_of(request), selectors.ClaimFilter(**filters.dict()))


@router.post("/claims", response={201: ClaimOut, **ERROR_RESPONSES})
def claim_create(request: HttpRequest, payload: ClaimIn) -> Status[Claim]:
    claim = claims.claim_file(actor=actor_of(request), data=claims.ClaimInput(**payload.dict()))
    return Status(201, selectors.claim_get(actor_of(request), claim.pk))


@router.get("/claims/{claim_id}", response={200: ClaimOut, **ERROR_RESPONSES})
def claim_detail(request: HttpRequest, claim_id: int) -> Claim:
    return selectors.claim_get(actor_of(request), claim_id)


@router.post("/claims/{claim_id}/propose", response={200: ClaimOut, **ERROR_RESPONSES})
def claim_propose(request: HttpRequest, claim_id: int, payload: ProposeIn) -> Claim:
    claims.claim_propose(actor=actor_of(request), claim_id=claim_id, **payload.dict())
    return selectors.claim_get(actor_of(request), claim_id)


@router.post("/claims/{claim_id}/approve", response={200: ClaimOut, **ERROR_RESPONSES})
def claim_approve(request: HttpRequest, claim_id: int, payload: DecisionIn) -> Claim:
    claims.claim_approve(actor=actor_of(request), claim_id=claim_id, note=payload.note)
    return selectors.claim_get(actor_of(request), claim_id)


@router.post("/claims/{claim_id}/reject", response={200: ClaimOut, **ERROR_RESPONSES})
def claim_reject(request: HttpRequest, claim_id: int, payload: ReasonIn) -> Claim:
    claims.claim_reject(actor=actor_of(request), claim_id=claim_id, reason=payload.reason)
    return selectors.claim_get(actor_of(request), claim_id)


@router.get("/claims/{claim_id}/recoveries", response={200: list[RecoveryOut], **ERROR_RESPONSES})
def claim_recoveries(request: HttpRequest, claim_id: int) -> object:
    return selectors.recoveries_of(selectors.claim_get(actor_of(request), claim_id))
