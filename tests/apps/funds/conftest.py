"""Fixtures of the special fund tests, and the PostgreSQL-only concurrency test's collection rule:
on any other database its tests are deselected (not skipped), and the thread-based test in
test_concurrency_threads.py proves the same on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from kejin.apps.funds.models import BudgetLine
from kejin.apps.funds.services.lines import BudgetLineInput, budget_line_create
from kejin.platform.tenancy import Actor
from tests.conftest import Cast

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    mine = [i for i in items if HERE in Path(str(i.path)).parents]
    deselected = [i for i in mine if i.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [i for i in items if i not in deselected]


THIS_YEAR = timezone.localdate().year

MakeLine = Callable[..., BudgetLine]


@pytest.fixture
def city(cast: Cast) -> Actor:
    """The city office's administrator, who runs the fund."""
    return cast.actor(cast.city_admin)


@pytest.fixture
def make_line(city: Actor) -> MakeLine:
    """A budget line of this year (the year commitments may be made in)."""
    counter = iter(range(1, 10_000))

    def make(
        amount: str | Decimal = "1000000.00",
        *,
        purpose: str = "awards",
        year: int = THIS_YEAR,
        name: str | None = None,
    ) -> BudgetLine:
        return budget_line_create(
            actor=city,
            data=BudgetLineInput(
                year=year,
                purpose=purpose,
                name=name or f"{year}年测试预算科目{next(counter)}",
                amount=amount,
            ),
        )

    return make
