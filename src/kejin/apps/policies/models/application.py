"""Applications (申报) and what hangs off them: workflow events, documents, the periods of an
interest subsidy, the claim keys that stop a second claim, and the parameter dates an approved
award locks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.apps.policies.models.common import MONEY
from kejin.apps.policies.models.program import Program
from kejin.platform.tenancy import Scope, ScopedQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待区级初审")
    RETURNED = "returned", _("退回修改")
    CITY_REVIEW = "city_review", _("待市级复审")
    CITY_PROPOSED = "city_proposed", _("市级拟同意，待审批")
    PENDING_NOTICE = "pending_notice", _("已审批，待公示")
    NOTICE = "notice", _("公示中")
    APPROVED = "approved", _("已批准")
    PAID = "paid", _("已拨付")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


COMMITTED = (Status.PENDING_NOTICE, Status.NOTICE, Status.APPROVED, Status.PAID)
"""Approved by the city (four-eyes), money committed on the budget line: these amounts count
against annual caps and lock the parameter values they read."""
CLOSED = (Status.REJECTED, Status.WITHDRAWN)
"""Finished without an award: their claims are free again."""
OPEN = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.CITY_REVIEW,
    Status.CITY_PROPOSED,
)
"""Not yet approved: recomputed at each step (and in a parameter what-if)."""
WITHDRAWABLE = (*OPEN, Status.PENDING_NOTICE, Status.NOTICE)


class Origin(models.TextChoices):
    APPLIED = "applied", _("企业申报")
    BATCH = "batch", _("免申即享（平台测算）")


class Application(models.Model):
    program = models.ForeignKey(
        Program, verbose_name=_("扶持项目"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("申报单位"),
        on_delete=models.PROTECT,
        related_name="policy_applications",
    )
    district_code = models.CharField(_("所属区县"), max_length=6, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices, default="applied")
    inputs = models.JSONField(_("申报事项"), default=dict, blank=True)
    milestone = models.ForeignKey(
        "policies.Milestone",
        verbose_name=_("关联里程碑"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    claimed_amount = models.DecimalField(_("申报金额（元）"), null=True, blank=True, **MONEY)
    amount = models.DecimalField(_("测算金额（元）"), default=Decimal("0.00"), **MONEY)
    proposed_amount = models.DecimalField(_("拟同意金额（元）"), null=True, blank=True, **MONEY)
    reference_date = models.DateField(_("参数参照日"), null=True, blank=True)
    trace = models.JSONField(_("计算过程"), default=dict, blank=True)
    trace_lines = models.JSONField(_("计算过程（文字）"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    param_reads = models.JSONField(_("读取的参数日期"), default=dict, blank=True)
    year_amounts = models.JSONField(_("分年度金额"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("测算时间"), null=True, blank=True)
    payee_name = models.CharField(_("收款户名"), max_length=200, blank=True)
    payee_bank = models.CharField(_("开户银行"), max_length=200, blank=True)
    payee_account = models.CharField(_("收款账号"), max_length=40, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    step_started_on = models.DateField(_("本环节开始日"), null=True, blank=True)
    step_due_on = models.DateField(_("本环节办理时限"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    district_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("区级初审人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district_reviewed_at = models.DateTimeField(_("区级初审时间"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("市级复审拟同意人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("拟同意时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("市级审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("市级审批时间"), null=True, blank=True)
    fund_commitment_id = models.PositiveBigIntegerField(_("资金承诺分录"), null=True, blank=True)
    notice = models.ForeignKey(
        "policies.Notice",
        verbose_name=_("公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    final_approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    payment_batch = models.ForeignKey(
        "policies.PaymentBatch",
        verbose_name=_("拨付批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    paid_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=100, blank=True)
    decision_reason = models.TextField(_("最近一次审核意见"), blank=True)
    batch_run = models.ForeignKey(
        "policies.InterestBatchRun",
        verbose_name=_("测算批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("applicant",), district="district_code")

    class Meta:
        verbose_name = _("扶持申报")
        verbose_name_plural = _("扶持申报")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["applicant", "status"]),
            models.Index(fields=["status", "step_due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant}"

    @property
    def number(self) -> str:
        """申报编号 ``SB2026-000123``: the year it was created and its id."""
        year = self.created_at.year if self.created_at else ""
        return f"SB{year}-{self.pk or 0:06d}"

    @property
    def is_committed(self) -> bool:
        return self.status in COMMITTED

    @property
    def award_amount(self) -> Decimal:
        """The amount the award stands at: the city's proposal once made, else the computation."""
        return self.proposed_amount if self.proposed_amount is not None else self.amount

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.applicant_id, "district_code": self.district_code}


class ApplicationEvent(models.Model):
    """One step of an application's workflow: who did what, the amount then, the reason."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    amount = models.DecimalField(_("当时金额（元）"), null=True, blank=True, **MONEY)
    reason = models.TextField(_("意见或理由"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("application__applicant",), district="application__district_code")

    class Meta:
        verbose_name = _("申报办理记录")
        verbose_name_plural = _("申报办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action} → {self.to_status}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("材料代码"), max_length=32)
    label = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="policies/%Y/", max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("application__applicant",), district="application__district_code")

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["code", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.label}：{self.original_name}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.application.applicant_id}


class InterestLine(models.Model):
    """One interest period of a loan in an interest-subsidy application, with its subsidy."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interest_lines"
    )
    loan_ref = models.PositiveBigIntegerField(_("贷款"))
    drawdown_ref = models.PositiveBigIntegerField(_("借据"))
    loan_key = models.CharField(_("贷款标识"), max_length=120)
    period_start = models.DateField(_("计息起日"))
    period_end = models.DateField(_("计息止日（应还日）"))
    year = models.PositiveSmallIntegerField(_("所属年度"))
    interest_paid = models.DecimalField(_("实付利息"), **MONEY)
    proposed = models.DecimalField(_("测算贴息"), **MONEY)
    amount = models.DecimalField(_("核定贴息"), **MONEY)
    reason = models.CharField(_("说明"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("贴息计息期")
        verbose_name_plural = _("贴息计息期")
        ordering = ["period_end", "loan_key"]
        indexes = [models.Index(fields=["application", "year"])]

    def __str__(self) -> str:
        return f"{self.loan_key} {self.period_start}～{self.period_end}"


class ClaimKey(models.Model):
    """What an application claims (a loan period, a milestone event, a coupon, a prize…): two
    live applications may not claim the same key."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="claims")
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        verbose_name = _("申报事项标识")
        verbose_name_plural = _("申报事项标识")
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="claim_unique_per_app")
        ]

    def __str__(self) -> str:
        return self.key


class ParameterLock(models.Model):
    """A parameter date an award read: once the award is approved, a new value of ``key``
    effective on or before ``read_on`` is refused (``check_new_value``)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="parameter_locks"
    )
    key = models.CharField(max_length=100, db_index=True)
    read_on = models.DateField()

    class Meta:
        verbose_name = _("参数使用记录")
        verbose_name_plural = _("参数使用记录")

    def __str__(self) -> str:
        return f"{self.key} @ {self.read_on}"
