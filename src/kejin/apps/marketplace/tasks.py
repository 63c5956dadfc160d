"""Background tasks of the marketplace (django-tasks): rematching after a product changes, the
whole-market rematch (progress on its run row), and the daily housekeeping."""

from __future__ import annotations

from django_tasks import task

from kejin.apps.marketplace.services import applications, crowdfunding, demands, matching


@task()
def product_rematch_task(product_id: int) -> None:
    matching.product_rematch(product_id)


@task()
def market_rematch_task(run_id: int) -> None:
    matching.market_rematch_run(run_id)


@task()
def market_daily_task() -> dict[str, int]:
    """Expire past demands, close past crowdfunding projects, flag overdue applications."""
    return {
        "expired_demands": demands.demands_expire(),
        "closed_projects": crowdfunding.projects_close_expired(),
        "overdue_flagged": applications.applications_flag_overdue(),
    }
