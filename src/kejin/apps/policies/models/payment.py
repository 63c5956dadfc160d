"""Payment batches (拨付批次): approved awards paid together by one bank transfer file."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.policies.models.common import MONEY, CityOnlyQuerySet
from kejin.platform.tenancy import Scope


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("待导出")
    EXPORTED = "exported", _("已导出，待银行回单")
    PAID = "paid", _("已拨付")


class PaymentBatch(models.Model):
    title = models.CharField(_("批次说明"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    total = models.DecimalField(_("合计金额（元）"), default=Decimal("0.00"), **MONEY)
    count = models.PositiveIntegerField(_("笔数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)
    bank_reference = models.CharField(_("银行回单号"), max_length=100, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(_("登记拨付时间"), null=True, blank=True)

    objects = CityOnlyQuerySet.as_manager()
    scope = Scope(orgs=(), district=None)

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"BF{self.created_at:%Y}-{self.pk or 0:04d}" if self.created_at else ""
