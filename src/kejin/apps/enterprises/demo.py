"""Demo data of the enterprises context, for every active enterprise of the demo city.

Deterministic for a seed (only the HNTE certificates "expiring within 90 days" are placed relative
to today, so that the list is never empty). Three years of filings (2023–2025), IP items, some
HNTE certificates, a few awards, standards and R&D institutions, then the city's evaluation of
2025, published, so that the public list is not empty. Rows are written with ``bulk_create``
(demo data is not audited: it was never changed by anyone).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kejin.apps.enterprises.models import (
    EnterpriseProfile,
    EvaluationRun,
    Executive,
    FinancialYear,
    HnteCertificate,
    Industry,
    InstitutionLevel,
    IpItem,
    IpKind,
    NationalAward,
    RdInstitution,
    StandardLed,
    StandardLevel,
)
from kejin.apps.enterprises.services.runs import evaluation_run_execute, evaluation_run_publish
from kejin.apps.orgs import selectors as org_selectors
from kejin.platform.tenancy import Actor
from kejin.rules.hnte import add_years, certificate_expiry

YEARS = (2023, 2024, 2025)
EVALUATED_YEAR = 2025
REFERENCE_DATE = date(2026, 3, 20)
NOTICE_OPENS = date(2026, 3, 31)
CENT = Decimal("0.01")
IP_KINDS = [
    (IpKind.INVENTION_PATENT, 18, 20),
    (IpKind.UTILITY_MODEL, 36, 10),
    (IpKind.DESIGN_PATENT, 8, 15),
    (IpKind.SOFTWARE_COPYRIGHT, 26, 50),
    (IpKind.TRADEMARK, 8, 10),
    (IpKind.IC_LAYOUT_DESIGN, 2, 10),
    (IpKind.PLANT_VARIETY, 2, 20),
]
"""(kind, weight, years of protection)."""
PRODUCTS = {
    Industry.NEXT_GEN_IT: ["工业软件", "数据平台", "智能终端"],
    Industry.HIGH_END_EQUIPMENT: ["数控机床", "工业机器人", "精密减速器"],
    Industry.NEW_MATERIALS: ["碳纤维复合材料", "光学薄膜", "特种合金"],
    Industry.BIOTECH: ["体外诊断试剂", "生物制剂", "医疗器械"],
    Industry.NEW_ENERGY_VEHICLES: ["车载控制器", "动力电池管理系统", "智能座舱"],
    Industry.NEW_ENERGY: ["光伏逆变器", "氢燃料电池", "储能系统"],
    Industry.ENERGY_SAVING: ["污水处理设备", "余热回收装置", "环境监测仪"],
    Industry.DIGITAL_CREATIVE: ["数字内容", "动漫制作", "虚拟现实展示"],
    Industry.RELATED_SERVICES: ["检验检测服务", "技术咨询", "知识产权服务"],
}
POSITIONS = ["总经理", "副总经理", "财务总监", "技术总监", "董事会秘书"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志文斌鹏飞宇浩然晨阳"


def _yuan(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _ip_number(kind: str, granted: date) -> str:
    """A realistic number pattern of each kind (``#``: a random digit)."""
    filed = granted.year - 1
    patterns = {
        IpKind.INVENTION_PATENT: f"ZL{filed}1#######.#",
        IpKind.UTILITY_MODEL: f"ZL{filed}2#######.#",
        IpKind.DESIGN_PATENT: f"ZL{filed}3#######.#",
        IpKind.SOFTWARE_COPYRIGHT: f"{granted.year}SR#######",
        IpKind.TRADEMARK: "第########号",
        IpKind.IC_LAYOUT_DESIGN: f"BS.{str(filed)[2:]}5#####.#",
        IpKind.PLANT_VARIETY: f"CNA{filed}####.#",
    }
    return patterns[IpKind(kind)]


def _industry(label: str, rng: random.Random) -> str:
    for code, name in Industry.choices:
        if name == label:
            return code
    return rng.choice(Industry.values)


class _Builder:
    """Collects the rows of every enterprise, then writes each model with one bulk insert."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.rows: dict[type, list[Any]] = {}
        self.numbers: set[str] = set()

    def add(self, obj: Any) -> None:
        self.rows.setdefault(type(obj), []).append(obj)

    def number(self, pattern: str) -> str:
        """A unique number: ``pattern`` with each ``#`` replaced by a random digit."""
        while True:
            n = "".join(str(self.rng.randrange(10)) if c == "#" else c for c in pattern)
            if n not in self.numbers:
                self.numbers.add(n)
                return n

    def enterprise(self, org: Any, *, showcase: bool = False) -> None:
        rng = self.rng
        industry = _industry(org.industry, rng)
        established = date(rng.randint(2006, 2022), rng.randint(1, 12), rng.randint(1, 28))
        self.add(
            EnterpriseProfile(
                enterprise=org,
                established_date=established,
                registered_capital=_yuan(rng.choice([1, 2, 3, 5, 8, 10, 20, 50]) * 1_000_000),
                industry=industry,
                main_products="、".join(rng.sample(PRODUCTS[Industry(industry)], 2)),
            )
        )
        for position in rng.sample(POSITIONS, rng.randint(1, 3)):
            self.add(Executive(enterprise=org, name=_person(rng), position=position))
        self.filings(org, showcase=showcase)
        self.ip(org, showcase=showcase)
        self.direct_routes(org, showcase=showcase)

    def filings(self, org: Any, *, showcase: bool) -> None:
        rng = self.rng
        revenue = rng.uniform(1_000_000, 150_000_000) if not showcase else 38_600_000.0
        employees = max(8, int(revenue / rng.uniform(300_000, 900_000)))
        employees = min(employees, 480)
        share = rng.uniform(0.05, 0.42) if not showcase else 0.34
        rd_rate = rng.uniform(0.01, 0.10) if not showcase else 0.072
        troubled = rng.random() < 0.03
        for year in YEARS:
            growth = rng.uniform(0.9, 1.25)
            revenue_y = revenue * growth ** (year - YEARS[0])
            cost = revenue_y * rng.uniform(0.78, 1.04)
            rd = revenue_y * rd_rate * rng.uniform(0.9, 1.1)
            staff = max(employees + rng.randint(-5, 10), 1)
            tech = min(staff, int(staff * share))
            total_income = revenue_y * rng.uniform(1.0, 1.06)
            unanswered = year == EVALUATED_YEAR and rng.random() < 0.04 and not showcase
            declared = None if unanswered else False
            self.add(
                FinancialYear(
                    enterprise=org,
                    year=year,
                    employees=staff,
                    tech_staff=tech,
                    revenue=_yuan(revenue_y),
                    total_cost_and_expense=_yuan(cost),
                    rd_expense=_yuan(rd),
                    rd_expense_domestic=_yuan(rd * rng.uniform(0.7, 1.0)),
                    total_assets=_yuan(revenue_y * rng.uniform(0.6, 1.8)),
                    net_profit=_yuan(revenue_y - cost),
                    tax_paid=_yuan(revenue_y * rng.uniform(0.02, 0.08)),
                    total_income=_yuan(total_income),
                    hightech_revenue=_yuan(total_income * rng.uniform(0.4, 0.9)),
                    resident_in_mainland=None if unanswered else True,
                    in_restricted_catalogue=declared,
                    had_serious_incident=declared,
                    on_abnormal_operations_list=None if unanswered else troubled,
                    on_serious_dishonesty_list=declared,
                )
            )
        self.revenue = revenue

    def ip(self, org: Any, *, showcase: bool) -> None:
        rng = self.rng
        count = 6 if showcase else rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8])
        kinds = [k for k, _, _ in IP_KINDS]
        weights = [w for _, w, _ in IP_KINDS]
        years = {k: y for k, _, y in IP_KINDS}
        for i in range(count):
            kind = rng.choices(kinds, weights)[0]
            if showcase:
                kind = [IpKind.INVENTION_PATENT, IpKind.UTILITY_MODEL][i % 2]
            granted = date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28))
            expiry = granted.replace(year=granted.year + years[kind]) - timedelta(days=1)
            if rng.random() < 0.08 or (showcase and i == 5):
                expiry = date(2025, rng.randint(1, 12), rng.randint(1, 28))  # lapsed
            self.add(
                IpItem(
                    enterprise=org,
                    kind=kind,
                    number=self.number(_ip_number(kind, granted)),
                    title=f"一种{rng.choice(['高精度', '低功耗', '智能', '模块化'])}"
                    f"{rng.choice(['检测', '控制', '加工', '识别', '分析'])}"
                    f"{rng.choice(['装置', '方法', '系统', '软件'])}",
                    grant_date=min(granted, date(2025, 12, 31)),
                    expiry_date=expiry,
                    disputed=rng.random() < 0.03,
                    related_to_main_products=rng.random() > 0.06,
                )
            )

    def direct_routes(self, org: Any, *, showcase: bool) -> None:
        rng, today = self.rng, self.today
        roll = rng.random()
        if showcase or roll < 0.16:
            if showcase or roll < 0.05:
                issue = add_years(today, -3) + timedelta(days=rng.randint(5, 85))
            else:
                issue = date(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
            self.add(
                HnteCertificate(
                    enterprise=org,
                    number=self.number(f"GR{issue.year}22#####"),
                    issue_date=issue,
                    expiry_date=certificate_expiry(issue),
                )
            )
        if rng.random() < 0.02:
            self.add(
                NationalAward(
                    enterprise=org,
                    name=f"{org.name[:6]}关键技术研究与应用",
                    category="sci_tech_progress",
                    grade=rng.choice(["一等奖", "二等奖"]),
                    award_date=date(rng.randint(2018, 2025), 12, rng.randint(1, 28)),
                    rank=rng.randint(1, 5),
                )
            )
        if rng.random() < 0.04:
            level = rng.choice(
                [StandardLevel.NATIONAL, StandardLevel.INDUSTRY, StandardLevel.GROUP]
            )
            self.add(
                StandardLed(
                    enterprise=org,
                    code=f"{'GB/T' if level == StandardLevel.NATIONAL else 'JB/T'} "
                    f"{rng.randint(10000, 45000)}-{rng.randint(2019, 2025)}",
                    title="智能制造 装备通用技术条件",
                    level=level,
                    published_date=date(rng.randint(2019, 2025), rng.randint(1, 12), 1),
                )
            )
        if rng.random() < 0.05:
            self.add(
                RdInstitution(
                    enterprise=org,
                    name=f"吉林省{org.name[2:6]}工程技术研究中心",
                    level=rng.choice([InstitutionLevel.PROVINCIAL, InstitutionLevel.MUNICIPAL]),
                    recognised_by="吉林省科学技术厅",
                    recognised_date=date(rng.randint(2015, 2024), rng.randint(1, 12), 1),
                )
            )

    def write(self) -> None:
        for model, objs in self.rows.items():
            model.objects.bulk_create(objs, batch_size=1000)


def load_demo(*, seed: int) -> None:
    """Demo data for every active enterprise in the database, then the 2025 evaluation,
    published (run ``load_demo_city`` first)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    city_admin = get_user_model().objects.get(username="city_admin")
    actor = Actor.for_user(city_admin)
    enterprises = org_selectors.organisation_list_for(
        actor, org_selectors.OrgFilter(kind="enterprise", status="active")
    ).order_by("pk")
    showcase = (
        get_user_model()
        .objects.filter(username="ent_admin")
        .values_list("organisation_id", flat=True)
        .first()
    )
    builder = _Builder(rng, today)
    with transaction.atomic():
        for org in enterprises:
            builder.enterprise(org, showcase=org.pk == showcase)
        builder.write()
        run = EvaluationRun.objects.create(
            year=EVALUATED_YEAR, reference_date=REFERENCE_DATE, created_by=city_admin
        )
    evaluation_run_execute(run.pk)
    evaluation_run_publish(actor=actor, run_id=run.pk, notice_days=7, opens_on=NOTICE_OPENS)
