"""The audit log page: search, paginate, export; read-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kejin.platform.audit.models import AuditEntry
from kejin.platform.audit.selectors import AuditFilter, audit_list_for
from kejin.platform.pages import actor_of, export_list, login_required_actor, paginate, wants_export

ACTIONS = {0: "新增", 1: "修改", 2: "删除", 3: "访问"}
COLUMNS = [
    ("timestamp", "时间"),
    ("action", "操作"),
    ("model", "数据类型"),
    ("object", "对象"),
    ("actor", "操作人"),
    ("actor_organisation", "操作机构"),
    ("via_token", "接口令牌"),
    ("remote_addr", "IP"),
    ("changes", "变更（前 → 后）"),
]


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _changes_text(e: AuditEntry) -> str:
    """``字段: 前 → 后; …`` with Chinese field names and choice labels (``状态: 待审核 → 正常``).

    auditlog's own ``changes_str`` fails on the ``None`` of JSON changes, so we render it here.
    """
    model = e.content_type.model_class() if e.content_type_id else None
    parts = []
    for name, values in (e.changes_dict or {}).items():
        label, shown = _field_label(model, name)
        if isinstance(values, list | tuple) and len(values) == 2:
            before, after = (shown(v) for v in values)
            parts.append(f"{label}: {before} → {after}")
        else:
            parts.append(f"{label}: {values}")
    return "; ".join(parts)


def _field_label(model: Any, name: str) -> tuple[str, Any]:
    def raw(v: object) -> str:
        return "—" if v in (None, "", "None") else str(v)

    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:  # a field removed since the entry was written
        field = None
    if field is None:
        return name, raw
    choices = dict(getattr(field, "flatchoices", None) or ())

    def shown(v: object) -> str:
        return str(choices.get(v, raw(v))) if choices else raw(v)

    return str(getattr(field, "verbose_name", name)), shown


def _row(e: AuditEntry) -> dict[str, Any]:
    return {
        "timestamp": e.timestamp,
        "action": ACTIONS.get(e.action, e.action),
        "model": e.content_type.model,
        "object": f"{e.object_repr} (#{e.object_pk})",
        "actor": str(e.actor) if e.actor else "系统",
        "actor_organisation": str(e.actor_organisation or ""),
        "via_token": e.via_token,
        "remote_addr": e.remote_addr or "",
        "changes": _changes_text(e),
    }


@login_required_actor
def audit_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    action = g.get("action", "")
    f = AuditFilter(
        q=g.get("q", "").strip(),
        actor=g.get("actor_name", "").strip(),
        model=g.get("model", "").strip(),
        action=int(action) if action.isdigit() else None,
        date_from=_parse_date(g.get("date_from")),
        date_to=_parse_date(g.get("date_to")),
    )
    qs = audit_list_for(actor_of(request), f)
    if wants_export(request):
        return export_list("audit", COLUMNS, qs.iterator(), _row)
    ctx = {**paginate(request, qs), "f": f, "actions": ACTIONS, "action": action}
    ctx["rows"] = [(_row(e), e) for e in ctx["page"]]
    return render(request, "audit/list.html", ctx)
