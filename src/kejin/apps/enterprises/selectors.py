"""Reads of the enterprises context.

Two kinds:

- **Scoped** reads take the actor and return only what it may see (``…_for(actor, …)``; one object
  through :mod:`.access`, invisible is 404).
- **Internal** reads for other contexts' batch work take no actor: :func:`financials_of`,
  :func:`profile_of`, :func:`tech_sme_status`, :func:`hnte_valid`. They do no access control, so
  the calling context must apply its own (the credit context, for instance, reads an enterprise's
  financials only with that enterprise's consent). Never hand their results to a page or an API
  response without that check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kejin.apps.enterprises.access import access_enterprise, access_record, require_government
from kejin.apps.enterprises.models import (
    CorrectionRequest,
    EnterpriseProfile,
    EvaluationResult,
    EvaluationRun,
    FinancialYear,
    HnteCertificate,
    IpItem,
    RunStatus,
    SelfEvaluation,
)
from kejin.apps.enterprises.services.records import record_kind
from kejin.platform.tenancy import Actor, access
from kejin.rules import divisions
from kejin.rules.errors import NotFound, PermissionDenied

EXPIRING_DAYS = 90


# --- internal selectors for other contexts (no actor: see the module docstring) ----------------


def financials_of(
    enterprise_ids: Iterable[int], year: int | None = None
) -> dict[int, FinancialYear]:
    """Each enterprise's filing of the latest year ≤ ``year`` (the latest year of all when
    ``year`` is None). Enterprises without such a filing are absent from the result."""
    qs = FinancialYear.objects.filter(enterprise_id__in=list(enterprise_ids))
    if year is not None:
        qs = qs.filter(year__lte=year)
    found: dict[int, FinancialYear] = {}
    for row in qs.order_by("enterprise_id", "-year"):
        found.setdefault(row.enterprise_id, row)
    return found


def profile_of(enterprise_id: int) -> EnterpriseProfile | None:
    """The enterprise's profile, or None when it has not filled one in."""
    return EnterpriseProfile.objects.filter(enterprise_id=enterprise_id).first()


def profiles_of(enterprise_ids: Iterable[int]) -> dict[int, EnterpriseProfile]:
    """The profiles of many enterprises in one query (those without a profile are absent)."""
    return {
        p.enterprise_id: p
        for p in EnterpriseProfile.objects.filter(enterprise_id__in=list(enterprise_ids))
    }


def tech_sme_status(enterprise_ids: Iterable[int], on: date) -> dict[int, bool]:
    """Whether each enterprise is a qualified tech SME on ``on``: qualified in a published (not
    superseded) evaluation whose validity (from the day after its notice ends to the end of the
    year after the evaluated year) includes ``on``."""
    ids = list(enterprise_ids)
    qualified = set(
        EvaluationResult.objects.filter(
            enterprise_id__in=ids,
            qualified=True,
            run__status=RunStatus.PUBLISHED,
            run__valid_from__lte=on,
            run__valid_until__gte=on,
        ).values_list("enterprise_id", flat=True)
    )
    return {i: i in qualified for i in ids}


def _valid_certificates(on: date) -> Q:
    return Q(issue_date__lte=on, expiry_date__gte=on) & (
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    )


def hnte_valid(enterprise_ids: Iterable[int], on: date) -> dict[int, bool]:
    """Whether each enterprise holds an HNTE certificate valid on ``on`` (issue and expiry dates
    inclusive, not revoked by then)."""
    ids = list(enterprise_ids)
    valid = set(
        HnteCertificate.objects.filter(_valid_certificates(on), enterprise_id__in=ids).values_list(
            "enterprise_id", flat=True
        )
    )
    return {i: i in valid for i in ids}


# --- one enterprise's data -------------------------------------------------------------------


def enterprise_card(actor: Actor, enterprise_id: int) -> dict[str, object]:
    """The organisation's registration and the profile, in one flat mapping."""
    org = access_enterprise(actor, enterprise_id)
    profile = EnterpriseProfile.objects.filter(enterprise_id=enterprise_id).first()
    return {
        "id": org.pk,
        "name": org.name,
        "uscc": org.uscc,
        "district_code": org.district_code,
        "district_name": divisions.full_name(org.district_code),
        "legal_representative": org.legal_representative,
        "established_date": profile.established_date if profile else None,
        "registered_capital": profile.registered_capital if profile else None,
        "industry": profile.industry if profile else "",
        "industry_label": profile.get_industry_display() if profile and profile.industry else "",
        "main_products": profile.main_products if profile else "",
        "organisation": org,
        "profile": profile,
    }


def profile_for(actor: Actor, enterprise_id: int) -> EnterpriseProfile | None:
    access_enterprise(actor, enterprise_id)
    return EnterpriseProfile.objects.visible_to(actor).filter(enterprise_id=enterprise_id).first()


def financial_years_for(actor: Actor, enterprise_id: int) -> QuerySet[FinancialYear]:
    access_enterprise(actor, enterprise_id)
    return (
        FinancialYear.objects.visible_to(actor)
        .filter(enterprise_id=enterprise_id)
        .order_by("-year")
    )


def financial_year_for(actor: Actor, enterprise_id: int, year: int) -> FinancialYear:
    row = financial_years_for(actor, enterprise_id).filter(year=year).first()
    if row is None:
        raise NotFound(f"{year} 年度数据")
    return row


@dataclass(frozen=True)
class IpFilter:
    kind: str = ""
    status: str = ""  # "valid", "expired", "disputed"
    q: str = ""


def records_for(actor: Actor, enterprise_id: int, kind: str) -> QuerySet:
    """The records of one kind (``ip``, ``hnte_certificates``, ``awards``, …) of an enterprise."""
    spec = record_kind(kind)
    access_enterprise(actor, enterprise_id)
    return spec.model.objects.visible_to(actor).filter(enterprise_id=enterprise_id)  # type: ignore[attr-defined,no-any-return]


def record_get(actor: Actor, enterprise_id: int, kind: str, pk: int) -> object:
    spec = record_kind(kind)
    return access_record(actor, spec.model.objects.all(), enterprise_id, pk, what=spec.label)  # type: ignore[attr-defined]


def ip_list_for(actor: Actor, enterprise_id: int, f: IpFilter | None = None) -> QuerySet[IpItem]:
    f = f or IpFilter()
    qs: QuerySet[IpItem] = records_for(actor, enterprise_id, "ip")
    today = timezone.localdate()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status == "valid":
        qs = qs.filter(grant_date__lte=today, expiry_date__gte=today, disputed=False)
    elif f.status == "expired":
        qs = qs.filter(expiry_date__lt=today)
    elif f.status == "disputed":
        qs = qs.filter(disputed=True)
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(title__icontains=f.q))
    return qs.order_by("-grant_date", "pk")


def self_evaluations_for(actor: Actor, enterprise_id: int) -> QuerySet[SelfEvaluation]:
    access_enterprise(actor, enterprise_id)
    return SelfEvaluation.objects.visible_to(actor).filter(enterprise_id=enterprise_id)


def self_evaluation_get(actor: Actor, enterprise_id: int, pk: int) -> SelfEvaluation:
    return access_record(actor, SelfEvaluation.objects.all(), enterprise_id, pk, what="自评记录")  # type: ignore[no-any-return]


def results_of_enterprise(actor: Actor, enterprise_id: int) -> QuerySet[EvaluationResult]:
    """The enterprise's results in published runs (what the city has announced about it)."""
    access_enterprise(actor, enterprise_id)
    return (
        EvaluationResult.objects.visible_to(actor)
        .filter(enterprise_id=enterprise_id, run__status=RunStatus.PUBLISHED)
        .select_related("run")
        .order_by("-year")
    )


# --- corrections ---------------------------------------------------------------------------------


def corrections_for(
    actor: Actor, *, status: str = "", enterprise_id: int | None = None
) -> QuerySet[CorrectionRequest]:
    """Correction requests: the enterprise its own, a district its district's, the city all."""
    if enterprise_id is not None:
        access_enterprise(actor, enterprise_id)
    elif not (actor.is_city or actor.is_district or actor.kind == "enterprise"):
        raise PermissionDenied("您的机构不能查看数据更正申请")
    qs = CorrectionRequest.objects.visible_to(actor).select_related(
        "enterprise", "financial_year", "requested_by", "decided_by"
    )
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def correction_get(actor: Actor, pk: int) -> CorrectionRequest:
    qs = CorrectionRequest.objects.select_related("enterprise", "financial_year", "requested_by")
    return access(actor, qs, pk, what="更正申请")  # type: ignore[no-any-return]


# --- runs, results and statistics (district and city offices) ---------------------------------


def runs_for(actor: Actor) -> QuerySet[EvaluationRun]:
    if not actor.is_city:
        raise PermissionDenied("只有市科技局可以管理批量评价")
    return EvaluationRun.objects.select_related("created_by", "published_by").order_by(
        "-created_at", "-pk"
    )


def run_get(actor: Actor, pk: int) -> EvaluationRun:
    if not actor.is_city:
        raise NotFound("批量评价")
    return access(actor, EvaluationRun.objects.all(), pk, what="批量评价")  # type: ignore[no-any-return]


def evaluated_years() -> list[int]:
    """Years with a finished run, latest first."""
    finished = (RunStatus.DONE, RunStatus.PUBLISHED, RunStatus.SUPERSEDED)
    years = EvaluationRun.objects.filter(status__in=finished).values_list("year", flat=True)
    return sorted(set(years), reverse=True)


def current_run(year: int | None = None) -> EvaluationRun | None:
    """The run that counts for a year (the latest year by default): the published one, else the
    latest finished one not yet published."""
    years = evaluated_years()
    if year is None:
        if not years:
            return None
        year = years[0]
    runs = EvaluationRun.objects.filter(year=year).order_by("-published_at", "-pk")
    return (
        runs.filter(status=RunStatus.PUBLISHED).first()
        or runs.filter(status=RunStatus.DONE).order_by("-pk").first()
    )


@dataclass(frozen=True)
class ResultFilter:
    run_id: int | None = None
    year: int | None = None
    district_code: str = ""
    outcome: str = ""  # "qualified", "not_qualified", "incomplete", "direct"
    q: str = ""


def results_for(
    actor: Actor, f: ResultFilter | None = None
) -> tuple[EvaluationRun | None, QuerySet[EvaluationResult]]:
    """The results of a run (the current run of the year by default) the actor may see."""
    require_government(actor)
    f = f or ResultFilter()
    run = EvaluationRun.objects.filter(pk=f.run_id).first() if f.run_id else current_run(f.year)
    if run is None:
        return None, EvaluationResult.objects.none()
    qs = (
        EvaluationResult.objects.visible_to(actor)
        .filter(run=run)
        .select_related("enterprise", "run")
    )
    if f.district_code:
        qs = qs.filter(enterprise__district_code=f.district_code)
    outcomes = {
        "qualified": Q(qualified=True),
        "not_qualified": Q(qualified=False, complete=True),
        "incomplete": Q(complete=False),
        "direct": Q(direct_qualification=True, eligible=True),
    }
    if f.outcome in outcomes:
        qs = qs.filter(outcomes[f.outcome])
    if f.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=f.q) | Q(enterprise__uscc__icontains=f.q.upper())
        )
    return run, qs.order_by("-qualified", "-total_score", "enterprise__name", "pk")


def result_get(actor: Actor, pk: int) -> EvaluationResult:
    require_government(actor)
    qs = EvaluationResult.objects.select_related("enterprise", "run")
    return access(actor, qs, pk, what="评价结果")  # type: ignore[no-any-return]


def district_stats(actor: Actor, run: EvaluationRun) -> list[dict[str, object]]:
    """Per district: enterprises evaluated, complete, qualified (by score / directly)."""
    require_government(actor)
    rows = (
        EvaluationResult.objects.visible_to(actor)
        .filter(run=run)
        .values("enterprise__district_code")
        .annotate(
            n_total=Count("pk"),
            n_complete=Count("pk", filter=Q(complete=True)),
            n_qualified=Count("pk", filter=Q(qualified=True)),
            n_direct=Count("pk", filter=Q(qualified=True, direct_qualification=True)),
        )
        .order_by("enterprise__district_code")
    )
    return [
        {
            "district_code": r["enterprise__district_code"],
            "total": r["n_total"],
            "complete": r["n_complete"],
            "qualified": r["n_qualified"],
            "direct": r["n_direct"],
            "by_score": r["n_qualified"] - r["n_direct"],
        }
        for r in rows
    ]


def expiring_certificates_for(
    actor: Actor,
    *,
    on: date | None = None,
    days: int = EXPIRING_DAYS,
    district_code: str = "",
    enterprise_id: int | None = None,
) -> QuerySet[HnteCertificate]:
    """Certificates valid on ``on`` (today) that expire within ``days`` days: the enterprise's
    own, its district's for a district office, all for the city."""
    if enterprise_id is not None:
        access_enterprise(actor, enterprise_id)
    elif not (actor.is_city or actor.is_district or actor.kind == "enterprise"):
        raise PermissionDenied("您的机构不能查看高新技术企业证书")
    on = on or timezone.localdate()
    qs = HnteCertificate.objects.visible_to(actor).filter(
        _valid_certificates(on), expiry_date__lte=on + timedelta(days=days)
    )
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if district_code:
        qs = qs.filter(enterprise__district_code=district_code)
    return qs.select_related("enterprise").order_by("expiry_date", "pk")


# --- the public list ------------------------------------------------------------------------


def published_runs() -> QuerySet[EvaluationRun]:
    """Runs under (or past) their public notice: what the public may see."""
    return EvaluationRun.objects.filter(
        status=RunStatus.PUBLISHED, notice_start__lte=timezone.localdate()
    ).order_by("-year")


def published_tech_smes(
    *, year: int | None = None, district_code: str = "", q: str = ""
) -> tuple[EvaluationRun | None, QuerySet[EvaluationResult]]:
    """The qualified enterprises of the published run of ``year`` (the latest by default)."""
    runs = published_runs()
    run = runs.filter(year=year).first() if year else runs.first()
    if run is None:
        return None, EvaluationResult.objects.none()
    qs = EvaluationResult.objects.filter(run=run, qualified=True).select_related(
        "enterprise", "enterprise__enterprise_profile"
    )
    if district_code:
        qs = qs.filter(enterprise__district_code=district_code)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q.upper()))
    return run, qs.order_by("enterprise__district_code", "enterprise__name", "pk")
