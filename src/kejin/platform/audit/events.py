"""Security events that change no model field but belong in the audit history (an unlock)."""

from __future__ import annotations

from django.db import models

from kejin.platform.audit.models import AuditEntry


def record_security_event(obj: models.Model, what: str, before: str, after: str) -> AuditEntry:
    """Write an audit entry on ``obj`` as if ``what`` changed from ``before`` to ``after``;
    the actor comes from the current audit context (the request's person)."""
    return AuditEntry.objects.log_create(
        obj, force_log=True, action=AuditEntry.Action.UPDATE, changes={what: [before, after]}
    )
