"""Public notices (公示) of proposed awards and the objections (异议) anyone may file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.policies.models.common import CityOnlyQuerySet
from kejin.platform.tenancy import Scope


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("已结束")


class Notice(models.Model):
    """A list of proposed awards published on the public portal for N working days."""

    title = models.CharField(_("公示标题"), max_length=200)
    opens_on = models.DateField(_("公示开始日"))
    closes_on = models.DateField(_("公示截止日"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"GS{self.opens_on:%Y}-{self.pk or 0:04d}"


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立（不予奖补）")
    DISMISSED = "dismissed", _("异议不成立（维持）")


class Objection(models.Model):
    """An objection to one award in a notice: it holds the award until the city resolves it."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(
        "policies.Application", on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("异议人姓名或单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=32)
    email = models.EmailField(_("电子邮箱"), blank=True)
    content = models.TextField(_("异议内容"))
    status = models.CharField(
        _("处理状态"),
        max_length=16,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.PENDING,
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    objects = CityOnlyQuerySet.as_manager()
    scope = Scope(orgs=(), district=None)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}：{self.content[:30]}"

    @property
    def number(self) -> str:
        return f"YY{self.created_at:%Y}-{self.pk or 0:05d}" if self.created_at else ""
