"""The runs of the whole-market rematch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RematchRun(models.Model):
    """One rematch of the whole market (vectorised); its page polls the progress."""

    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    demands = models.PositiveIntegerField(_("需求数"), default=0)
    products = models.PositiveIntegerField(_("产品数"), default=0)
    done = models.PositiveIntegerField(_("已处理需求"), default=0)
    matches = models.PositiveIntegerField(_("匹配数"), default=0)
    new_matches = models.PositiveIntegerField(_("新增匹配"), default=0)
    seconds = models.DecimalField(_("用时（秒）"), max_digits=10, decimal_places=3, null=True)
    error = models.TextField(_("错误"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("全市场重新匹配")
        verbose_name_plural = _("全市场重新匹配")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"重新匹配 #{self.pk}"

    @property
    def progress(self) -> int:
        if not self.demands:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, self.done * 100 // self.demands)
