"""Investment-loan linkage deals (投贷联动) and the crowdfunding board (众筹汇集)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.marketplace.models.applications import SHARE, Investment
from kejin.apps.marketplace.models.market import MONEY, RATE
from kejin.platform.tenancy import Scope, ScopedQuerySet


class LinkageStatus(models.TextChoices):
    PROPOSED = "proposed", _("待双方确认")
    CONFIRMED = "confirmed", _("已确认")
    CANCELLED = "cancelled", _("已取消")


class LinkageDeal(models.Model):
    """An equity investment by an investor and a loan by a bank to the same enterprise, tied by
    terms. It counts for the linkage KPIs once both the investor and the bank have confirmed."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    investor = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("投资机构"), on_delete=models.PROTECT, related_name="+"
    )
    bank = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("贷款银行"), on_delete=models.PROTECT, related_name="+"
    )
    investment_amount = models.DecimalField(_("投资金额（元）"), **MONEY)
    equity_share = models.DecimalField(_("持股比例（%）"), null=True, blank=True, **SHARE)
    loan_amount = models.DecimalField(_("贷款金额（元）"), **MONEY)
    loan_rate = models.DecimalField(_("贷款年利率（%）"), null=True, blank=True, **RATE)
    loan_term_months = models.PositiveSmallIntegerField(_("贷款期限（月）"), null=True, blank=True)
    terms = models.TextField(_("联动条款"))
    signed_on = models.DateField(_("签约日期"))
    investment = models.ForeignKey(
        Investment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loan_id = models.BigIntegerField(_("关联贷款"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=LinkageStatus.choices, default=LinkageStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("发起方"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    investor_confirmed_at = models.DateTimeField(_("投资方确认时间"), null=True, blank=True)
    investor_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bank_confirmed_at = models.DateTimeField(_("银行确认时间"), null=True, blank=True)
    bank_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "investor", "bank"), district="enterprise__district_code")

    class Meta:
        verbose_name = _("投贷联动")
        verbose_name_plural = _("投贷联动")
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"投贷联动 #{self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.enterprise_id,
            "district_code": self.enterprise.district_code,
        }


class CrowdfundingKind(models.TextChoices):
    REWARD = "reward", _("奖励型众筹")
    EQUITY = "equity", _("股权型众筹")


class ProjectStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("未通过审核")
    HIDDEN = "hidden", _("已屏蔽")
    CLOSED = "closed", _("已结束")


class CrowdfundingProject(models.Model):
    """A project an enterprise presents on the board, hosted by a crowdfunding platform that
    reports its progress; the city office moderates what the public sees."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("发起企业"), on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("众筹平台"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("项目名称"), max_length=120)
    summary = models.TextField(_("项目介绍"))
    kind = models.CharField(_("众筹类型"), max_length=16, choices=CrowdfundingKind.choices)
    target_amount = models.DecimalField(_("目标金额（元）"), **MONEY)
    raised_amount = models.DecimalField(_("已筹金额（元）"), default=0, **MONEY)
    backers = models.PositiveIntegerField(_("支持人数"), default=0)
    deadline = models.DateField(_("截止日期"))
    project_url = models.URLField(_("项目链接"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PENDING
    )
    moderation_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    progress_updated_at = models.DateTimeField(_("进度更新时间"), null=True, blank=True)
    search_terms = models.TextField(_("检索词"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "host"), district="enterprise__district_code")

    class Meta:
        verbose_name = _("众筹项目")
        verbose_name_plural = _("众筹项目")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def progress_percent(self) -> int:
        if not self.target_amount:
            return 0
        return min(100, int(self.raised_amount * 100 // self.target_amount))

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.enterprise_id,
            "district_code": self.enterprise.district_code,
        }


class CrowdfundingProgress(models.Model):
    """A progress report by the hosting platform (cumulative amount raised and backers)."""

    project = models.ForeignKey(
        CrowdfundingProject, on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField(_("统计日期"))
    raised_amount = models.DecimalField(_("累计已筹金额（元）"), **MONEY)
    backers = models.PositiveIntegerField(_("累计支持人数"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        orgs=("project__enterprise", "project__host"),
        district="project__enterprise__district_code",
    )

    class Meta:
        verbose_name = _("众筹进度")
        verbose_name_plural = _("众筹进度")
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.reported_on}"

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.project.enterprise_id,
            "district_code": self.project.enterprise.district_code,
        }
