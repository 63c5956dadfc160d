"""One error type for the platform: a code, a message a person can read, the fields at fault.

Rules and services raise it; the API turns it into
``{"error": {"code", "message", "fields"}}``
and pages show the message beside the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(eq=False)
class DomainError(Exception):
    """A broken business rule.

    ``code`` is a stable machine code (``uscc.check_digit``); ``message`` is a sentence in Chinese
    for the user; ``fields`` maps each offending field to its own message.
    ``status`` is the HTTP status the API answers with (400, 404, 409 or 422).
    """

    code: str
    message: str
    fields: Mapping[str, str] = field(default_factory=dict)
    status: int = 422

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    """An object that does not exist for this actor (invisible is the same as absent)."""

    def __init__(self, what: str = "对象", code: str = "not_found") -> None:
        super().__init__(code=code, message=f"{what}不存在或无权访问", status=404)


class Conflict(DomainError):
    """The request clashes with the state of the data (duplicate, already done, exhausted)."""

    def __init__(self, code: str, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(code=code, message=message, fields=dict(fields or {}), status=409)


class PermissionDenied(DomainError):
    """The actor may see the object but not do this to it."""

    def __init__(
        self, message: str = "没有执行此操作的权限", code: str = "permission_denied"
    ) -> None:
        super().__init__(code=code, message=message, status=403)
