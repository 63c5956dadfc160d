"""The loans context's figures and to-dos on each role's home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kejin.apps.loans import portfolio, selectors
from kejin.apps.loans.models import ApplicationStatus, LoanStatus
from kejin.apps.loans.origination.selectors import application_list_for
from kejin.apps.loans.services.reporting import LENDER_KINDS
from kejin.platform.home import Widget
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError
from kejin.rules.money import fmt_yuan


def widgets(actor: Actor) -> list[Widget]:
    if not (
        actor.kind in LENDER_KINDS
        or actor.kind == "enterprise"
        or actor.is_city
        or actor.is_district
    ):
        return []
    found: list[Widget] = []
    active = selectors.loan_list_for(actor, selectors.LoanFilter(status=LoanStatus.ACTIVE))
    found.append(Widget(_("存续贷款（笔）"), str(active.count()), reverse("loans:list")))
    try:
        figures = portfolio.portfolio_for(actor)
    except DomainError:  # no book run yet
        figures = None
    if figures is not None:
        found.append(
            Widget(
                _("贷款余额（元）"), fmt_yuan(figures.total.outstanding), reverse("loans:portfolio")
            )
        )
        ratio = figures.total.npl_ratio
        found.append(
            Widget(
                _("不良贷款率"), "—" if ratio is None else f"{ratio}%", reverse("loans:portfolio")
            )
        )
    if actor.kind in {"tech_micro_lender", "enterprise"}:
        waiting = application_list_for(actor).filter(
            status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.IN_APPROVAL]
        )
        found.append(
            Widget(
                _("在办科技小贷申请"),
                str(waiting.count()),
                reverse("loans:microloan_queue"),
                todo=actor.kind != "enterprise",
            )
        )
    return found
