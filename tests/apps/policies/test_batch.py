"""免申即享: the book-wide run (vectorised rule) equals the one-application path to the fen, on a
book generated through the loans context's reporting services; it runs as a background task with
a progress page and leaves drafts the enterprises confirm."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from kejin.apps.orgs.models import OrgKind
from kejin.apps.policies import loanbook
from kejin.apps.policies.measures.interest import approved_by_enterprise_year
from kejin.apps.policies.models import Application, InterestBatchRun, Notification, Status
from kejin.apps.policies.paramset import params_in_force
from kejin.apps.policies.services.batch import approved_frame
from kejin.rules.subsidies.interest import apply_annual_cap, period_proposals
from kejin.rules.subsidies.interest_batch import interest_subsidy_batch
from tests.apps.policies.conftest import (
    PolicyCast,
    api,
    create_app,
    make_program,
    pay_due,
    report_loan,
    submit_through,
)
from tests.conftest import DISTRICT, make_org, make_user

D = Decimal
RATES = ["2.90", "3.00", "3.35", "4.35", "5.50", "6.00", "7.25", "9.80"]


def generate_book(pc: PolicyCast, seed: int) -> dict[str, Any]:
    """Six enterprises with 1–2 loans each: contract dates 2023-10 to 2025-09 (some drawn in two
    parts, so the window and several schedules per loan come in), three repayment methods, rates
    below, at and above the benchmark, paid up to a random month of late 2025; and one loan big
    enough for the annual cap to bite."""
    rng = random.Random(seed)
    cast = pc.cast
    firms = [cast.enterprise, cast.stranger] + [
        make_org(OrgKind.ENTERPRISE, f"长春测试科技{i}有限公司", DISTRICT) for i in range(4)
    ]
    loans: dict[int, list[int]] = defaultdict(list)
    n = 0
    for firm in firms:
        for _ in range(rng.randint(1, 2)):
            n += 1
            contract = date(2023, 10, 1) + timedelta(days=rng.randrange(700))
            term = rng.choice([12, 24])
            month = contract.month - 1 + term
            maturity = date(contract.year + month // 12, month % 12 + 1, min(contract.day, 28))
            amount = D(rng.choice([50, 300, 1200, 5000, 8000])) * 10_000
            parts = [(contract, str(amount))]
            if rng.random() < 0.25:
                half = (amount / 2).quantize(D("0.01"))
                parts = [
                    (contract, str(half)),
                    (contract + timedelta(days=rng.randint(20, 90)), str(amount - half)),
                ]
            loan = report_loan(
                cast,
                ext=f"G{seed}-{n:03d}",
                borrower=firm,
                amount=str(amount),
                contract=contract,
                maturity=maturity,
                rate=rng.choice(RATES),
                method=rng.choice(["interest_only", "annuity", "equal_principal"]),
                drawdowns=parts,
            )
            pay_due(cast, loan, date(2025, 12, 31) - timedelta(days=rng.randrange(120)))
            loans[firm.pk].append(loan)
    # one enterprise borrows big enough for the annual cap to bite (≈ 835,000 a month)
    big = report_loan(
        cast,
        ext=f"G{seed}-BIG",
        borrower=firms[2],
        amount="300000000.00",
        contract=date(2025, 1, 10),
        maturity=date(2026, 1, 10),
        rate="9.80",
    )
    pay_due(cast, big, date(2025, 6, 30))
    loans[firms[2].pk].append(big)
    return {"firms": firms, "loans": loans}


def one_by_one(params: Any, book_loans: list, periods: list, already: dict) -> dict:
    """The one-by-one rule, enterprise by enterprise: {(loan key, period start): (proposed,
    granted, reason)}."""
    out = {}
    by_firm: dict[str, list] = defaultdict(list)
    for loan in book_loans:
        by_firm[loan.borrower_uscc].append(loan)
    for firm_loans in by_firm.values():
        keys = {x.key for x in firm_loans}
        mine = [p for p in periods if p.key in keys]
        proposals = [
            p
            for loan, recs in loanbook.rule_inputs(firm_loans, mine)
            for p in period_proposals(loan, recs, params)
        ]
        for p in apply_annual_cap(proposals, already, params):
            out[(p.loan_id, p.period_start)] = (p.proposed, p.amount, p.reason.value)
    return out


def test_batch_equals_one_by_one_on_a_generated_book(pc: PolicyCast) -> None:
    book = generate_book(pc, seed=11)
    program = make_program(pc)
    # one enterprise already has an approved award on part of its loans: its periods are not
    # proposed again and its approved amounts count against the cap in both paths
    first = book["loans"][pc.cast.enterprise.pk][0]
    r = create_app(pc, program, {"loan_ids": [first]})
    assert r.status_code == 201, r.content
    if D(r.json()["amount"]) > 0:
        submit_through(pc, r.json()["id"], until="pending_notice")
    params = params_in_force()
    taken = {
        c.removeprefix("")
        for c in Application.objects.get(pk=r.json()["id"]).claims.values_list("key", flat=True)
    }
    city = pc.city
    qs = loanbook.loans_for(city)
    book_loans, periods = loanbook.book_rows(
        qs, date(2025, 1, 1), date(2025, 12, 31), exclude_claims=taken
    )
    assert len(periods) > 25
    already = approved_by_enterprise_year()
    loan_frame, record_frame = loanbook.batch_frames(book_loans, periods)
    batch = interest_subsidy_batch(loan_frame, record_frame, params, approved_frame(already))
    expected = one_by_one(params, book_loans, periods, already)
    got = {
        (row["loan_id"], row["period_start"]): (
            D(row["proposed_fen"]) / 100,
            D(row["subsidy_fen"]) / 100,
            row["reason"],
        )
        for row in batch.iter_rows(named=True)
    }
    assert got == expected
    reasons = {v[2] for v in got.values()}
    assert {"ok", "rate_not_above_benchmark"} <= reasons
    assert batch.select(pl.col("cut_fen").sum()).item() > 0  # the cap bites somewhere


def test_the_run_is_a_task_with_progress_and_leaves_drafts_equal_to_one_by_one(
    pc: PolicyCast, django_capture_on_commit_callbacks: Any
) -> None:
    book = generate_book(pc, seed=23)
    program = make_program(pc)
    city = pc.cast.client(pc.cast.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(city, "post", "/interest-batch-runs", {"program_id": program.pk})
    assert r.status_code == 201, r.content
    run = InterestBatchRun.objects.get()
    assert run.status == "done", run.error
    assert run.mismatches == 0
    assert run.processed == run.total == sum(len(v) for v in book["loans"].values())
    r = api(city, "get", f"/interest-batch-runs/{run.pk}")
    assert r.json()["percent"] == 100
    drafts = list(Application.objects.filter(batch_run=run))
    assert run.proposals == len(drafts) > 0
    assert run.total_amount == sum((a.amount for a in drafts), D(0))
    assert {a.status for a in drafts} == {Status.DRAFT}
    assert {a.origin for a in drafts} == {"batch"}
    # the progress page and its polled fragment
    page = city.get(f"/policies/manage/interest-batch/{run.pk}/")
    assert page.status_code == 200
    assert "生成的申报草稿" in page.content.decode()
    fragment = city.get(f"/policies/manage/interest-batch/{run.pk}/progress/").content.decode()
    assert "已完成" in fragment
    assert 'hx-trigger="every 2s"' not in fragment  # finished: no more polling
    # each enterprise is told
    assert Notification.objects.filter(topic="batch").count() == len(drafts)
    # the enterprise confirms its draft: submission recomputes by the one-application path and
    # gives the same amount to the fen
    mine = next((a for a in drafts if a.applicant_id == pc.cast.enterprise.pk), None)
    if mine is not None:
        owner = pc.cast.client(pc.cast.owner)
        api(
            owner,
            "patch",
            f"/applications/{mine.pk}",
            {"payee_bank": "吉林银行", "payee_account": "0711000001"},
        )
        before = mine.amount
        r = api(owner, "post", f"/applications/{mine.pk}/submit")
        assert r.status_code == 200, r.content
        assert D(r.json()["amount"]) == before
    # a second run proposes nothing for periods that already have an application
    with django_capture_on_commit_callbacks(execute=True):
        api(city, "post", "/interest-batch-runs", {"program_id": program.pk})
    second = InterestBatchRun.objects.order_by("-pk").first()
    assert second is not None
    assert second.status == "done"
    assert second.proposals == 0


def test_only_one_run_at_a_time_and_only_for_interest_programs(pc: PolicyCast) -> None:
    city = pc.cast.client(pc.cast.city_admin)
    program = make_program(pc)
    other = make_program(pc, "maker_space")
    r = api(city, "post", "/interest-batch-runs", {"program_id": other.pk})
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["program_id"] == "只有贷款贴息项目可以批量测算"
    InterestBatchRun.objects.create(program=program, status="running")
    r = api(city, "post", "/interest-batch-runs", {"program_id": program.pk})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "interest_batch.active"
    assert InterestBatchRun.objects.count() == 1
    officer = pc.cast.client(pc.cast.owner)
    assert (
        api(officer, "post", "/interest-batch-runs", {"program_id": program.pk}).status_code == 403
    )


def test_a_draft_from_the_batch_needs_no_enterprise_user_to_exist(pc: PolicyCast) -> None:
    """Enterprises without an account still get their draft (they see it once they log in)."""
    firm = make_org(OrgKind.ENTERPRISE, "长春无账号科技有限公司", DISTRICT)
    loan = report_loan(
        pc.cast,
        ext="NOUSER",
        borrower=firm,
        amount="5000000.00",
        contract=date(2025, 6, 10),
        maturity=date(2026, 6, 10),
        rate="6.00",
    )
    pay_due(pc.cast, loan, date(2025, 9, 30))
    program = make_program(pc)
    from kejin.apps.policies.services.batch import interest_batch_execute

    run = InterestBatchRun.objects.create(program=program, started_by=pc.cast.city_admin)
    interest_batch_execute(run.pk)
    run.refresh_from_db()
    draft = Application.objects.get(batch_run=run, applicant=firm)
    # 5,000,000 × 6% × 30 ÷ 360 = 25,000.00 → 12,500.00 above 3.00% → 6,250.00 per 30 days
    assert draft.amount > 0
    user = make_user(firm, "newcomer", "admin")
    page = pc.cast.client(user).get(f"/policies/applications/{draft.pk}/")
    assert page.status_code == 200
    assert "免申即享" in page.content.decode()
