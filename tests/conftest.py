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
