"""Linkage deals, crowdfunding, search, statistics and the whole-market rematch over the API."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.models import (
    CrowdfundingProgress,
    CrowdfundingProject,
    LinkageDeal,
    RematchRun,
)
from kejin.apps.marketplace.schemas import (
    LinkageIn,
    LinkageKpiOut,
    LinkageOut,
    ModerateIn,
    ProgressIn,
    ProgressOut,
    ProjectIn,
    ProjectOut,
    RematchRunOut,
    SearchOut,
    StatsOut,
)
from kejin.apps.marketplace.services import crowdfunding, linkage, matching
from kejin.apps.marketplace.stats import StatFilter, market_stats
from kejin.platform import pages
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["marketplace 金融服务超市"])


class StatsQuery(Schema):
    by: str = "institution"
    date_from: date | None = None
    date_to: date | None = None


# --- linkage deals --------------------------------------------------------------------------


@router.get("/linkage", response=list[LinkageOut])
@paginate(PageNumberPagination)
def linkage_list(request: HttpRequest, status: str = "") -> object:
    return selectors.linkage_for(actor_of(request), status)


@router.get("/linkage/kpis", response=LinkageKpiOut)
def linkage_kpis(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """Confirmed deals the actor may see (the linkage KPIs): count, amounts, by district."""
    return selectors.linkage_kpis(actor_of(request), year=year)


@router.post("/linkage", response={201: LinkageOut, **ERROR_RESPONSES})
def linkage_propose(request: HttpRequest, payload: LinkageIn) -> Status[LinkageDeal]:
    deal = linkage.linkage_propose(
        actor=actor_of(request), data=linkage.LinkageInput(**payload.dict())
    )
    return Status(201, deal)


@router.get("/linkage/{deal_id}", response={200: LinkageOut, **ERROR_RESPONSES})
def linkage_detail(request: HttpRequest, deal_id: int) -> LinkageDeal:
    return selectors.linkage_get(actor_of(request), deal_id)


@router.post("/linkage/{deal_id}/confirm", response={200: LinkageOut, **ERROR_RESPONSES})
def linkage_confirm(request: HttpRequest, deal_id: int) -> LinkageDeal:
    return linkage.linkage_confirm(actor=actor_of(request), deal_id=deal_id)


class CancelIn(Schema):
    reason: str


@router.post("/linkage/{deal_id}/cancel", response={200: LinkageOut, **ERROR_RESPONSES})
def linkage_cancel(request: HttpRequest, deal_id: int, payload: CancelIn) -> LinkageDeal:
    return linkage.linkage_cancel(actor=actor_of(request), deal_id=deal_id, reason=payload.reason)


# --- crowdfunding ------------------------------------------------------------------------------


@router.get("/crowdfunding", response=list[ProjectOut], auth=None)
@paginate(PageNumberPagination)
def project_board(request: HttpRequest, q: str = "", kind: str = "") -> object:
    """Public: the published and closed projects."""
    return selectors.projects_public(q=q, kind=kind)


@router.get("/crowdfunding/mine", response=list[ProjectOut])
@paginate(PageNumberPagination)
def project_list_mine(request: HttpRequest, status: str = "") -> object:
    return selectors.projects_for(actor_of(request), status)


@router.post("/crowdfunding", response={201: ProjectOut, **ERROR_RESPONSES})
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[CrowdfundingProject]:
    project = crowdfunding.project_create(
        actor=actor_of(request), data=crowdfunding.ProjectInput(**payload.dict())
    )
    return Status(201, project)


@router.get("/crowdfunding/{project_id}", response={200: ProjectOut, **ERROR_RESPONSES}, auth=None)
def project_detail(request: HttpRequest, project_id: int) -> CrowdfundingProject:
    return selectors.project_get(pages.actor_of(request), project_id)


@router.post("/crowdfunding/{project_id}/moderate", response={200: ProjectOut, **ERROR_RESPONSES})
def project_moderate(
    request: HttpRequest, project_id: int, payload: ModerateIn
) -> CrowdfundingProject:
    return crowdfunding.project_moderate(
        actor=actor_of(request), project_id=project_id, decision=payload.decision, note=payload.note
    )


@router.post("/crowdfunding/{project_id}/progress", response={201: ProgressOut, **ERROR_RESPONSES})
def project_progress(
    request: HttpRequest, project_id: int, payload: ProgressIn
) -> Status[CrowdfundingProgress]:
    report = crowdfunding.project_report_progress(
        actor=actor_of(request), project_id=project_id, **payload.dict()
    )
    return Status(201, report)


# --- search, statistics, rematch -----------------------------------------------------------------


@router.get("/search", response=SearchOut, auth=None)
def search(request: HttpRequest, q: str) -> dict[str, list[Any]]:
    """Products, demands (as the actor may see them) and projects containing every term of
    ``q`` (Chinese by character bigrams)."""
    return selectors.search_for(pages.actor_of(request), q)


@router.get("/stats", response={200: StatsOut, **ERROR_RESPONSES})
def stats(request: HttpRequest, filters: Query[StatsQuery]) -> dict[str, Any]:
    f = StatFilter(by=filters.by, date_from=filters.date_from, date_to=filters.date_to)
    rows, total = market_stats(actor_of(request), f)
    return {"by": f.by, "rows": rows, "total": total}


@router.post("/rematch", response={201: RematchRunOut, **ERROR_RESPONSES})
def rematch_start(request: HttpRequest) -> Status[RematchRun]:
    run = matching.market_rematch_start(actor=actor_of(request))
    run.refresh_from_db()
    return Status(201, run)


@router.get("/rematch/{run_id}", response={200: RematchRunOut, **ERROR_RESPONSES})
def rematch_status(request: HttpRequest, run_id: int) -> RematchRun:
    return selectors.rematch_run_get(actor_of(request), run_id)
