"""Load the demo city into an empty database (``make demo`` runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kejin.platform.demo.city import DEMO_PASSWORD, load_demo_city


class Command(BaseCommand):
    help = "Load the deterministic demo city (districts, institutions, enterprises, accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=20261125)

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = load_demo_city(enterprises=options["enterprises"], seed=options["seed"])
        self.stdout.write(self.style.SUCCESS(f"demo city loaded: {len(accounts)} accounts"))
        self.stdout.write(f"password for every demo account: {DEMO_PASSWORD}")
        for a in accounts[:12]:
            self.stdout.write(f"  {a.username:<28} {','.join(a.roles):<20} {a.org}")
