"""Demo data of the marketplace: about 40 listed products of the demo institutions, about 150
demands of demo enterprises (matched as they are posted), applications in every state (two of
them overdue), an investment-loan linkage deal and five crowdfunding projects.

Loads after the demo city, and after the enterprises and credit demos (matching reads their
profiles, filings, certificates and ratings). Everything goes through the services, acting as the
demo people; an enterprise without people gets a contact person who cannot log in. Only dates are
moved afterwards (submission dates in the past), so that response times and overdue flags show.
Deterministic for a given seed. Refuses to run twice.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from kejin.apps.loans.services.rates import rate_table
from kejin.apps.marketplace.facts import work_calendar
from kejin.apps.marketplace.models import Application, Match, Product, ProductKind, RematchRun
from kejin.apps.marketplace.services import (
    applications,
    crowdfunding,
    demands,
    granting,
    linkage,
    products,
)
from kejin.apps.marketplace.services.matching import market_rematch_run
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

W = 10_000  # 万元
# institution | name | kind | guarantee | amount 万元 | months | rate % | conditions
PRODUCTS = """
bank|科技e贷（信用）|credit_loan|none|50-500|6-12|3.85-5.50|requires_tech_sme min_grade=BBB
bank|知识产权质押贷|ip_pledge|ip_pledge|100-3000|6-36|3.65-5.20|
bank|高企成长贷|credit_loan|none|200-1000|12-24|3.45-4.80|requires_hnte min_years=2
bank|股权质押融资|equity_pledge|equity_pledge|300-5000|12-36|4.20-6.00|min_years=3
bank|投贷联动专项贷|credit_loan|none|200-2000|12-36|3.60-5.00|requires_hnte
bank2|善科贷|credit_loan|none|100-1000|12-36|3.70-5.00|revenue_min=5000000 min_grade=A
bank2|科技助力贷|credit_loan|guarantee_company|100-2000|6-24|4.00-5.50|
bank2|专利权质押贷款|ip_pledge|ip_pledge|50-2000|12-36|3.80-5.50|requires_tech_sme
bank2|研发贷|credit_loan|third_party|50-800|6-24|4.35-6.00|industries=next_gen_it,biotech
bank2|科技保险保单质押贷|credit_loan|insurance|50-1000|6-24|4.00-5.80|
techbranch|科创积分贷|credit_loan|none|30-300|3-12|4.50-6.50|requires_tech_sme
techbranch|人才贷|credit_loan|none|50-500|12-36|3.95-5.80|
techbranch|订单贷|credit_loan|collateral|100-1500|3-12|4.20-6.20|
techbranch|朝阳区科技贷|credit_loan|guarantee_company|50-800|6-24|3.90-5.60|districts=220104
microlender|小微快贷|credit_loan|third_party|10-200|1-12|7.20-12.00|
microlender|设备抵押贷|credit_loan|collateral|20-300|6-24|6.80-10.80|
techmicro|科技小贷·信用|credit_loan|none|10-300|3-12|6.50-9.80|requires_tech_sme
techmicro|知识产权小贷|ip_pledge|ip_pledge|20-500|6-24|6.00-9.00|
techmicro|成果转化贷|credit_loan|none|30-500|6-24|5.80-8.80|industries=high_end_equipment,biotech
guarantee|科技担保·信用增进|guarantee|none|100-3000|6-36|1.00-2.00|
guarantee|知识产权反担保|guarantee|ip_pledge|200-5000|12-36|0.80-1.50|
guarantee|政银担批量担保|guarantee|none|50-1000|6-24|0.50-1.00|requires_tech_sme
leasing|设备直租|leasing|none|100-5000|12-60|5.20-7.50|
leasing|售后回租|leasing|collateral|200-8000|12-60|5.50-8.00|min_years=2
leasing|研发仪器租赁|leasing|none|50-1000|12-36|5.00-7.00|requires_hnte
insurer|贷款履约保证保险|performance_insurance|none|50-1000|6-12|1.50-2.50|
insurer|首台（套）重大技术装备保险|tech_insurance|none|100-5000|12-12|0.80-1.50|industries=high_end_equipment
insurer|研发中断保险|tech_insurance|none|50-2000|12-12|0.60-1.20|
insurer2|科技型企业贷款保证保险|performance_insurance|none|30-800|6-24|1.80-3.00|requires_tech_sme
insurer2|知识产权侵权责任保险|tech_insurance|none|10-500|12-12|0.50-1.50|
insurer2|关键研发人员意外保险|tech_insurance|none|10-300|12-12|0.30-0.80|
broker|新三板挂牌前股权融资|equity_investment|none|500-5000|36-84||min_years=2 revenue_min=20000000
broker|上市后备企业战略投资|equity_investment|none|1000-10000|36-84||requires_hnte
vc|天使投资（种子期）|equity_investment|none|50-500|36-96||requires_tech_sme
vc|A轮成长基金|equity_investment|none|500-3000|48-96||min_years=2
vc|硬科技专项投资|equity_investment|none|300-5000|48-96||industries=high_end_equipment,new_materials
vc|生物医药专项投资|equity_investment|none|500-8000|48-120||industries=biotech
fund|科技发展引导基金直投|equity_investment|none|1000-10000|60-120||requires_tech_sme min_years=1
fund|子基金跟投|equity_investment|none|300-3000|48-96||
fund|并购基金|equity_investment|none|2000-20000|36-84||min_years=5 revenue_min=50000000
"""


def _conditions(text: str) -> dict[str, Any]:
    """``requires_hnte min_years=2 industries=a,b`` → keyword arguments of a ProductInput."""
    out: dict[str, Any] = {}
    for item in text.split():
        key, _, value = item.partition("=")
        if not value:
            out[key] = True
        elif key in ("districts", "industries"):
            out[key] = value.split(",")
        elif key.startswith("revenue"):
            out[key] = Decimal(value)
        elif key == "min_years":
            out[key] = int(value)
        else:
            out[key] = value
    return out


PURPOSES = [
    ("新产品研发投入", "用于新一代产品的研发人员薪酬和样机试制"),
    ("生产线扩产", "购置自动化生产设备，扩大产能"),
    ("订单备货资金", "大客户订单原材料采购与备货"),
    ("研发中心建设", "建设企业技术中心，购置研发仪器"),
    ("市场拓展", "开拓华东、华南市场的渠道建设"),
    ("知识产权产业化", "发明专利成果转化与中试"),
    ("流动资金周转", "补充日常经营流动资金"),
    ("数字化改造", "实施生产管理系统与工业互联网改造"),
]
GUARANTEE_MENU = ["ip_pledge", "equity_pledge", "collateral", "guarantee_company", "insurance",
                  "third_party"]  # fmt: skip
PROJECTS = [
    ("智能康养手环", "面向独居老人的心率、跌倒监测手环，与社区服务中心联动", "reward", 500_000),
    ("车规级传感器中试线", "车规级 MEMS 传感器中试线建设，投资人享有股权", "equity", 3_000_000),
    ("黑土地数字农场套件", "土壤墒情监测与精准灌溉套件，支持者获赠首批产品", "reward", 800_000),
    ("光学镜头国产化", "高端光学镜头国产化项目股权众筹", "equity", 5_000_000),
    ("冰雪运动智能护具", "带姿态识别的滑雪护具，众筹首发", "reward", 300_000),
]


def _admin_of(stem: str) -> Actor:
    user = User.objects.select_related("organisation").get(username=f"{stem}_admin")
    return Actor.for_user(user)


def _contact(org: Organisation, password: str) -> Actor:
    """The enterprise's admin, or a demo contact person (who cannot log in) when it has none."""
    people = [u for u in User.objects.filter(organisation=org, is_active=True).order_by("pk")
              if "admin" in u.roles]  # fmt: skip
    user = (
        people[0]
        if people
        else User.objects.create(
            username=f"contact_{org.pk}",
            display_name=f"{org.name[:6]}联系人",
            organisation=org,
            roles=["admin"],
            password=password,
        )
    )
    return Actor(organisation=org, user=user, roles=frozenset(user.roles))


def _products(rng: random.Random, city: Actor) -> list[Product]:
    listed = []
    for line in PRODUCTS.strip().splitlines():
        stem, name, kind, guarantee, amounts, months, rates, conditions = line.split("|")
        (lo, hi), (t1, t2) = amounts.split("-"), months.split("-")
        low_rate, high_rate = rates.split("-") if rates else (None, None)
        data = products.ProductInput(
            name=name,
            kind=kind,
            guarantee=guarantee,
            amount_min=Decimal(lo) * W,
            amount_max=Decimal(hi) * W,
            term_min=int(t1),
            term_max=int(t2),
            rate_min=Decimal(low_rate) if low_rate else None,
            rate_max=Decimal(high_rate) if high_rate else None,
            summary=f"{name}：面向本市科技型企业的{ProductKind(kind).label}产品。",
            documents="营业执照\n近两年财务报表" + ("\n知识产权证书" if "ip" in guarantee else ""),
            response_days=rng.choice([3, 5, 5, 7, 10]),
            **_conditions(conditions),
        )
        product = products.product_create(actor=_admin_of(stem), data=data, submit=True)
        listed.append(products.product_review(actor=city, product_id=product.pk, approve=True))
    return listed


def _demands(rng: random.Random, today: date, password: str) -> list[Any]:
    showcase = User.objects.filter(username="ent_admin").values_list("organisation_id", flat=True)
    enterprises = list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE).order_by("pk")
    )
    chosen = [o for o in enterprises if o.pk in set(showcase)]
    chosen += rng.sample(
        [o for o in enterprises if o not in chosen], min(110, len(enterprises) - 1)
    )
    institutions = list(
        Organisation.objects.filter(kind__in=OrgKind.institutions(), status=OrgStatus.ACTIVE)
    )
    posted = []
    for i in range(150):
        org = chosen[0] if i < 4 else rng.choice(chosen)
        title, purpose = rng.choice(PURPOSES)
        targeted = rng.random() < 0.1
        data = demands.DemandInput(
            title=f"{title}（{org.name[2:8]}）",
            purpose=purpose,
            amount=Decimal(rng.choice([50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000]) * W),
            term_months=rng.choice([6, 12, 12, 12, 24, 36, 60]),
            needed_by=today + timedelta(days=rng.randint(15, 120)),
            max_rate=rng.choice([None, Decimal("5.00"), Decimal("6.00"), Decimal("8.00")]),
            guarantees=rng.sample(GUARANTEE_MENU, rng.randint(0, 3)),
            kinds=rng.choice([[], [], [], ["equity_investment"], ["credit_loan", "ip_pledge"]]),
            audience="targeted" if targeted else "open",
            targets=[t.pk for t in rng.sample(institutions, 2)] if targeted else [],
        )
        posted.append((demands.demand_create(actor=_contact(org, password), data=data), org))
    return posted


def _backdate(app: Application, days: int, answered_after: int | None) -> None:
    """Move an application's submission into the past, and its answers (timeline included)."""
    cal = work_calendar()
    submitted = timezone.localdate() - timedelta(days=days)
    submitted_at = timezone.now() - timedelta(days=days)
    changes: dict[str, Any] = {
        "submitted_on": submitted,
        "submitted_at": submitted_at,
        "due_on": applications.due_date(submitted, app.product.response_days),
    }
    answered_at = submitted_at
    if answered_after is not None and app.first_response_at is not None:
        answered = cal.add_working_days(submitted, answered_after)
        answered_at = submitted_at + timedelta(days=(answered - submitted).days, hours=2)
        changes |= {
            "first_response_on": answered,
            "first_response_at": answered_at,
            "response_working_days": cal.working_days_between(submitted, answered),
        }
        if app.decided_at is not None:
            changes["decided_at"] = answered_at
    Application.objects.filter(pk=app.pk).update(**changes)
    app.events.filter(action="submitted").update(at=submitted_at)
    app.events.exclude(action="submitted").update(at=answered_at)


def _applications(rng: random.Random, posted: list[Any], password: str) -> int:
    """Applications on eligible matches, moved to every state."""
    contract_day = timezone.localdate()
    until = rate_table().answers_until
    if until is not None and until < contract_day:
        contract_day = until
    matches = list(
        Match.objects.filter(eligible=True).select_related("product", "demand").order_by("pk")
    )
    rng.shuffle(matches)
    seen: set[int] = set()
    plan = ["submitted", "submitted", "overdue", "overdue", "accepted", "accepted",
            "info_requested", "info_requested", "granted", "granted", "granted", "granted",
            "granted", "granted", "declined", "declined", "declined", "withdrawn", "withdrawn",
            "submitted", "accepted", "granted", "declined", "granted"]  # fmt: skip
    made = 0
    for m in matches:
        if made >= len(plan):
            break
        if m.demand_id in seen:
            continue
        seen.add(m.demand_id)
        target = plan[made]
        ent = _contact(m.demand.enterprise, password)
        app = applications.application_submit(
            actor=ent,
            data=applications.ApplyInput(
                demand_id=m.demand_id,
                product_id=m.product_id,
                consent_valid_until=timezone.localdate() + timedelta(days=180)
                if rng.random() < 0.6
                else None,
            ),
        )
        made += 1
        inst = _admin_of_org(m.product.institution_id)
        try:
            _advance(app, target, ent=ent, inst=inst, rng=rng, contract_day=contract_day, n=made)
        except DomainError:
            continue  # e.g. a loan date without a benchmark: the application stays submitted
        app.refresh_from_db()
        if target == "overdue":
            _backdate(app, 20, None)
        else:
            _backdate(app, rng.randint(3, 40), rng.randint(0, 6))
    return made


def _admin_of_org(org_id: int) -> Actor:
    people = [u for u in User.objects.filter(organisation_id=org_id).order_by("pk")
              if "admin" in u.roles]  # fmt: skip
    return Actor.for_user(people[0])


def _advance(
    app: Application, target: str, *, ent: Actor, inst: Actor, rng: random.Random,
    contract_day: date, n: int,
) -> None:  # fmt: skip
    pk = app.pk
    if target in ("submitted", "overdue"):
        return
    if target == "withdrawn":
        applications.application_withdraw(actor=ent, application_id=pk)
        return
    if target in ("accepted", "granted"):
        applications.application_accept(actor=inst, application_id=pk)
    if target == "info_requested":
        applications.application_request_info(
            actor=inst, application_id=pk, message="请补充近三个月银行流水和主要客户合同"
        )
        return
    if target == "declined":
        reason = rng.choice(["企业成立时间较短，经营数据不足", "担保方式不符合本行要求",
                             "当前授信额度已用尽，建议下季度再申请"])  # fmt: skip
        applications.application_decline(actor=inst, application_id=pk, reason=reason)
    elif target == "granted":
        product = app.product
        data = granting.GrantInput(
            amount=app.amount,
            rate=product.rate_min,
            term_months=app.term_months,
            contract_no=f"SC-{contract_day:%Y%m}-{n:04d}",
            contract_date=contract_day,
            equity_share=Decimal(rng.choice(["5", "8", "10", "12.5"])),
        )
        granting.application_grant(actor=inst, application_id=pk, data=data)
    if target in ("granted", "declined") and rng.random() < 0.7:
        comment = rng.choice(["答复及时", "流程清晰", "", "材料要求较多"])
        stars = rng.choice([3, 4, 5, 5])
        applications.application_rate(actor=ent, application_id=pk, rating=stars, comment=comment)


def _board(rng: random.Random, posted: list[Any], city: Actor, password: str) -> None:
    showcase = posted[0][1]
    vc, bank = _admin_of("vc"), _admin_of("bank")
    today = timezone.localdate()
    deal = linkage.linkage_propose(
        actor=vc,
        data=linkage.LinkageInput(
            enterprise_id=showcase.pk, investor_id=vc.org_id, bank_id=bank.org_id,
            investment_amount=Decimal(800 * W), equity_share=Decimal("12"),
            loan_amount=Decimal(1500 * W), loan_rate=Decimal("3.60"), loan_term_months=36,
            terms="创业投资机构 A 轮投资 800 万元到位后 30 日内，银行发放 1,500 万元"
            "投贷联动专项贷；银行享有 1% 认股选择权，有效期三年。",
            signed_on=today - timedelta(days=12),
        ),
    )  # fmt: skip
    linkage.linkage_confirm(actor=bank, deal_id=deal.pk)
    other = posted[10][1]
    linkage.linkage_propose(
        actor=_admin_of("bank2"),
        data=linkage.LinkageInput(
            enterprise_id=other.pk, investor_id=_admin_of("fund").org_id,
            bank_id=_admin_of("bank2").org_id, investment_amount=Decimal(2000 * W),
            loan_amount=Decimal(1000 * W), loan_rate=Decimal("3.80"), loan_term_months=24,
            terms="引导基金子基金投资后，银行按投资额的 50% 配套贷款。", signed_on=today,
        ),
    )  # fmt: skip
    hosts = [_admin_of("broker"), _admin_of("vc")]
    for i, (title, summary, kind, target) in enumerate(PROJECTS):
        org = posted[20 + i * 7][1]
        host = hosts[i % 2]
        project = crowdfunding.project_create(
            actor=_contact(org, password),
            data=crowdfunding.ProjectInput(
                title=title, summary=summary, kind=kind, target_amount=Decimal(target),
                deadline=today + timedelta(days=rng.randint(20, 90)), host_id=host.org_id,
                project_url=f"https://zc.example.cn/projects/{1000 + i}",
            ),
        )  # fmt: skip
        if i == 4:
            continue  # left for the city office to moderate
        crowdfunding.project_moderate(actor=city, project_id=project.pk, decision="publish")
        raised = Decimal(target) * Decimal(rng.randint(15, 120)) / 100
        crowdfunding.project_report_progress(
            actor=host, project_id=project.pk, raised_amount=raised.quantize(Decimal("1")),
            backers=rng.randint(30, 900),
        )  # fmt: skip


def load_demo(*, seed: int = 20261125) -> dict[str, int]:
    """Create the marketplace demo (see the module docstring)."""
    if Product.objects.exists():
        raise RuntimeError("the marketplace already has products; the demo loads once")
    rng = random.Random(seed + 8)
    today = timezone.localdate()
    city = _admin_of("city")
    password = make_password(None)  # unusable: the contact people cannot log in
    # The demo's messages stay in the platform but are not e-mailed.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        with transaction.atomic():
            listed = _products(rng, city)
            posted = _demands(rng, today, password)
            made = _applications(rng, posted, password)
            _board(rng, posted, city, password)
        applications.applications_flag_overdue()
        run = RematchRun.objects.create(started_by=city.user)
        run = market_rematch_run(run.pk)
    return {
        "products": len(listed),
        "demands": len(posted),
        "applications": made,
        "matches": run.matches,
    }
