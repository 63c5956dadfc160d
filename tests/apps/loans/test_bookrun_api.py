"""Starting and following the daily book run: the API, the task, the command and who may do it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus

from kejin.apps.loans.bookrun.run import book_run, today_in_shanghai
from kejin.apps.loans.bookrun.state import RunStatus, run_state
from kejin.apps.loans.models import BookRun, LoanSnapshot
from kejin.apps.loans.tasks import book_run_task
from kejin.apps.orgs.models import User
from kejin.platform.audit.models import AuditEntry
from tests.apps.loans.test_portfolio_book import BUSINESS, PREVIOUS, build_tiny_book
from tests.conftest import Cast

D = Decimal
URL = "/api/v1/loans/portfolio/book-runs"


@pytest.fixture
def book(cast: Cast) -> Cast:
    build_tiny_book(cast)  # runs 2024-05-31 itself
    return cast


def start(cast: Cast, user: User | None, body: dict[str, Any], capture: Any) -> Any:
    with capture(execute=True):
        return cast.client(user).post(URL, body, content_type="application/json")


def test_the_city_office_starts_a_run_and_it_writes_the_snapshot(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    response = start(
        book, book.city_admin, {"business_date": "2024-06-30"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "running"  # queued after the request's transaction
    assert response.json()["percent"] == 5  # 0 of 5 loans processed yet
    body = book.client(book.city_admin).get(f"{URL}/2024-06-30").json()
    assert (body["status"], body["percent"], body["loans"]) == ("succeeded", 100, 5)
    assert D(body["outstanding"]) == D("2420000.00")
    run = BookRun.objects.get(business_date=BUSINESS)
    assert run.finished_at is not None
    assert run.task_id == body["task_id"] != ""
    assert LoanSnapshot.objects.filter(business_date=BUSINESS).count() == 5
    assert AuditEntry.objects.filter(object_pk=str(run.pk), actor=book.city_admin).exists()
    assert body["status_label"] == "已完成"
    listed = book.client(book.city_admin).get(URL).json()
    assert [r["business_date"] for r in listed["items"]] == ["2024-06-30", "2024-05-31"]


def test_only_the_city_offices_administrators_and_officers_may_start_a_run(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    for who in ("bank_admin", "district_admin", "owner", "city_auditor", "city_security"):
        body = {"business_date": "2024-06-30"}
        response = start(book, getattr(book, who), body, django_capture_on_commit_callbacks)
        assert response.status_code == 403, who
        assert response.json()["error"]["code"] == "book_run.not_allowed", who
    assert not BookRun.objects.filter(business_date=BUSINESS).exists()
    assert not LoanSnapshot.objects.filter(business_date=BUSINESS).exists()


def test_the_public_may_not_start_a_run(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    response = start(
        book, None, {"business_date": "2024-06-30"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 401
    assert BookRun.objects.count() == 1  # 2024-05-31 only


def test_book_runs_are_not_shown_outside_the_city_office(book: Cast) -> None:
    for who in ("bank_admin", "district_admin", "owner"):
        client = book.client(getattr(book, who))
        assert client.get(URL).status_code == 403, who
        assert client.get(f"{URL}/2024-05-31").status_code == 403, who


def test_an_unknown_run_is_404(book: Cast) -> None:
    response = book.client(book.city_admin).get(f"{URL}/2024-06-29")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_bad_business_date_is_refused_and_nothing_is_written(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    bad = [
        ((date.today() + timedelta(days=2)).isoformat(), "book_run.date_in_future"),
        ("1999-12-31", "book_run.date_too_early"),
        ("2024-02-30", "request.invalid"),
        ("", "request.invalid"),
    ]
    for value, code in bad:
        body = {"business_date": value}
        response = start(book, book.city_admin, body, django_capture_on_commit_callbacks)
        assert response.status_code == 422, value
        error = response.json()["error"]
        assert error["code"] == code, value
        assert "business_date" in error["fields"], value
    assert BookRun.objects.count() == 1
    assert LoanSnapshot.objects.exclude(business_date=PREVIOUS).count() == 0


def test_a_run_still_in_progress_cannot_be_started_twice(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    BookRun.objects.create(business_date=BUSINESS, loans=2)  # running: 2 of 5 loans done
    response = start(
        book, book.city_admin, {"business_date": "2024-06-30"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "book_run.already_running"
    assert not LoanSnapshot.objects.filter(business_date=BUSINESS).exists()


def test_progress_follows_the_running_totals_and_a_stalled_run_may_be_restarted(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    run = BookRun.objects.create(business_date=BUSINESS, loans=2)
    state = run_state(run)
    # 5 loans in the book's reach on 2024-06-30; 2 processed: 5 + 85 × 2 // 5 = 39 %
    assert (state.status, state.expected, state.percent) == (RunStatus.RUNNING, 5, 39)
    run.loans = 5
    assert (run_state(run).status, run_state(run).percent) == (RunStatus.WRITING, 90)
    later = timezone.now() + timedelta(hours=7)
    assert run_state(run, now=later).status == RunStatus.STALLED
    BookRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=7))
    response = start(
        book, book.city_admin, {"business_date": "2024-06-30"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    run.refresh_from_db()
    assert run_state(run).status == RunStatus.SUCCEEDED


def test_a_rerun_keeps_the_dates_figures_until_it_replaces_them(book: Cast) -> None:
    client = book.client(book.city_admin)
    before = client.get("/api/v1/loans/portfolio", {"business_date": "2024-05-31"}).json()
    # queued, not yet run (the task is enqueued when the request's transaction commits)
    response = client.post(URL, {"business_date": "2024-05-31"}, content_type="application/json")
    assert response.status_code == 202
    assert response.json()["status"] == "running"
    during = client.get("/api/v1/loans/portfolio", {"business_date": "2024-05-31"}).json()
    assert during == before
    assert D(during["total"]["outstanding"]) == D("2520000.00")


def test_a_large_book_is_read_chunk_by_chunk_with_the_same_result(
    book: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    book_run(business_date=BUSINESS)
    whole = list(LoanSnapshot.objects.filter(business_date=BUSINESS).values().order_by("loan_id"))
    monkeypatch.setattr("kejin.apps.loans.bookrun.frames.CHUNK_LOANS", 2)  # 5 loans: 3 chunks
    run = book_run(business_date=BUSINESS)
    chunked = list(LoanSnapshot.objects.filter(business_date=BUSINESS).values().order_by("loan_id"))
    assert [{**r, "id": 0} for r in chunked] == [{**r, "id": 0} for r in whole]
    assert (run.loans, run.outstanding) == (5, D("2420000.00"))


def test_the_task_runs_the_book_for_its_date(book: Cast) -> None:
    result = book_run_task.enqueue("2024-06-30")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {
        "business_date": "2024-06-30",
        "loans": 5,
        "outstanding": "2420000.00",
    }
    assert BookRun.objects.get(business_date=BUSINESS).task_id == result.id


def test_the_command_runs_a_date_and_again_with_the_same_result(book: Cast) -> None:
    out = StringIO()
    call_command("book_run", "--date", "2024-06-30", stdout=out)
    assert "2024-06-30 日终批处理完成：5 笔贷款，贷款余额 2,420,000.00 元" in out.getvalue()
    first = list(LoanSnapshot.objects.filter(business_date=BUSINESS).values().order_by("loan_id"))
    call_command("book_run", "--date", "2024-06-30", stdout=StringIO())
    again = list(LoanSnapshot.objects.filter(business_date=BUSINESS).values().order_by("loan_id"))
    assert [{**r, "id": 0} for r in again] == [{**r, "id": 0} for r in first]


def test_the_command_defaults_to_today_in_shanghai(book: Cast) -> None:
    call_command("book_run", stdout=StringIO())
    assert BookRun.objects.filter(business_date=today_in_shanghai()).exists()
    # 2024-06-30 17:00 UTC is 2024-07-01 01:00 in Shanghai (UTC+8)
    assert today_in_shanghai(datetime(2024, 6, 30, 17, 0, tzinfo=UTC)) == date(2024, 7, 1)


def test_the_command_refuses_a_bad_or_future_date(book: Cast) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("book_run", "--date", "2024-13-01", stdout=StringIO())
    with pytest.raises(CommandError, match="晚于今天"):
        call_command("book_run", "--date", "2999-01-01", stdout=StringIO())
    assert BookRun.objects.count() == 1


def test_an_empty_book_runs_to_an_empty_snapshot(cast: Cast) -> None:
    run = book_run(business_date=BUSINESS)
    assert (run.loans, run.outstanding) == (0, D("0.00"))
    assert run.finished_at is not None
    assert run_state(run).status == RunStatus.SUCCEEDED
