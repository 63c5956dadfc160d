"""Evaluations over the API: self-evaluation, corrections, the city's runs and publication,
results and statistics, HNTE certificates expiring, and the public list (no login)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.models import CorrectionRequest, EvaluationRun, SelfEvaluation
from kejin.apps.enterprises.schemas import (
    CorrectionIn,
    CorrectionOut,
    DecisionIn,
    ExpiringCertificateOut,
    PublicTechSmeOut,
    PublishIn,
    ResultDetailOut,
    ResultOut,
    RunIn,
    RunOut,
    SelfEvaluationIn,
    SelfEvaluationOut,
    StatsOut,
)
from kejin.apps.enterprises.services import corrections, evaluation, runs
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["enterprises 科技型中小企业评价"])


class ResultQuery(Schema):
    run: int | None = None
    year: int | None = None
    district_code: str = ""
    outcome: str = ""
    q: str = ""


class ExpiringQuery(Schema):
    days: int = selectors.EXPIRING_DAYS
    district_code: str = ""


class PublicQuery(Schema):
    year: int | None = None
    district_code: str = ""
    q: str = ""


@router.post(
    "/{int:enterprise_id}/self-evaluations", response={201: SelfEvaluationOut, **ERROR_RESPONSES}
)
def self_evaluation_create(
    request: HttpRequest, enterprise_id: int, payload: SelfEvaluationIn
) -> Status[SelfEvaluation]:
    record = evaluation.self_evaluation_run(
        actor=actor_of(request), enterprise_id=enterprise_id, year=payload.year,
        reference_date=payload.reference_date,
    )  # fmt: skip
    return Status(201, record)


@router.get("/{int:enterprise_id}/self-evaluations", response=list[SelfEvaluationOut])
@paginate(PageNumberPagination)
def self_evaluation_list(request: HttpRequest, enterprise_id: int) -> object:
    return selectors.self_evaluations_for(actor_of(request), enterprise_id)


@router.get(
    "/{int:enterprise_id}/self-evaluations/{int:pk}",
    response={200: SelfEvaluationOut, **ERROR_RESPONSES},
)
def self_evaluation_detail(request: HttpRequest, enterprise_id: int, pk: int) -> SelfEvaluation:
    return selectors.self_evaluation_get(actor_of(request), enterprise_id, pk)


@router.post("/{int:enterprise_id}/corrections", response={201: CorrectionOut, **ERROR_RESPONSES})
def correction_create(
    request: HttpRequest, enterprise_id: int, payload: CorrectionIn
) -> Status[CorrectionRequest]:
    """Ask the city office to correct a locked year."""
    record = corrections.correction_request_create(
        actor=actor_of(request), enterprise_id=enterprise_id, year=payload.year,
        changes=payload.changes, reason=payload.reason,
    )  # fmt: skip
    return Status(201, record)


@router.get("/corrections", response=list[CorrectionOut])
@paginate(PageNumberPagination)
def correction_list(request: HttpRequest, status: str = "") -> object:
    return selectors.corrections_for(actor_of(request), status=status)


@router.post("/corrections/{int:pk}/decide", response={200: CorrectionOut, **ERROR_RESPONSES})
def correction_decide(request: HttpRequest, pk: int, payload: DecisionIn) -> CorrectionRequest:
    """The city office approves (the change is applied) or rejects, with a reason."""
    return corrections.correction_request_decide(
        actor=actor_of(request), correction_id=pk, approve=payload.approve, reason=payload.reason
    )


@router.post("/evaluation-runs", response={201: RunOut, **ERROR_RESPONSES})
def run_start(request: HttpRequest, payload: RunIn) -> Status[EvaluationRun]:
    """Start the evaluation of every active enterprise (a background task); poll the run."""
    run = runs.evaluation_run_start(
        actor=actor_of(request), year=payload.year, reference_date=payload.reference_date
    )
    run.refresh_from_db()
    return Status(201, run)


@router.get("/evaluation-runs", response=list[RunOut])
@paginate(PageNumberPagination)
def run_list(request: HttpRequest) -> object:
    return selectors.runs_for(actor_of(request))


@router.get("/evaluation-runs/{int:pk}", response={200: RunOut, **ERROR_RESPONSES})
def run_detail(request: HttpRequest, pk: int) -> EvaluationRun:
    return selectors.run_get(actor_of(request), pk)


@router.post("/evaluation-runs/{int:pk}/publish", response={200: RunOut, **ERROR_RESPONSES})
def run_publish(request: HttpRequest, pk: int, payload: PublishIn) -> EvaluationRun:
    """Publish with a public notice of ``notice_days`` working days opening on ``opens_on``."""
    return runs.evaluation_run_publish(
        actor=actor_of(request), run_id=pk, notice_days=payload.notice_days,
        opens_on=payload.opens_on,
    )  # fmt: skip


@router.get("/evaluation-results", response=list[ResultOut])
@paginate(PageNumberPagination)
def result_list(request: HttpRequest, filters: Query[ResultQuery]) -> object:
    f = selectors.ResultFilter(
        run_id=filters.run, year=filters.year, district_code=filters.district_code,
        outcome=filters.outcome, q=filters.q,
    )  # fmt: skip
    return selectors.results_for(actor_of(request), f)[1]


@router.get("/evaluation-results/{int:pk}", response={200: ResultDetailOut, **ERROR_RESPONSES})
def result_detail(request: HttpRequest, pk: int) -> object:
    result = selectors.result_get(actor_of(request), pk)
    result.explanation = evaluation.explain_snapshot(result.facts) if result.facts else None  # type: ignore[attr-defined]
    return result


@router.get("/evaluation-stats", response={200: StatsOut, **ERROR_RESPONSES})
def stats(request: HttpRequest, year: int | None = None) -> dict[str, object]:
    """Per district: enterprises evaluated, qualified (a district office sees its own)."""
    actor = actor_of(request)
    selectors.results_for(actor)  # the same permission as the results
    run = selectors.current_run(year)
    return {"run": run, "districts": selectors.district_stats(actor, run) if run else []}


@router.get("/hnte-certificates/expiring", response=list[ExpiringCertificateOut])
@paginate(PageNumberPagination)
def expiring(request: HttpRequest, filters: Query[ExpiringQuery]) -> object:
    return selectors.expiring_certificates_for(
        actor_of(request), days=filters.days, district_code=filters.district_code
    )


@router.get("/public/tech-sme", response=list[PublicTechSmeOut], auth=None)
@paginate(PageNumberPagination)
def public_tech_sme(request: HttpRequest, filters: Query[PublicQuery]) -> object:
    """Public: the qualified tech SMEs of the published list (latest year by default)."""
    return selectors.published_tech_smes(
        year=filters.year, district_code=filters.district_code, q=filters.q
    )[1]
