"""Run many ledger operations at once, one database connection per thread.

Each thread waits at a barrier so that all start together, runs its operation, and closes its
connection. On SQLite the test database is an in-memory database in shared-cache mode, where a
second writer gets "database table is locked" at once instead of waiting for the busy timeout (a
file database, as deployed, waits up to 20 s): the thread then waits a moment and tries again,
which is what the busy timeout does. The operation is one transaction, so a locked attempt has
written nothing.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection

from kejin.rules.errors import DomainError

# pytest-django flushes the database after a transactional test; naming every app lets the flush
# TRUNCATE … CASCADE on PostgreSQL (django-auditlog's own, swapped-out table still references
# the users).
ALL_APPS = list(settings.INSTALLED_APPS)


@dataclass(frozen=True)
class Outcome:
    index: int
    ok: bool
    code: str = ""
    message: str = ""
    fields: dict[str, str] | None = None
    attempts: int = 1


def race(operations: list[Callable[[], object]], *, max_attempts: int = 500) -> list[Outcome]:
    """Start every operation at the same moment, each on its own thread and connection."""
    barrier = threading.Barrier(len(operations))
    outcomes: list[Outcome | None] = [None] * len(operations)
    rng = random.Random(len(operations))
    pauses = [rng.uniform(0.001, 0.01) for _ in operations]

    def run(i: int) -> None:
        try:
            barrier.wait()
            for attempt in range(1, max_attempts + 1):
                try:
                    operations[i]()
                except OperationalError as exc:
                    if "locked" not in str(exc) or connection.vendor != "sqlite":
                        raise
                    time.sleep(pauses[i])
                    continue
                except DomainError as exc:
                    outcomes[i] = Outcome(
                        i, False, str(exc.code), exc.message, dict(exc.fields), attempt
                    )
                    return
                outcomes[i] = Outcome(i, True, attempts=attempt)
                return
            outcomes[i] = Outcome(i, False, "test.gave_up", "still locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(operations))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(o is not None for o in outcomes), "a thread did not finish"
    return [o for o in outcomes if o is not None]
