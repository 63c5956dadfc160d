"""The daily book run: for a business date, every active loan's outstanding, overdue amounts,
accrued interest, days past due and five-category class, written as that date's snapshot.

:func:`book_run` reads the book into polars (:mod:`~kejin.apps.loans.bookrun.frames`), computes
the positions of all loans at once (:func:`~kejin.apps.loans.bookrun.compute.compute_positions`)
and, in one transaction, deletes the date's snapshots and writes the new ones: running the same
date again gives the same snapshot. The :class:`BookRun` row of the date keeps running totals
while the run computes (``loans`` processed, their ``outstanding``) and the final figures with
``finished_at`` when it is done. A run of a date already run keeps the date's figures available
(``finished_at`` of the previous run stays set) until its own transaction replaces them.

:func:`book_run_request` is how a person (city office) or the API starts a run: it queues
:func:`kejin.apps.loans.tasks.book_run_task` after the request's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import islice
from zoneinfo import ZoneInfo

import polars as pl
from django.db import transaction
from django.utils import timezone

from kejin.apps.loans.bookrun.compute import compute_positions, empty_positions, in_book
from kejin.apps.loans.bookrun.frames import book_instalments, book_loans, loan_id_chunks
from kejin.apps.loans.bookrun.state import RunStatus, run_state
from kejin.apps.loans.models import BookRun, LoanSnapshot
from kejin.platform.audit.events import record_security_event
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError, PermissionDenied

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLIEST_BUSINESS_DATE = date(2000, 1, 1)
WRITE_BATCH = 2_000


class BookRunError(StrEnum):
    DATE_IN_FUTURE = "book_run.date_in_future"
    DATE_TOO_EARLY = "book_run.date_too_early"
    ALREADY_RUNNING = "book_run.already_running"
    NOT_ALLOWED = "book_run.not_allowed"


def today_in_shanghai(now: datetime | None = None) -> date:
    """The business date of today in Asia/Shanghai (the default of a run)."""
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def check_business_date(business_date: date) -> date:
    """A run is for a past or today's date (the book of a future date is not known yet)."""
    today = today_in_shanghai()
    if business_date > today:
        message = f"业务日期 {business_date} 晚于今天（{today}），不能运行日终批处理"
        raise DomainError(
            code=BookRunError.DATE_IN_FUTURE, message=message, fields={"business_date": message}
        )
    if business_date < EARLIEST_BUSINESS_DATE:
        message = f"业务日期不能早于 {EARLIEST_BUSINESS_DATE}"
        raise DomainError(
            code=BookRunError.DATE_TOO_EARLY, message=message, fields={"business_date": message}
        )
    return business_date


def _fen_to_yuan(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


def _start(business_date: date, task_id: str) -> BookRun:
    run, _ = BookRun.objects.update_or_create(
        business_date=business_date,
        defaults={
            "task_id": task_id,
            "loans": 0,
            "outstanding": Decimal("0.00"),
            "started_at": timezone.now(),
        },
    )
    return run


def book_positions(business_date: date, *, run: BookRun | None = None) -> pl.DataFrame:
    """The positions of the whole book on ``business_date`` (only the loans that still owe
    something), chunk by chunk of loans; with ``run``, its running totals are kept up to date."""
    loans = book_loans(business_date)
    parts = [empty_positions(loans)]
    processed = 0
    outstanding_fen = 0
    for first, last in loan_id_chunks(loans["loan_id"]):
        chunk_loans = loans.filter(pl.col("loan_id").is_between(first, last))
        positions = in_book(
            compute_positions(
                book_instalments(business_date, first, last), chunk_loans, business_date
            )
        )
        parts.append(positions)
        processed += chunk_loans.height
        outstanding_fen += int(positions["outstanding_principal_fen"].sum())
        if run is not None:
            BookRun.objects.filter(pk=run.pk).update(
                loans=processed, outstanding=_fen_to_yuan(outstanding_fen)
            )
    return pl.concat(parts)


def _snapshots(business_date: date, positions: pl.DataFrame) -> Iterator[LoanSnapshot]:
    columns = (
        "loan_id",
        "lender_id",
        "borrower_id",
        "district_code",
        "product_kind",
        "outstanding_principal_fen",
        "overdue_principal_fen",
        "overdue_interest_fen",
        "accrued_interest_fen",
        "days_past_due",
        "floor_category",
        "category",
    )
    for row in positions.select(columns).iter_rows():
        (loan, lender, borrower, district, kind, out, over_p, over_i, accrued, dpd, floor, cat) = (
            row
        )
        yield LoanSnapshot(
            business_date=business_date,
            loan_id=loan,
            lender_id=lender,
            borrower_id=borrower,
            district_code=district,
            product_kind=kind,
            outstanding_principal=_fen_to_yuan(out),
            overdue_principal=_fen_to_yuan(over_p),
            overdue_interest=_fen_to_yuan(over_i),
            accrued_interest=_fen_to_yuan(accrued),
            days_past_due=dpd,
            floor_category=floor,
            category=cat,
        )


def book_run(*, business_date: date, task_id: str = "") -> BookRun:
    """Run the book for ``business_date``: replace the date's snapshots (idempotent) and record
    the run's totals. Used by the ``book_run`` command and by ``book_run_task`` (``task_id``: the
    task executing the run, so that the progress page can ask the task backend about it)."""
    check_business_date(business_date)
    run = _start(business_date, task_id)
    positions = book_positions(business_date, run=run)
    with transaction.atomic():
        run = BookRun.objects.select_for_update().get(pk=run.pk)
        LoanSnapshot.objects.filter(business_date=business_date).delete()
        rows = _snapshots(business_date, positions)
        while batch := list(islice(rows, WRITE_BATCH)):
            LoanSnapshot.objects.bulk_create(batch)
        run.loans = positions.height
        run.outstanding = _fen_to_yuan(int(positions["outstanding_principal_fen"].sum()))
        run.finished_at = timezone.now()
        run.save(update_fields=["loans", "outstanding", "finished_at"])
    return run


def _enqueue(run_pk: int, business_date: date) -> None:
    from kejin.apps.loans.tasks import book_run_task  # noqa: PLC0415 (tasks imports this module)

    result = book_run_task.enqueue(business_date.isoformat())
    BookRun.objects.filter(pk=run_pk).update(task_id=result.id)


def book_run_request(*, actor: Actor, business_date: date) -> BookRun:
    """Queue a run for ``business_date`` (city office administrators and officers). A run of the
    same date that is queued or running is a conflict; a finished, failed or stalled one is run
    again. The request is in the audit history."""
    if not actor.is_city or not actor.has_role("admin", "officer"):
        raise PermissionDenied(
            "只有市级主管部门的管理员或经办人可以运行日终批处理", code=BookRunError.NOT_ALLOWED
        )
    check_business_date(business_date)
    with transaction.atomic():
        run, created = BookRun.objects.select_for_update().get_or_create(
            business_date=business_date
        )
        if not created and run_state(run).status in (RunStatus.QUEUED, RunStatus.RUNNING):
            message = f"{business_date} 的日终批处理正在进行，请等待其完成"
            raise Conflict(
                code=BookRunError.ALREADY_RUNNING,
                message=message,
                fields={"business_date": message},
            )
        run.loans = 0
        run.outstanding = Decimal("0.00")
        run.started_at = timezone.now()
        run.task_id = ""
        run.save()
        record_security_event(run, "book_run", "", f"请求运行 {business_date} 日终批处理")
        transaction.on_commit(lambda: _enqueue(run.pk, business_date))
    run.refresh_from_db()  # a backend that runs tasks at once may have finished it already
    return run
