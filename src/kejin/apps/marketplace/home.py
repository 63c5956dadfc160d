"""The marketplace's figures and to-dos on each role's home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kejin.apps.marketplace import selectors
from kejin.apps.marketplace.models.applications import ApplicationStatus
from kejin.apps.orgs.models import OrgKind
from kejin.platform.home import Widget
from kejin.platform.tenancy import Actor


def widgets(actor: Actor) -> list[Widget]:
    if actor.kind == OrgKind.ENTERPRISE:
        return [
            Widget(
                _("匹配到的金融产品"),
                str(selectors.open_matches_for(actor).count()),
                reverse("marketplace:matches"),
            ),
            Widget(
                _("进行中的融资申请"),
                str(
                    selectors.applications_for(actor)
                    .filter(status__in=ApplicationStatus.pending())
                    .count()
                ),
                reverse("marketplace:applications"),
            ),
        ]
    if actor.kind in OrgKind.institutions():
        received = selectors.applications_for(actor)
        return [
            Widget(
                _("待受理的融资申请"),
                str(received.filter(status=ApplicationStatus.SUBMITTED).count()),
                reverse("marketplace:received"),
                todo=True,
            ),
            Widget(
                _("超时未响应"),
                str(received.filter(selectors.overdue_q()).count()),
                reverse("marketplace:received"),
                todo=True,
            ),
            Widget(
                _("匹配的融资需求"),
                str(selectors.leads_for(actor).count()),
                reverse("marketplace:leads"),
            ),
        ]
    if actor.is_city:
        return [
            Widget(
                _("待审核金融产品"),
                str(selectors.products_to_review(actor).count()),
                reverse("marketplace:review"),
                todo=True,
            ),
        ]
    return []
