"""免申即享: the interest subsidy for the whole loan book at once.

The city starts a run for an interest-subsidy program; a background task reads the book in
chunks of borrowers, computes every period with the vectorised rule
(``rules.subsidies.interest_batch``), and for each enterprise with a positive subsidy and no
application for those periods creates a *draft* application the enterprise can confirm. Each
draft's trace comes from the one-by-one rule run on the same periods; the two must agree to the
fen (a disagreement is counted on the run and no draft is made for that enterprise).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence

import polars as pl
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.enterprises.selectors import hnte_valid, tech_sme_status
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, User
from kejin.apps.policies import clock, loanbook
from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.errors import PolicyError
from kejin.apps.policies.measures import Context
from kejin.apps.policies.measures.interest import (
    approved_by_enterprise_year,
    compute_for_enterprise,
)
from kejin.apps.policies.models import (
    CLOSED,
    Application,
    ClaimKey,
    InterestBatchRun,
    Origin,
    Program,
    RunStatus,
    Status,
)
from kejin.apps.policies.notifications import notify
from kejin.apps.policies.paramset import params_in_force
from kejin.apps.policies.services import compute as computing
from kejin.apps.policies.services.workflow import require_city, transition
from kejin.platform.audit.context import audit_as
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.money import ZERO, fmt_yuan
from kejin.rules.params import ParameterSet
from kejin.rules.subsidies.interest_batch import interest_subsidy_batch

log = logging.getLogger(__name__)
CHUNK = 2000
"""Borrowers per chunk: the annual cap is per enterprise, so chunks by enterprise are exact."""


def interest_batch_start(*, actor: Actor, program_id: int) -> InterestBatchRun:
    """Record a run and queue it (one run at a time)."""
    from kejin.apps.policies.tasks import interest_batch_task  # noqa: PLC0415 (cycle)

    require_city(actor, "admin", "officer", what="发起贷款贴息批量测算")
    program = Program.objects.filter(pk=program_id).first()
    if program is None or program.measure != MeasureCode.INTEREST_SUBSIDY:
        raise DomainError(
            code=PolicyError.PROGRAM_INVALID,
            message="请选择一个贷款贴息项目",
            fields={"program_id": "只有贷款贴息项目可以批量测算"},
        )
    with transaction.atomic():
        active = InterestBatchRun.objects.select_for_update().filter(
            status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
        if active.exists():
            raise Conflict(PolicyError.BATCH_ACTIVE, "已有批量测算正在进行，请等待其完成")
        run = InterestBatchRun.objects.create(program=program, started_by=actor.audit_user)
    transaction.on_commit(lambda: _enqueue(interest_batch_task, run))
    return run


def _enqueue(task, run: InterestBatchRun) -> None:  # type: ignore[no-untyped-def]
    result = task.enqueue(run.pk)
    InterestBatchRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])


def _actor_of(run: InterestBatchRun) -> Actor:
    """The city person who started the run (the city office itself if none is recorded)."""
    user = User.objects.select_related("organisation").filter(pk=run.started_by_id).first()
    if user is None:
        from kejin.apps.policies.funding import city_booker  # noqa: PLC0415

        return city_booker()
    return Actor(organisation=user.organisation, user=user, roles=frozenset(user.roles))


def eligible_borrowers(program: Program) -> list[int]:
    """Active enterprises that meet the program's conditions today."""
    ids = list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE, status=OrgStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if "enterprise" not in (program.applicant_kinds or ["enterprise"]):
        return []
    today = clock.today()
    if program.requires_tech_sme:
        ok = tech_sme_status(ids, today)
        ids = [i for i in ids if ok[i]]
    if program.requires_hnte:
        ok = hnte_valid(ids, today)
        ids = [i for i in ids if ok[i]]
    return ids


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def approved_frame(approved: dict[tuple[str, int], object]) -> pl.DataFrame | None:
    """Amounts already approved as the batch rule's ``already_approved`` frame (integer fen)."""
    if not approved:
        return None
    return pl.DataFrame(
        {
            "enterprise_id": [e for e, _ in approved],
            "year": [y for _, y in approved],
            "approved_fen": [int(a * 100) for a in approved.values()],  # type: ignore[operator]
        },
        schema_overrides={"year": pl.Int32, "approved_fen": pl.Int64},
    )


def interest_batch_execute(run_id: int) -> InterestBatchRun:
    """The task's body: compute the book, chunk by chunk, and create the drafts."""
    run = InterestBatchRun.objects.select_related("program").get(pk=run_id)
    actor = _actor_of(run)
    with audit_as(actor):
        try:
            _execute(run, actor)
        except Exception as exc:
            log.exception("interest batch run %s failed", run_id)
            run.status = RunStatus.FAILED
            run.error = exc.message if isinstance(exc, DomainError) else repr(exc)[:2000]
            run.finished_at = timezone.now()
            run.save()
    return run


def _execute(run: InterestBatchRun, actor: Actor) -> None:
    program = run.program
    assert program.coverage_start is not None
    assert program.coverage_end is not None
    params = params_in_force()
    borrowers = eligible_borrowers(program)
    taken = set(
        ClaimKey.objects.filter(key__startswith="interest:")
        .exclude(application__status__in=CLOSED)
        .values_list("key", flat=True)
    )
    loans_qs = loanbook.loans_for(actor, borrower_ids=borrowers)
    run.total = loans_qs.count()
    run.status = RunStatus.RUNNING
    run.save()
    for chunk in _chunks(borrowers, CHUNK):
        qs = loanbook.loans_for(actor, borrower_ids=chunk)
        book_loans, periods = loanbook.book_rows(
            qs, program.coverage_start, program.coverage_end, exclude_claims=taken
        )
        if periods:
            _propose(run, actor, program, params, chunk, book_loans, periods)
        run.processed = min(run.processed + qs.count(), run.total)
        run.save(update_fields=["processed", "proposals", "total_amount", "mismatches"])
    run.processed = run.total
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save()


def _propose(  # noqa: PLR0917 - one chunk's state, passed once
    run: InterestBatchRun,
    actor: Actor,
    program: Program,
    params: ParameterSet,
    chunk: list[int],
    book_loans: list[loanbook.BookLoan],
    periods: list[loanbook.BookPeriod],
) -> None:
    approved = approved_by_enterprise_year(chunk)
    loan_frame, record_frame = loanbook.batch_frames(book_loans, periods)
    result = interest_subsidy_batch(loan_frame, record_frame, params, approved_frame(approved))
    totals = (
        result.group_by("enterprise_id")
        .agg(pl.col("subsidy_fen").sum().alias("fen"))
        .filter(pl.col("fen") > 0)
        .sort("enterprise_id")
    )
    by_uscc = {loan.borrower_uscc: loan.borrower_id for loan in book_loans}
    loans_of: dict[int, list[loanbook.BookLoan]] = defaultdict(list)
    for loan in book_loans:
        loans_of[loan.borrower_id].append(loan)
    periods_of: dict[str, list[loanbook.BookPeriod]] = defaultdict(list)
    for p in periods:
        periods_of[p.key].append(p)
    applicants = Organisation.objects.in_bulk([by_uscc[u] for u in totals["enterprise_id"]])
    for uscc, fen in totals.iter_rows():
        applicant = applicants[by_uscc[uscc]]
        mine = loans_of[applicant.pk]
        mine_periods = [p for loan in mine for p in periods_of[loan.key]]
        ctx = Context(actor=actor, program=program, applicant=applicant, inputs={}, params=params)
        computed = compute_for_enterprise(ctx, mine, mine_periods)
        if int(computed.award.amount * 100) != fen:
            run.mismatches += 1
            log.error(
                "batch %s: %s batch %s fen, one-by-one %s", run.pk, uscc, fen, computed.award.amount
            )
            continue
        with transaction.atomic():
            application = Application.objects.create(
                program=program,
                applicant=applicant,
                district_code=applicant.district_code,
                origin=Origin.BATCH,
                inputs={"loan_ids": sorted({loan.loan_pk for loan in mine})},
                payee_name=applicant.name,
                contact_name=applicant.contact_name,
                contact_phone=applicant.contact_phone,
                batch_run=run,
                created_by=actor.audit_user,
            )
            computing.store(application, computed)
            transition(
                application,
                actor=actor,
                action="proposed_by_batch",
                to=Status.DRAFT,
                reason="免申即享：平台按贷款台账测算",
            )
            notify(
                [applicant],
                subject=f"免申即享：平台已为您测算贷款贴息 {fmt_yuan(application.amount)} 元",
                body=(
                    f"根据贷款台账，您在“{program.title}”中可获贴息 "
                    f"{fmt_yuan(application.amount)} 元。请核对计算过程、填写收款账户后确认提交。"
                ),
                url=reverse("policies:application", args=[application.pk]),
                topic="batch",
            )
        run.proposals += 1
        run.total_amount += application.amount
    run.total_amount = run.total_amount or ZERO
