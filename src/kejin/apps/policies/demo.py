"""Demo data of the policies context: the seed policy split into its clauses, a program for each
support measure open now, and applications in every state (drafts proposed by the book-wide
interest subsidy run, submitted, returned, under district and city review, approved and waiting
for notice, one public notice open with an objection, approved, paid, rejected, withdrawn).

Everything goes through the services, as the people of the demo city would. To give the demo a
past (a notice already over, a batch already paid) the loader moves the policies context's
business date back while it acts (``clock.today``) and restores it afterwards.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings

from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.apps.policies import clock, funding
from kejin.apps.policies.codes import MeasureCode, MilestoneKind
from kejin.apps.policies.models import Application, Policy, Program, Status
from kejin.apps.policies.services import apply, batch, milestones, notice, payment, review
from kejin.apps.policies.services.programs import ProgramInput, policy_create, program_create
from kejin.platform.audit.context import audit_as
from kejin.platform.demo.city import DEMO_ENTERPRISE
from kejin.platform.tenancy import Actor

SEED_POLICY = Path(__file__).resolve().parent / "data" / "seed_policy.txt"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PROGRAMS: list[tuple[str, str, list[str], dict[str, object]]] = [
    # (measure, title, required documents, extra settings)
    (
        MeasureCode.INTEREST_SUBSIDY,
        "科技型中小企业贷款贴息",
        ["贷款合同及借款借据", "利息支付凭证"],
        {},
    ),
    (MeasureCode.LISTING_STAGE, "科技企业上市分阶段奖励", ["里程碑证明文件"], {}),
    (MeasureCode.NEEQ_STAGE, "新三板挂牌分阶段补助", ["里程碑证明文件"], {}),
    (MeasureCode.REGIONAL_EQUITY, "区域性股权交易中心挂牌资助", ["挂牌证明"], {}),
    (MeasureCode.LOCAL_BROKER, "本省券商辅导本地企业挂牌资助", ["辅导协议", "挂牌公告"], {}),
    (MeasureCode.MNA_FEES, "并购中介服务费资助", ["并购协议", "中介服务合同及发票"], {}),
    (MeasureCode.BOND_INTEREST, "科技型中小企业债券贴息", ["付息凭证"], {}),
    (MeasureCode.MAKER_SPACE, "众创空间补助", ["认定文件"], {}),
    (MeasureCode.COMPETITION, "科技创新创业大赛资助", ["获奖证书"], {}),
    (MeasureCode.PARK, "科技金融产业园区扶持奖励", ["园区认定文件"], {}),
    (MeasureCode.TALENT, "高层次金融人才补贴", ["人才认定证书"], {}),
]


@contextlib.contextmanager
def business_date(day: date) -> Iterator[None]:
    """Act as if today were ``day`` (the policies context's clock only)."""
    real = clock.today
    clock.today = lambda: day  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.today = real  # type: ignore[assignment]


def _person(org: Organisation, role: str) -> Actor:
    people = User.objects.filter(organisation=org, is_active=True).order_by("pk")
    chosen = next((u for u in people if role in u.roles), None)
    if chosen is not None:
        return Actor.for_user(chosen)
    return Actor(organisation=org, roles=frozenset({role}))


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _documents(actor: Actor, application: Application) -> None:
    for doc in application.program.required_documents:
        apply.application_document_add(
            actor=actor,
            application_id=application.pk,
            code=doc["code"],
            upload=_upload(f"{doc['label']}.pdf"),
        )


def _line_ids(admin: Actor, year: int) -> dict[str, int]:
    """The year's budget line for each purpose (created through the fund's service if the fund
    demo did not)."""
    from kejin.apps.funds.services.lines import BudgetLineInput, budget_line_create  # noqa: PLC0415

    lines: dict[str, int] = {}
    for choice in funding.line_choices(admin, year=year):
        lines.setdefault(choice.purpose, choice.id)
    for purpose in set(funding.PURPOSE_OF_MEASURE.values()) - set(lines):
        line = budget_line_create(
            actor=admin,
            data=BudgetLineInput(
                year=year,
                purpose=purpose,
                name=f"{year}年扶持资金（{purpose}）",
                amount=Decimal("30000000.00"),
            ),
        )
        lines[purpose] = line.pk
    return lines


def load_demo(*, seed: int) -> int:
    """Load the policies demo; returns the number of applications created. The demo's messages
    are left in the platform but not emailed."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load(seed)


def _load(seed: int) -> int:
    if Policy.objects.exists():
        raise RuntimeError("policies demo already loaded")
    rng = random.Random(seed + 17)
    city = Organisation.objects.get(kind=OrgKind.CITY_OFFICE)
    admin = _person(city, "admin")
    officer = _person(city, "officer")
    reviewer = _person(city, "reviewer")
    today = clock.today()
    with audit_as(admin):
        policy = policy_create(
            actor=admin,
            code="kjjr",
            text=SEED_POLICY.read_text(encoding="utf-8"),
            effective_from=date(2016, 1, 1),
            issuer="长春市人民政府办公厅",
            document_number="长府办发〔2016〕示例号",
        )
        lines = _line_ids(admin, today.year)
        programs = {}
        start = today - timedelta(days=75)
        for measure, title, docs, extra in PROGRAMS:
            data = ProgramInput(
                policy_id=policy.pk,
                title=f"{today.year}年度{title}",
                code=f"{today.year}-{measure}",
                year=today.year,
                measure=measure,
                opens_on=start,
                closes_on=today + timedelta(days=60),
                coverage_start=date(today.year - 1, 1, 1),
                coverage_end=date(today.year - 1, 12, 31)
                if measure == "interest_subsidy"
                else today,
                budget_line_id=lines[funding.PURPOSE_OF_MEASURE[measure]],
                linkage_mode="loan_subsidy" if measure == "interest_subsidy" else "",
                required_documents=docs,
                description=f"依据《{policy.title}》设立，{today.year}年度集中受理。",
                **extra,  # type: ignore[arg-type]
            )
            programs[measure] = program_create(actor=admin, data=data)
    created = _interest_demo(
        programs[MeasureCode.INTEREST_SUBSIDY],
        admin=admin,
        officer=officer,
        reviewer=reviewer,
        today=today,
        rng=rng,
    )
    created += _other_measures(programs, admin, officer, reviewer, today)
    return created


def demo_loan(today: date) -> None:
    """A loan of the demo enterprise from the demo bank, reported and repaid through the loans
    context's reporting services, so that ent_admin has an interest subsidy to claim."""
    from kejin.apps.loans.selectors import loan_list_for, schedule_of  # noqa: PLC0415
    from kejin.apps.loans.services import reporting  # noqa: PLC0415

    ent = Organisation.objects.filter(name=DEMO_ENTERPRISE).first()
    bank = Organisation.objects.filter(kind=OrgKind.BANK).order_by("pk").first()
    if ent is None or bank is None:
        return
    actor = _person(bank, "officer")
    start = date(today.year - 1, 3, 15)
    ext = f"JLYH-KJ-{start:%Y}-0088"
    with audit_as(actor):
        reporting.loans_report(
            actor=actor,
            items=[
                reporting.LoanInput(
                    external_id=ext,
                    borrower_uscc=ent.uscc,
                    product_kind="ip_pledge",
                    amount=Decimal("8000000.00"),
                    contract_date=start,
                    maturity_date=date(today.year + 1, 3, 15),
                    contract_rate=Decimal("5.20"),
                    repayment_method="interest_only",
                    payment_day=15,
                    purpose="研发投入",
                )
            ],
        )
        reporting.drawdowns_report(
            actor=actor,
            items=[reporting.DrawdownInput(ext, f"{ext}-1", start, Decimal("8000000.00"))],
        )
        loan = loan_list_for(actor).get(external_id=ext)
        due = [i for i in schedule_of(loan) if i.due_date <= today]
        reporting.repayments_report(
            actor=actor,
            items=[
                reporting.RepaymentInput(
                    ext, f"{ext}-R{i.number}", i.due_date, i.principal_due + i.interest_due
                )
                for i in due
            ],
        )


def _run_batch(program: Program, admin: Actor) -> list[Application]:
    """The book-wide run, executed in this process (the demo has no task worker yet)."""
    from kejin.apps.policies.models import InterestBatchRun  # noqa: PLC0415

    record = InterestBatchRun.objects.create(program=program, started_by=admin.user)
    batch.interest_batch_execute(record.pk)
    return list(Application.objects.filter(batch_run=record).order_by("-amount"))


def _walk(
    application: Application,
    steps: int,
    *,
    officer: Actor,
    reviewer: Actor,
    admin: Actor,
) -> None:
    """Take an application ``steps`` steps along: 1 submitted, 2 district approved, 3 proposed,
    4 approved (committed)."""
    applicant = _person(application.applicant, "admin")
    with audit_as(applicant):
        apply.application_update(
            actor=applicant,
            application_id=application.pk,
            changes={
                "payee_bank": "吉林银行长春科技支行",
                "payee_account": f"0711{application.applicant_id:012d}",
            },
        )
        _documents(applicant, application)
        apply.application_submit(actor=applicant, application_id=application.pk)
    if steps < 2:
        return
    district = Organisation.objects.filter(
        kind=OrgKind.DISTRICT_OFFICE,
        district_code=application.district_code,
        status=OrgStatus.ACTIVE,
    ).first()
    if district is not None:
        actor = _person(district, "reviewer")
        with audit_as(actor):
            review.application_district_review(
                actor=actor,
                application_id=application.pk,
                decision="approve",
                reason="材料齐全，符合条件",
            )
    if steps < 3:
        return
    with audit_as(officer):
        review.application_city_review(
            actor=officer,
            application_id=application.pk,
            decision="propose",
            reason="经复核，同意按测算金额支持",
        )
    if steps < 4:
        return
    with audit_as(reviewer):
        review.application_city_approve(actor=reviewer, application_id=application.pk)


def _interest_demo(
    program: Program,
    *,
    admin: Actor,
    officer: Actor,
    reviewer: Actor,
    today: date,
    rng: random.Random,
) -> int:
    past = today - timedelta(days=45)
    demo_loan(today)
    with business_date(past), transaction.atomic():
        drafts = _run_batch(program, admin)
        # the demo enterprise (ent_admin) keeps its 免申即享 draft to confirm in the demo
        drafts = [a for a in drafts if a.applicant.name != DEMO_ENTERPRISE]
        # the oldest wave: approved, noticed, approved, paid
        wave = drafts[:6]
        for a in wave:
            _walk(a, 4, officer=officer, reviewer=reviewer, admin=admin)
        with audit_as(reviewer):
            first = notice.notice_open(
                actor=reviewer,
                application_ids=[a.pk for a in wave[:5]],
                title=f"{past:%Y}年第一批科技型中小企业贷款贴息拟支持名单公示",
            )
    with (
        business_date(first.closes_on + timedelta(days=1)),
        transaction.atomic(),
        audit_as(reviewer),
    ):
        notice.notice_close(actor=reviewer, notice_id=first.pk)
        paid = payment.payment_batch_create(actor=officer, application_ids=[a.pk for a in wave[:3]])
        payment.payment_batch_export(actor=officer, batch_id=paid.pk)
        payment.payment_batch_mark_paid(
            actor=reviewer,
            batch_id=paid.pk,
            bank_reference=f"JLYH{today:%Y%m}{rng.randint(1000, 9999)}",
        )
    with transaction.atomic():
        rest = drafts[6:]
        plan = [4, 4, 3, 3, 2, 2, 1, 1]
        for a, steps in zip(rest, plan, strict=False):
            _walk(a, steps, officer=officer, reviewer=reviewer, admin=admin)
        # one open notice with an objection from the public
        # one approved award is left waiting for the next notice
        pending = list(
            Application.objects.filter(status=Status.PENDING_NOTICE, program=program)
            .exclude(pk=wave[5].pk)
            .order_by("pk")
        )[1:]
        pending.append(Application.objects.get(pk=wave[5].pk))
        with audit_as(reviewer):
            second = notice.notice_open(
                actor=reviewer,
                application_ids=[a.pk for a in pending],
                title=f"{today:%Y}年第二批科技型中小企业贷款贴息拟支持名单公示",
            )
        notice.objection_file(
            notice_id=second.pk,
            application_id=pending[0].pk,
            name="王先生",
            phone="13904310000",
            email="",
            content="据了解该企业贷款已提前结清，请核实贴息期间是否与实际用款期间一致。",
        )
        # returned, rejected and withdrawn examples
        leftover = drafts[6 + len(plan) :]
        for a, outcome in zip(leftover, ["return", "reject", "withdraw"], strict=False):
            _walk(a, 1, officer=officer, reviewer=reviewer, admin=admin)
            district = Organisation.objects.filter(
                kind=OrgKind.DISTRICT_OFFICE, district_code=a.district_code
            ).first()
            if outcome == "withdraw" or district is None:
                applicant = _person(a.applicant, "admin")
                apply.application_withdraw(
                    actor=applicant, application_id=a.pk, reason="企业决定下一年度再申报"
                )
                continue
            actor = _person(district, "reviewer")
            reason = (
                "请补充利息支付凭证（银行回单）"
                if outcome == "return"
                else "借款企业不属于科技型中小企业"
            )
            review.application_district_review(
                actor=actor, application_id=a.pk, decision=outcome, reason=reason
            )
    return len(drafts)


def _other_measures(
    programs: dict[str, Program], admin: Actor, officer: Actor, reviewer: Actor, today: date
) -> int:
    """The demo enterprise's staged listing award, a broker's local award, a maker space."""
    count = 0
    ent = Organisation.objects.filter(name=DEMO_ENTERPRISE).first()
    broker = Organisation.objects.filter(kind=OrgKind.BROKER).order_by("pk").first()
    maker = Organisation.objects.filter(kind=OrgKind.MAKER_SPACE_OPERATOR).order_by("pk").first()
    with transaction.atomic():
        if ent is not None:
            owner = _person(ent, "admin")
            with audit_as(owner):
                m = milestones.milestone_record(
                    actor=owner,
                    data=milestones.MilestoneInput(
                        MilestoneKind.SHARE_REFORM,
                        today - timedelta(days=30),
                        note="股份有限公司设立登记（营业执照变更）",
                    ),
                    evidence=_upload("股改完成证明.pdf"),
                )
                a = apply.application_create(
                    actor=owner,
                    data=apply.ApplicationInput(
                        program_id=programs[MeasureCode.LISTING_STAGE].pk,
                        inputs={"milestone_id": m.pk},
                        payee_bank="吉林银行长春科技支行",
                        payee_account="07110100000088",
                    ),
                )
                _documents(owner, a)
                apply.application_submit(actor=owner, application_id=a.pk)
                count += 1
                apply.application_create(
                    actor=owner,
                    data=apply.ApplicationInput(
                        program_id=programs[MeasureCode.COMPETITION].pk,
                        inputs={
                            "competition": "第十届中国创新创业大赛（吉林赛区）",
                            "tier": "second",
                            "awarded_on": (today - timedelta(days=50)).isoformat(),
                        },
                    ),
                )
                count += 1
        if broker is not None:
            actor = _person(broker, "admin")
            quoted = list(
                Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
                .exclude(name=DEMO_ENTERPRISE)
                .order_by("pk")[:3]
            )
            ids = []
            with audit_as(actor):
                for i, e in enumerate(quoted):
                    ids.append(
                        milestones.milestone_record(
                            actor=actor,
                            data=milestones.MilestoneInput(
                                MilestoneKind.NEEQ_QUOTATION,
                                today - timedelta(days=20 + i * 7),
                                enterprise_uscc=e.uscc,
                                note="全国股转公司挂牌公告",
                            ),
                            evidence=_upload("挂牌公告.pdf"),
                        ).pk
                    )
                apply.application_create(
                    actor=actor,
                    data=apply.ApplicationInput(
                        program_id=programs[MeasureCode.LOCAL_BROKER].pk,
                        inputs={"milestone_ids": ids},
                    ),
                )
                count += 1
        if maker is not None:
            actor = _person(maker, "admin")
            with audit_as(actor):
                a = apply.application_create(
                    actor=actor,
                    data=apply.ApplicationInput(
                        program_id=programs[MeasureCode.MAKER_SPACE].pk,
                        inputs={
                            "space_name": "北湖科技园创客空间",
                            "recognised_on": (today - timedelta(days=40)).isoformat(),
                        },
                        payee_bank="中国建设银行长春分行",
                        payee_account="22050100000066",
                    ),
                )
                _documents(actor, a)
                apply.application_submit(actor=actor, application_id=a.pk)
                count += 1
    return count
