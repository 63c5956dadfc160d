"""Reads of the credit context, always scoped to the actor.

For other contexts: :func:`latest_rating` and :func:`ratings_of` answer the stored ratings without
any consent check — call :func:`kejin.apps.credit.services.consent.require_consent` first whenever
the rating is shown to an institution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kejin.apps.credit.models import (
    Consent,
    CreditRecord,
    Dispute,
    Executive,
    ExecutiveConsent,
    Rating,
    RatingBatch,
    ReadLog,
    ScoringModel,
    ScoringParameter,
)
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor, access
from kejin.rules import uscc as uscc_rules
from kejin.rules.errors import DomainError, NotFound


def latest_rating(enterprise_id: int) -> Rating | None:
    """The enterprise's latest rating (grade, score, model version, reasons), or None."""
    return (
        Rating.objects.filter(enterprise_id=enterprise_id)
        .select_related("model")
        .order_by("-rated_at", "-pk")
        .first()
    )


def ratings_of(enterprise_ids: Iterable[int]) -> dict[int, Rating]:
    """The latest rating of each enterprise that has one."""
    ids = list(enterprise_ids)
    found: dict[int, Rating] = {}
    for i in range(0, len(ids), 900):
        qs = (
            Rating.objects.filter(enterprise_id__in=ids[i : i + 900])
            .select_related("model")
            .order_by("enterprise_id", "-rated_at", "-pk")
        )
        for r in qs:
            found.setdefault(r.enterprise_id, r)
    return found


def rating_history(enterprise_id: int, limit: int = 24) -> list[Rating]:
    return list(
        Rating.objects.filter(enterprise_id=enterprise_id)
        .select_related("model")
        .order_by("-rated_at", "-pk")[:limit]
    )


def enterprise_by_uscc(raw: str) -> Organisation:
    """An enterprise registered on the platform, by its code (no credit data)."""
    try:
        code = uscc_rules.validate(raw)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, {"uscc": exc.message}) from None
    org = Organisation.objects.filter(uscc=code, kind=OrgKind.ENTERPRISE).first()
    if org is None or org.status == OrgStatus.REJECTED:
        raise NotFound("该统一社会信用代码对应的企业")
    return org


@dataclass(frozen=True)
class RecordFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def records_for(actor: Actor, f: RecordFilter | None = None) -> QuerySet[CreditRecord]:
    """Records the actor may list: what it filed (a source), everything (the city). An
    enterprise reads its records through the report (consent rules for personal data)."""
    f = f or RecordFilter()
    if actor.kind == OrgKind.ENTERPRISE:
        qs = CreditRecord.objects.none()
    elif actor.is_city:
        qs = CreditRecord.objects.all()
    else:
        qs = CreditRecord.objects.filter(source_id=actor.org_id)
    if f.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=f.q)
            | Q(enterprise__uscc__icontains=f.q.upper())
            | Q(reference__icontains=f.q)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(record_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(record_date__lte=f.date_to)
    return qs.select_related("enterprise", "source").order_by("-record_date", "-pk")


def records_of(enterprise_id: int) -> QuerySet[CreditRecord]:
    """An enterprise's records that count (not withdrawn), for its report."""
    return (
        CreditRecord.objects.filter(enterprise_id=enterprise_id)
        .exclude(status="withdrawn")
        .select_related("source")
        .order_by("kind", "-record_date", "-pk")
    )


def record_get(actor: Actor, record_id: int) -> CreditRecord:
    return access(
        actor,
        CreditRecord.objects.select_related("enterprise", "source"),
        record_id,
        what="信用记录",
    )


def consents_for(actor: Actor) -> QuerySet[Consent]:
    return Consent.objects.visible_to(actor).select_related(
        "enterprise", "institution", "granted_by"
    )


def executives_of(actor: Actor) -> QuerySet[Executive]:
    return (
        Executive.objects.visible_to(actor)
        .filter(enterprise_id=actor.org_id)
        .prefetch_related("consents")
    )


def executives_of_enterprise(enterprise_id: int) -> list[Executive]:
    return list(Executive.objects.filter(enterprise_id=enterprise_id, active=True).order_by("pk"))


def executive_consents_of(actor: Actor) -> QuerySet[ExecutiveConsent]:
    return ExecutiveConsent.objects.visible_to(actor).select_related("executive")


@dataclass(frozen=True)
class ReadFilter:
    outcome: str = ""
    reader: str = ""
    date_from: date | None = None
    date_to: date | None = None


def reads_for(actor: Actor, f: ReadFilter | None = None) -> QuerySet[ReadLog]:
    """The read log: of the enterprise's data (an enterprise), of the reads it made (others)."""
    f = f or ReadFilter()
    qs = ReadLog.objects.visible_to(actor)
    if actor.kind == OrgKind.ENTERPRISE:
        qs = qs.filter(enterprise_id=actor.org_id)
    elif not actor.is_city:
        qs = qs.filter(reader_id=actor.org_id)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.reader:
        qs = qs.filter(reader__name__icontains=f.reader)
    if f.date_from:
        qs = qs.filter(at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(at__date__lte=f.date_to)
    return qs.select_related("enterprise", "reader", "reader_user", "consent").order_by(
        "-at", "-pk"
    )


def disputes_for(actor: Actor, status: str = "") -> QuerySet[Dispute]:
    qs = Dispute.objects.visible_to(actor).select_related(
        "record", "record__source", "enterprise", "raised_by", "resolved_by", "resolved_org"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_at", "-pk")


def dispute_get(actor: Actor, dispute_id: int) -> Dispute:
    return access(
        actor,
        Dispute.objects.select_related("record", "record__source", "enterprise"),
        dispute_id,
        what="异议",
    )


def models_for(actor: Actor) -> QuerySet[ScoringModel]:
    """Scoring models: the city office only."""
    if not actor.is_city:
        return ScoringModel.objects.none()
    return ScoringModel.objects.select_related("trained_by", "approved_by").order_by("-version")


def model_get(actor: Actor, model_id: int) -> ScoringModel:
    model = models_for(actor).filter(pk=model_id).first()
    if model is None:
        raise NotFound("评分模型")
    return model


def batches_for(actor: Actor) -> QuerySet[RatingBatch]:
    if not actor.is_city:
        return RatingBatch.objects.none()
    return RatingBatch.objects.select_related("model", "started_by").order_by("-created_at", "-pk")


def batch_get(actor: Actor, batch_id: int) -> RatingBatch:
    batch = batches_for(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("批量评级")
    return batch


def latest_batch(model_id: int) -> RatingBatch | None:
    return (
        RatingBatch.objects.filter(model_id=model_id, status="done").order_by("-created_at").first()
    )


def scoring_parameters() -> QuerySet[ScoringParameter]:
    return ScoringParameter.objects.select_related("created_by").order_by("key", "-effective_from")


def institutions_for_consent() -> QuerySet[Organisation]:
    """Financial institutions an enterprise may authorise."""
    return Organisation.objects.filter(
        kind__in=OrgKind.institutions(), status=OrgStatus.ACTIVE
    ).order_by("kind", "name")
