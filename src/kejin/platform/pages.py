"""Helpers for server-rendered pages: the actor, lists (paginate, filter, export), form errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kejin.platform.spreadsheets import export_xlsx
from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError

PAGE_SIZE = 25
EXPORT_LIMIT = 100_000


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def login_required_actor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for an active organisation's people; anyone else goes to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if actor_of(request).is_public:
            from django.contrib.auth.views import redirect_to_login  # noqa: PLC0415

            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """Context for a paginated list: ``page`` and the query string without the page number."""
    paginator = Paginator(queryset, per_page)
    page: Page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    query = params.urlencode()
    return {
        "page": page,
        "querystring_nopage": query,
        "export_url": f"?{query}&export=xlsx" if query else "?export=xlsx",
    }


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def export_list(
    filename: str,
    columns: Sequence[tuple[str, str]],
    queryset: Iterable[Any],
    row: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    """Export a whole filtered list (not just the page) as xlsx."""
    rows = (row(obj) for i, obj in enumerate(queryset) if i < EXPORT_LIMIT)
    return export_xlsx(filename, columns, rows)


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a DomainError on the form: each field message beside its field, the rest on top."""
    placed = False
    for field, message in (exc.fields or {}).items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
        else:
            form.add_error(None, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(request.POST.get("next") or fallback)
