"""Resolve who is acting on each request (session or API token) and bind it to the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kejin.platform.audit.context import audit_as
from kejin.platform.tenancy import Actor


def client_ip(request: HttpRequest) -> str | None:
    """The client address (behind a proxy the first X-Forwarded-For hop)."""
    forwarded = request.headers.get("X-Forwarded-For")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class ActorMiddleware:
    """Sets ``request.actor``; API bearer tokens are resolved here too, so that the audit entries
    written while serving the request name the token's organisation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from kejin.apps.orgs.services.tokens import actor_for_bearer  # noqa: PLC0415

        request.token_error = None  # type: ignore[attr-defined]
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer ") and request.path.startswith("/api/"):
            actor, error = actor_for_bearer(header[7:].strip())
            request.actor = actor  # type: ignore[attr-defined]
            request.token_error = error  # type: ignore[attr-defined]
        else:
            request.actor = Actor.for_user(getattr(request, "user", None))  # type: ignore[attr-defined]
        with audit_as(request.actor, remote_addr=client_ip(request)):  # type: ignore[attr-defined]
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """On pages, an object the actor may not see is a 404 and a refused action a 403."""
        from kejin.platform.errors_views import forbidden, not_found  # noqa: PLC0415
        from kejin.rules.errors import NotFound, PermissionDenied  # noqa: PLC0415

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return forbidden(request, Exception(exception.message))
        return None


class LanguageMiddleware:
    """简体中文 unless the person chose another language (the language cookie): the browser's
    Accept-Language does not switch a Chinese city's platform to English by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings  # noqa: PLC0415
        from django.utils import translation  # noqa: PLC0415

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
