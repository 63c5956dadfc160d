"""Scoring model versions: training (validated at once, run in the background with progress),
four-eyes approval (the city person who trained a model cannot approve it), rejection."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kejin.apps.credit import features as feature_builder
from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.modelling import training
from kejin.apps.credit.modelling.catalogue import CODES, OUTCOME, column_aliases
from kejin.apps.credit.models import ModelStatus, ScoringModel
from kejin.apps.credit.services.ratings import active_enterprise_ids, scaling_params_on
from kejin.apps.orgs.models import OrgKind
from kejin.platform.spreadsheets import read_sheet
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError, NotFound, PermissionDenied

TRAINERS = ("admin", "officer")
APPROVERS = ("admin", "reviewer", "manager")


def _require_trainer(actor: Actor) -> None:
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以训练评分模型")
    actor.require_role(*TRAINERS, message="只有市科技局经办人或管理员可以训练评分模型")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(
            CreditError.MODEL_STATE, "请填写模型名称", {"name": "请填写模型名称（不超过100字）"}
        )
    return name


def _next_version() -> int:
    return (ScoringModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1


def read_training_csv(content: bytes, filename: str) -> training.TrainingTable:
    """Parse and check an uploaded training table; refuse with a clear message (nothing saved)."""
    if not filename.lower().endswith(".csv"):
        raise DomainError("import.bad_file", "训练数据须为 CSV 文件", {"file": "只接受 .csv 文件"})
    try:
        sheet = read_sheet(io.BytesIO(content), filename, column_aliases(), (OUTCOME,))
    except DomainError as exc:
        if exc.code != "import.columns_mismatch":
            raise
        allowed = "、".join(CODES)
        raise DomainError(
            "credit.training_columns",
            f"{exc.message}。可用的列：{allowed}，以及结果列 default",
            {"file": exc.message},
        ) from None
    headers = [h for h in sheet.headers if h]
    if len(set(headers)) != len(headers):
        raise DomainError("credit.training_columns", "CSV 中有重复的列", {"file": "列名重复"})
    table = training.table_from_rows(headers, sheet.rows)
    training.check_table(table)
    return table


def platform_table(observation_date: date) -> training.TrainingTable:
    """Features of the enterprises observable on ``observation_date`` and their outcome."""
    ids, outcome = feature_builder.outcomes(active_enterprise_ids(), observation_date)
    frame = feature_builder.build_features(ids, observation_date)
    import numpy as np  # noqa: PLC0415

    by_id = dict(zip(ids, outcome, strict=True))
    order = frame.get_column("enterprise_id").to_list()
    return training.TrainingTable(
        list(CODES),
        feature_builder.to_columns(frame),
        np.asarray([by_id[i] for i in order], dtype=np.int8),
    )


def _enqueue(model: ScoringModel) -> None:
    from kejin.apps.credit.tasks import train_scoring_model  # noqa: PLC0415

    train_scoring_model.enqueue(model.pk)


def scoring_model_train_csv(
    *, actor: Actor, name: str, upload: BinaryIO, filename: str
) -> ScoringModel:
    """Train on an uploaded CSV table (feature columns from the catalogue + ``default``)."""
    _require_trainer(actor)
    name = _clean_name(name)
    content = upload.read()
    read_training_csv(content, filename)
    with transaction.atomic():
        model = ScoringModel(
            version=_next_version(), name=name, data_source="csv", trained_by=actor.audit_user
        )
        model.training_file.save(filename.rsplit("/", 1)[-1], ContentFile(content), save=False)
        model.save()
    _enqueue(model)
    model.refresh_from_db()
    return model


def scoring_model_train_platform(
    *, actor: Actor, name: str, observation_date: date
) -> ScoringModel:
    """Train on the platform's own data: features as of ``observation_date``, outcome in the 12
    months after it (so the date must be at least a year ago)."""
    _require_trainer(actor)
    name = _clean_name(name)
    latest = timezone.localdate() - timedelta(days=365)
    if not isinstance(observation_date, date) or observation_date > latest:
        raise DomainError(
            CreditError.TRAINING_SOURCE,
            f"观察日须不晚于 {latest.isoformat()}（之后须有完整的12个月表现期）",
            {"observation_date": f"须不晚于 {latest.isoformat()}"},
        )
    training.check_table(platform_table(observation_date))
    with transaction.atomic():
        model = ScoringModel.objects.create(
            version=_next_version(),
            name=name,
            data_source="platform",
            observation_date=observation_date,
            trained_by=actor.audit_user,
        )
    _enqueue(model)
    model.refresh_from_db()
    return model


def _progress(model_id: int) -> Any:
    def report(pct: int, message: str) -> None:
        ScoringModel.objects.filter(pk=model_id).update(progress=pct, progress_message=message)

    return report


def scoring_model_run(model_id: int) -> ScoringModel:
    """The body of the training task: load the data, train, store the card and its validation."""
    model = ScoringModel.objects.get(pk=model_id)
    ScoringModel.objects.filter(pk=model_id).update(
        status=ModelStatus.TRAINING, progress=1, progress_message="正在读取训练数据"
    )
    try:
        if model.data_source == "csv":
            with model.training_file.open("rb") as fh:
                table = read_training_csv(fh.read(), model.training_file.name)
        else:
            table = platform_table(model.observation_date)  # type: ignore[arg-type]
        params = scaling_params_on(timezone.localdate())
        result = training.train(table, params, progress=_progress(model_id))
    except Exception as exc:  # the failure is shown on the progress page
        message = exc.message if isinstance(exc, DomainError) else f"训练失败：{exc}"
        ScoringModel.objects.filter(pk=model_id).update(
            status=ModelStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        model.refresh_from_db()
        return model
    ScoringModel.objects.filter(pk=model_id).update(
        status=ModelStatus.TRAINED,
        progress=100,
        progress_message="训练完成，等待审批",
        scorecard=result.scorecard.to_dict(),
        metrics=result.metrics,
        summary=result.summary,
        distribution=result.distribution,
        dropped=result.dropped,
        scale=[v.to_dict() for v in params.values],
        finished_at=timezone.now(),
    )
    model.refresh_from_db()
    return model


def _decidable(actor: Actor, model_id: int) -> ScoringModel:
    actor.require_kind(OrgKind.CITY_OFFICE, message="只有市科技局可以审批评分模型")
    actor.require_role(*APPROVERS, message="只有市科技局审核人或管理员可以审批评分模型")
    model = ScoringModel.objects.select_for_update().filter(pk=model_id).first()
    if model is None:
        raise NotFound("评分模型")
    if model.status != ModelStatus.TRAINED:
        raise Conflict(
            CreditError.MODEL_STATE, f"该模型当前状态为“{model.get_status_display()}”，不能审批"
        )
    if actor.audit_user is not None and model.trained_by_id == actor.audit_user.pk:
        raise PermissionDenied(
            "训练该模型的人员不能审批自己训练的模型（双人复核）", code=CreditError.FOUR_EYES
        )
    return model


def scoring_model_approve(*, actor: Actor, model_id: int, note: str = "") -> ScoringModel:
    """A second city person approves a trained model: it rates from now on; the one in use
    before is retired."""
    with transaction.atomic():
        model = _decidable(actor, model_id)
        ScoringModel.objects.filter(status=ModelStatus.APPROVED).update(status=ModelStatus.RETIRED)
        model.status = ModelStatus.APPROVED
        model.approved_by = actor.audit_user
        model.approved_at = timezone.now()
        model.decision_note = (note or "").strip()
        model.save()
    return model


def scoring_model_reject(*, actor: Actor, model_id: int, note: str) -> ScoringModel:
    if not (note or "").strip():
        raise DomainError(CreditError.MODEL_STATE, "不予启用须填写理由", {"note": "请填写理由"})
    with transaction.atomic():
        model = _decidable(actor, model_id)
        model.status = ModelStatus.REJECTED
        model.approved_by = actor.audit_user
        model.approved_at = timezone.now()
        model.decision_note = note.strip()
        model.save()
    return model
