"""Keeping the matches current: after a demand, a product or an enterprise's data changes, and for
the whole market at once (vectorised, in a background task with its progress on a run row).

Stored matches are the pairs that pass every public criterion (see ``rules.matching``), each with
its reasons and score trace. A new eligible match is announced to the enterprise, a new
public-eligible one to the institution.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.marketplace import facts as market_facts
from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.models import (
    Demand,
    DemandStatus,
    DemandTarget,
    Match,
    Product,
    ProductStatus,
    RematchRun,
    RunStatus,
)
from kejin.apps.marketplace.services.common import require_city
from kejin.apps.orgs.models import Organisation
from kejin.apps.policies.notifications import notify
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict
from kejin.rules.matching import (
    DemandTerms,
    Evaluation,
    ProductTerms,
    evaluate,
    explain,
    score_trace,
)
from kejin.rules.matching_batch import rematch

BATCH_DEMANDS = 2_000
Pair = tuple[ProductTerms, DemandTerms, Evaluation]
UNCHANGED = (
    "eligible",
    "eligible_public",
    "score",
    "applicable",
    "failed",
    "reasons",
    "score_trace",
)


@dataclass
class Outcome:
    """What one rematch changed."""

    matches: int = 0
    new_for_enterprises: dict[int, int] = field(default_factory=dict)  # demand → new eligible
    new_for_institutions: dict[int, int] = field(default_factory=dict)  # institution → new public

    @property
    def new(self) -> int:
        return sum(self.new_for_enterprises.values())

    def add(self, other: Outcome) -> None:
        self.matches += other.matches
        for k, v in other.new_for_enterprises.items():
            self.new_for_enterprises[k] = self.new_for_enterprises.get(k, 0) + v
        for k, v in other.new_for_institutions.items():
            self.new_for_institutions[k] = self.new_for_institutions.get(k, 0) + v


def listed_products() -> list[Product]:
    return list(Product.objects.filter(status=ProductStatus.LISTED).order_by("pk"))


def _targets_of(demand_ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for i in range(0, len(demand_ids), 900):
        rows = DemandTarget.objects.filter(demand_id__in=demand_ids[i : i + 900]).values_list(
            "demand_id", "institution_id"
        )
        for d, inst in rows:
            found[d].append(inst)
    return found


def _terms(demands: Sequence[Demand], on: date) -> tuple[list[DemandTerms], dict[int, str]]:
    facts = market_facts.enterprise_facts({d.enterprise_id for d in demands}, on)
    targets = _targets_of([d.pk for d in demands])
    terms = [
        market_facts.demand_terms(d, facts[d.enterprise_id], targets.get(d.pk, ()), on)
        for d in demands
        if d.enterprise_id in facts
    ]
    hashes = {t.demand_id: market_facts.fingerprint(t.enterprise) for t in terms}
    return terms, hashes


def _store(
    pairs: Iterable[Pair],
    *,
    demand_ids: Sequence[int],
    product_ids: Sequence[int] | None,
    now: datetime,
) -> Outcome:
    """Replace the stored matches of the (demands × products) scope by ``pairs`` (each with its
    Evaluation); ``product_ids`` None means every product. A match whose outcome, reasons and
    score trace did not change is left as it is (a nightly rematch mostly writes nothing)."""
    scope = Match.objects.filter(demand_id__in=demand_ids)
    if product_ids is not None:
        scope = scope.filter(product_id__in=product_ids)
    existing = {
        (m.demand_id, m.product_id): m
        for m in scope.only(*UNCHANGED, "pk", "demand_id", "product_id", "first_matched_at")
    }
    keep: set[tuple[int, int]] = set()
    create: list[Match] = []
    update: list[Match] = []
    new_ent: dict[int, int] = defaultdict(int)
    new_inst: dict[int, int] = defaultdict(int)
    for product, demand, ev in pairs:
        key = (demand.demand_id, product.product_id)
        keep.add(key)
        old = existing.get(key)
        reasons = [r.as_dict() for r in explain(product, demand, ev, market_facts.LABELS)]
        row = Match(
            pk=old.pk if old else None,
            demand_id=demand.demand_id,
            product_id=product.product_id,
            enterprise_id=demand.enterprise.enterprise_id,
            institution_id=product.institution_id,
            eligible=ev.eligible,
            eligible_public=ev.eligible_public,
            score=ev.score,
            applicable=ev.applicable,
            failed=ev.failed,
            reasons=reasons,
            score_trace=score_trace(product, demand, ev.parts),
            computed_at=now,
            first_matched_at=old.first_matched_at if old else now,
        )
        if ev.eligible and (old is None or not old.eligible):
            new_ent[demand.demand_id] += 1
        if old is None:
            new_inst[product.institution_id] += 1
            create.append(row)
        elif any(getattr(old, f) != getattr(row, f) for f in UNCHANGED):
            update.append(row)
    gone = [m.pk for key, m in existing.items() if key not in keep]
    for i in range(0, len(gone), 900):
        Match.objects.filter(pk__in=gone[i : i + 900]).delete()
    Match.objects.bulk_update(update, [*UNCHANGED, "computed_at"], batch_size=500)
    Match.objects.bulk_create(create, batch_size=500)
    return Outcome(len(keep), dict(new_ent), dict(new_inst))


def _announce(outcome: Outcome, demands: dict[int, Demand]) -> None:
    """Tell enterprises of new eligible matches, institutions of new matching demands."""
    for demand_id, n in sorted(outcome.new_for_enterprises.items()):
        demand = demands.get(demand_id)
        if demand is None:
            continue
        notify(
            [demand.enterprise],
            subject=f"您的融资需求“{demand.title}”新匹配 {n} 个金融产品",
            body="请登录平台查看匹配产品及匹配理由，选择合适的产品提交申请。",
            url=reverse("marketplace:demand", args=[demand_id]),
            topic="market.new_match",
        )
    institutions = Organisation.objects.in_bulk(list(outcome.new_for_institutions))
    for inst_id, n in sorted(outcome.new_for_institutions.items()):
        notify(
            [institutions[inst_id]],
            subject=f"有 {n} 条融资需求新匹配贵机构的产品",
            body="请登录平台“需求对接”查看匹配的企业需求。",
            url=reverse("marketplace:leads"),
            topic="market.new_match",
        )


def demands_rematch(demand_ids: Sequence[int], *, on: date | None = None) -> Outcome:
    """Match these demands again against every listed product (one by one: a few demands)."""
    on = on or timezone.localdate()
    now = timezone.now()
    demands = {
        d.pk: d for d in Demand.objects.filter(pk__in=demand_ids).select_related("enterprise")
    }
    open_ids = [pk for pk, d in demands.items() if d.status == DemandStatus.OPEN]
    products = [market_facts.product_terms(p) for p in listed_products()]
    terms, hashes = _terms([demands[pk] for pk in open_ids], on)
    pairs = []
    for d in terms:
        for p in products:
            ev = evaluate(p, d)
            if ev.eligible_public:
                pairs.append((p, d, ev))
    with transaction.atomic():
        outcome = _store(pairs, demand_ids=list(demands), product_ids=None, now=now)
        for pk in open_ids:
            Demand.objects.filter(pk=pk).update(facts_hash=hashes.get(pk, ""), matched_at=now)
        _announce(outcome, demands)
    return outcome


def _batch_pairs(products: Sequence[ProductTerms], demands: Sequence[DemandTerms]) -> list[Pair]:
    """The public-eligible pairs, found vectorised; each with an Evaluation rebuilt from the
    masks (no criterion is evaluated twice)."""
    frame = rematch(products, demands, keep="public")
    by_p = {p.product_id: p for p in products}
    by_d = {d.demand_id: d for d in demands}
    pairs: list[Pair] = []
    for row in frame.iter_rows(named=True):
        parts = (
            row["rate_pts"],
            row["amount_pts"],
            row["speed_pts"],
            row["timely_pts"],
            row["guarantee_pts"],
        )
        ev = Evaluation(row["applicable"], row["failed"], parts)
        pairs.append((by_p[row["product_id"]], by_d[row["demand_id"]], ev))
    return pairs


def product_rematch(product_id: int, *, on: date | None = None) -> Outcome:
    """Match one product again against every open demand (vectorised). A product that is no
    longer listed loses its matches."""
    on = on or timezone.localdate()
    now = timezone.now()
    product = Product.objects.get(pk=product_id)
    demands = list(
        Demand.objects.filter(status=DemandStatus.OPEN).select_related("enterprise").order_by("pk")
    )
    outcome = Outcome()
    with transaction.atomic():
        if product.status != ProductStatus.LISTED:
            Match.objects.filter(product_id=product_id).delete()
            return outcome
        terms = [market_facts.product_terms(product)]
        for start in range(0, len(demands), BATCH_DEMANDS):
            chunk = demands[start : start + BATCH_DEMANDS]
            dterms, _ = _terms(chunk, on)
            part = _store(
                _batch_pairs(terms, dterms),
                demand_ids=[d.pk for d in chunk],
                product_ids=[product_id],
                now=now,
            )
            outcome.add(part)
        _announce(outcome, {d.pk: d for d in demands})
    return outcome


def enterprise_rematch_if_stale(enterprise_id: int, *, on: date | None = None) -> int:
    """Match the enterprise's open demands again when its facts changed since they were last
    matched (profile, filings, HNTE, tech-SME standing, rating); returns how many were."""
    on = on or timezone.localdate()
    demands = list(
        Demand.objects.filter(enterprise_id=enterprise_id, status=DemandStatus.OPEN).only(
            "pk", "facts_hash", "matched_at"
        )
    )
    if not demands:
        return 0
    current = market_facts.enterprise_facts([enterprise_id], on).get(enterprise_id)
    if current is None:
        return 0
    digest = market_facts.fingerprint(current)
    stale = [
        d.pk
        for d in demands
        if d.facts_hash != digest
        or d.matched_at is None
        or timezone.localtime(d.matched_at).date() < on
    ]
    if stale:
        demands_rematch(stale, on=on)
    return len(stale)


def market_enterprise_changed(*, enterprise_id: int) -> int:
    """For other contexts: an enterprise's data changed; its open demands are matched again if
    their facts differ."""
    return enterprise_rematch_if_stale(enterprise_id)


# --- the whole market ----------------------------------------------------------------------


def market_rematch_start(*, actor: Actor) -> RematchRun:
    """The city office starts a rematch of the whole market (one at a time)."""
    from kejin.apps.marketplace.tasks import market_rematch_task  # noqa: PLC0415 (cycle)

    require_city(actor, "admin", "officer")
    with transaction.atomic():
        busy = RematchRun.objects.select_for_update().filter(
            status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
        if busy.exists():
            raise Conflict(MarketError.RUN_ACTIVE, "已有一次全市场重新匹配正在进行，请稍候")
        run = RematchRun.objects.create(started_by=actor.audit_user)
    market_rematch_task.enqueue(run.pk)
    return run


def market_rematch_run(run_id: int, *, on: date | None = None) -> RematchRun:
    """Match every open demand against every listed product, a batch of demands at a time,
    writing the progress on the run row."""
    on = on or timezone.localdate()
    started = time.perf_counter()
    run = RematchRun.objects.get(pk=run_id)
    products = listed_products()
    pterms = [market_facts.product_terms(p) for p in products]
    demand_ids = list(
        Demand.objects.filter(status=DemandStatus.OPEN).order_by("pk").values_list("pk", flat=True)
    )
    RematchRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING, demands=len(demand_ids), products=len(products)
    )
    total = Outcome()
    try:
        for start in range(0, len(demand_ids), BATCH_DEMANDS):
            ids = demand_ids[start : start + BATCH_DEMANDS]
            chunk = list(Demand.objects.filter(pk__in=ids).select_related("enterprise"))
            dterms, hashes = _terms(chunk, on)
            now = timezone.now()
            with transaction.atomic():
                part = _store(
                    _batch_pairs(pterms, dterms), demand_ids=ids, product_ids=None, now=now
                )
                for pk, digest in hashes.items():
                    Demand.objects.filter(pk=pk).update(facts_hash=digest, matched_at=now)
                _announce(part, {d.pk: d for d in chunk})
            total.matches += part.matches
            RematchRun.objects.filter(pk=run_id).update(
                done=start + len(ids),
                matches=total.matches,
                new_matches=run.new_matches + part.new,
            )
            run.new_matches += part.new
        # products no longer listed keep no match
        Match.objects.exclude(product__status=ProductStatus.LISTED).delete()
    except Exception as exc:
        RematchRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    RematchRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, finished_at=timezone.now(), seconds=seconds
    )
    run.refresh_from_db()
    return run
