"""Background tasks of the enterprises context (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from kejin.apps.enterprises.services.runs import evaluation_run_execute


@task()
def evaluation_run_task(run_id: int) -> int:
    """Evaluate every active enterprise for a run; progress is kept on the run's row."""
    run = evaluation_run_execute(run_id)
    return run.processed
