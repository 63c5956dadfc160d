"""Notifications in the platform and by e-mail (sent when the transaction commits): new matches,
application status, overdue responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail

from kejin.apps.marketplace.models import Application
from kejin.apps.marketplace.services import applications
from kejin.apps.policies.models import Notification
from tests.apps.marketplace.conftest import Market, demand_data, post


def with_emails(market: Market) -> None:
    for user in (market.cast.owner, market.cast.bank_admin, market.cast.city_admin):
        user.email = f"{user.username}@example.cn"
        user.save()


def test_a_new_match_is_announced_to_the_enterprise_and_the_bank(
    market: Market, django_capture_on_commit_callbacks: Any
) -> None:
    with_emails(market)
    market.product()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            market.cast.client(market.cast.owner), "/api/v1/market/demands", demand_data()
        )
    assert response.status_code == 201
    subjects = {
        (n.recipient.name, n.subject) for n in Notification.objects.filter(topic="market.new_match")
    }
    assert (
        market.cast.enterprise.name,
        "您的融资需求“智能传感器产线扩产资金”新匹配 1 个金融产品",
    ) in subjects
    assert (market.cast.bank.name, "有 1 条融资需求新匹配贵机构的产品") in subjects
    sent = {(tuple(m.to), m.subject) for m in mail.outbox}
    assert (
        ("owner@example.cn",),
        "【科金平台】您的融资需求“智能传感器产线扩产资金”新匹配 1 个金融产品",
    ) in sent
    assert (("bank_admin@example.cn",), "【科金平台】有 1 条融资需求新匹配贵机构的产品") in sent


def test_application_status_and_overdue_are_announced(
    market: Market, django_capture_on_commit_callbacks: Any
) -> None:
    with_emails(market)
    product, demand = market.product(), market.demand()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(
            market.cast.client(market.cast.owner),
            "/api/v1/market/applications",
            {"demand_id": demand.pk, "product_id": product.pk},
        )
    assert [m.to for m in mail.outbox] == [["bank_admin@example.cn"]]
    assert "收到" in mail.outbox[0].subject
    app = Application.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applications.applications_flag_overdue(today=app.due_on + timedelta(days=1))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bank_admin@example.cn",
        "city_admin@example.cn",
    ]
    assert all("逾期未答复" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(
            market.cast.client(market.cast.bank_admin),
            f"/api/v1/market/applications/{app.pk}/decline",
            {"reason": "额度已满"},
        )
    assert [m.to for m in mail.outbox] == [["owner@example.cn"]]
    assert "未获批" in mail.outbox[0].subject
    assert "额度已满" in mail.outbox[0].body
