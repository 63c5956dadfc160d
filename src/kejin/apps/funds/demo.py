"""Demo data of the special fund: the 2025 and 2026 budget lines, and for 2025 some commitments,
payments and a release (the risk pool demo draws its own transfer). Deterministic for a given seed.

Loads after the demo city (``kejin.platform.demo.city``): it acts as the city office's
administrator. Refuses to run twice.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from kejin.apps.funds.models import BudgetLine, LinkageMode, Purpose
from kejin.apps.funds.services.ledger import fund_commit, fund_pay, fund_release
from kejin.apps.funds.services.lines import BudgetLineInput, budget_line_create
from kejin.platform.tenancy import Actor

# (purpose, name stem, budget in yuan) — the city's yearly budget of the special fund.
LINES: list[tuple[str, str, Decimal]] = [
    (Purpose.GUIDANCE_FUND, "科技发展引导基金出资", Decimal("200000000.00")),
    (Purpose.RISK_COMPENSATION, "科技信贷风险补偿资金", Decimal("50000000.00")),
    (Purpose.FINANCING_SUBSIDY, "科技型企业融资补助", Decimal("20000000.00")),
    (Purpose.INTEREST_SUBSIDY, "科技型企业贷款贴息", Decimal("30000000.00")),
    (Purpose.AWARDS, "科技金融奖励", Decimal("30000000.00")),
]

# For 2025 demo activity: (purpose, linkage modes used, commitments to make, amount range yuan)
ACTIVITY: dict[str, tuple[list[str], int, tuple[int, int]]] = {
    Purpose.INTEREST_SUBSIDY: ([LinkageMode.LOAN_SUBSIDY], 24, (20_000, 600_000)),
    Purpose.FINANCING_SUBSIDY: (
        [LinkageMode.GRANT_LOAN, LinkageMode.INVESTMENT_SUBSIDY],
        12,
        (100_000, 800_000),
    ),
    Purpose.AWARDS: (
        [LinkageMode.LOAN_AWARD, LinkageMode.GRANT_INVESTMENT],
        16,
        (100_000, 1_000_000),
    ),
    Purpose.GUIDANCE_FUND: ([LinkageMode.GRANT_INVESTMENT], 3, (20_000_000, 50_000_000)),
}

COMPANIES = [
    "长春光华精工智能装备有限公司",
    "长春启明智能科技有限公司",
    "吉林省北辰光电科技有限公司",
    "长春新源生物医药有限公司",
    "长春卓越新材料科技有限公司",
    "长春星河软件技术有限公司",
    "吉林省瑞达汽车电子有限公司",
    "长春中科精密仪器有限公司",
    "长春润泽农业科技有限公司",
    "长春华信数据服务有限公司",
]


def _city_admin() -> Actor:
    """The demo city's administrator (the demo loader's one look into the parties' tables)."""
    from kejin.apps.orgs.models import User  # noqa: PLC0415 - demo tooling only

    city_people = User.objects.select_related("organisation").filter(
        organisation__kind="city_office", is_active=True
    )
    user = next((u for u in city_people.order_by("pk") if "admin" in u.roles), None)
    if user is None:
        raise RuntimeError("load the demo city first: the fund is run by the city office")
    return Actor.for_user(user)


def load_demo(*, seed: int = 20261125, actor: Actor | None = None) -> list[BudgetLine]:
    """Create the 2025 and 2026 budget lines and the 2025 ledger activity."""
    if BudgetLine.objects.exists():
        raise RuntimeError("the special fund already has budget lines; the demo loads once")
    rng = random.Random(seed)
    admin = actor or _city_admin()
    created: list[BudgetLine] = []
    with transaction.atomic():
        for year in (2025, 2026):
            for purpose, stem, amount in LINES:
                created.append(
                    budget_line_create(
                        actor=admin,
                        data=BudgetLineInput(
                            year=year,
                            purpose=purpose,
                            name=f"{year}年{stem}",
                            amount=amount,
                            note=f"长财教〔{year}〕{rng.randint(10, 99)}号",
                        ),
                        on=date(year, 1, 15),
                    )
                )
        lines_2025 = {line.purpose: line for line in created if line.year == 2025}
        _activity(rng, admin, lines_2025)
    return created


def _activity(rng: random.Random, admin: Actor, lines: dict[str, BudgetLine]) -> None:
    start = date(2025, 3, 1)
    serial = 0
    for purpose, (modes, count, (low, high)) in ACTIVITY.items():
        line = lines[purpose]
        for _ in range(count):
            serial += 1
            day = start + timedelta(days=rng.randint(0, 240))
            amount = (
                Decimal(rng.randint(low // 100, high // 100)) * 100
                + Decimal(rng.randint(0, 99)) / 100
            )
            company = rng.choice(COMPANIES)
            commitment = fund_commit(
                actor=admin,
                line_id=line.pk,
                amount=amount,
                reference=f"2025年专项资金第{serial:03d}号支持项目（演示）",
                linkage_mode=rng.choice(modes),
                counterparty=company,
                on=day,
            )
            roll = rng.random()
            pay_day = day + timedelta(days=rng.randint(10, 60))
            if roll < 0.6:
                fund_pay(
                    actor=admin,
                    commitment_id=commitment.pk,
                    amount=amount,
                    bank_reference=f"JL2025{serial:06d}",
                    on=pay_day,
                )
            elif roll < 0.8:
                part = (amount / 2).quantize(Decimal("0.01"))
                fund_pay(
                    actor=admin,
                    commitment_id=commitment.pk,
                    amount=part,
                    bank_reference=f"JL2025{serial:06d}",
                    on=pay_day,
                )
            elif roll < 0.9:
                fund_release(
                    actor=admin,
                    commitment_id=commitment.pk,
                    reason="企业放弃申报，释放额度",
                    on=pay_day,
                )
    # The risk pool is funded by the riskpool demo through fund_transfer_out, so that both
    # ledgers record the same movement.
