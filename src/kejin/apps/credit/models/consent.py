"""Consent to credit inquiries (授权查询), executives and their personal consent, the read log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet


class Purpose(models.TextChoices):
    LOAN_APPLICATION = "loan_application", _("贷款申请审查")
    POST_LOAN_MONITORING = "post_loan_monitoring", _("贷后管理")


class Consent(models.Model):
    """An enterprise authorises one institution to read its credit data for one purpose until a
    date (at most one year); it may revoke it at any time."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("授权企业"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("被授权机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("用途"), max_length=24, choices=Purpose.choices)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "institution"), district=None)

    class Meta:
        verbose_name = _("查询授权")
        verbose_name_plural = _("查询授权")
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "institution", "purpose"])]

    def __str__(self) -> str:
        return f"授权 #{self.pk}"

    def state_on(self, day: date) -> str:
        """``valid``, ``revoked``, ``expired`` or ``not_started`` on ``day``."""
        if self.revoked_at is not None:
            return "revoked"
        if day > self.valid_until:
            return "expired"
        if day < self.valid_from:
            return "not_started"
        return "valid"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def state_label(self) -> str:
        return CONSENT_STATES[self.state]

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.enterprise_id, "district_code": None}


CONSENT_STATES = {
    "valid": "有效",
    "revoked": "已撤销",
    "expired": "已到期",
    "not_started": "未生效",
}


class ExecutiveRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    CHAIRMAN = "chairman", _("董事长")
    GENERAL_MANAGER = "general_manager", _("总经理")
    CFO = "cfo", _("财务负责人")
    SHAREHOLDER = "shareholder", _("实际控制人/主要股东")


class Executive(models.Model):
    """An executive of an enterprise. The ID number is kept only masked and as a keyed hash (to
    match personal records filed with the full number); it is never stored in clear."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("职务"), max_length=24, choices=ExecutiveRole.choices)
    id_masked = models.CharField(_("身份证号（脱敏）"), max_length=18)
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    active = models.BooleanField(_("在任"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise",), district=None)

    class Meta:
        verbose_name = _("高管")
        verbose_name_plural = _("高管")
        ordering = ["enterprise", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "id_hash"], name="credit_executive_once_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.enterprise_id, "district_code": None}


class ExecutiveConsent(models.Model):
    """The executive's own signed consent for a purpose, uploaded and confirmed by the enterprise
    admin. Without it an institution's report omits the executive's personal records."""

    executive = models.ForeignKey(
        Executive, verbose_name=_("高管"), on_delete=models.PROTECT, related_name="consents"
    )
    purpose = models.CharField(_("用途"), max_length=24, choices=Purpose.choices)
    signed_on = models.DateField(_("签署日期"))
    valid_until = models.DateField(_("有效期至"))
    document = models.FileField(
        _("本人签署的授权书"), upload_to="credit/executive-consents/%Y/", max_length=300
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("executive__enterprise",), district=None)

    class Meta:
        verbose_name = _("高管个人授权")
        verbose_name_plural = _("高管个人授权")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.executive.name} · {self.get_purpose_display()}"

    def is_valid_on(self, day: date) -> bool:
        return self.revoked_at is None and self.signed_on <= day <= self.valid_until

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.executive.enterprise_id, "district_code": None}


class ReadWhat(models.TextChoices):
    PROFILE = "profile", _("信用档案")
    RATING = "rating", _("信用评级")
    REPORT = "report", _("信用报告")
    REPORT_PDF = "report_pdf", _("信用报告（PDF下载）")


class ReadOutcome(models.TextChoices):
    ALLOWED = "allowed", _("已授权查询")
    REFUSED = "refused", _("无授权被拒绝")
    SUPERVISION = "supervision", _("监管查询（市科技局）")
    SELF = "self", _("本企业查看")


class ReadLog(models.Model):
    """Every read of an enterprise's credit data and every refused attempt: who, which
    organisation, what, when, for which purpose, under which consent. Append-only."""

    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("被查询企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reader = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("查询机构"), on_delete=models.PROTECT, related_name="+"
    )
    reader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查询人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    via_token = models.CharField(_("接口令牌"), max_length=12, blank=True)
    what = models.CharField(_("查询内容"), max_length=12, choices=ReadWhat.choices)
    purpose = models.CharField(_("用途"), max_length=24, blank=True)
    consent = models.ForeignKey(
        Consent, verbose_name=_("授权"), null=True, blank=True, on_delete=models.PROTECT
    )
    outcome = models.CharField(_("结果"), max_length=12, choices=ReadOutcome.choices)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    personal_included = models.BooleanField(_("含高管个人信息"), default=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "reader"), district=None)

    class Meta:
        verbose_name = _("信用查询记录")
        verbose_name_plural = _("信用查询记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "at"])]

    def __str__(self) -> str:
        return f"{self.reader} · {self.get_what_display()} · {self.get_outcome_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("read log entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("read log entries are append-only")

    @property
    def purpose_label(self) -> str:
        return str(dict(Purpose.choices).get(self.purpose, self.purpose or "—"))
