"""Background tasks of the policies context (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from kejin.apps.policies.services.batch import interest_batch_execute


@task()
def interest_batch_task(run_id: int) -> int:
    """The book-wide interest subsidy run (免申即享); progress is kept on the run's row."""
    return interest_batch_execute(run_id).proposals


@task()
def close_due_notices_task() -> int:
    """Close the notices whose period is over (for the scheduler, each working morning)."""
    from kejin.apps.policies.notifications import city_office  # noqa: PLC0415
    from kejin.apps.policies.services.notice import notices_close_due  # noqa: PLC0415
    from kejin.platform.audit.context import audit_as  # noqa: PLC0415
    from kejin.platform.tenancy import Actor  # noqa: PLC0415

    office = city_office()
    if office is None:
        return 0
    actor = Actor(organisation=office, roles=frozenset({"admin"}))
    with audit_as(actor):
        return len(notices_close_due(actor=actor))
