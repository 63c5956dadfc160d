"""Fixtures of the risk pool tests (the world itself is built in tests/apps/riskpool/world.py).

PostgreSQL-only tests (``@pytest.mark.postgres_only``) are deselected on SQLite by the hook below:
never skipped, so that a run on SQLite reports no skips, and a SQLite-safe variant runs instead.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.apps.riskpool.world import (
    CONTRACT,
    DEFAULT_DATE,
    EFFECTIVE,
    FILED,
    POOL_NAME,
    World,
    build_world,
)
from tests.conftest import Cast

__all__ = ["CONTRACT", "DEFAULT_DATE", "EFFECTIVE", "FILED", "POOL_NAME", "World", "assert_error"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect ``postgres_only`` tests unless the database is PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The API's error envelope: ``{"error": {"code", "message", "fields"}}``."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error
