"""Shared credit records filed by data providers, the city office and lenders, and the enterprise's
disputes of them (信用修复 / 异议)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 2}


class RecordKind(models.TextChoices):
    TAX_GRADE = "tax_grade", _("纳税信用等级")
    SOCIAL_INSURANCE = "social_insurance", _("社保缴纳人数")
    COURT_JUDGMENT = "court_judgment", _("法院判决")
    ENFORCEMENT = "enforcement", _("被执行")
    DISHONEST_DEBTOR = "dishonest_debtor", _("失信被执行人")
    PENALTY = "penalty", _("行政处罚")
    ABNORMAL_OPERATION = "abnormal_operation", _("经营异常名录")
    UTILITY_ARREARS = "utility_arrears", _("水电气欠费")
    REPAYMENT = "repayment", _("平台贷款还款记录")

    @classmethod
    def personal_allowed(cls) -> frozenset[str]:
        """Kinds that may concern an executive personally."""
        return frozenset({cls.COURT_JUDGMENT, cls.ENFORCEMENT, cls.DISHONEST_DEBTOR})


class RepaymentEvent(models.TextChoices):
    ON_TIME = "on_time", _("按期还款")
    OVERDUE = "overdue", _("逾期")
    DEFAULT = "default", _("违约")
    SETTLED = "settled", _("结清")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CORRECTED = "corrected", _("已更正")
    WITHDRAWN = "withdrawn", _("已撤销")


class CreditRecord(models.Model):
    """One fact about an enterprise (or one of its executives) from one source, on one date.

    Which fields a kind uses: tax grade — ``year``, ``grade``; social insurance — ``year``,
    ``month``, ``headcount``; court judgment / enforcement — ``reference`` (case number),
    ``authority`` (court), ``amount``, ``ended_on`` (closed); dishonest debtor / abnormal operations
    — ``ended_on`` (removed from the list); penalty — ``reference`` (decision), ``authority``,
    ``amount``; utility arrears — ``amount``, ``description``, ``ended_on`` (paid); repayment —
    ``reference`` (loan), ``repayment_event``, ``days_past_due``, ``amount``.
    ``person_*`` set: the record concerns an executive personally (shown only with that person's
    consent; never used in the score).
    """

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("记录类型"), max_length=24, choices=RecordKind.choices)
    source = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("数据来源"), on_delete=models.PROTECT, related_name="+"
    )
    record_date = models.DateField(_("记录日期"))
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    grade = models.CharField(_("纳税信用等级"), max_length=1, blank=True)
    headcount = models.PositiveIntegerField(_("社保缴纳人数"), null=True, blank=True)
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **MONEY)
    days_past_due = models.PositiveIntegerField(_("逾期天数"), null=True, blank=True)
    repayment_event = models.CharField(
        _("还款事件"), max_length=12, choices=RepaymentEvent.choices, blank=True
    )
    reference = models.CharField(_("文号/案号/合同号"), max_length=100, blank=True)
    authority = models.CharField(_("决定机关/法院"), max_length=200, blank=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    ended_on = models.DateField(_("结束/移出日期"), null=True, blank=True)
    person_name = models.CharField(_("个人姓名"), max_length=50, blank=True)
    person_id_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    person_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "source"), district=None)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-record_date", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "kind", "record_date"]),
            models.Index(fields=["source", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(kind="tax_grade") & ~Q(status="withdrawn"),
                name="credit_one_tax_grade_per_year",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"],
                condition=Q(kind="social_insurance") & ~Q(status="withdrawn"),
                name="credit_one_headcount_per_month",
            ),
            models.UniqueConstraint(
                fields=["source", "reference", "record_date", "repayment_event"],
                condition=Q(kind="repayment"),
                name="credit_one_repayment_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_date.isoformat()}"

    @property
    def is_personal(self) -> bool:
        return bool(self.person_id_hash)

    @property
    def counts(self) -> bool:
        """Whether the record enters profiles and scores (a withdrawn one does not)."""
        return self.status != RecordStatus.WITHDRAWN

    def summary(self) -> str:
        """One line a person reads: what the record says."""
        k = self.kind
        if k == RecordKind.TAX_GRADE:
            return f"{self.year} 年度纳税信用等级 {self.grade} 级"
        if k == RecordKind.SOCIAL_INSURANCE:
            return f"{self.year} 年 {self.month} 月社保缴纳 {self.headcount} 人"
        if k == RecordKind.REPAYMENT:
            dpd = f"，逾期 {self.days_past_due} 天" if self.days_past_due else ""
            return f"贷款 {self.reference}：{self.get_repayment_event_display()}{dpd}"
        parts = [self.reference, self.authority, self.description]
        if self.amount is not None:
            parts.append(f"金额 {self.amount:,.2f} 元")
        if self.ended_on:
            parts.append(f"已于 {self.ended_on.isoformat()} 结束/移出")
        return "；".join(p for p in parts if p)

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.enterprise_id, "district_code": None}


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


class Dispute(models.Model):
    """An enterprise's correction request on one record; the city office or the record's source
    resolves it (upheld → the record is corrected or withdrawn; rejected → with a reason)."""

    record = models.ForeignKey(
        CreditRecord, verbose_name=_("信用记录"), on_delete=models.PROTECT, related_name="disputes"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("异议理由"))
    attachment = models.FileField(
        _("证明材料"), upload_to="credit/disputes/%Y/", blank=True, max_length=300
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.CharField(
        _("处理方式"),
        max_length=12,
        blank=True,
        choices=[("withdraw", _("撤销记录")), ("correct", _("更正记录"))],
    )
    correction = models.JSONField(_("更正内容"), default=dict, blank=True)
    resolution_note = models.TextField(_("处理意见"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "record__source"), district=None)

    class Meta:
        verbose_name = _("信用异议")
        verbose_name_plural = _("信用异议")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status="open"), name="credit_one_open_dispute"
            )
        ]

    def __str__(self) -> str:
        return f"异议 #{self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.enterprise_id, "district_code": None}
