"""Marketplace matching: the whole-market rematch, vectorised (``rules.matching_batch.rematch``,
polars) against the one-by-one rule (``rules.matching.evaluate``, timed on a sample of demands
and extrapolated), then one enterprise's matches as a page request.

(1) 100,000 open demands × 2,000 listed products (200 million pairs). The one-by-one path is
    timed on ``SAMPLE`` demands against every product and extrapolated; the script checks that
    both paths give the same frame on the sample. Prints the ratio (aim ≥ 50×) and peak memory.
(2) ``GET /market/matches/`` and ``GET /market/demands/<id>/`` for one enterprise, with Django's
    test client against an in-memory SQLite database holding a small generated market (200
    listed products, 600 open demands of 300 enterprises, matched by the batch run): median and
    95th percentile of 30 requests each.

Run: ``.venv/bin/python bench/bench_matching.py [demands] [products]``
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from polars.testing import assert_frame_equal

from kejin.rules.matching import DemandTerms, EnterpriseFacts, ProductTerms, evaluate
from kejin.rules.matching_batch import rematch, rematch_one_by_one

DEMANDS = 100_000
PRODUCTS = 2_000
SAMPLE = 100
KINDS = ["credit_loan", "ip_pledge", "equity_pledge", "leasing", "guarantee", "tech_insurance",
         "performance_insurance", "equity_investment"]  # fmt: skip
GUARANTEES = ["none", "ip_pledge", "equity_pledge", "collateral", "guarantee_company",
              "insurance", "third_party"]  # fmt: skip
DISTRICTS = ["220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122",
             "220182", "220183", "220184"]  # fmt: skip
INDUSTRIES = ["next_gen_it", "high_end_equipment", "new_materials", "biotech",
              "new_energy_vehicles", "new_energy", "energy_saving", "digital_creative",
              "related_services"]  # fmt: skip
GRADES = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC"]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def products(rng: random.Random, n: int, institutions: int = 60) -> list[ProductTerms]:
    out = []
    for i in range(n):
        kind = rng.choice(KINDS)
        low = rng.randint(10, 500) * 10_000
        rated = kind != "equity_investment"
        rate_low = rng.randint(300, 700)
        out.append(
            ProductTerms(
                product_id=i + 1,
                institution_id=rng.randint(1, institutions),
                kind=kind,
                amount_min=Decimal(low),
                amount_max=Decimal(low + rng.randint(50, 3000) * 10_000),
                term_min=rng.choice([1, 3, 6, 12]),
                term_max=rng.choice([12, 24, 36, 60]),
                rate_min=Decimal(rate_low) / 100 if rated else None,
                rate_max=Decimal(rate_low + rng.randint(0, 400)) / 100 if rated else None,
                guarantee=rng.choice(GUARANTEES),
                requires_tech_sme=rng.random() < 0.3,
                requires_hnte=rng.random() < 0.15,
                min_years=rng.choice([None, None, 1, 2, 3]),
                revenue_min=rng.choice([None, None, Decimal(1_000_000)]),
                revenue_max=rng.choice([None, None, None, Decimal(200_000_000)]),
                min_grade=rng.choice([None, None, "A", "BBB"]),
                districts=frozenset(rng.sample(DISTRICTS, rng.choice([0, 0, 0, 4]))),
                industries=frozenset(rng.sample(INDUSTRIES, rng.choice([0, 0, 3]))),
                response_days=rng.randint(1, 15),
            )
        )
    return out


def demands(rng: random.Random, n: int, institutions: int = 60) -> list[DemandTerms]:
    out = []
    for i in range(n):
        ent = EnterpriseFacts(
            enterprise_id=i // 2 + 1,
            district_code=rng.choice(DISTRICTS),
            industry=rng.choice([*INDUSTRIES, ""]),
            tech_sme=rng.random() < 0.5,
            hnte=rng.random() < 0.25,
            years_in_business=rng.choice([None, 0, 1, 3, 6, 12]),
            revenue=rng.choice([None, Decimal(rng.randint(0, 300_000_000))]),
            grade=rng.choice([None, *GRADES]),
        )
        out.append(
            DemandTerms(
                demand_id=i + 1,
                enterprise=ent,
                amount=Decimal(rng.randint(10, 3000) * 10_000),
                term_months=rng.choice([3, 6, 12, 12, 24, 36]),
                max_rate=rng.choice([None, Decimal(rng.randint(400, 900)) / 100]),
                guarantees=frozenset(rng.sample(GUARANTEES[1:], rng.randint(0, 3))),
                kinds=frozenset(rng.sample(KINDS, rng.choice([0, 0, 2, 3]))),
                targets=frozenset(rng.sample(range(1, institutions + 1), 2))
                if rng.random() < 0.1
                else frozenset(),
                working_days_left=rng.randint(0, 60),
            )
        )
    return out


def part_one(n_demands: int = DEMANDS, n_products: int = PRODUCTS) -> None:
    rng = random.Random(20261125)
    started = time.perf_counter()
    prods = products(rng, n_products)
    dems = demands(rng, n_demands)
    print(f"generated {n_demands:,} demands × {n_products:,} products "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

    sample = dems[:SAMPLE]
    assert_frame_equal(rematch(prods, sample), rematch_one_by_one(prods, sample))
    print(f"the batch and the one-by-one rule agree on the {SAMPLE} sampled demands")

    started = time.perf_counter()
    for d in sample:
        for p in prods:
            evaluate(p, d)
    single = time.perf_counter() - started
    single_total = single * n_demands / SAMPLE
    pairs = n_demands * n_products

    started = time.perf_counter()
    frame = rematch(prods, dems)
    batch = time.perf_counter() - started
    eligible = int(frame["eligible"].sum())
    print(f"vectorised: {batch:.1f} s for {pairs:,} pairs ({pairs / batch / 1e6:.1f} M pairs/s); "
          f"{frame.height:,} public matches, {eligible:,} eligible")  # fmt: skip
    rate = pairs / single_total / 1e3
    print(f"one by one: {single:.2f} s for {SAMPLE * n_products:,} pairs → "
          f"{single_total:,.0f} s extrapolated ({rate:.0f} k pairs/s)")  # fmt: skip
    print(f"ratio: {single_total / batch:.0f}× (aim ≥ 50×); peak memory {peak_mib():,.0f} MiB")


def part_two() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kejin.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    print("creating an in-memory test database (all migrations)…")
    connection.creation.create_test_db(verbosity=0)
    from kejin.apps.marketplace.models import Demand, Product, RematchRun
    from kejin.apps.marketplace.services.matching import market_rematch_run
    from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
    from kejin.rules import uscc

    rng = random.Random(7)
    codes: set[str] = set()

    def org(kind: str, name: str) -> Organisation:
        code = uscc.generate(rng, "220104")
        while code in codes:
            code = uscc.generate(rng, "220104")
        codes.add(code)
        return Organisation.objects.create(kind=kind, name=name, uscc=code,
                                           district_code=rng.choice(DISTRICTS),
                                           status=OrgStatus.ACTIVE)  # fmt: skip

    city = org(OrgKind.CITY_OFFICE, "市科技局")
    admin = User.objects.create(username="bench_city", organisation=city, roles=["admin"])
    banks = [org(OrgKind.BANK, f"银行{i}") for i in range(20)]
    firms = [org(OrgKind.ENTERPRISE, f"企业{i}") for i in range(300)]
    owner = User.objects.create(username="bench_owner", organisation=firms[0], roles=["admin"])
    now = timezone.now()
    Product.objects.bulk_create(
        Product(institution=rng.choice(banks), name=f"产品{p.product_id}", kind=p.kind,
                amount_min=p.amount_min, amount_max=p.amount_max, term_min=p.term_min,
                term_max=p.term_max, rate_min=p.rate_min, rate_max=p.rate_max,
                guarantee=p.guarantee, requires_tech_sme=False, requires_hnte=False,
                min_years=None, districts=sorted(p.districts), industries=[],
                response_days=p.response_days, status="listed", listed_at=now, created_by=admin)
        for p in products(rng, 200)
    )  # fmt: skip
    needed = timezone.localdate() + timedelta(days=30)
    Demand.objects.bulk_create(
        Demand(enterprise=firms[i % 300], title=f"需求{i}", purpose="扩产", amount=d.amount,
               term_months=d.term_months, max_rate=d.max_rate, guarantees=sorted(d.guarantees),
               kinds=[], needed_by=needed, created_by=owner)
        for i, d in enumerate(demands(rng, 600))
    )  # fmt: skip
    run = RematchRun.objects.create(started_by=admin)
    started = time.perf_counter()
    run = market_rematch_run(run.pk)
    print(f"batch rematch of the small market: {run.demands} demands × {run.products} products, "
          f"{run.matches} matches in {time.perf_counter() - started:.2f} s")  # fmt: skip

    client = Client()
    client.force_login(owner)
    demand = Demand.objects.filter(enterprise=firms[0]).first()
    assert demand is not None
    for path in ("/market/matches/", f"/market/demands/{demand.pk}/"):
        timings = []
        for _ in range(30):
            t = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        timings.sort()
        print(f"GET {path}: median {statistics.median(timings):.0f} ms, "
              f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms")  # fmt: skip
    connection.creation.destroy_test_db(":memory:", verbosity=0)


if __name__ == "__main__":
    part_one(
        int(sys.argv[1]) if len(sys.argv) > 1 else DEMANDS,
        int(sys.argv[2]) if len(sys.argv) > 2 else PRODUCTS,
    )
    part_two()
    print(f"done {date.today().isoformat()}")
