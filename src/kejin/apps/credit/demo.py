"""Demo credit data: realistic labelled history so that the trained model, its metrics and its
grades mean something.

For every active enterprise a latent risk ``z`` (from its financials when the enterprises context
has loaded them, plus noise) drives everything the demo data provider (长春市公共信用信息中心) files
over the last three years — tax grades, quarterly social insurance headcount, court cases,
enforcement, dishonest-debtor and abnormal-operations listings, penalties, utility arrears — and
the monthly repayment events of the platform's loans, including defaults (90+ days past due) in
the last twelve months. A model is trained on the platform's data as of a year ago (by
``city_officer``), approved by a second city person (``city_reviewer``), and every enterprise is
rated. The demo enterprise (``ent_admin``) gets executives, consents to the demo bank
(``bank_admin``), a read log and a dispute. Deterministic for a seed (dates relative to today).
"""

from __future__ import annotations

import contextlib
import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kejin.apps.credit import identity, sources
from kejin.apps.credit.features import months_back
from kejin.apps.credit.models import (
    Consent,
    CreditRecord,
    Dispute,
    Executive,
    ExecutiveConsent,
    ModelStatus,
    RatingBatch,
    RecordKind,
    ScoringModel,
)
from kejin.apps.credit.services import consent as consent_services
from kejin.apps.credit.services import models as model_services
from kejin.apps.credit.services import ratings
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

DATA_PROVIDER = "长春市公共信用信息中心"
DEMO_ENTERPRISE = "长春光华精工智能装备有限公司"
LENDER_KINDS = (
    OrgKind.BANK,
    OrgKind.TECH_SUB_BRANCH,
    OrgKind.MICRO_LENDER,
    OrgKind.TECH_MICRO_LENDER,
)
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COURTS = ("长春市朝阳区人民法院", "长春市南关区人民法院", "长春市中级人民法院", "长春新区人民法院")
AUTHORITIES = (
    "长春市市场监督管理局",
    "长春市生态环境局",
    "国家税务总局长春市税务局",
    "长春市应急管理局",
)
UTILITIES = ("电费", "水费", "燃气费", "供热费")


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _financial_risk(ids: list[int], year: int) -> dict[int, float]:
    """A standardised risk from the enterprises context's financials (low margin, small revenue,
    little R&D → riskier); empty when they are not loaded."""
    fin = sources.financials(ids, year)
    raw: dict[int, float] = {}
    for pk, f in fin.items():
        revenue = float(getattr(f, "revenue", 0) or 0)
        if revenue <= 0:
            continue
        margin = float(getattr(f, "net_profit", 0) or 0) / revenue
        rd = float(getattr(f, "rd_expense", 0) or 0) / revenue
        raw[pk] = -(2.0 * margin + 0.25 * math.log(revenue) + 3.0 * rd)
    if len(raw) < 2:
        return {}
    mean = sum(raw.values()) / len(raw)
    sd = math.sqrt(sum((v - mean) ** 2 for v in raw.values()) / len(raw)) or 1.0
    return {pk: (v - mean) / sd for pk, v in raw.items()}


class _Gen:
    def __init__(self, rng: random.Random, today: date, provider: Organisation) -> None:
        self.rng, self.today, self.provider = rng, today, provider
        self.start = months_back(today, 36)
        self.rows: list[CreditRecord] = []

    def day_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.rng.randint(0, max((b - a).days, 0)))

    def add(self, enterprise_id: int, kind: str, day: date, **extra: Any) -> None:
        self.rows.append(
            CreditRecord(
                enterprise_id=enterprise_id,
                kind=kind,
                source=extra.pop("source", self.provider),
                record_date=day,
                **extra,
            )
        )

    def enterprise(self, pk: int, z: float, borrows: bool, defaults: bool, lenders: list) -> None:
        rng, today = self.rng, self.today
        for year in range(today.year - 3, today.year):
            published = date(year + 1, 4, 30)
            if published > today:
                continue
            s = -z + rng.gauss(0, 0.9)
            grade = (
                "A"
                if s > 0.4
                else "B"
                if s > -0.5
                else "M"
                if s > -0.9
                else "C"
                if s > -1.7
                else "D"
            )
            self.add(
                pk,
                RecordKind.TAX_GRADE,
                published,
                year=year,
                grade=grade,
                authority=AUTHORITIES[2],
            )
        base = max(3.0, rng.lognormvariate(3.0, 0.7))
        growth = 0.02 - 0.03 * z + rng.gauss(0, 0.03)
        for q in range(8, -1, -1):
            day = months_back(today, 3 * q + 1)
            head = max(1, round(base * (1 + growth) ** (8 - q) + rng.gauss(0, 1)))
            self.add(
                pk,
                RecordKind.SOCIAL_INSURANCE,
                day.replace(day=1),
                year=day.year,
                month=day.month,
                headcount=head,
            )
        for _ in range(_poisson(rng, math.exp(-2.0 + 0.9 * z))):
            kind = rng.choice(
                [RecordKind.COURT_JUDGMENT, RecordKind.COURT_JUDGMENT, RecordKind.ENFORCEMENT]
            )
            day = self.day_between(self.start, today)
            self.add(
                pk,
                kind,
                day,
                reference=f"（{day.year}）吉01民初{rng.randint(100, 9999)}号",
                authority=rng.choice(COURTS),
                amount=Decimal(rng.randint(20, 900) * 1000),
            )
        if rng.random() < _sigmoid(-4.6 + 1.5 * z):
            day = self.day_between(self.start, today)
            ended = day + timedelta(days=rng.randint(60, 500)) if rng.random() < 0.4 else None
            self.add(
                pk,
                RecordKind.DISHONEST_DEBTOR,
                day,
                reference=f"（{day.year}）吉0104执{rng.randint(100, 999)}号",
                authority=rng.choice(COURTS),
                ended_on=ended if ended and ended <= today else None,
            )
        for _ in range(_poisson(rng, math.exp(-2.3 + 0.7 * z))):
            day = self.day_between(self.start, today)
            self.add(
                pk,
                RecordKind.PENALTY,
                day,
                reference=f"长市监罚〔{day.year}〕{rng.randint(10, 999)}号",
                authority=rng.choice(AUTHORITIES),
                amount=Decimal(rng.randint(1, 50) * 1000),
                description="未按规定履行义务",
            )
        if rng.random() < _sigmoid(-3.8 + 1.2 * z):
            day = self.day_between(self.start, today)
            ended = day + timedelta(days=rng.randint(30, 400)) if rng.random() < 0.5 else None
            self.add(
                pk,
                RecordKind.ABNORMAL_OPERATION,
                day,
                authority="长春市市场监督管理局",
                description="未按规定期限公示年度报告",
                ended_on=ended if ended and ended <= today else None,
            )
        for _ in range(_poisson(rng, math.exp(-1.9 + 0.8 * z))):
            day = self.day_between(self.start, today)
            self.add(
                pk,
                RecordKind.UTILITY_ARREARS,
                day,
                amount=Decimal(rng.randint(500, 30000)),
                description=rng.choice(UTILITIES),
            )
        if borrows:
            self.repayments(pk, z, defaults, lenders)

    def repayments(self, pk: int, z: float, defaults: bool, lenders: list) -> None:
        rng, today = self.rng, self.today
        count = 1 if rng.random() < 0.75 else 2
        for n, lender in enumerate(rng.sample(lenders, count)):
            ref = f"DEMO-{pk}-{n + 1}"
            default_month = rng.randint(1, 8) if defaults and n == 0 else None
            for m in range(24, 0, -1):
                day = months_back(today, m)
                if default_month is not None and m <= default_month + 3 and m >= default_month:
                    dpd = 30 * (default_month + 4 - m)
                    event = "default" if dpd >= 120 else "overdue"
                    self.add(
                        pk,
                        RecordKind.REPAYMENT,
                        day,
                        source=lender,
                        reference=ref,
                        repayment_event=event,
                        days_past_due=dpd,
                        amount=Decimal(0),
                    )
                    if event == "default":
                        break
                    continue
                if rng.random() < _sigmoid(-4.2 + 1.3 * z):
                    dpd = rng.choice([3, 7, 15, 30, 45, 60])
                    self.add(
                        pk,
                        RecordKind.REPAYMENT,
                        day,
                        source=lender,
                        reference=ref,
                        repayment_event="overdue",
                        days_past_due=dpd,
                        amount=Decimal(rng.randint(5, 80) * 1000),
                    )
                else:
                    self.add(
                        pk,
                        RecordKind.REPAYMENT,
                        day,
                        source=lender,
                        reference=ref,
                        repayment_event="on_time",
                        days_past_due=0,
                        amount=Decimal(rng.randint(5, 80) * 1000),
                    )


def _actor(username: str) -> Actor:
    return Actor.for_user(User.objects.select_related("organisation").get(username=username))


def load_demo(*, seed: int) -> None:
    """Generate the demo credit data, train and approve a model, rate every active enterprise."""
    rng = random.Random(seed)
    today = timezone.localdate()
    provider = Organisation.objects.filter(kind=OrgKind.DATA_PROVIDER).order_by("pk").first()
    if provider is None:
        raise RuntimeError(f"the demo needs a data provider organisation ({DATA_PROVIDER})")
    lenders = list(
        Organisation.objects.filter(kind__in=LENDER_KINDS, status=OrgStatus.ACTIVE).order_by("pk")
    )
    ids = list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    demo = Organisation.objects.filter(name=DEMO_ENTERPRISE).first()
    fin_risk = _financial_risk(ids, today.year - 1)
    gen = _Gen(rng, today, provider)
    for pk in ids:
        z = 0.6 * fin_risk[pk] + 0.8 * rng.gauss(0, 1) if pk in fin_risk else rng.gauss(0, 1)
        if demo is not None and pk == demo.pk:
            z = -0.9
        borrows = bool(lenders) and (rng.random() < 0.72 or (demo is not None and pk == demo.pk))
        defaults = borrows and rng.random() < _sigmoid(-3.3 + 1.5 * z)
        gen.enterprise(pk, z, borrows, defaults, lenders)
    with transaction.atomic():
        CreditRecord.objects.bulk_create(gen.rows, batch_size=2000)
    model = _train_and_approve(today)
    if model is not None:
        batch = RatingBatch.objects.create(
            model=model, as_of=today, started_by=_actor("city_officer").user
        )
        ratings.rating_batch_run(batch.pk)
    if demo is not None:
        _demo_enterprise(rng, today, demo, provider)


def _train_and_approve(today: date) -> ScoringModel | None:
    officer = _actor("city_officer")
    model = ScoringModel.objects.create(
        version=model_services._next_version(),
        name="科技型企业信用评分卡（演示）",
        data_source="platform",
        observation_date=today - timedelta(days=365),
        trained_by=officer.user,
    )
    model = model_services.scoring_model_run(model.pk)
    if model.status != ModelStatus.TRAINED:
        return None
    return model_services.scoring_model_approve(
        actor=_actor("city_reviewer"), model_id=model.pk, note="验证集区分度达标，同意启用"
    )


def _demo_enterprise(
    rng: random.Random, today: date, demo: Organisation, provider: Organisation
) -> None:
    admin = User.objects.get(username="ent_admin")
    bank = User.objects.select_related("organisation").get(username="bank_admin")
    people = []
    for name, role, number in (
        ("王建国", "legal_representative", "22010419700307" + "123"),
        ("李秀英", "cfo", "22010219820915" + "246"),
    ):
        full = number + identity.check_char(number)
        people.append(
            Executive.objects.create(
                enterprise=demo,
                name=name,
                role=role,
                id_masked=identity.mask(full),
                id_hash=identity.keyed_hash(full),
                created_by=admin,
            )
        )
        if role == "cfo":
            CreditRecord.objects.create(
                enterprise=demo,
                kind=RecordKind.COURT_JUDGMENT,
                source=provider,
                record_date=today - timedelta(days=200),
                reference="（2025）吉0102民初3121号",
                authority="长春市南关区人民法院",
                amount=Decimal("86000.00"),
                person_name=name,
                person_id_masked=identity.mask(full),
                person_id_hash=identity.keyed_hash(full),
            )
    signed = ExecutiveConsent(
        executive=people[0],
        purpose="loan_application",
        signed_on=today - timedelta(days=10),
        valid_until=today + timedelta(days=300),
        confirmed_by=admin,
    )
    signed.document.save("授权书-王建国.pdf", ContentFile(TINY_PDF), save=False)
    signed.save()
    Consent.objects.create(
        enterprise=demo,
        institution=bank.organisation,
        purpose="loan_application",
        valid_from=today - timedelta(days=20),
        valid_until=today + timedelta(days=160),
        granted_by=admin,
    )
    Consent.objects.create(
        enterprise=demo,
        institution=bank.organisation,
        purpose="post_loan_monitoring",
        valid_from=today - timedelta(days=400),
        valid_until=today - timedelta(days=40),
        granted_by=admin,
    )
    reader = Actor.for_user(bank)
    for what in ("profile", "rating", "report"):
        consent_services.authorise_read(
            actor=reader, enterprise_id=demo.pk, purpose="loan_application", what=what
        )
    for username, purpose in (("bank_admin", "post_loan_monitoring"), ("bank2_admin", None)):
        with contextlib.suppress(DomainError):  # the refused attempt stays in the read log
            consent_services.authorise_read(
                actor=_actor(username), enterprise_id=demo.pk, purpose=purpose, what="report"
            )
    penalty = CreditRecord.objects.create(
        enterprise=demo,
        kind=RecordKind.PENALTY,
        source=provider,
        record_date=today - timedelta(days=90),
        reference="长市监罚〔2025〕88号",
        authority="长春市市场监督管理局",
        amount=Decimal("5000.00"),
        description="广告内容不规范",
    )
    Dispute.objects.create(
        record=penalty,
        enterprise=demo,
        reason="该处罚已于行政复议中撤销，附复议决定书。",
        raised_by=admin,
    )
