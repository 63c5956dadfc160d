"""Applications to products, their timeline, and the investments an equity product grants."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kejin.apps.marketplace.models.market import MONEY, RATE, Demand, Product
from kejin.platform.tenancy import Scope, ScopedQuerySet

SHARE = {"max_digits": 7, "decimal_places": 4}


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    INFO_REQUESTED = "info_requested", _("待补充材料")
    GRANTED = "granted", _("已获批")
    DECLINED = "declined", _("未获批")
    WITHDRAWN = "withdrawn", _("已撤回")

    @classmethod
    def pending(cls) -> tuple[str, ...]:
        return (cls.SUBMITTED, cls.ACCEPTED, cls.INFO_REQUESTED)

    @classmethod
    def completed(cls) -> tuple[str, ...]:
        return (cls.GRANTED, cls.DECLINED)


class Investment(models.Model):
    """An equity investment in an enterprise (granted from an equity product, or recorded for an
    investment-loan linkage deal)."""

    investor = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("投资机构"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("被投企业"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("投资金额（元）"), **MONEY)
    equity_share = models.DecimalField(_("持股比例（%）"), null=True, blank=True, **SHARE)
    invested_on = models.DateField(_("投资日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("investor", "enterprise"), district="enterprise__district_code")

    class Meta:
        verbose_name = _("股权投资")
        verbose_name_plural = _("股权投资")
        ordering = ["-invested_on", "-pk"]

    def __str__(self) -> str:
        return f"投资 #{self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.enterprise_id,
            "district_code": self.enterprise.district_code,
        }


class Application(models.Model):
    """An enterprise applies to a product for one of its demands. The institution answers within
    the product's promised working days (``due_on``), and grants or declines."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("融资需求"), on_delete=models.PROTECT, related_name="applications"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("申请企业"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("受理机构"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("申请金额（元）"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("申请期限（月）"))
    note = models.TextField(_("申请说明"), blank=True)
    consent_id = models.BigIntegerField(_("征信查询授权"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_on = models.DateField(_("提交日期"))
    due_on = models.DateField(_("承诺答复日期"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    first_response_on = models.DateField(_("首次答复日期"), null=True, blank=True)
    response_working_days = models.PositiveSmallIntegerField(
        _("答复用时（工作日）"), null=True, blank=True
    )
    info_request = models.TextField(_("补充材料要求"), blank=True)
    info_response = models.TextField(_("补充材料说明"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(_("未获批原因"), max_length=300, blank=True)
    granted_amount = models.DecimalField(_("批准金额（元）"), null=True, blank=True, **MONEY)
    granted_rate = models.DecimalField(_("批准年利率/费率（%）"), null=True, blank=True, **RATE)
    granted_term = models.PositiveSmallIntegerField(_("批准期限（月）"), null=True, blank=True)
    loan_id = models.BigIntegerField(_("贷款"), null=True, blank=True)
    investment = models.ForeignKey(
        Investment,
        verbose_name=_("股权投资"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overdue_flagged_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("服务评价（1–5星）"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "institution"), district="enterprise__district_code")

    class Meta:
        verbose_name = _("产品申请")
        verbose_name_plural = _("产品申请")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "product"],
                condition=~Q(status="withdrawn"),
                name="application_once_per_demand_product",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="application_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"申请 #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in ApplicationStatus.pending()

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.enterprise_id,
            "district_code": self.enterprise.district_code,
        }


class ApplicationEvent(models.Model):
    """One step of an application's timeline, for the people on both sides."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("事项"), max_length=32)
    note = models.TextField(_("说明"), blank=True)
    by_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        orgs=("application__enterprise", "application__institution"),
        district="application__enterprise__district_code",
    )

    class Meta:
        verbose_name = _("申请进程")
        verbose_name_plural = _("申请进程")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"
