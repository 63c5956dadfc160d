"""Where a book run stands, for the progress page and the API.

A :class:`~kejin.apps.loans.models.BookRun` row is finished when ``finished_at`` is set and not
older than ``started_at`` (a re-run of the date starts later than the last run finished). Until
then ``loans`` and ``outstanding`` are running totals (loans processed so far and their
outstanding); the share processed out of the loans the run looks at gives the progress. The task
backend says whether the run is still queued or has failed (the database backend keeps each task's
status; a backend that cannot tell counts as running). A run that has neither finished nor failed
after :data:`STALLED_AFTER` is shown as stalled and may be started again.

Writing the snapshots happens in one transaction, so that phase shows as one step (90 % → 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from kejin.apps.loans.models import BookRun

STALLED_AFTER = timedelta(hours=6)


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    WRITING = "writing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STALLED = "stalled"


LABELS = {
    RunStatus.QUEUED: "排队中",
    RunStatus.RUNNING: "计算中",
    RunStatus.WRITING: "写入快照中",
    RunStatus.SUCCEEDED: "已完成",
    RunStatus.FAILED: "失败",
    RunStatus.STALLED: "未完成（可能已中断）",
}


@dataclass(frozen=True)
class RunState:
    status: RunStatus
    percent: int
    processed: int  # loans processed so far (the loans in the book once finished)
    expected: int  # loans the run looks at
    outstanding: Decimal

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def done(self) -> bool:
        """Nothing more will happen to this run (the page stops polling)."""
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.STALLED)


def _task_status(task_id: str) -> str | None:
    if not task_id:
        return None
    from kejin.apps.loans.tasks import book_run_task  # noqa: PLC0415

    try:
        return str(book_run_task.get_result(task_id).status)
    except (NotImplementedError, TaskResultDoesNotExist, ValueError):
        return None


def _expected(run: BookRun) -> int:
    from kejin.apps.loans.bookrun.frames import book_loans_queryset  # noqa: PLC0415

    return int(book_loans_queryset(run.business_date).count())


def is_finished(run: BookRun) -> bool:
    return run.finished_at is not None and run.finished_at >= run.started_at


def run_state(run: BookRun, *, now: datetime | None = None) -> RunState:
    """The status and progress (0–100) of ``run``."""
    if is_finished(run):
        return RunState(RunStatus.SUCCEEDED, 100, run.loans, run.loans, run.outstanding)
    task = _task_status(run.task_id)
    expected = _expected(run)
    if task == TaskResultStatus.FAILED:
        status, percent = RunStatus.FAILED, 0
    elif (now or timezone.now()) - run.started_at > STALLED_AFTER:
        status, percent = RunStatus.STALLED, 0
    elif task == TaskResultStatus.READY:
        status, percent = RunStatus.QUEUED, 0
    elif run.loans >= expected:
        status, percent = RunStatus.WRITING, 90
    else:
        status, percent = RunStatus.RUNNING, 5 + 85 * run.loans // max(expected, 1)
    return RunState(status, percent, run.loans, expected, run.outstanding)
