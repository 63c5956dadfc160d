"""The city office's evaluation of every active enterprise (a background task) and its
publication with a public notice of N working days.

- :func:`evaluation_run_start` records a run and enqueues :func:`tasks.evaluation_run_task`.
- :func:`evaluation_run_execute` (the task's body) evaluates the enterprises in chunks with the
  vectorised rule and stores each chunk's results and the progress on the run's row.
- :func:`evaluation_run_publish` opens the public notice (its end from ``rules.calendar``), makes
  the run the current one for its year, and locks the filings it used.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.enterprises.access import require_city
from kejin.apps.enterprises.batch import evaluate_frame, facts_frame, row_snapshot
from kejin.apps.enterprises.errors import EnterpriseError
from kejin.apps.enterprises.models import (
    EvaluationResult,
    EvaluationRun,
    FinancialYear,
    RunStatus,
)
from kejin.apps.enterprises.services.fields import FieldErrors
from kejin.apps.enterprises.services.financials import clean_year_number
from kejin.apps.orgs import selectors as org_selectors
from kejin.platform.tenancy import Actor, access
from kejin.rules import calendar
from kejin.rules.errors import Conflict, DomainError

log = logging.getLogger(__name__)

CHUNK = 500
DEFAULT_NOTICE_DAYS = 7
MAX_NOTICE_DAYS = 30
RUN_ROLES = ("admin", "officer")
PUBLISH_ROLES = ("admin", "reviewer")
POINTS = (
    "tech_staff_points",
    "rd_revenue_points",
    "rd_cost_points",
    "rd_points",
    "ip_points",
    "total_score",
)
FLAGS = (
    "eligible",
    "passes_score",
    "route_hnte",
    "route_national_award",
    "route_rd_institution",
    "route_standard",
    "direct_qualification",
    "qualified",
)


def work_calendar() -> calendar.WorkCalendar:
    """The working-day calendar (the package's years; the city's entered years when available)."""
    return calendar.PACKAGE_CALENDAR


def evaluation_run_start(
    *, actor: Actor, year: Any, reference_date: date | None = None
) -> EvaluationRun:
    """Record a run for ``year`` and enqueue it (one active run at a time)."""
    from kejin.apps.enterprises.tasks import evaluation_run_task  # noqa: PLC0415 (cycle)

    require_city(actor, *RUN_ROLES, message="只有市科技局管理员或经办人可以发起批量评价")
    errors = FieldErrors()
    number = clean_year_number(year, errors)
    errors.raise_if_any()
    assert number is not None
    on = reference_date or timezone.localdate()
    if on.year <= number:
        message = f"参照日须在 {number} 年度之后（收到 {on}）"
        raise DomainError(
            code=EnterpriseError.YEAR_INVALID, message=message, fields={"reference_date": message}
        )
    with transaction.atomic():
        active = EvaluationRun.objects.select_for_update().filter(
            status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
        if active.exists():
            raise Conflict(EnterpriseError.RUN_ACTIVE, "已有批量评价正在进行，请等待其完成")
        run = EvaluationRun.objects.create(
            year=number, reference_date=on, created_by=actor.audit_user
        )
    try:
        evaluation_run_task.enqueue(run.pk)
    except Exception as exc:
        # a run that never reaches the queue must not block the next one
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"未能加入任务队列：{exc}"
        )
        raise
    return run


def _active_enterprise_ids(run: EvaluationRun) -> list[int]:
    actor = Actor.for_user(run.created_by)
    found = org_selectors.organisation_list_for(
        actor, org_selectors.OrgFilter(kind="enterprise", status="active")
    )
    return sorted(found.values_list("pk", flat=True))


def _store_chunk(run: EvaluationRun, ids: list[int]) -> tuple[int, int]:
    """Evaluate and store one chunk; returns (qualified, incomplete)."""
    ref = run.reference_date
    frame, missing = facts_frame(ids, run.year, ref)
    results = [
        EvaluationResult(
            run=run, enterprise_id=enterprise_id, year=run.year, complete=False, missing=reason
        )
        for enterprise_id, reason in missing.items()
    ]
    qualified = 0
    if not frame.is_empty():
        for row in evaluate_frame(frame, ref).iter_rows(named=True):
            qualified += row["qualified"]
            results.append(
                EvaluationResult(
                    run=run,
                    enterprise_id=row["enterprise_id"],
                    year=run.year,
                    complete=True,
                    facts=row_snapshot(row, ref),
                    **{name: row[name] for name in POINTS + FLAGS},
                )
            )
    EvaluationResult.objects.bulk_create(results)
    return qualified, len(missing)


def evaluation_run_execute(run_id: int) -> EvaluationRun:
    """Evaluate every active enterprise for the run's year, chunk by chunk, keeping progress."""
    run = EvaluationRun.objects.select_related("created_by").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run
    ids = _active_enterprise_ids(run)
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), total=len(ids)
    )
    run.refresh_from_db()
    try:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            with transaction.atomic():
                qualified, incomplete = _store_chunk(run, chunk)
                run.processed += len(chunk)
                run.qualified_count += qualified
                run.incomplete_count += incomplete
                run.save(update_fields=["processed", "qualified_count", "incomplete_count"])
    except Exception as exc:
        log.exception("evaluation run %s failed", run.pk)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def evaluation_run_publish(
    *,
    actor: Actor,
    run_id: int,
    notice_days: Any = DEFAULT_NOTICE_DAYS,
    opens_on: date | None = None,
) -> EvaluationRun:
    """Publish a finished run: the notice opens on ``opens_on`` (today by default) and ends at
    the end of the N-th working day after it; the qualification is valid from the day after the
    notice ends to the end of the following year. Earlier published runs of the year are
    superseded, and the year's filings used are locked."""
    require_city(actor, *PUBLISH_ROLES, message="只有市科技局管理员或审核人可以公示评价结果")
    try:
        days = int(notice_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_NOTICE_DAYS:
        message = f"公示期须为 1–{MAX_NOTICE_DAYS} 个工作日（收到 {notice_days}）"
        raise DomainError(EnterpriseError.NOTICE_INVALID, message, {"notice_days": message})
    with transaction.atomic():
        run: EvaluationRun = access(
            actor, EvaluationRun.objects.all(), run_id, what="批量评价", for_update=True
        )
        if run.status != RunStatus.DONE:
            raise Conflict(
                EnterpriseError.RUN_NOT_DONE,
                f"该批评价当前状态为“{run.get_status_display()}”，只有已完成的评价可以公示",
            )
        start = opens_on or timezone.localdate()
        if start < run.reference_date:
            message = f"公示开始日期不能早于评价参照日 {run.reference_date}"
            raise DomainError(EnterpriseError.NOTICE_INVALID, message, {"opens_on": message})
        end = work_calendar().notice_end(start, days)
        now = timezone.now()
        for old in EvaluationRun.objects.filter(year=run.year, status=RunStatus.PUBLISHED):
            old.status = RunStatus.SUPERSEDED
            old.save(update_fields=["status"])
        run.status = RunStatus.PUBLISHED
        run.published_at = now
        run.published_by = actor.audit_user
        run.notice_days = days
        run.notice_start = start
        run.notice_end = end
        run.valid_from = end + timedelta(days=1)
        run.valid_until = date(run.year + 1, 12, 31)
        run.save()
        used = run.results.filter(complete=True).values("enterprise_id")
        FinancialYear.objects.filter(
            year=run.year, enterprise_id__in=used, locked_at__isnull=True
        ).update(locked_at=now, locked_by_run=run)
    return run
