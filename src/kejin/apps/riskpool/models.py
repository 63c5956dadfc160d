"""The risk compensation pool (风险补偿资金池, 实施意见（十四）（二十）).

A ``RiskPool`` has a cooperation ``Agreement`` with each bank and insurer; an agreement's terms
are dated ``AgreementVersion`` rows (the one in force on the relevant date applies; an old version
is never edited). Money moves only as balanced ``Journal`` entries (``JournalLine`` rows, append
only); balances are sums of lines. Banks register loans (``Registration``), file ``Claim`` s when
a loan passes 90 days past due, and report ``Recovery`` s. A ``Suspension`` stops a bank's new
registrations when its registered-loan NPL ratio passes the threshold, until the city lifts it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 4}
ZERO = Decimal("0.00")


def _tidy(value: Decimal) -> Decimal:
    """``Decimal("40.0000")`` → ``Decimal("40")``; ``12.5000`` → ``12.5`` (never ``4E+1``)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class PoolStatus(models.TextChoices):
    ACTIVE = "active", _("运行中")
    CLOSED = "closed", _("已关闭")


class RiskPool(models.Model):
    """A pool. Its existence and totals are public; its ledger is the city's."""

    name = models.CharField(_("资金池名称"), max_length=200, unique=True)
    opened_on = models.DateField(_("设立日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=PoolStatus.choices, default=PoolStatus.ACTIVE
    )
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=())  # every signed-in organisation may see that a pool exists

    class Meta:
        verbose_name = _("风险补偿资金池")
        verbose_name_plural = _("风险补偿资金池")
        ordering = ["opened_on", "pk"]

    def __str__(self) -> str:
        return self.name


class PartyKind(models.TextChoices):
    BANK = "bank", _("合作银行")
    INSURER = "insurer", _("合作保险公司")


class BorrowerKind(models.TextChoices):
    TECH_SME = "tech_sme", _("科技型中小企业")
    HNTE = "hnte", _("高新技术企业")


class Agreement(models.Model):
    """The pool's cooperation agreement with one bank or insurer."""

    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="agreements")
    party = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("合作机构"),
        on_delete=models.PROTECT,
        related_name="pool_agreements",
    )
    party_kind = models.CharField(_("合作类型"), max_length=16, choices=PartyKind.choices)
    reference = models.CharField(_("协议编号"), max_length=64)
    signed_on = models.DateField(_("签订日期"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("party",))

    class Meta:
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        constraints = [
            models.UniqueConstraint(fields=["pool", "party"], name="agreement_one_per_party")
        ]
        ordering = ["pool", "party_kind", "pk"]

    def __str__(self) -> str:
        return f"{self.reference}（{self.party}）"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.party_id}


class AgreementVersion(models.Model):
    """The terms of an agreement from ``effective_from`` until the next version (RULES §8).

    A bank's version holds every parameter; an insurer's holds the product kinds it insures
    (the loss split with insurance is the bank's agreement's).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    effective_from = models.DateField(_("生效日期"))
    leverage = models.DecimalField(
        _("放大倍数"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    pool_share_insured = models.DecimalField(
        _("有保险：资金池分担（%）"), null=True, blank=True, **PERCENT
    )
    bank_share_insured = models.DecimalField(
        _("有保险：银行分担（%）"), null=True, blank=True, **PERCENT
    )
    insurer_share_insured = models.DecimalField(
        _("有保险：保险公司分担（%）"), null=True, blank=True, **PERCENT
    )
    pool_share_uninsured = models.DecimalField(
        _("无保险：资金池分担（%）"), null=True, blank=True, **PERCENT
    )
    bank_share_uninsured = models.DecimalField(
        _("无保险：银行分担（%）"), null=True, blank=True, **PERCENT
    )
    per_loan_cap = models.DecimalField(_("单笔补偿上限（元）"), null=True, blank=True, **MONEY)
    npl_threshold = models.DecimalField(
        _("暂停入池的不良率阈值（%）"), null=True, blank=True, **PERCENT
    )
    interest_covered = models.BooleanField(_("损失含利息"), default=False)
    eligible_borrowers = models.JSONField(_("可入池借款人"), default=list)
    product_kinds = models.JSONField(_("可入池产品类型"), default=list)
    source = models.CharField(_("依据"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("agreement__party",))

    class Meta:
        verbose_name = _("协议版本")
        verbose_name_plural = _("协议版本")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "effective_from"], name="agreement_version_one_per_date"
            )
        ]
        ordering = ["agreement", "effective_from"]

    def __str__(self) -> str:
        return f"{self.agreement.reference} 自 {self.effective_from}"

    def shares(self, *, insured: bool) -> dict[str, Decimal]:
        """The loss split in percent (``40``, ``12.5``: trailing zeros dropped)."""
        if insured:
            raw = {
                "pool": self.pool_share_insured,
                "bank": self.bank_share_insured,
                "insurer": self.insurer_share_insured,
            }
        else:
            raw = {"pool": self.pool_share_uninsured, "bank": self.bank_share_uninsured}
        return {party: _tidy(value or ZERO) for party, value in raw.items()}

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.agreement.party_id}


class JournalKind(models.TextChoices):
    CONTRIBUTION_GOVERNMENT = "contribution_government", _("财政注资")
    CONTRIBUTION_BANK = "contribution_bank", _("银行注资")
    COMPENSATION = "compensation", _("代偿支付")
    RECOVERY = "recovery", _("追偿返还")


class AppendOnly(models.Model):
    """Ledger rows are written once: no update, no delete."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("ledger rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("ledger rows are append-only")


class Journal(AppendOnly):
    """One balanced movement of a pool."""

    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="journals")
    number = models.PositiveIntegerField(_("凭证号"))
    date = models.DateField(_("记账日期"))
    kind = models.CharField(_("类型"), max_length=32, choices=JournalKind.choices)
    memo = models.CharField(_("摘要"), max_length=300)
    reference = models.CharField(_("凭证依据"), max_length=120, blank=True)
    party = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("对方机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("party",))

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        constraints = [
            models.UniqueConstraint(fields=["pool", "number"], name="journal_number_per_pool")
        ]
        ordering = ["pool", "number"]

    def __str__(self) -> str:
        return f"记-{self.number:05d} {self.memo}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.party_id}


class JournalLine(AppendOnly):
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(_("科目"), max_length=64, db_index=True)
    debit = models.DecimalField(_("借方"), default=ZERO, **MONEY)
    credit = models.DecimalField(_("贷方"), default=ZERO, **MONEY)
    party = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="journal_line_one_side",
            )
        ]
        ordering = ["journal", "pk"]

    def __str__(self) -> str:
        return f"{self.account} 借 {self.debit} 贷 {self.credit}"


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("在池")
    CLAIMED = "claimed", _("代偿申请中")
    COMPENSATED = "compensated", _("已代偿")


class Registration(models.Model):
    """A bank's loan registered into a pool (入池登记)."""

    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="registrations")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        AgreementVersion, verbose_name=_("适用协议版本"), on_delete=models.PROTECT, related_name="+"
    )
    bank = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("贷款银行"), on_delete=models.PROTECT, related_name="+"
    )
    borrower = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("借款企业"), on_delete=models.PROTECT, related_name="+"
    )
    district_code = models.CharField(_("借款企业所在区县"), max_length=6, db_index=True)
    loan = models.OneToOneField(
        "loans.Loan", verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="pool_entry"
    )
    insurer = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("履约保证保险公司"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    policy_number = models.CharField(_("保单号"), max_length=64, blank=True)
    registered_on = models.DateField(_("登记日期"))
    principal = models.DecimalField(_("登记时贷款余额（元）"), **MONEY)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.ACTIVE,
    )
    eligibility = models.JSONField(_("资格核验"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("bank", "insurer"), district="district_code")

    class Meta:
        verbose_name = _("入池登记")
        verbose_name_plural = _("入池登记")
        indexes = [models.Index(fields=["pool", "bank", "status"])]
        ordering = ["-registered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.loan.external_id}（{self.borrower}）"

    @property
    def insured(self) -> bool:
        return self.insurer_id is not None

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.bank_id, "district_code": self.district_code}


class ClaimStatus(models.TextChoices):
    FILED = "filed", _("已申请")
    PROPOSED = "proposed", _("初审通过待复核")
    PAID = "paid", _("已代偿")
    REJECTED = "rejected", _("已驳回")


OPEN_CLAIM = ~Q(status=ClaimStatus.REJECTED)


class Claim(models.Model):
    """A bank's claim for compensation on a registered loan past 90 days overdue (代偿申请)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="claims")
    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="claims")
    bank = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    insurer = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    borrower = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    district_code = models.CharField(max_length=6)
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.FILED
    )
    filed_on = models.DateField(_("申请日期"))
    default_date = models.DateField(_("逾期超过90天之日"))
    days_past_due = models.PositiveIntegerField(_("申请时逾期天数"))
    principal = models.DecimalField(_("逾期超过90天时本金余额"), **MONEY)
    interest = models.DecimalField(_("计入损失的利息"), **MONEY)
    collateral_realised = models.DecimalField(_("抵质押物处置回收"), **MONEY)
    loss = models.DecimalField(_("申请损失金额"), **MONEY)
    approved_loss = models.DecimalField(_("核定损失金额"), null=True, blank=True, **MONEY)
    version = models.ForeignKey(
        AgreementVersion, verbose_name=_("适用协议版本"), on_delete=models.PROTECT, related_name="+"
    )
    insured = models.BooleanField(_("有履约保证保险"), default=False)
    share_percents = models.JSONField(_("分担比例"), default=dict)
    pool_share = models.DecimalField(_("资金池分担"), null=True, blank=True, **MONEY)
    bank_share = models.DecimalField(_("银行分担"), null=True, blank=True, **MONEY)
    insurer_share = models.DecimalField(_("保险公司分担"), null=True, blank=True, **MONEY)
    pool_excess = models.DecimalField(_("超出单笔上限转由银行承担"), default=ZERO, **MONEY)
    trace = models.JSONField(_("计算过程"), default=dict)
    reason = models.CharField(_("申请说明"), max_length=500, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposal_note = models.CharField(_("初审意见"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("复核意见"), max_length=500, blank=True)
    payout = models.OneToOneField(
        Journal, null=True, blank=True, on_delete=models.PROTECT, related_name="claim"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("bank", "insurer"))

    class Meta:
        verbose_name = _("代偿申请")
        verbose_name_plural = _("代偿申请")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=OPEN_CLAIM, name="claim_one_open_per_loan"
            ),
            models.CheckConstraint(condition=Q(loss__gt=0), name="claim_loss_positive"),
        ]
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"代偿申请 #{self.pk}"

    def paid_by_party(self) -> dict[str, Decimal]:
        """What each party bore (only for a paid claim)."""
        out = {"pool": self.pool_share or ZERO, "bank": self.bank_share or ZERO}
        if self.insured:
            out["insurer"] = self.insurer_share or ZERO
        return out

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.bank_id, "district_code": self.district_code}


class Recovery(models.Model):
    """Money recovered on a compensated loan, returned pro rata to what each party paid."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="recoveries")
    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="recoveries")
    bank = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    insurer = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("回收日期"))
    amount = models.DecimalField(_("追偿回收金额"), **MONEY)
    reference = models.CharField(_("回收凭证"), max_length=120, blank=True)
    pool_part = models.DecimalField(_("返还资金池"), **MONEY)
    bank_part = models.DecimalField(_("返还银行"), **MONEY)
    insurer_part = models.DecimalField(_("返还保险公司"), default=ZERO, **MONEY)
    journal = models.OneToOneField(
        Journal, null=True, blank=True, on_delete=models.PROTECT, related_name="recovery"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("bank", "insurer"))

    class Meta:
        verbose_name = _("追偿回收")
        verbose_name_plural = _("追偿回收")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")
        ]
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"追偿 {self.amount} 元"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.bank_id}


class Suspension(models.Model):
    """A bank stopped from new registrations because its NPL ratio passed the threshold."""

    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="suspensions")
    bank = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("银行"), on_delete=models.PROTECT, related_name="+"
    )
    suspended_on = models.DateField(_("暂停日期"))
    ratio = models.DecimalField(_("入池贷款不良率（%）"), max_digits=12, decimal_places=6)
    threshold = models.DecimalField(_("阈值（%）"), **PERCENT)
    npl_outstanding = models.DecimalField(_("不良贷款余额"), **MONEY)
    registered_outstanding = models.DecimalField(_("入池贷款余额"), **MONEY)
    lifted_on = models.DateField(_("恢复日期"), null=True, blank=True)
    lifted_ratio = models.DecimalField(
        _("恢复时不良率（%）"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    lift_reason = models.CharField(_("恢复理由"), max_length=500, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("bank",))

    class Meta:
        verbose_name = _("暂停入池")
        verbose_name_plural = _("暂停入池")
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "bank"],
                condition=Q(lifted_on__isnull=True),
                name="suspension_one_open_per_bank",
            )
        ]
        ordering = ["-suspended_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.bank} 暂停入池（{self.suspended_on}）"

    @property
    def active(self) -> bool:
        return self.lifted_on is None

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.bank_id}
