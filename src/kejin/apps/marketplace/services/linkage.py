"""Investment-loan linkage deals (投贷联动): an investor's equity investment and a bank's loan to
the same enterprise, tied by terms. One side proposes (and so confirms its own part), the other
confirms; a confirmed deal counts for the linkage KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.models import Investment, LinkageDeal, LinkageStatus
from kejin.apps.marketplace.services.common import (
    FieldErrors,
    clean_date,
    clean_int,
    clean_money,
    clean_rate,
    clean_text,
    require_institution,
)
from kejin.apps.marketplace.services.products import LENDERS
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.policies.notifications import notify
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, PermissionDenied
from kejin.rules.money import to_decimal

INVESTORS = frozenset({OrgKind.VENTURE_CAPITAL, OrgKind.FUND_MANAGER, OrgKind.BROKER})


@dataclass(frozen=True)
class LinkageInput:
    enterprise_id: Any
    investor_id: Any
    bank_id: Any
    investment_amount: Any
    loan_amount: Any
    terms: str
    signed_on: Any
    equity_share: Any = None
    loan_rate: Any = None
    loan_term_months: Any = None
    investment_id: Any = None
    loan_id: Any = None


def _party(
    raw: Any, kinds: frozenset[str], name: str, label: str, e: FieldErrors
) -> Organisation | None:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        e.add(name, f"请选择{label}", MarketError.LINKAGE_INVALID)
        return None
    org = Organisation.objects.filter(pk=pk, kind__in=kinds, status=OrgStatus.ACTIVE).first()
    if org is None:
        e.add(name, f"所选{label}不是平台上正常经营的{label}", MarketError.LINKAGE_INVALID)
    return org


def _clean(data: LinkageInput, actor: Actor) -> dict[str, Any]:
    e = FieldErrors()
    out: dict[str, Any] = {
        "enterprise": _party(
            data.enterprise_id, frozenset({OrgKind.ENTERPRISE}), "enterprise_id", "企业", e
        ),
        "investor": _party(data.investor_id, INVESTORS, "investor_id", "投资机构", e),
        "bank": _party(data.bank_id, LENDERS, "bank_id", "贷款银行", e),
        "investment_amount": clean_money(
            data.investment_amount, "investment_amount", "投资金额", e
        ),
        "loan_amount": clean_money(data.loan_amount, "loan_amount", "贷款金额", e),
        "loan_rate": clean_rate(data.loan_rate, "loan_rate", "贷款年利率", e),
        "loan_term_months": clean_int(
            data.loan_term_months, "loan_term_months", "贷款期限（月）", e, required=False
        ),
        "terms": clean_text(data.terms, "terms", "联动条款", e, max_length=4000),
        "signed_on": clean_date(data.signed_on, "signed_on", "签约日期", e),
    }
    if out["signed_on"] and out["signed_on"] > timezone.localdate():
        e.add("signed_on", "签约日期不能晚于今天")
    share = None
    if data.equity_share not in (None, ""):
        try:
            share = to_decimal(data.equity_share, field="equity_share")
        except (DomainError, TypeError):
            e.add("equity_share", "持股比例须为数字")
        else:
            if not Decimal(0) < share <= Decimal(100):
                e.add("equity_share", f"持股比例须在 0–100% 之间（收到 {share}%）")
    out["equity_share"] = share
    if actor.org_id not in (getattr(out["investor"], "pk", None), getattr(out["bank"], "pk", None)):
        e.add("investor_id", "发起方须是本笔联动的投资机构或贷款银行", MarketError.LINKAGE_INVALID)
    out["investment"] = None
    if data.investment_id not in (None, ""):
        found = Investment.objects.visible_to(actor).filter(pk=data.investment_id).first()
        if found is None or found.enterprise_id != getattr(out["enterprise"], "pk", None):
            e.add("investment_id", "关联的投资记录不存在或不属于该企业")
        out["investment"] = found
    out["loan_id"] = int(data.loan_id) if str(data.loan_id or "").isdigit() else None
    e.raise_if_any()
    return out


def linkage_propose(*, actor: Actor, data: LinkageInput) -> LinkageDeal:
    """The investor or the bank records a deal; its own side is confirmed by proposing it."""
    me = require_institution(actor)
    values = _clean(data, actor)
    now = timezone.now()
    with transaction.atomic():
        deal = LinkageDeal(**values, proposed_by=me, created_by=actor.audit_user)
        if me.pk == values["investor"].pk:
            deal.investor_confirmed_at, deal.investor_confirmed_by = now, actor.audit_user
        if me.pk == values["bank"].pk:
            deal.bank_confirmed_at, deal.bank_confirmed_by = now, actor.audit_user
        deal.save()
        other = values["bank"] if me.pk == values["investor"].pk else values["investor"]
        notify(
            [other],
            subject=f"{me.name}发起了对{deal.enterprise.name}的投贷联动，请确认",
            url=reverse("marketplace:linkage_detail", args=[deal.pk]),
            topic="market.linkage",
        )
    return deal


def _own(actor: Actor, deal_id: int) -> LinkageDeal:
    deal: LinkageDeal = access(
        actor,
        LinkageDeal.objects.select_related("enterprise", "investor", "bank"),
        deal_id,
        what="投贷联动",
        for_update=True,
    )
    if actor.org_id not in (deal.investor_id, deal.bank_id):
        raise PermissionDenied("只有投资机构或贷款银行可以确认或取消投贷联动")
    return deal


def linkage_confirm(*, actor: Actor, deal_id: int) -> LinkageDeal:
    require_institution(actor)
    now = timezone.now()
    with transaction.atomic():
        deal = _own(actor, deal_id)
        if deal.status != LinkageStatus.PROPOSED:
            raise Conflict(
                MarketError.LINKAGE_STATUS, f"该联动当前状态为“{deal.get_status_display()}”"
            )
        side = "investor" if actor.org_id == deal.investor_id else "bank"
        if getattr(deal, f"{side}_confirmed_at") is not None:
            raise Conflict(MarketError.LINKAGE_STATUS, "贵机构已经确认过，等待对方确认")
        setattr(deal, f"{side}_confirmed_at", now)
        setattr(deal, f"{side}_confirmed_by", actor.audit_user)
        if deal.investor_confirmed_at and deal.bank_confirmed_at:
            deal.status = LinkageStatus.CONFIRMED
        deal.save()
        if deal.status == LinkageStatus.CONFIRMED:
            notify(
                [deal.enterprise, deal.investor, deal.bank],
                subject=f"投贷联动已确认：{deal.investor.name} 投资、{deal.bank.name} 贷款",
                url=reverse("marketplace:linkage_detail", args=[deal.pk]),
                topic="market.linkage",
            )
    return deal


def linkage_cancel(*, actor: Actor, deal_id: int, reason: str) -> LinkageDeal:
    require_institution(actor)
    e = FieldErrors()
    text = clean_text(reason, "reason", "取消原因", e, max_length=300)
    e.raise_if_any()
    with transaction.atomic():
        deal = _own(actor, deal_id)
        if deal.status != LinkageStatus.PROPOSED:
            raise Conflict(MarketError.LINKAGE_STATUS, "只有待确认的联动可以取消")
        deal.status = LinkageStatus.CANCELLED
        deal.cancelled_at = timezone.now()
        deal.cancel_reason = text
        deal.save()
    return deal
