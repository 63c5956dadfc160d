"""The demo city: 长春市, its districts and their offices, institutions of every kind,
about 2,000 enterprises, and one account per role. Deterministic for a given seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, Role, User
from kejin.platform.demo.names import enterprise_name, person_name, phone
from kejin.rules import divisions, uscc

DEMO_PASSWORD = "Kejin#2026demo"  # noqa: S105 - documented demo password, demo data only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    org: str
    roles: tuple[str, ...]
    display_name: str


INSTITUTIONS: list[tuple[str, str, str, str]] = [
    # (username stem, kind, name, district)
    ("bank", OrgKind.BANK, "吉林银行股份有限公司长春科技支行", "220104"),
    ("bank2", OrgKind.BANK, "中国建设银行股份有限公司长春分行", "220102"),
    ("techbranch", OrgKind.TECH_SUB_BRANCH, "长春农村商业银行科技支行", "220105"),
    ("microlender", OrgKind.MICRO_LENDER, "长春市汇丰小额贷款有限公司", "220103"),
    ("techmicro", OrgKind.TECH_MICRO_LENDER, "长春科技小额贷款股份有限公司", "220104"),
    ("guarantee", OrgKind.GUARANTEE_COMPANY, "长春市科技融资担保有限公司", "220102"),
    ("leasing", OrgKind.LEASING_COMPANY, "吉林省科技融资租赁有限公司", "220106"),
    ("insurer", OrgKind.INSURER, "中国人民财产保险股份有限公司长春市分公司", "220102"),
    ("insurer2", OrgKind.INSURER, "中国平安财产保险股份有限公司吉林分公司", "220104"),
    ("broker", OrgKind.BROKER, "东北证券股份有限公司", "220104"),
    ("vc", OrgKind.VENTURE_CAPITAL, "吉林省创业投资有限公司", "220106"),
    ("fund", OrgKind.FUND_MANAGER, "长春市科技发展引导基金管理有限公司", "220102"),
    ("research", OrgKind.RESEARCH_INSTITUTION, "中国科学院长春光学精密机械与物理研究所", "220104"),
    ("makerspace", OrgKind.MAKER_SPACE_OPERATOR, "长春北湖科技园众创空间运营有限公司", "220122"),
    ("data", OrgKind.DATA_PROVIDER, "长春市公共信用信息中心", "220102"),
]

DEMO_ENTERPRISE = "长春光华精工智能装备有限公司"


def load_demo_city(*, enterprises: int = 2000, seed: int = 20261125) -> list[DemoAccount]:
    """Create the demo city in one transaction. Refuses to run twice on the same database."""
    if Organisation.objects.exists():
        raise RuntimeError("database already has organisations; the demo loads into an empty one")
    rng = random.Random(seed)
    city_code = settings.KEJIN_CITY_DIVISION_CODE
    districts = [d for d in divisions.children(city_code) if d.level == "county"]
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    accounts: list[DemoAccount] = []
    used_codes: set[str] = set()

    def code_for(district: str, kind: str = "1") -> str:
        while True:
            code = uscc.generate(rng, district, kind=kind)
            if code not in used_codes:
                used_codes.add(code)
                return code

    def org(kind: str, name: str, district: str, **extra: object) -> Organisation:
        authority = "1" if kind in OrgKind.government() else "9"
        return Organisation(
            kind=kind,
            name=name,
            uscc=code_for(district, kind="1") if authority == "9" else _gov_code(rng, district),
            district_code=district,
            status=extra.pop("status", OrgStatus.ACTIVE),
            verified_at=now,
            legal_representative=person_name(rng),
            contact_name=person_name(rng),
            contact_phone=phone(rng),
            **extra,
        )

    def user(o: Organisation, username: str, roles: tuple[str, ...]) -> User:
        display = person_name(rng)
        accounts.append(DemoAccount(username, o.name, roles, display))
        return User(
            username=username,
            display_name=display,
            organisation=o,
            roles=list(roles),
            password=password,
            email=f"{username}@demo.kejin.local",
        )

    with transaction.atomic():
        city = org(OrgKind.CITY_OFFICE, f"{divisions.name(city_code)}科学技术局", city_code)
        city.save()
        users = [
            user(city, "city_admin", (Role.ADMIN,)),
            user(city, "city_security", (Role.SECURITY_ADMIN,)),
            user(city, "city_auditor", (Role.AUDITOR,)),
            user(city, "city_reviewer", (Role.REVIEWER,)),
            user(city, "city_officer", (Role.OFFICER,)),
        ]
        offices = []
        for d in districts:
            office = org(OrgKind.DISTRICT_OFFICE, f"{d.name}科技和工业信息化局", d.code)
            office.save()
            offices.append(office)
            users.append(user(office, f"district_{d.code}", (Role.ADMIN, Role.REVIEWER)))
        for stem, kind, name, district in INSTITUTIONS:
            inst = org(kind, name, district)
            inst.save()
            users.append(user(inst, f"{stem}_admin", (Role.ADMIN,)))
            users.append(user(inst, f"{stem}_officer", (Role.OFFICER,)))
            if kind == OrgKind.TECH_MICRO_LENDER:
                users.append(user(inst, f"{stem}_officer2", (Role.OFFICER,)))
                users.append(user(inst, f"{stem}_manager", (Role.MANAGER,)))
                users.append(user(inst, f"{stem}_committee1", (Role.CREDIT_COMMITTEE,)))
                users.append(user(inst, f"{stem}_committee2", (Role.CREDIT_COMMITTEE,)))
        used_names: set[str] = {DEMO_ENTERPRISE}
        batch = []
        demo_ent = org(
            OrgKind.ENTERPRISE,
            DEMO_ENTERPRISE,
            "220104",
            industry="高端装备制造",
            address="长春市朝阳区前进大街2699号",
        )
        batch.append(demo_ent)
        for i in range(enterprises - 1):
            d = rng.choice(districts)
            name, industry = enterprise_name(rng, used_names)
            status = OrgStatus.PENDING if i < 6 else OrgStatus.ACTIVE
            batch.append(
                org(
                    OrgKind.ENTERPRISE,
                    name,
                    d.code,
                    industry=industry,
                    status=status,
                    address=f"{divisions.name(city_code)}{d.name}",
                )
            )
        for o in batch:
            if o.status == OrgStatus.PENDING:
                o.verified_at = None
        Organisation.objects.bulk_create(batch, batch_size=500)
        demo_ent = Organisation.objects.get(name=DEMO_ENTERPRISE)
        users.append(user(demo_ent, "ent_admin", (Role.ADMIN,)))
        users.append(user(demo_ent, "ent_officer", (Role.OFFICER,)))
        User.objects.bulk_create(users)
    return accounts


def _gov_code(rng: random.Random, district: str) -> str:
    """Government units: registration authority 1 (编办), kind 1 (机关)."""
    return uscc.generate(rng, district, authority="1", kind="1")
