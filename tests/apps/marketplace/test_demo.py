"""The marketplace demo loads on the demo city: listed products, matched demands, applications
in every state, a confirmed linkage deal, five crowdfunding projects."""

from __future__ import annotations

import pytest

from kejin.apps.marketplace.demo import load_demo
from kejin.apps.marketplace.models import (
    Application,
    CrowdfundingProject,
    Demand,
    LinkageDeal,
    Match,
    Product,
)
from kejin.platform.demo.city import load_demo_city


@pytest.mark.django_db
def test_the_demo_loads_once() -> None:
    load_demo_city(enterprises=60, seed=3)
    counts = load_demo(seed=3)
    assert counts["products"] == Product.objects.filter(status="listed").count() == 40
    assert counts["demands"] == Demand.objects.count() == 150
    assert Match.objects.filter(eligible=True).count() > 100
    states = set(Application.objects.values_list("status", flat=True))
    assert states >= {"submitted", "accepted", "info_requested", "granted", "declined", "withdrawn"}
    assert Application.objects.filter(loan_id__isnull=False).exists()
    assert Application.objects.filter(rating__isnull=False).exists()
    assert LinkageDeal.objects.filter(status="confirmed").count() == 1
    assert CrowdfundingProject.objects.count() == 5
    assert CrowdfundingProject.objects.filter(status="published").count() == 4
    with pytest.raises(RuntimeError):
        load_demo(seed=3)
