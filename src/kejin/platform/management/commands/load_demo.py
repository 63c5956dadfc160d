"""Load the demo city into an empty database (``make demo`` runs it)."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kejin.platform.demo.city import DEMO_PASSWORD, load_demo_city

# Each context that has a demo adds it in this order (later ones use earlier ones' data).
DEMO_ORDER = (
    "enterprises",
    "credit",
    "loans",
    "funds",
    "policies",
    "riskpool",
    "marketplace",
)


class Command(BaseCommand):
    help = "Load the deterministic demo city (districts, institutions, enterprises, accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds organisations",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from kejin.apps.orgs.models import Organisation  # noqa: PLC0415

        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("the database already holds data: demo not loaded again")
            return
        seed = options["seed"]
        started = time.monotonic()
        accounts = load_demo_city(enterprises=options["enterprises"], seed=seed)
        self.stdout.write(self.style.SUCCESS(f"demo city loaded: {len(accounts)} accounts"))
        for context in DEMO_ORDER:
            try:
                module = importlib.import_module(f"kejin.apps.{context}.demo")
            except ModuleNotFoundError:
                continue
            t0 = time.monotonic()
            module.load_demo(seed=seed)
            self.stdout.write(f"  {context:<12} demo loaded in {time.monotonic() - t0:.1f} s")
        self.stdout.write(f"demo ready in {time.monotonic() - started:.1f} s")
        self.stdout.write(f"password for every demo account: {DEMO_PASSWORD}")
        for a in accounts[:12]:
            self.stdout.write(f"  {a.username:<28} {','.join(a.roles):<20} {a.org}")
