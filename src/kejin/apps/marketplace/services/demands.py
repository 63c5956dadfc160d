"""Financing demands: an enterprise posts one (open to all institutions or sent to chosen ones),
edits it while it is open, and closes it; every change matches it again at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.models import (
    Audience,
    Demand,
    DemandStatus,
    DemandTarget,
    Guarantee,
    Match,
    ProductKind,
)
from kejin.apps.marketplace.search import search_terms
from kejin.apps.marketplace.services.common import (
    FieldErrors,
    clean_codes,
    clean_date,
    clean_int,
    clean_money,
    clean_rate,
    clean_text,
    require_enterprise,
)
from kejin.apps.marketplace.services.matching import demands_rematch
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.policies.notifications import notify
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError


@dataclass(frozen=True)
class DemandInput:
    title: str
    purpose: str
    amount: Any
    term_months: Any
    needed_by: Any
    max_rate: Any = None
    guarantees: tuple[str, ...] | list[str] = field(default_factory=tuple)
    kinds: tuple[str, ...] | list[str] = field(default_factory=tuple)
    audience: str = Audience.OPEN
    targets: tuple[int, ...] | list[int] = field(default_factory=tuple)


def clean_demand(data: DemandInput, *, today: date) -> tuple[dict[str, Any], list[Organisation]]:
    e = FieldErrors()
    out: dict[str, Any] = {
        "title": clean_text(data.title, "title", "需求标题", e, max_length=120),
        "purpose": clean_text(data.purpose, "purpose", "资金用途", e, max_length=2000),
        "amount": clean_money(data.amount, "amount", "融资金额", e),
        "term_months": clean_int(data.term_months, "term_months", "期限（月）", e),
        "max_rate": clean_rate(data.max_rate, "max_rate", "可接受的最高年利率", e),
        "guarantees": [
            g
            for g in clean_codes(
                data.guarantees, dict(Guarantee.choices), "guarantees", "可接受的担保方式", e
            )
            if g != Guarantee.NONE
        ],
        "kinds": clean_codes(data.kinds, dict(ProductKind.choices), "kinds", "融资方式", e),
    }
    needed_by = clean_date(data.needed_by, "needed_by", "资金需求日期", e)
    if needed_by is not None and needed_by < today:
        e.add("needed_by", f"资金需求日期不能早于今天（{today.isoformat()}）")
    out["needed_by"] = needed_by
    audience = (data.audience or Audience.OPEN).strip()
    if audience not in Audience.values:
        e.add("audience", "请选择发布范围")
    out["audience"] = audience
    targets: list[Organisation] = []
    if audience == Audience.TARGETED:
        ids = sorted({int(t) for t in data.targets or () if str(t).strip().isdigit()})
        targets = list(
            Organisation.objects.filter(
                pk__in=ids, kind__in=OrgKind.institutions(), status=OrgStatus.ACTIVE
            ).order_by("pk")
        )
        if not ids:
            e.add("targets", "定向发送须至少选择一家金融机构")
        elif len(targets) != len(ids):
            e.add("targets", "所选机构中有不是平台上正常经营的金融机构")
    e.raise_if_any()
    return out, targets


def _own(actor: Actor, demand_id: int) -> Demand:
    demand: Demand = access(
        actor,
        Demand.objects.select_related("enterprise"),
        demand_id,
        what="融资需求",
        for_update=True,
    )
    if demand.enterprise_id != actor.org_id:
        raise DomainError(MarketError.DEMAND_STATUS, "只有发布需求的企业可以修改需求", status=403)
    return demand


def _set_targets(demand: Demand, targets: list[Organisation]) -> list[Organisation]:
    """Replace the targets; return the institutions newly sent the demand."""
    before = set(demand.targets.values_list("institution_id", flat=True))
    demand.targets.exclude(institution_id__in=[t.pk for t in targets]).delete()
    added = [t for t in targets if t.pk not in before]
    DemandTarget.objects.bulk_create([DemandTarget(demand=demand, institution=t) for t in added])
    return added


def _tell_targets(demand: Demand, institutions: list[Organisation]) -> None:
    if institutions:
        notify(
            institutions,
            subject=f"{demand.enterprise.name}向贵机构定向发送了融资需求“{demand.title}”",
            url=reverse("marketplace:lead", args=[demand.pk]),
            topic="market.targeted_demand",
        )


def _terms_of(values: dict[str, Any], enterprise: Organisation) -> str:
    return search_terms(values["title"], values["purpose"], enterprise.name)


def demand_create(*, actor: Actor, data: DemandInput) -> Demand:
    """The enterprise posts a demand; it is matched against every listed product at once."""
    enterprise = require_enterprise(actor)
    values, targets = clean_demand(data, today=timezone.localdate())
    with transaction.atomic():
        demand = Demand.objects.create(
            enterprise=enterprise,
            created_by=actor.audit_user,
            search_terms=_terms_of(values, enterprise),
            **values,
        )
        _tell_targets(demand, _set_targets(demand, targets))
        demands_rematch([demand.pk])
    return demand


def demand_update(*, actor: Actor, demand_id: int, data: DemandInput) -> Demand:
    require_enterprise(actor)
    values, targets = clean_demand(data, today=timezone.localdate())
    with transaction.atomic():
        demand = _own(actor, demand_id)
        if demand.status != DemandStatus.OPEN:
            raise Conflict(
                MarketError.DEMAND_STATUS,
                f"需求当前状态为“{demand.get_status_display()}”，不能修改",
            )
        for key, value in values.items():
            setattr(demand, key, value)
        demand.search_terms = _terms_of(values, demand.enterprise)
        demand.save()
        _tell_targets(demand, _set_targets(demand, targets))
        demands_rematch([demand.pk])
    return demand


def demand_close(*, actor: Actor, demand_id: int, status: str) -> Demand:
    """The enterprise closes its demand as satisfied or withdrawn; its matches go."""
    require_enterprise(actor)
    if status not in (DemandStatus.SATISFIED, DemandStatus.WITHDRAWN):
        raise DomainError(
            MarketError.DEMAND_STATUS, "只能将需求标记为已满足或撤回", {"status": "状态无效"}
        )
    with transaction.atomic():
        demand = _own(actor, demand_id)
        if demand.status != DemandStatus.OPEN:
            raise Conflict(
                MarketError.DEMAND_STATUS,
                f"需求当前状态为“{demand.get_status_display()}”，不能关闭",
            )
        demand.status = status
        demand.closed_at = timezone.now()
        demand.save()
        demand.matches.all().delete()
    return demand


def demands_expire(*, today: date | None = None) -> int:
    """Open demands whose needed-by date has passed become expired (and lose their matches)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        stale = Demand.objects.filter(status=DemandStatus.OPEN, needed_by__lt=today)
        ids = list(stale.values_list("pk", flat=True))
        stale.update(status=DemandStatus.EXPIRED, closed_at=timezone.now())
        for i in range(0, len(ids), 900):
            Match.objects.filter(demand_id__in=ids[i : i + 900]).delete()
    return len(ids)
