"""Products on the shelf, demands, and the matches between them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet
from kejin.rules.scoring import GRADES

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 2}


class ProductKind(models.TextChoices):
    """Kinds of financial product (GLOSSARY); the codes of ``rules.matching.KINDS``."""

    CREDIT_LOAN = "credit_loan", _("信用贷款")
    IP_PLEDGE = "ip_pledge", _("知识产权质押融资")
    EQUITY_PLEDGE = "equity_pledge", _("股权质押融资")
    LEASING = "leasing", _("融资租赁")
    GUARANTEE = "guarantee", _("融资担保")
    TECH_INSURANCE = "tech_insurance", _("科技保险")
    PERFORMANCE_INSURANCE = "performance_insurance", _("贷款履约保证保险")
    EQUITY_INVESTMENT = "equity_investment", _("股权投资")


class Guarantee(models.TextChoices):
    """What a product requires as security; the codes of ``rules.matching.GUARANTEES``."""

    NONE = "none", _("信用（无需担保）")
    IP_PLEDGE = "ip_pledge", _("知识产权质押")
    EQUITY_PLEDGE = "equity_pledge", _("股权质押")
    COLLATERAL = "collateral", _("房产/设备抵押")
    GUARANTEE_COMPANY = "guarantee_company", _("担保公司保证")
    INSURANCE = "insurance", _("履约保证保险")
    THIRD_PARTY = "third_party", _("第三方保证")


GRADE_CHOICES = [(g, g) for g in GRADES]


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    LISTED = "listed", _("已上架")
    PAUSED = "paused", _("已暂停")
    RETIRED = "retired", _("已下架")
    REJECTED = "rejected", _("未通过审核")


class Product(models.Model):
    """A financial product an institution publishes. The city office reviews it before it is
    listed; a listed product can be paused and retired."""

    institution = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("产品名称"), max_length=120)
    kind = models.CharField(_("产品类型"), max_length=32, choices=ProductKind.choices)
    summary = models.TextField(_("产品介绍"), blank=True)
    amount_min = models.DecimalField(_("最低额度（元）"), **MONEY)
    amount_max = models.DecimalField(_("最高额度（元）"), **MONEY)
    term_min = models.PositiveSmallIntegerField(_("最短期限（月）"))
    term_max = models.PositiveSmallIntegerField(_("最长期限（月）"))
    rate_min = models.DecimalField(_("最低年利率（%）"), null=True, blank=True, **RATE)
    rate_max = models.DecimalField(_("最高年利率（%）"), null=True, blank=True, **RATE)
    guarantee = models.CharField(_("担保方式"), max_length=32, choices=Guarantee.choices)
    requires_tech_sme = models.BooleanField(_("限科技型中小企业"), default=False)
    requires_hnte = models.BooleanField(_("限高新技术企业"), default=False)
    min_years = models.PositiveSmallIntegerField(_("最低成立年限（年）"), null=True, blank=True)
    revenue_min = models.DecimalField(_("营业收入下限（元）"), null=True, blank=True, **MONEY)
    revenue_max = models.DecimalField(_("营业收入上限（元）"), null=True, blank=True, **MONEY)
    min_grade = models.CharField(_("最低信用等级"), max_length=3, choices=GRADE_CHOICES, blank=True)
    districts = models.JSONField(_("服务区县"), default=list, blank=True)
    industries = models.JSONField(_("面向行业"), default=list, blank=True)
    documents = models.TextField(_("所需材料"), blank=True)
    response_days = models.PositiveSmallIntegerField(_("承诺答复时间（工作日）"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    listed_at = models.DateTimeField(_("上架时间"), null=True, blank=True)
    search_terms = models.TextField(_("检索词"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("institution",), district=None)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["-listed_at", "-pk"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.institution_id, "district_code": None}


class DemandStatus(models.TextChoices):
    OPEN = "open", _("对接中")
    SATISFIED = "satisfied", _("已满足")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已过期")


class Audience(models.TextChoices):
    OPEN = "open", _("公开（所有机构）")
    TARGETED = "targeted", _("定向发送给指定机构")


class Demand(models.Model):
    """An enterprise's financing demand."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("需求标题"), max_length=120)
    purpose = models.TextField(_("资金用途"))
    amount = models.DecimalField(_("融资金额（元）"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    max_rate = models.DecimalField(_("可接受的最高年利率（%）"), null=True, blank=True, **RATE)
    guarantees = models.JSONField(_("可接受的担保方式"), default=list, blank=True)
    kinds = models.JSONField(_("融资方式"), default=list, blank=True)
    needed_by = models.DateField(_("资金需求日期"))
    audience = models.CharField(
        _("发布范围"), max_length=16, choices=Audience.choices, default=Audience.OPEN
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    facts_hash = models.CharField(max_length=64, blank=True, editable=False)
    matched_at = models.DateTimeField(_("最近匹配时间"), null=True, blank=True)
    search_terms = models.TextField(_("检索词"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise",), district="enterprise__district_code")

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "needed_by"])]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.enterprise_id,
            "district_code": self.enterprise.district_code,
        }


class DemandTarget(models.Model):
    """An institution a targeted demand was sent to."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="targets")
    institution = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        orgs=("demand__enterprise", "institution"), district="demand__enterprise__district_code"
    )

    class Meta:
        verbose_name = _("定向机构")
        verbose_name_plural = _("定向机构")
        constraints = [
            models.UniqueConstraint(fields=["demand", "institution"], name="demand_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} → {self.institution_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.demand.enterprise_id,
            "district_code": self.demand.enterprise.district_code,
        }


class Match(models.Model):
    """A (demand, product) pair that passes every public criterion: ``eligible`` when the private
    ones (revenue, credit grade) hold too. ``reasons`` and ``score_trace`` say why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="matches")
    enterprise = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField(_("完全符合"))
    eligible_public = models.BooleanField(_("符合公开条件"))
    score = models.PositiveSmallIntegerField(_("匹配度"))
    applicable = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    reasons = models.JSONField(_("匹配理由"), default=list)
    score_trace = models.JSONField(_("评分明细"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))
    first_matched_at = models.DateTimeField(_("首次匹配时间"))

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("enterprise", "institution"), district="enterprise__district_code")

    class Meta:
        verbose_name = _("匹配")
        verbose_name_plural = _("匹配")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "product"], name="match_once_per_pair")
        ]
        indexes = [
            models.Index(fields=["institution", "eligible_public", "-score"]),
            models.Index(fields=["enterprise", "eligible", "-score"]),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} × {self.product_id}（{self.score}）"
