"""Reads on book runs: the city office's list of runs and one run with its progress."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from kejin.apps.loans.models import BookRun
from kejin.platform.tenancy import Actor
from kejin.rules.errors import NotFound, PermissionDenied


def require_book_run_reader(actor: Actor) -> None:
    """Book runs (totals of the whole book) are the city office's."""
    if not actor.is_city:
        raise PermissionDenied("日终批处理仅向市级主管部门开放")


def book_run_list_for(actor: Actor) -> QuerySet[BookRun]:
    require_book_run_reader(actor)
    return BookRun.objects.order_by("-business_date")


def book_run_get(actor: Actor, business_date: date) -> BookRun:
    require_book_run_reader(actor)
    run = BookRun.objects.filter(business_date=business_date).first()
    if run is None:
        raise NotFound(f"{business_date} 的日终批处理")
    return run
