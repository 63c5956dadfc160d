"""Policies (政策) as versioned text split into clauses (条款)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("现行有效")
    SUPERSEDED = "superseded", _("已被新版本替代")


class Policy(models.Model):
    """One version of a policy document. A new version is a new row; the old one is kept."""

    code = models.CharField(_("政策编码"), max_length=64, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    effective_from = models.DateField(_("施行日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.PUBLISHED
    )
    preamble = models.TextField(_("序言"), blank=True)
    change_note = models.CharField(_("修订说明"), max_length=500, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="policy_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class Clause(models.Model):
    """One numbered clause of a policy version: ``（十三）努力降低科技中小型企业信贷融资成本``."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(_("条款序号"), max_length=8)
    ordinal = models.PositiveSmallIntegerField(_("顺序"))
    section = models.CharField(_("所属部分"), max_length=200, blank=True)
    heading = models.CharField(_("条款标题"), max_length=300, blank=True)
    text = models.TextField(_("条款正文"))

    class Meta:
        verbose_name = _("政策条款")
        verbose_name_plural = _("政策条款")
        ordering = ["policy", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="clause_unique_number")
        ]

    def __str__(self) -> str:
        return f"（{self.number}）{self.heading}"
