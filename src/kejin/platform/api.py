"""The JSON API: one NinjaAPI, token or session auth, one error envelope for every failure.

Every error answers ``{"error": {"code": str, "message": str, "fields": {field: message}}}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from kejin.platform.tenancy import Actor
from kejin.rules.errors import DomainError


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorOut(Schema):
    error: ErrorBody


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kj_…``: resolved by ActorMiddleware, checked here."""

    openapi_description = "机构系统接口令牌（由机构管理员创建）"

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor: Actor = request.actor  # type: ignore[attr-defined]
        return None if actor.is_public else actor


class SessionActorAuth(SessionAuth):
    """A logged-in person's session (CSRF-checked for writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        actor: Actor = request.actor  # type: ignore[attr-defined]
        return None if actor.is_public else actor


api = NinjaAPI(
    title="科金 kejin API",
    version="1",
    description=(
        "科技金融综合服务平台 JSON API。认证：`Authorization: Bearer <令牌>` 或浏览器会话。"
        '所有错误返回 `{"error": {"code", "message", "fields"}}`。'
    ),
    auth=[TokenAuth(), SessionActorAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, str(exc.code), exc.message, dict(exc.fields))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields[".".join(loc) or "request"] = _pydantic_message(err)
    message = "请求数据有误：" + "；".join(f"{k}：{v}" for k, v in fields.items())
    return error_response(request, 422, "request.invalid", message, fields)


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    messages = {
        "missing": "必填",
        "int_parsing": "须为整数",
        "decimal_parsing": "须为数字",
        "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
        "date_parsing": "须为日期（YYYY-MM-DD）",
        "string_too_long": "过长",
        "enum": "取值不在允许范围内",
        "literal_error": "取值不在允许范围内",
    }
    return messages.get(kind, str(err.get("msg", "无效")))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    reason = (
        getattr(request, "token_error", None)
        or "未登录或会话已过期，请提供有效的接口令牌或重新登录"
    )
    return error_response(request, 401, "auth.required", reason)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "对象不存在或无权访问")


@api.exception_handler(DjangoPermissionDenied)
def on_forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return error_response(request, 403, "permission_denied", str(exc) or "没有权限")


KNOWN_HTTP_ERRORS = {
    "CSRF check Failed": ("csrf_failed", "CSRF 校验失败：会话调用须带 X-CSRFToken 请求头"),
    "Cannot parse request body": ("request.unparseable", "请求体无法解析：须为合法的 JSON"),
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = KNOWN_HTTP_ERRORS.get(str(exc), ("http_error", str(exc)))
    return error_response(request, exc.status_code, code, message)


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated actor of an API request."""
    return request.auth  # type: ignore[attr-defined,no-any-return]
