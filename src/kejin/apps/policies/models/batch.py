"""The book-wide interest subsidy run (免申即享): proposals for every eligible loan."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.policies.models.common import MONEY, CityOnlyQuerySet
from kejin.apps.policies.models.program import Program
from kejin.platform.tenancy import Scope


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("测算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class InterestBatchRun(models.Model):
    program = models.ForeignKey(
        Program, verbose_name=_("扶持项目"), on_delete=models.PROTECT, related_name="batch_runs"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("贷款笔数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    proposals = models.PositiveIntegerField(_("生成测算申报"), default=0)
    total_amount = models.DecimalField(_("测算贴息合计（元）"), default=Decimal("0.00"), **MONEY)
    mismatches = models.PositiveIntegerField(_("与逐笔计算不一致"), default=0)
    error = models.TextField(_("错误"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = CityOnlyQuerySet.as_manager()
    scope = Scope(orgs=(), district=None)

    class Meta:
        verbose_name = _("贷款贴息批量测算")
        verbose_name_plural = _("贷款贴息批量测算")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program} {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished and self.status == RunStatus.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0
