"""Rating enterprises with the approved scorecard: one enterprise in a request, or the whole
population in a batch (vectorised). Both build the features with the same code and apply the same
card, so they give the same score, grade and reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from kejin.apps.credit import features as feature_builder
from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.modelling.catalogue import BY_CODE
from kejin.apps.credit.models import (
    BatchStatus,
    ModelStatus,
    Rating,
    RatingBatch,
    ScoringModel,
    ScoringParameter,
)
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor
from kejin.rules import scoring
from kejin.rules.errors import Conflict, DomainError

BATCH_CHUNK = 500


def scaling_params_on(day: date) -> scoring.ScalingParams:
    """The scale and grade floors in force on ``day`` (defaults + the city's dated values)."""
    return scoring.scaling_params_at(day, [p.as_dated() for p in ScoringParameter.objects.all()])


def approved_model() -> ScoringModel | None:
    return ScoringModel.objects.filter(status=ModelStatus.APPROVED).order_by("-version").first()


def require_model() -> ScoringModel:
    model = approved_model()
    if model is None:
        raise Conflict(CreditError.NO_MODEL, "尚无已审批启用的评分模型，无法评级")
    return model


def contribution_rows(
    card: scoring.Scorecard, contributions: Sequence[scoring.Contribution]
) -> list[dict[str, Any]]:
    """The trace of a score: each feature's value, its bin and points, and the best points."""
    rows = []
    for fc, c in zip(card.features, contributions, strict=True):
        feature = BY_CODE.get(fc.code)
        rows.append(
            {
                "code": fc.code,
                "label": feature.label if feature else fc.code,
                "value": c.value,
                "shown": feature.shown(c.value) if feature else str(c.value),
                "bin": fc.bin_of(c.bin_index).label,
                "points": c.points,
                "best": fc.best_points,
                "lost": c.lost,
            }
        )
    return rows


def reason_rows(reasons: Sequence[scoring.Contribution]) -> list[dict[str, Any]]:
    """The reason codes: feature, points lost, and the reason in plain Chinese."""
    rows = []
    for c in reasons:
        feature = BY_CODE.get(c.code)
        text = feature.reason(c.value) if feature else c.code
        rows.append({"code": c.code, "lost": c.lost, "missing": c.missing, "text": text})
    return rows


def _rating(  # noqa: PLR0917
    enterprise_id: int,
    model: ScoringModel,
    as_of: date,
    result: scoring.ScoreResult,
    floors: Sequence[tuple[str, int]],
    trigger: str,
    batch: RatingBatch | None = None,
) -> Rating:
    return Rating(
        enterprise_id=enterprise_id,
        model=model,
        batch=batch,
        as_of=as_of,
        score=result.score,
        grade=scoring.grade_for(result.score, floors),
        reasons=reason_rows(result.reasons),
        contributions=[
            {"base_points": result.base_points},
            *contribution_rows(model.card, result.contributions),
        ],
        trigger=trigger,
    )


def score_enterprise(
    enterprise_id: int, model: ScoringModel, as_of: date
) -> tuple[scoring.ScoreResult, dict[str, float | None]]:
    """Build one enterprise's features and score them (no write)."""
    frame = feature_builder.build_features([enterprise_id], as_of)
    values = feature_builder.row_values(frame)
    return model.card.score_one(values), values


def rating_compute(
    *, enterprise_id: int, trigger: str = "on_demand", as_of: date | None = None
) -> Rating:
    """Rate one enterprise now with the approved model and store the rating."""
    model = require_model()
    day = as_of or timezone.localdate()
    result, _values = score_enterprise(enterprise_id, model, day)
    rating = _rating(
        enterprise_id, model, day, result, scaling_params_on(day).grade_floors, trigger
    )
    with transaction.atomic():
        rating.save()
    return rating


def rating_refresh(*, actor: Actor, enterprise_id: int) -> Rating:
    """The city office rates one enterprise on demand."""
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以发起评级")
    actor.require_role("admin", "officer", "reviewer", message="您没有发起评级的角色")
    if not Organisation.objects.filter(pk=enterprise_id, kind=OrgKind.ENTERPRISE).exists():
        raise DomainError(
            CreditError.NOT_ENTERPRISE, "该机构不是企业", {"enterprise_id": "不是企业"}, 404
        )
    return rating_compute(enterprise_id=enterprise_id)


def rating_batch_start(*, actor: Actor) -> RatingBatch:
    """The city office rates every active enterprise with the approved model (background task)."""
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以发起批量评级")
    actor.require_role("admin", "officer", "reviewer", message="您没有发起评级的角色")
    model = require_model()
    if RatingBatch.objects.filter(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]).exists():
        raise Conflict(CreditError.MODEL_STATE, "已有一个批量评级正在进行，请等待其完成")
    with transaction.atomic():
        batch = RatingBatch.objects.create(
            model=model, as_of=timezone.localdate(), started_by=actor.audit_user
        )
    from kejin.apps.credit.tasks import run_rating_batch  # noqa: PLC0415 - tasks import services

    run_rating_batch.enqueue(batch.pk)
    return batch


def active_enterprise_ids() -> list[int]:
    return list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def batch_ratings(
    ids: Sequence[int],
    model: ScoringModel,
    as_of: date,
    floors: Sequence[tuple[str, int]],
    batch: RatingBatch | None = None,
) -> list[Rating]:
    """Ratings of many enterprises at once: the features of all, the card applied to the whole
    frame (numpy), the reasons from the batch's reason indexes."""
    frame = feature_builder.build_features(ids, as_of)
    card = model.card
    scored = card.score_batch(feature_builder.to_columns(frame, card.codes), rows=frame.height)
    grades = scoring.grades_for(scored.scores, floors)
    values = feature_builder.to_columns(frame, card.codes)
    enterprise_ids = frame.get_column("enterprise_id").to_list()
    ratings = []
    for i, pk in enumerate(enterprise_ids):
        contributions = []
        for j, fc in enumerate(card.features):
            x = float(values[fc.code][i])
            index = int(scored.bins[i, j])
            points = int(scored.points[i, j])
            contributions.append(
                scoring.Contribution(
                    fc.code, None if np.isnan(x) else x, index, points, fc.best_points - points
                )
            )
        reasons = [contributions[int(j)] for j in scored.reasons[i] if j >= 0]
        ratings.append(
            Rating(
                enterprise_id=pk,
                model=model,
                batch=batch,
                as_of=as_of,
                score=int(scored.scores[i]),
                grade=str(grades[i]),
                reasons=reason_rows(reasons),
                contributions=[
                    {"base_points": card.base_points},
                    *contribution_rows(card, contributions),
                ],
                trigger="batch",
            )
        )
    return ratings


def rating_batch_run(batch_id: int) -> RatingBatch:
    """The body of the batch task: rate every active enterprise, chunk by chunk (progress on the
    batch row), then the PSI of the new scores against the model's training population."""
    batch = RatingBatch.objects.select_related("model").get(pk=batch_id)
    ids = active_enterprise_ids()
    RatingBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total=len(ids))
    floors = scaling_params_on(batch.as_of).grade_floors
    scores: list[int] = []
    try:
        for start in range(0, len(ids), BATCH_CHUNK):
            chunk = ids[start : start + BATCH_CHUNK]
            ratings = batch_ratings(chunk, batch.model, batch.as_of, floors, batch)
            with transaction.atomic():
                Rating.objects.bulk_create(ratings, batch_size=500)
            scores.extend(r.score for r in ratings)
            RatingBatch.objects.filter(pk=batch.pk).update(done=start + len(chunk))
    except Exception as exc:  # a failed run is shown on its page, never half-hidden
        RatingBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    dist = batch.model.distribution or {}
    edges = dist.get("band_edges") or []
    counts = scoring.band_counts(np.asarray(scores), edges) if scores else []
    grades = scoring.grades_for(np.asarray(scores, dtype=np.int64), floors) if scores else []
    psi = (
        round(scoring.psi(dist["band_counts"], counts), 4)
        if scores and dist.get("band_counts")
        else None
    )
    RatingBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE,
        done=len(ids),
        psi=psi,
        band_counts=counts,
        grades={g: int((grades == g).sum()) for g in scoring.GRADES} if scores else {},
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch
