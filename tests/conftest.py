"""The fixed cast of the test city (STYLE §11): an enterprise owner, a colleague, a stranger
enterprise, a bank, another bank, the district office, another district, the city office, the
public. Every organisation has an admin; the city office also has a security admin and an auditor.

The rules tests (tests/rules) need no database: ``pytest tests/rules -p no:django`` runs them.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from typing import Any

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kejin.settings.test")
django.setup()  # so that `-p no:django` (the rules tests alone) still imports this file

from django.test import Client  # noqa: E402

from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, Role, User  # noqa: E402
from kejin.platform.tenancy import Actor  # noqa: E402
from kejin.rules import uscc  # noqa: E402

PASSWORD = "Test#Passw0rd!"
CITY = "220100"
DISTRICT = "220104"  # 朝阳区
OTHER_DISTRICT = "220102"  # 南关区

_rng = random.Random(7)


def make_org(kind: str, name: str, district: str, status: str = OrgStatus.ACTIVE) -> Organisation:
    return Organisation.objects.create(
        kind=kind,
        name=name,
        uscc=uscc.generate(_rng, district),
        district_code=district,
        status=status,
    )


def make_user(org: Organisation, username: str, *roles: str) -> User:
    user = User(username=username, organisation=org, roles=list(roles), display_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Cast:
    city: Organisation
    district: Organisation
    other_district: Organisation
    enterprise: Organisation
    stranger: Organisation
    far_enterprise: Organisation
    bank: Organisation
    other_bank: Organisation
    city_admin: User
    city_security: User
    city_auditor: User
    district_admin: User
    other_district_admin: User
    owner: User
    colleague: User
    stranger_admin: User
    bank_admin: User
    bank_officer: User
    other_bank_admin: User

    def actor(self, user: User) -> Actor:
        user.refresh_from_db()
        return Actor.for_user(user)

    def client(self, user: User | None) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c


@pytest.fixture
def cast(db: None) -> Cast:
    city = make_org(OrgKind.CITY_OFFICE, "长春市科学技术局", CITY)
    district = make_org(OrgKind.DISTRICT_OFFICE, "朝阳区科技局", DISTRICT)
    other_district = make_org(OrgKind.DISTRICT_OFFICE, "南关区科技局", OTHER_DISTRICT)
    enterprise = make_org(OrgKind.ENTERPRISE, "长春启明智能科技有限公司", DISTRICT)
    stranger = make_org(OrgKind.ENTERPRISE, "长春博远生物科技有限公司", DISTRICT)
    far_enterprise = make_org(OrgKind.ENTERPRISE, "长春远航新材料有限公司", OTHER_DISTRICT)
    bank = make_org(OrgKind.BANK, "吉林银行长春科技支行", DISTRICT)
    other_bank = make_org(OrgKind.BANK, "长春农商银行", OTHER_DISTRICT)
    return Cast(
        city=city,
        district=district,
        other_district=other_district,
        enterprise=enterprise,
        stranger=stranger,
        far_enterprise=far_enterprise,
        bank=bank,
        other_bank=other_bank,
        city_admin=make_user(city, "city_admin", Role.ADMIN),
        city_security=make_user(city, "city_security", Role.SECURITY_ADMIN),
        city_auditor=make_user(city, "city_auditor", Role.AUDITOR),
        district_admin=make_user(district, "district_admin", Role.ADMIN, Role.REVIEWER),
        other_district_admin=make_user(other_district, "other_district_admin", Role.ADMIN),
        owner=make_user(enterprise, "owner", Role.ADMIN),
        colleague=make_user(enterprise, "colleague", Role.OFFICER),
        stranger_admin=make_user(stranger, "stranger_admin", Role.ADMIN),
        bank_admin=make_user(bank, "bank_admin", Role.ADMIN),
        bank_officer=make_user(bank, "bank_officer", Role.OFFICER),
        other_bank_admin=make_user(other_bank, "other_bank_admin", Role.ADMIN),
    )


TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def memory_storage(settings: Any) -> None:
    """Uploaded files go to memory, not to var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


# --- tech micro-loans (origination) -------------------------------------------------------------


@dataclass
class MicroLenderCast:
    """A tech micro-lender in 朝阳区 with its staff, and another tech micro-lender."""

    org: Organisation
    other: Organisation
    admin: User
    officer: User
    officer2: User
    manager: User
    member1: User
    member2: User
    other_officer: User


def last_lpr_fixing(today: Any) -> Any:
    """The 20th on or before ``today`` (the LPR is published on the 20th of each month)."""
    if today.day >= 20:
        return today.replace(day=20)
    first = today.replace(day=1)
    from datetime import timedelta

    return (first - timedelta(days=1)).replace(day=20)


@pytest.fixture
def microlender(cast: Cast) -> MicroLenderCast:
    """The lender's staff, plus the city office's LPR fixing of this month (3.00% 1Y) so that
    today has a benchmark rate whatever the date the tests run on."""
    from decimal import Decimal

    from django.utils import timezone

    from kejin.apps.loans.models import BenchmarkRate

    org = make_org(OrgKind.TECH_MICRO_LENDER, "长春科技小额贷款股份有限公司", DISTRICT)
    other = make_org(OrgKind.TECH_MICRO_LENDER, "吉林省创新科技小额贷款有限公司", OTHER_DISTRICT)
    BenchmarkRate.objects.get_or_create(
        table="lpr",
        tenor="1Y",
        effective_date=last_lpr_fixing(timezone.localdate()),
        defaults={
            "rate_percent": Decimal("3.00"),
            "source": "测试：中国人民银行授权全国银行间同业拆借中心公告",
            "created_by": cast.city_admin,
        },
    )
    return MicroLenderCast(
        org=org,
        other=other,
        admin=make_user(org, "ml_admin", Role.ADMIN),
        officer=make_user(org, "ml_officer", Role.OFFICER),
        officer2=make_user(org, "ml_officer2", Role.OFFICER),
        manager=make_user(org, "ml_manager", Role.MANAGER),
        member1=make_user(org, "ml_member1", Role.CREDIT_COMMITTEE),
        member2=make_user(org, "ml_member2", Role.CREDIT_COMMITTEE),
        other_officer=make_user(other, "ml_other_officer", Role.OFFICER, Role.MANAGER),
    )


@pytest.fixture
def rate_enterprise(cast: Cast) -> Any:
    """``rate_enterprise(org, "AA", 712)`` stores a rating of ``org`` (by an approved model)."""
    from django.utils import timezone

    from kejin.apps.credit.models import ModelStatus, Rating, ScoringModel

    def rate(org: Organisation, grade: str, score: int) -> Any:
        model, _ = ScoringModel.objects.get_or_create(
            version=1,
            defaults={
                "name": "测试评分卡",
                "status": ModelStatus.APPROVED,
                "data_source": "platform",
                "trained_by": cast.city_admin,
            },
        )
        return Rating.objects.create(
            enterprise=org,
            model=model,
            as_of=timezone.localdate(),
            score=score,
            grade=grade,
            trigger="on_demand",
        )

    return rate


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> None:
    """Transactional tests flush and recreate content types with new ids; a cached id from an
    earlier test would make the next audit entry point at a row that no longer exists."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
