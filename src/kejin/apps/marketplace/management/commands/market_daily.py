"""Daily housekeeping of the marketplace (run it from cron once a day, after midnight)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kejin.apps.marketplace.services import applications, crowdfunding, demands


class Command(BaseCommand):
    help = "Expire past demands, close past crowdfunding projects, flag overdue applications."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = demands.demands_expire()
        closed = crowdfunding.projects_close_expired()
        flagged = applications.applications_flag_overdue()
        self.stdout.write(
            f"expired demands: {expired}; closed projects: {closed}; overdue flagged: {flagged}"
        )
