"""Parties: organisations of every kind, their people and roles, API tokens, registrations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from kejin.platform.tenancy import Scope, ScopedQuerySet


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("科技型企业")
    BANK = "bank", _("银行")
    TECH_SUB_BRANCH = "tech_sub_branch", _("科技支行")
    MICRO_LENDER = "micro_lender", _("小额贷款公司")
    TECH_MICRO_LENDER = "tech_micro_lender", _("科技小额贷款公司")
    GUARANTEE_COMPANY = "guarantee_company", _("融资担保公司")
    LEASING_COMPANY = "leasing_company", _("融资租赁公司")
    INSURER = "insurer", _("保险公司")
    BROKER = "broker", _("证券公司")
    VENTURE_CAPITAL = "venture_capital", _("创业投资机构")
    FUND_MANAGER = "fund_manager", _("基金管理人")
    RESEARCH_INSTITUTION = "research_institution", _("科研机构")
    MAKER_SPACE_OPERATOR = "maker_space_operator", _("众创空间运营机构")
    DATA_PROVIDER = "data_provider", _("数据提供方")
    DISTRICT_OFFICE = "district_office", _("区科技局")
    CITY_OFFICE = "city_office", _("市科技局（平台运营方）")

    @classmethod
    def institutions(cls) -> frozenset[str]:
        """Financial institutions: they publish products and report business."""
        return frozenset(
            {
                cls.BANK,
                cls.TECH_SUB_BRANCH,
                cls.MICRO_LENDER,
                cls.TECH_MICRO_LENDER,
                cls.GUARANTEE_COMPANY,
                cls.LEASING_COMPANY,
                cls.INSURER,
                cls.BROKER,
                cls.VENTURE_CAPITAL,
                cls.FUND_MANAGER,
            }
        )

    @classmethod
    def government(cls) -> frozenset[str]:
        return frozenset({cls.DISTRICT_OFFICE, cls.CITY_OFFICE})


class OrgStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("已停用")
    REJECTED = "rejected", _("未通过")


class Role(models.TextChoices):
    ADMIN = "admin", _("机构管理员")
    OFFICER = "officer", _("经办人")
    REVIEWER = "reviewer", _("审核人")
    VIEWER = "viewer", _("只读用户")
    MANAGER = "manager", _("审批经理")
    CREDIT_COMMITTEE = "credit_committee", _("贷审会成员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")

    @classmethod
    def city_only(cls) -> frozenset[str]:
        return frozenset({cls.SECURITY_ADMIN, cls.AUDITOR})


class Organisation(models.Model):
    """Any party on the platform. Enterprises register themselves; the city creates the others."""

    kind = models.CharField(_("机构类型"), max_length=32, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    district_code = models.CharField(_("所属行政区划"), max_length=6, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.PENDING
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    address = models.CharField(_("注册地址"), max_length=300, blank=True)
    industry = models.CharField(_("所属行业"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    business_licence = models.FileField(
        _("营业执照"), upload_to="licences/%Y/", blank=True, max_length=300
    )
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("pk",), district="district_code")

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enterprise(self) -> bool:
        return self.kind == OrgKind.ENTERPRISE

    @property
    def is_institution(self) -> bool:
        return self.kind in OrgKind.institutions()

    @property
    def is_city(self) -> bool:
        return self.kind == OrgKind.CITY_OFFICE

    @property
    def is_district(self) -> bool:
        return self.kind == OrgKind.DISTRICT_OFFICE

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.pk, "district_code": self.district_code}


class KejinUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Django's user manager with the scoped queryset (``User.objects.visible_to(actor)``)."""


class User(AbstractUser):
    """A person. Belongs to exactly one organisation; holds roles in it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    roles = models.JSONField(_("角色"), default=list, blank=True)

    objects = KejinUserManager()
    scope = Scope(orgs=("organisation",), district="organisation__district_code")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def get_additional_data(self) -> dict[str, Any]:
        org = self.organisation
        return {
            "organisation_id": self.organisation_id,
            "district_code": org.district_code if org else None,
        }


class ApiToken(models.Model):
    """A token an institution's system uses for the API. Only its SHA-256 hash is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途说明"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    roles = models.JSONField(_("权限"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope = Scope(orgs=("organisation",), district=None)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_additional_data(self) -> dict[str, Any]:
        return {"organisation_id": self.organisation_id}
