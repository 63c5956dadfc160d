"""Enterprise data (profile, yearly filings, IP, HNTE certificates, awards, standards, R&D
institutions), tech-SME evaluations and their publication.

Every private row belongs to one enterprise (``orgs.Organisation`` of kind ``enterprise``) and is
scoped by it: the enterprise sees its own rows, its district office the rows of its district, the
city office all rows; financial institutions see none of them (``Scope`` below).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 2}
ENTERPRISE_SCOPE = Scope(orgs=("enterprise",), district="enterprise__district_code")


class Industry(models.TextChoices):
    """Strategic emerging industry categories (战略性新兴产业分类)."""

    NEXT_GEN_IT = "next_gen_it", _("新一代信息技术")
    HIGH_END_EQUIPMENT = "high_end_equipment", _("高端装备制造")
    NEW_MATERIALS = "new_materials", _("新材料")
    BIOTECH = "biotech", _("生物")
    NEW_ENERGY_VEHICLES = "new_energy_vehicles", _("新能源汽车")
    NEW_ENERGY = "new_energy", _("新能源")
    ENERGY_SAVING = "energy_saving", _("节能环保")
    DIGITAL_CREATIVE = "digital_creative", _("数字创意")
    RELATED_SERVICES = "related_services", _("相关服务业")


class IpKind(models.TextChoices):
    """Kinds of IP (RULES §5). Class I and class II count for the tech-SME score; trademarks are
    recorded but never counted."""

    INVENTION_PATENT = "invention_patent", _("发明专利")
    DEFENCE_PATENT = "defence_patent", _("国防专利")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    NATIONAL_CROP_VARIETY = "national_crop_variety", _("国家级农作物品种")
    NATIONAL_NEW_DRUG = "national_new_drug", _("国家新药")
    TCM_PROTECTED_VARIETY = "tcm_protected_variety", _("国家一级中药保护品种")
    IC_LAYOUT_DESIGN = "ic_layout_design", _("集成电路布图设计专有权")
    UTILITY_MODEL = "utility_model", _("实用新型专利")
    DESIGN_PATENT = "design_patent", _("外观设计专利")
    SOFTWARE_COPYRIGHT = "software_copyright", _("软件著作权")
    TRADEMARK = "trademark", _("商标（不计入评价）")


IP_CLASS_I = frozenset(
    {
        IpKind.INVENTION_PATENT,
        IpKind.DEFENCE_PATENT,
        IpKind.PLANT_VARIETY,
        IpKind.NATIONAL_CROP_VARIETY,
        IpKind.NATIONAL_NEW_DRUG,
        IpKind.TCM_PROTECTED_VARIETY,
        IpKind.IC_LAYOUT_DESIGN,
    }
)
IP_CLASS_II = frozenset({IpKind.UTILITY_MODEL, IpKind.DESIGN_PATENT, IpKind.SOFTWARE_COPYRIGHT})


class StandardLevel(models.TextChoices):
    """Values of ``kejin.rules.evaluation.StandardLevel``."""

    INTERNATIONAL = "international", _("国际标准")
    NATIONAL = "national", _("国家标准")
    INDUSTRY = "industry", _("行业标准")
    LOCAL = "local", _("地方标准")
    GROUP = "group", _("团体标准")


class InstitutionLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省部级")
    MUNICIPAL = "municipal", _("市级")
    OTHER = "other", _("其他")


QUALIFYING_INSTITUTION_LEVELS = frozenset({InstitutionLevel.NATIONAL, InstitutionLevel.PROVINCIAL})


class AwardCategory(models.TextChoices):
    NATURAL_SCIENCE = "natural_science", _("国家自然科学奖")
    TECH_INVENTION = "tech_invention", _("国家技术发明奖")
    SCI_TECH_PROGRESS = "sci_tech_progress", _("国家科学技术进步奖")
    OTHER_NATIONAL = "other_national", _("其他国家级科技奖励")


class EnterpriseOwned(models.Model):
    """A row owned by one enterprise: scoped to it and to its district, audited with both."""

    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope = ENTERPRISE_SCOPE

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "organisation_id": self.enterprise_id,  # type: ignore[attr-defined]
            "district_code": self.enterprise.district_code,
        }


class EnterpriseProfile(EnterpriseOwned):
    """What an enterprise keeps about itself beyond its registration (one row per enterprise).
    Name, code, district and legal representative live on the organisation."""

    enterprise = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="enterprise_profile",
    )
    established_date = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(_("注册资本（元）"), null=True, blank=True, **MONEY)
    industry = models.CharField(
        _("所属战略性新兴产业"), max_length=32, choices=Industry.choices, blank=True
    )
    main_products = models.CharField(_("主营产品（服务）"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业概况")
        verbose_name_plural = _("企业概况")

    def __str__(self) -> str:
        return f"{self.enterprise} 概况"


class Executive(EnterpriseOwned):
    name = models.CharField(_("姓名"), max_length=100)
    position = models.CharField(_("职务"), max_length=100)
    appointed_on = models.DateField(_("任职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("高管")
        verbose_name_plural = _("高管")
        ordering = ["enterprise", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"


class FinancialYear(EnterpriseOwned):
    """One year's filing: head count, financials and the eligibility declarations of RULES §5.
    Locked (``locked_at``) once a published evaluation used it; then only an approved correction
    request changes it."""

    year = models.PositiveSmallIntegerField(_("年度"))
    employees = models.PositiveIntegerField(_("职工总数"))
    tech_staff = models.PositiveIntegerField(_("科技人员数"))
    revenue = models.DecimalField(_("销售收入（元）"), **MONEY)
    total_cost_and_expense = models.DecimalField(_("成本费用总额（元）"), **MONEY)
    rd_expense = models.DecimalField(_("研发费用（元）"), **MONEY)
    rd_expense_domestic = models.DecimalField(
        _("境内研发费用（元）"), null=True, blank=True, **MONEY
    )
    total_assets = models.DecimalField(_("资产总额（元）"), **MONEY)
    net_profit = models.DecimalField(_("净利润（元）"), **MONEY)
    tax_paid = models.DecimalField(_("纳税总额（元）"), **MONEY)
    total_income = models.DecimalField(_("总收入（元）"), null=True, blank=True, **MONEY)
    hightech_revenue = models.DecimalField(
        _("高新技术产品（服务）收入（元）"), null=True, blank=True, **MONEY
    )
    resident_in_mainland = models.BooleanField(
        _("在中国境内（不含港澳台）注册的居民企业"), null=True, blank=True
    )
    in_restricted_catalogue = models.BooleanField(
        _("产品和服务属于国家禁止、限制或淘汰类"), null=True, blank=True
    )
    had_serious_incident = models.BooleanField(
        _("上年度及当年发生重大安全、质量事故或严重环境违法、科研严重失信行为"),
        null=True,
        blank=True,
    )
    on_abnormal_operations_list = models.BooleanField(_("列入经营异常名录"), null=True, blank=True)
    on_serious_dishonesty_list = models.BooleanField(
        _("列入严重失信主体名单"), null=True, blank=True
    )
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by_run = models.ForeignKey(
        "EvaluationRun",
        verbose_name=_("锁定依据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="financial_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} 年度数据"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class IpItem(EnterpriseOwned):
    kind = models.CharField(_("知识产权类型"), max_length=32, choices=IpKind.choices)
    number = models.CharField(_("编号"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    grant_date = models.DateField(_("授权日期"))
    expiry_date = models.DateField(_("有效期至"))
    disputed = models.BooleanField(_("存在权属纠纷"), default=False)
    related_to_main_products = models.BooleanField(_("与主营产品相关"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("知识产权")
        verbose_name_plural = _("知识产权")
        ordering = ["enterprise", "-grant_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "number"], name="ip_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class HnteCertificate(EnterpriseOwned):
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    issue_date = models.DateField(_("发证日期"))
    expiry_date = models.DateField(_("有效期至"))
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("高新技术企业证书")
        verbose_name_plural = _("高新技术企业证书")
        ordering = ["enterprise", "-issue_date", "pk"]

    def __str__(self) -> str:
        return self.number


class NationalAward(EnterpriseOwned):
    name = models.CharField(_("获奖项目"), max_length=200)
    category = models.CharField(_("奖项"), max_length=32, choices=AwardCategory.choices)
    grade = models.CharField(_("等级"), max_length=32, blank=True)
    award_date = models.DateField(_("获奖日期"))
    rank = models.PositiveSmallIntegerField(_("获奖单位排名"))

    class Meta:
        verbose_name = _("国家级科技奖励")
        verbose_name_plural = _("国家级科技奖励")
        ordering = ["enterprise", "-award_date", "pk"]

    def __str__(self) -> str:
        return self.name


class StandardLed(EnterpriseOwned):
    code = models.CharField(_("标准编号"), max_length=64)
    title = models.CharField(_("标准名称"), max_length=200)
    level = models.CharField(_("标准级别"), max_length=16, choices=StandardLevel.choices)
    published_date = models.DateField(_("发布日期"))

    class Meta:
        verbose_name = _("主导制定的标准")
        verbose_name_plural = _("主导制定的标准")
        ordering = ["enterprise", "-published_date", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RdInstitution(EnterpriseOwned):
    name = models.CharField(_("研发机构名称"), max_length=200)
    level = models.CharField(_("认定级别"), max_length=16, choices=InstitutionLevel.choices)
    recognised_by = models.CharField(_("认定部门"), max_length=200)
    recognised_date = models.DateField(_("认定日期"))

    class Meta:
        verbose_name = _("研发机构")
        verbose_name_plural = _("研发机构")
        ordering = ["enterprise", "-recognised_date", "pk"]

    def __str__(self) -> str:
        return self.name


class SelfEvaluation(EnterpriseOwned):
    """An enterprise's own evaluation of one year: the facts used and the full explanation."""

    year = models.PositiveSmallIntegerField(_("年度"))
    reference_date = models.DateField(_("参照日"))
    qualified = models.BooleanField(_("符合条件"))
    total_score = models.PositiveSmallIntegerField(_("总分"))
    facts = models.JSONField(_("评价所用数据"))
    outcome = models.JSONField(_("评价结果与说明"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("科技型中小企业自评")
        verbose_name_plural = _("科技型中小企业自评")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} 年度自评"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("评价中")
    DONE = "done", _("已完成（未公示）")
    FAILED = "failed", _("失败")
    PUBLISHED = "published", _("已公示")
    SUPERSEDED = "superseded", _("已被新结果替代")


class EvaluationRun(models.Model):
    """The city office's evaluation of every active enterprise for one year (a background task),
    and its publication with a public notice period."""

    year = models.PositiveSmallIntegerField(_("年度"))
    reference_date = models.DateField(_("参照日"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("企业数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    qualified_count = models.PositiveIntegerField(_("符合条件"), default=0)
    incomplete_count = models.PositiveIntegerField(_("资料不全"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), null=True, blank=True)
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示截止"), null=True, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("created_by__organisation",), district=None)

    class Meta:
        verbose_name = _("批量评价")
        verbose_name_plural = _("批量评价")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.year} 年度科技型中小企业评价（第 {self.pk} 批）"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status not in (RunStatus.QUEUED, RunStatus.RUNNING)

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": None, "district_code": ""}


class EvaluationResult(EnterpriseOwned):
    """One enterprise's result in a run: the score parts and flags of the batch rule, and the facts
    used (from which the one-by-one rule re-creates the explanation)."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="results"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    complete = models.BooleanField(_("资料齐全"))
    missing = models.CharField(_("缺少的资料"), max_length=300, blank=True)
    tech_staff_points = models.PositiveSmallIntegerField(_("科技人员得分"), default=0)
    rd_revenue_points = models.PositiveSmallIntegerField(_("研发/收入得分"), default=0)
    rd_cost_points = models.PositiveSmallIntegerField(_("研发/成本得分"), default=0)
    rd_points = models.PositiveSmallIntegerField(_("研发投入得分"), default=0)
    ip_points = models.PositiveSmallIntegerField(_("知识产权得分"), default=0)
    total_score = models.PositiveSmallIntegerField(_("总分"), default=0)
    eligible = models.BooleanField(_("符合资格条件"), default=False)
    passes_score = models.BooleanField(_("评分通过"), default=False)
    route_hnte = models.BooleanField(_("有效高企证书"), default=False)
    route_national_award = models.BooleanField(_("国家级科技奖励"), default=False)
    route_rd_institution = models.BooleanField(_("省部级以上研发机构"), default=False)
    route_standard = models.BooleanField(_("主导制定标准"), default=False)
    direct_qualification = models.BooleanField(_("直接认定"), default=False)
    qualified = models.BooleanField(_("符合条件"), default=False)
    facts = models.JSONField(_("评价所用数据"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["run", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="result_once_per_run")
        ]
        indexes = [models.Index(fields=["run", "qualified"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准并更正")
    REJECTED = "rejected", _("已驳回")


class CorrectionRequest(EnterpriseOwned):
    """A change to a locked year, asked by the enterprise and decided by the city office."""

    financial_year = models.ForeignKey(
        FinancialYear,
        verbose_name=_("年度数据"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    changes = models.JSONField(_("更正内容"))
    previous = models.JSONField(_("原值"))
    reason = models.TextField(_("更正理由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("数据更正申请")
        verbose_name_plural = _("数据更正申请")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.financial_year} 更正申请"
