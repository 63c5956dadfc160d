"""The audit history over the API (read-only)."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from kejin.platform.api import actor_of
from kejin.platform.audit.selectors import AuditFilter, audit_list_for

router = Router(tags=["audit 审计"])


class AuditOut(Schema):
    id: int
    timestamp: datetime
    action: int
    model: str
    object_pk: str
    object_repr: str
    changes: dict[str, object] | None
    actor_username: str | None
    actor_organisation_id: int | None
    via_token: str
    remote_addr: str | None

    @staticmethod
    def resolve_model(obj: object) -> str:
        return obj.content_type.model  # type: ignore[attr-defined, no-any-return]

    @staticmethod
    def resolve_actor_username(obj: object) -> str | None:
        actor = obj.actor  # type: ignore[attr-defined]
        return actor.username if actor else None


class AuditQuery(Schema):
    q: str = ""
    actor: str = ""
    model: str = ""
    action: int | None = None
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@router.get("/audit", response=list[AuditOut])
@paginate(PageNumberPagination)
def audit_list(request: HttpRequest, filters: Query[AuditQuery]) -> object:
    return audit_list_for(actor_of(request), AuditFilter(**filters.dict()))
