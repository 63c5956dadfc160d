"""The audit history: django-auditlog entries with the acting organisation; append-only."""

from __future__ import annotations

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes would bypass ``save``/``delete``: refuse them too."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")


class AuditEntry(AbstractLogEntry):
    """One create, update, delete or access of business data: who, which organisation, when,
    before and after. Entries are written once and never changed or deleted."""

    # People are deactivated, never deleted: deleting one must not blank the actor of history.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("操作机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    via_token = models.CharField(_("接口令牌"), max_length=12, blank=True, default="")
    organisation_id_of_object = models.BigIntegerField(
        _("数据所属机构"), null=True, blank=True, db_index=True
    )
    district_code = models.CharField(_("数据所属区划"), max_length=6, blank=True, default="")

    objects = LogEntryManager.from_queryset(AppendOnlyQuerySet)()

    class Meta(AbstractLogEntry.Meta):
        swappable = "AUDITLOG_LOGENTRY_MODEL"
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["actor_organisation", "timestamp"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("audit entries are append-only")
        data = self.additional_data or {}
        if self.organisation_id_of_object is None:
            self.organisation_id_of_object = data.get("organisation_id")
        if not self.district_code:
            self.district_code = data.get("district_code") or ""
        if self.actor_id and self.actor_organisation_id is None:
            self.actor_organisation_id = getattr(self.actor, "organisation_id", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")
