"""Background tasks of the loans context (django-tasks)."""

from __future__ import annotations

from datetime import date

from django_tasks import TaskContext, task

from kejin.apps.loans.bookrun.run import book_run


@task(takes_context=True)
def book_run_task(context: TaskContext, business_date_iso: str) -> dict[str, object]:
    """The daily book run for a business date (``YYYY-MM-DD``), as a queued task: started from
    the book-run page or the API, or by the scheduler at the end of each business day."""
    run = book_run(
        business_date=date.fromisoformat(business_date_iso), task_id=context.task_result.id
    )
    return {
        "business_date": run.business_date.isoformat(),
        "loans": run.loans,
        "outstanding": str(run.outstanding),
    }
