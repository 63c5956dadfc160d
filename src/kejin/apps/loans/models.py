"""Loans: the loan book reported by institutions or originated by the tech micro-lender.

A ``Loan`` is a contract between a lender and a borrower; each ``Drawdown`` (借据) puts money out
and carries its own repayment schedule (``Instalment`` rows) from its date to the loan's maturity.
``Repayment`` rows are allocated penalty → interest → principal onto the instalments.
``LoanSnapshot`` is what the daily book run writes for a business date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 9, "decimal_places": 4}
ZERO = Decimal("0.00")


class ProductKind(models.TextChoices):
    CREDIT = "credit", _("信用贷款")
    IP_PLEDGE = "ip_pledge", _("知识产权质押贷款")
    EQUITY_PLEDGE = "equity_pledge", _("股权质押贷款")
    GUARANTEE_BACKED = "guarantee_backed", _("担保贷款")
    INSURANCE_BACKED = "insurance_backed", _("保证保险贷款")
    LEASING = "leasing", _("融资租赁")


class RepaymentMethodChoice(models.TextChoices):
    ANNUITY = "annuity", _("等额本息")
    EQUAL_PRINCIPAL = "equal_principal", _("等额本金")
    INTEREST_ONLY = "interest_only", _("先息后本")
    BULLET = "bullet", _("到期一次还本付息")


class DayCountChoice(models.TextChoices):
    ACT_360 = "ACT/360", "ACT/360"
    ACT_365 = "ACT/365", "ACT/365"
    THIRTY_360 = "30/360", "30/360"


class RateType(models.TextChoices):
    FIXED = "fixed", _("固定利率")
    FLOATING = "floating", _("浮动利率（LPR 加点）")


class LoanStatus(models.TextChoices):
    APPROVED = "approved", _("已签约未放款")
    ACTIVE = "active", _("正常存续")
    CLOSED = "closed", _("已结清")
    WRITTEN_OFF = "written_off", _("已核销")


class Category(models.TextChoices):
    NORMAL = "normal", _("正常")
    SPECIAL_MENTION = "special_mention", _("关注")
    SUBSTANDARD = "substandard", _("次级")
    DOUBTFUL = "doubtful", _("可疑")
    LOSS = "loss", _("损失")


class Origin(models.TextChoices):
    REPORTED = "reported", _("机构报送")
    ORIGINATED = "originated", _("平台发放（科技小贷）")


class BenchmarkRate(models.Model):
    """A benchmark rate row the city office added (LPR fixings after the packaged table)."""

    table = models.CharField(_("利率表"), max_length=8, choices=[("lpr", "LPR"), ("pboc", "PBoC")])
    tenor = models.CharField(_("期限"), max_length=8)
    effective_date = models.DateField(_("生效日期"))
    rate_percent = models.DecimalField(_("利率（%）"), **RATE)
    source = models.CharField(_("来源"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("基准利率")
        verbose_name_plural = _("基准利率")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "tenor", "effective_date"], name="benchmark_unique_fixing"
            )
        ]
        ordering = ["-effective_date", "table", "tenor"]

    def __str__(self) -> str:
        return f"{self.table} {self.tenor} {self.effective_date} {self.rate_percent}%"


class Loan(models.Model):
    lender = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("贷款机构"),
        on_delete=models.PROTECT,
        related_name="loans_made",
    )
    borrower = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("借款企业"),
        on_delete=models.PROTECT,
        related_name="loans_taken",
    )
    external_id = models.CharField(_("机构合同编号"), max_length=64)
    origin = models.CharField(
        _("来源"), max_length=16, choices=Origin.choices, default=Origin.REPORTED
    )
    product_kind = models.CharField(_("产品类型"), max_length=32, choices=ProductKind.choices)
    amount = models.DecimalField(_("合同金额（元）"), **MONEY)
    contract_date = models.DateField(_("合同日期"))
    maturity_date = models.DateField(_("到期日"))
    term_months = models.PositiveIntegerField(_("期限（月）"))
    rate_type = models.CharField(
        _("利率类型"), max_length=16, choices=RateType.choices, default=RateType.FIXED
    )
    contract_rate = models.DecimalField(_("合同年利率（%）"), **RATE)
    spread = models.DecimalField(_("加点（百分点）"), null=True, blank=True, **RATE)
    benchmark_rate = models.DecimalField(_("同期基准利率（%）"), **RATE)
    benchmark_source = models.CharField(_("基准利率来源"), max_length=120)
    repayment_method = models.CharField(
        _("还款方式"), max_length=20, choices=RepaymentMethodChoice.choices
    )
    payment_day = models.PositiveSmallIntegerField(_("每月还款日"))
    day_count = models.CharField(
        _("计息基础"), max_length=8, choices=DayCountChoice.choices, default=DayCountChoice.ACT_360
    )
    penalty_markup = models.DecimalField(
        _("罚息上浮比例"), max_digits=6, decimal_places=4, default=Decimal("0.5")
    )
    collateral = models.CharField(_("抵质押物"), max_length=300, blank=True)
    guarantor = models.CharField(_("保证人/担保机构"), max_length=200, blank=True)
    purpose = models.CharField(_("贷款用途"), max_length=300, blank=True)
    reported_category = models.CharField(
        _("机构报送五级分类"), max_length=20, choices=Category.choices, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("lender", "borrower"), district="borrower__district_code")

    class Meta:
        verbose_name = _("贷款")
        verbose_name_plural = _("贷款")
        constraints = [
            models.UniqueConstraint(
                fields=["lender", "external_id"], name="loan_unique_external_id"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(maturity_date__gt=models.F("contract_date")),
                name="loan_maturity_after_contract",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["contract_date"])]
        ordering = ["-contract_date", "pk"]

    def __str__(self) -> str:
        return f"{self.external_id}（{self.amount} 元）"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.lender_id, "district_code": self.borrower.district_code}


class Drawdown(models.Model):
    """One disbursement (借据) of a loan, with its own schedule to the loan's maturity."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="drawdowns")
    external_id = models.CharField(_("借据编号"), max_length=64)
    date = models.DateField(_("放款日期"))
    amount = models.DecimalField(_("放款金额（元）"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("loan__lender", "loan__borrower"), district="loan__borrower__district_code")

    class Meta:
        verbose_name = _("放款")
        verbose_name_plural = _("放款")
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "external_id"], name="drawdown_unique_external_id"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="drawdown_amount_positive"
            ),
        ]
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.external_id} {self.date} {self.amount}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.loan.lender_id}


class Instalment(models.Model):
    """A scheduled instalment of a drawdown and what has been paid against it."""

    drawdown = models.ForeignKey(Drawdown, on_delete=models.CASCADE, related_name="instalments")
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveIntegerField(_("期次"))
    kind = models.CharField(max_length=16, default="regular")
    period_start = models.DateField(_("计息起日"))
    due_date = models.DateField(_("应还日"))
    days = models.PositiveIntegerField(_("计息天数"))
    rate = models.DecimalField(_("执行利率（%）"), **RATE)
    opening_principal = models.DecimalField(**MONEY)
    principal_due = models.DecimalField(_("应还本金"), **MONEY)
    interest_due = models.DecimalField(_("应还利息"), **MONEY)
    principal_paid = models.DecimalField(_("已还本金"), default=ZERO, **MONEY)
    interest_paid = models.DecimalField(_("已还利息"), default=ZERO, **MONEY)
    penalty_accrued = models.DecimalField(_("累计罚息"), default=ZERO, **MONEY)
    penalty_paid = models.DecimalField(_("已还罚息"), default=ZERO, **MONEY)
    penalty_accrued_to = models.DateField(_("罚息计至"), null=True, blank=True)
    settled_on = models.DateField(_("结清日"), null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("还款计划")
        verbose_name_plural = _("还款计划")
        ordering = ["due_date", "drawdown_id", "number"]
        indexes = [
            models.Index(fields=["loan", "due_date"]),
            models.Index(fields=["due_date", "settled_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.number} {self.due_date}"

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal_due - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        return self.interest_due - self.interest_paid

    @property
    def penalty_unpaid(self) -> Decimal:
        return self.penalty_accrued - self.penalty_paid


class Repayment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    external_id = models.CharField(_("还款流水号"), max_length=64)
    date = models.DateField(_("还款日期"))
    amount = models.DecimalField(_("还款金额（元）"), **MONEY)
    is_prepayment = models.BooleanField(_("提前还款"), default=False)
    prepayment_mode = models.CharField(_("提前还款方式"), max_length=20, blank=True)
    penalty_part = models.DecimalField(_("其中罚息"), default=ZERO, **MONEY)
    interest_part = models.DecimalField(_("其中利息"), default=ZERO, **MONEY)
    principal_part = models.DecimalField(_("其中本金"), default=ZERO, **MONEY)
    prepaid_principal = models.DecimalField(_("其中提前还本"), default=ZERO, **MONEY)
    prepaid_interest = models.DecimalField(_("其中提前还款应计利息"), default=ZERO, **MONEY)
    prepayment_detail = models.JSONField(default=dict, blank=True)  # {drawdown id: principal}
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("loan__lender", "loan__borrower"), district="loan__borrower__district_code")

    class Meta:
        verbose_name = _("还款")
        verbose_name_plural = _("还款")
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "external_id"], name="repayment_unique_external_id"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="repayment_amount_positive"
            ),
        ]
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.external_id} {self.date} {self.amount}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.loan.lender_id}


class LoanSnapshot(models.Model):
    """The state of a loan at the end of a business date, written by the daily book run."""

    business_date = models.DateField(_("业务日期"), db_index=True)
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="snapshots")
    lender = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    borrower = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    district_code = models.CharField(max_length=6)
    product_kind = models.CharField(max_length=32)
    outstanding_principal = models.DecimalField(_("贷款余额"), **MONEY)
    overdue_principal = models.DecimalField(_("逾期本金"), **MONEY)
    overdue_interest = models.DecimalField(_("逾期利息"), **MONEY)
    accrued_interest = models.DecimalField(_("应计利息"), **MONEY)
    days_past_due = models.PositiveIntegerField(_("逾期天数"))
    floor_category = models.CharField(max_length=20, choices=Category.choices)
    category = models.CharField(_("五级分类"), max_length=20, choices=Category.choices)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("lender", "borrower"), district="district_code")

    class Meta:
        verbose_name = _("贷款日终快照")
        verbose_name_plural = _("贷款日终快照")
        constraints = [
            models.UniqueConstraint(
                fields=["business_date", "loan"], name="snapshot_unique_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.business_date} {self.loan_id}"


class BookRun(models.Model):
    """One run of the daily book for a business date (re-running replaces its snapshots)."""

    business_date = models.DateField(_("业务日期"), unique=True)
    loans = models.PositiveIntegerField(default=0)
    outstanding = models.DecimalField(default=ZERO, **MONEY)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"book run {self.business_date}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    IN_APPROVAL = "in_approval", _("审批中")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")
    CONTRACTED = "contracted", _("已签约")
    DISBURSED = "disbursed", _("已放款")


class ApprovalLevel(models.TextChoices):
    OFFICER = "officer", _("信贷员")
    MANAGER = "manager", _("审批经理")
    CREDIT_COMMITTEE = "credit_committee", _("贷审会")


class LoanApplication(models.Model):
    """An enterprise's application to the tech micro-lender (seed 十二)."""

    borrower = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("申请企业"),
        on_delete=models.PROTECT,
        related_name="loan_applications",
    )
    lender = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("科技小额贷款公司"),
        on_delete=models.PROTECT,
        related_name="loan_applications_received",
    )
    amount = models.DecimalField(_("申请金额（元）"), **MONEY)
    term_months = models.PositiveIntegerField(_("期限（月）"))
    purpose = models.CharField(_("用途"), max_length=300)
    repayment_method = models.CharField(
        _("还款方式"),
        max_length=20,
        choices=RepaymentMethodChoice.choices,
        default=RepaymentMethodChoice.EQUAL_PRINCIPAL,
    )
    consent_id = models.BigIntegerField(_("征信授权"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    grade = models.CharField(_("信用等级"), max_length=8, blank=True)
    benchmark_rate = models.DecimalField(_("基准利率（%）"), null=True, blank=True, **RATE)
    spread = models.DecimalField(_("风险加点（百分点）"), null=True, blank=True, **RATE)
    offered_rate = models.DecimalField(_("定价利率（%）"), null=True, blank=True, **RATE)
    pricing_trace = models.JSONField(_("定价过程"), default=dict, blank=True)
    required_level = models.CharField(
        _("审批权限"), max_length=20, choices=ApprovalLevel.choices, blank=True
    )
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    loan = models.OneToOneField(
        Loan, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("lender", "borrower"), district="borrower__district_code")

    class Meta:
        verbose_name = _("科技小贷申请")
        verbose_name_plural = _("科技小贷申请")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="application_amount_positive"
            )
        ]
        ordering = ["-submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.borrower} {self.amount} 元"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.borrower_id}


class ApprovalDecision(models.Model):
    """Who decided what on an application, when and why (append-only)."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="decisions"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("审批层级"), max_length=20, choices=ApprovalLevel.choices)
    decision = models.CharField(
        _("意见"),
        max_length=16,
        choices=[
            ("price", _("定价")),
            ("approve", _("同意")),
            ("decline", _("拒绝")),
            ("contract", _("签约")),
            ("disburse", _("放款")),
        ],
    )
    reason = models.CharField(_("理由"), max_length=500)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.level} {self.decision}"
