"""The special fund (专项资金): yearly budget lines by purpose and an append-only ledger.

A line's balance is never stored: it is the sum of its ledger entries (docs/modules/funds.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet

if TYPE_CHECKING:
    from kejin.platform.tenancy import Actor


class Purpose(models.TextChoices):
    """What a budget line pays for."""

    GUIDANCE_FUND = "guidance_fund", _("引导基金")
    RISK_COMPENSATION = "risk_compensation", _("风险补偿")
    FINANCING_SUBSIDY = "financing_subsidy", _("融资补助")
    INTEREST_SUBSIDY = "interest_subsidy", _("贷款贴息")
    AWARDS = "awards", _("奖励")


class LinkageMode(models.TextChoices):
    """The five linkage modes of the special fund (拨投、拨贷、投补、贷贴、贷奖联动)."""

    GRANT_INVESTMENT = "grant_investment", _("拨投联动")
    GRANT_LOAN = "grant_loan", _("拨贷联动")
    INVESTMENT_SUBSIDY = "investment_subsidy", _("投补联动")
    LOAN_SUBSIDY = "loan_subsidy", _("贷贴联动")
    LOAN_AWARD = "loan_award", _("贷奖联动")


class EntryKind(models.TextChoices):
    """Kinds of ledger entries. Every amount is positive; the kind gives its sign in a balance."""

    BUDGETED = "budgeted", _("预算下达")
    ADJUSTED = "adjusted", _("预算调减")
    COMMITTED = "committed", _("承诺占用")
    RELEASED = "released", _("释放")
    PAID = "paid", _("拨付")


class CityOnlyQuerySet(ScopedQuerySet):
    """The fund is the city's: the city office sees every row, every other actor none (districts
    and the public read only the published usage summary)."""

    def visible_to(self, actor: Actor) -> Self:
        return self.all() if actor.is_city else self.none()


class SpecialFund(models.Model):
    """The city's special fund for sci-tech finance (one per city, in practice)."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CityOnlyQuerySet.as_manager()
    scope = Scope(orgs=(), district=None)

    class Meta:
        verbose_name = _("专项资金")
        verbose_name_plural = _("专项资金")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """One year's budget of the fund for one purpose. Its amount lives in the ledger."""

    fund = models.ForeignKey(
        SpecialFund, verbose_name=_("专项资金"), on_delete=models.PROTECT, related_name="lines"
    )
    year = models.PositiveSmallIntegerField(_("预算年度"), db_index=True)
    purpose = models.CharField(_("用途"), max_length=32, choices=Purpose.choices, db_index=True)
    name = models.CharField(_("预算科目名称"), max_length=200)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CityOnlyQuerySet.as_manager()
    scope = Scope(orgs=(), district=None)

    class Meta:
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        ordering = ["-year", "purpose", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "year", "name"], name="funds_line_unique_name_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": None, "district_code": settings.KEJIN_CITY_DIVISION_CODE}


class AppendOnlyQuerySet(CityOnlyQuerySet):
    """Bulk changes would bypass ``save``/``delete``: refuse them too."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("ledger entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger entries are append-only")


class LedgerEntry(models.Model):
    """One movement on a budget line. Written once; a mistake is corrected by a new entry."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("预算科目"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices, db_index=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=18, decimal_places=2)
    value_date = models.DateField(_("业务日期"))
    reference = models.CharField(_("业务依据"), max_length=200, blank=True)
    # The thing the entry serves, parsed from ``reference`` when it reads "app.Model:id".
    subject_type = models.CharField(_("关联对象类型"), max_length=64, blank=True, db_index=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True, db_index=True)
    linkage_mode = models.CharField(
        _("联动模式"), max_length=32, choices=LinkageMode.choices, null=True, blank=True
    )
    commitment = models.ForeignKey(
        "self",
        verbose_name=_("对应承诺"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    counterparty = models.CharField(_("收款方"), max_length=200, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("经办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("记账时间"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()
    scope = Scope(orgs=(), district=None)

    class Meta:
        verbose_name = _("资金台账分录")
        verbose_name_plural = _("资金台账分录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["line", "kind"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_entry_amount_positive"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["released", "paid"], commitment__isnull=False)
                    | (~Q(kind__in=["released", "paid"]) & Q(commitment__isnull=True))
                ),
                name="funds_entry_settles_a_commitment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} · {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("ledger entries are append-only")

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": None, "district_code": settings.KEJIN_CITY_DIVISION_CODE}
