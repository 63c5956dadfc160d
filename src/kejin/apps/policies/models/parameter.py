"""The city office's dated parameter values (layered over the YAML defaults of rules.params)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ParameterValue(models.Model):
    """A new value of a parameter from a date. Never edited or deleted: a change is a new row."""

    key = models.CharField(_("参数"), max_length=100, db_index=True)
    effective_from = models.DateField(_("生效日期"))
    value = models.DecimalField(_("取值"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("单位"), max_length=16)
    source = models.CharField(_("依据（文件与条款）"), max_length=300)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("参数取值")
        verbose_name_plural = _("参数取值")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="parameter_value_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}（自 {self.effective_from}）"
