"""Programs (项目): a call for applications under a policy, running one support measure."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.models.policy import Policy


class Program(models.Model):
    policy = models.ForeignKey(
        Policy, verbose_name=_("依据政策"), on_delete=models.PROTECT, related_name="programs"
    )
    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    title = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    measure = models.CharField(_("扶持措施"), max_length=32, choices=MeasureCode.choices)
    description = models.TextField(_("申报说明"), blank=True)
    applicant_kinds = models.JSONField(_("申报主体类型"), default=list)
    requires_tech_sme = models.BooleanField(_("须为科技型中小企业"), default=False)
    requires_hnte = models.BooleanField(_("须为高新技术企业"), default=False)
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    coverage_start = models.DateField(_("支持事项起始日"), null=True, blank=True)
    coverage_end = models.DateField(_("支持事项截止日"), null=True, blank=True)
    budget_line_id = models.PositiveBigIntegerField(_("预算科目"), null=True, blank=True)
    budget_line_label = models.CharField(_("预算科目名称"), max_length=200, blank=True)
    linkage_mode = models.CharField(_("联动模式"), max_length=32, blank=True)
    required_documents = models.JSONField(_("申报材料"), default=list, blank=True)
    sla_district_days = models.PositiveSmallIntegerField(_("区级初审时限（天）"), default=10)
    sla_city_days = models.PositiveSmallIntegerField(_("市级复审时限（天）"), default=15)
    published = models.BooleanField(_("已发布"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("扶持项目")
        verbose_name_plural = _("扶持项目")
        ordering = ["-year", "-opens_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="program_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    def is_open_on(self, day: date) -> bool:
        return self.published and self.opens_on <= day <= self.closes_on

    def phase_on(self, day: date) -> str:
        """未发布 / 未开始 / 申报中 / 已截止 on ``day``."""
        if not self.published:
            return str(_("未发布"))
        if day < self.opens_on:
            return str(_("未开始"))
        if day > self.closes_on:
            return str(_("已截止"))
        return str(_("申报中"))

    def document_label(self, code: str) -> str:
        for doc in self.required_documents:
            if doc.get("code") == code:
                return str(doc.get("label", code))
        return code
