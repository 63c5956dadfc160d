"""The book-run page: start a run for a date, follow its progress (htmx), list past runs."""

from __future__ import annotations

from typing import Any

import pytest

from kejin.apps.loans.models import BookRun, LoanSnapshot
from tests.apps.loans.test_portfolio_book import BUSINESS, build_tiny_book
from tests.conftest import Cast

RUNS = "/loans/portfolio/runs/"


@pytest.fixture
def book(cast: Cast) -> Cast:
    build_tiny_book(cast)  # runs 2024-05-31 itself
    return cast


def test_the_city_office_starts_a_run_from_the_page(
    book: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = book.client(book.city_admin)
    page = client.get(RUNS)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_business_date">业务日期' in html
    assert "2024-05-31" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RUNS, {"business_date": "2024-06-30"}, follow=True)
    assert response.status_code == 200
    assert "已提交 2024-06-30 的日终批处理" in response.content.decode()
    run = BookRun.objects.get(business_date=BUSINESS)
    assert (run.loans, run.finished_at is not None) == (5, True)
    assert LoanSnapshot.objects.filter(business_date=BUSINESS).count() == 5
    listing = client.get(RUNS).content.decode()
    assert "5 笔贷款，贷款余额 2,420,000.00 元" in listing
    assert "?business_date=2024-06-30" in listing  # a link to the portfolio of that date


def test_a_bad_date_is_shown_beside_the_field_and_nothing_runs(book: Cast) -> None:
    client = book.client(book.city_admin)
    response = client.post(RUNS, {"business_date": "2999-01-01"})
    assert response.status_code == 200
    assert "晚于今天" in response.context["form"].errors["business_date"][0]
    response = client.post(RUNS, {"business_date": ""})
    assert "business_date" in response.context["form"].errors
    assert BookRun.objects.count() == 1


def test_progress_is_polled_until_the_run_is_done(book: Cast) -> None:
    BookRun.objects.create(business_date=BUSINESS, loans=2)
    client = book.client(book.city_admin)
    running = client.get(f"{RUNS}2024-06-30/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in running
    assert 'data-status="running"' in running
    assert "已处理 2 / 5 笔" in running
    assert 'value="39"' in running  # 5 + 85 × 2 // 5
    done = client.get(f"{RUNS}2024-05-31/progress/").content.decode()
    assert "hx-trigger" not in done
    assert "已完成" in done
    assert client.get(f"{RUNS}2024-02-30/progress/").status_code == 404
    assert client.get(f"{RUNS}2024-06-29/progress/").status_code == 404


def test_the_book_run_page_is_the_city_offices(book: Cast) -> None:
    for who in ("bank_admin", "district_admin", "owner"):
        client = book.client(getattr(book, who))
        assert client.get(RUNS).status_code == 403, who
        assert client.post(RUNS, {"business_date": "2024-06-30"}).status_code == 403, who
        assert client.get(f"{RUNS}2024-05-31/progress/").status_code == 403, who
    assert not BookRun.objects.filter(business_date=BUSINESS).exists()


def test_the_city_auditor_sees_the_runs_but_may_not_start_one(book: Cast) -> None:
    client = book.client(book.city_auditor)
    page = client.get(RUNS)
    assert page.status_code == 200
    assert 'name="business_date"' not in page.content.decode()
    assert client.post(RUNS, {"business_date": "2024-06-30"}).status_code == 403
    assert not BookRun.objects.filter(business_date=BUSINESS).exists()
