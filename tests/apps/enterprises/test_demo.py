"""The demo: every active enterprise gets realistic data; about half qualify; 2025 is published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kejin.apps.enterprises.demo import load_demo
from kejin.apps.enterprises.models import (
    EnterpriseProfile,
    EvaluationRun,
    FinancialYear,
    HnteCertificate,
    IpItem,
)
from kejin.platform.demo.city import load_demo_city


@pytest.mark.django_db
def test_the_demo_fills_every_active_enterprise_and_publishes_2025() -> None:
    load_demo_city(enterprises=300, seed=7)
    load_demo(seed=7)
    run = EvaluationRun.objects.get()
    assert run.status == "published"
    assert run.year == 2025
    assert run.total == 294  # 300 enterprises, 6 of them still pending verification
    assert 0.40 <= run.qualified_count / run.total <= 0.60
    assert EnterpriseProfile.objects.count() == run.total
    assert set(FinancialYear.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert FinancialYear.objects.filter(locked_at__isnull=False).exists()
    assert IpItem.objects.filter(kind="invention_patent").exists()
    today = timezone.localdate()
    expiring = HnteCertificate.objects.filter(
        expiry_date__gte=today, expiry_date__lte=today + timedelta(days=90)
    )
    assert expiring.exists()
    showcase = EnterpriseProfile.objects.get(enterprise__people__username="ent_admin")
    assert run.results.get(enterprise_id=showcase.enterprise_id).qualified
