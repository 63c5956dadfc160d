"""The demo fund: 2025 and 2026 lines with the city's budgets, 2025 activity that reconciles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kejin.apps.funds.demo import load_demo
from kejin.apps.funds.models import BudgetLine, LedgerEntry
from kejin.apps.funds.selectors import commitment_balance, line_balance
from kejin.apps.funds.usage import usage_by_linkage_mode
from tests.conftest import Cast

D = Decimal


def test_the_demo_loads_both_years_once_and_reconciles(cast: Cast) -> None:
    lines = load_demo(seed=7)
    assert len(lines) == 10
    budgets = {
        (line.year, line.purpose): line_balance(line.pk).budgeted
        for line in BudgetLine.objects.all()
    }
    for year in (2025, 2026):
        assert budgets[(year, "guidance_fund")] == D("200000000.00")
        assert budgets[(year, "risk_compensation")] == D("50000000.00")
        assert budgets[(year, "financing_subsidy")] == D("20000000.00")
        assert budgets[(year, "interest_subsidy")] == D("30000000.00")
        assert budgets[(year, "awards")] == D("30000000.00")
    for line in BudgetLine.objects.all():
        b = line_balance(line.pk)
        assert b.available >= 0
        assert b.budgeted == b.available + b.open + b.paid
        if line.year == 2026:
            assert b.committed == 0  # the 2026 lines are fresh for the other contexts' demos
    entries_2025 = LedgerEntry.objects.filter(line__year=2025)
    assert entries_2025.filter(kind="committed").count() > 40
    assert entries_2025.filter(kind="paid").exists()
    assert entries_2025.filter(kind="released").exists()
    assert all(e.value_date.year == 2025 for e in entries_2025)
    for c in entries_2025.filter(kind="committed"):
        cb = commitment_balance(c.pk)
        assert cb.paid + cb.released <= cb.committed
    risk = BudgetLine.objects.get(year=2025, purpose="risk_compensation")
    # the pool draws its own transfer in the riskpool demo
    assert line_balance(risk.pk).paid == D("0.00")
    assert all(r.committed > 0 for r in usage_by_linkage_mode(2025))
    assert LedgerEntry.objects.first().actor == cast.city_admin
    with pytest.raises(RuntimeError):  # the demo loads once
        load_demo(seed=7)
