"""Support programmes' figures and to-dos on each role's home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kejin.apps.policies import selectors
from kejin.apps.policies.models import Status
from kejin.platform.home import Widget
from kejin.platform.tenancy import Actor

IN_PROGRESS = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.CITY_REVIEW,
    Status.CITY_PROPOSED,
    Status.PENDING_NOTICE,
    Status.NOTICE,
    Status.APPROVED,
)


def widgets(actor: Actor) -> list[Widget]:
    if actor.is_public:
        return []
    if actor.is_district:
        return [
            Widget(
                _("待区级初审的申报"),
                str(selectors.district_queue(actor).count()),
                reverse("policies:review_district"),
                todo=True,
            )
        ]
    if actor.is_city:
        return [
            Widget(
                _("待市级复审/审批的申报"),
                str(selectors.city_queue(actor).count()),
                reverse("policies:review_city"),
                todo=True,
            ),
            Widget(
                _("已批准待拨付"),
                str(selectors.approved_unpaid_for(actor).count()),
                reverse("policies:payments"),
                todo=True,
            ),
        ]
    mine = selectors.my_applications(actor)
    return [
        Widget(
            _("可申报的扶持项目"),
            str(len(selectors.programs_open_to(actor))),
            reverse("policies:programs"),
        ),
        Widget(
            _("办理中的申报"),
            str(mine.filter(status__in=IN_PROGRESS).count()),
            reverse("policies:mine"),
            todo=mine.filter(status=Status.RETURNED).exists(),
        ),
    ]
