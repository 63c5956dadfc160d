"""Writes on an enterprise's profile and its yearly filings (head count, financials, declarations).

A year used by a published evaluation is locked: :func:`financial_year_save` refuses it with
``enterprise.year_locked`` (409) and points to the correction request, which the city office
decides (:mod:`kejin.apps.enterprises.services.corrections`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from kejin.apps.enterprises.access import access_editable_enterprise
from kejin.apps.enterprises.errors import EnterpriseError
from kejin.apps.enterprises.models import EnterpriseProfile, FinancialYear, Industry
from kejin.apps.enterprises.services.fields import FieldErrors, FieldSpec, clean_fields
from kejin.apps.orgs.services import organisations as org_services
from kejin.platform.tenancy import Actor
from kejin.rules.errors import Conflict, DomainError

FIRST_YEAR = 2000

PROFILE_FIELDS = (
    FieldSpec("established_date", "成立日期", "past_date", required=False),
    FieldSpec("registered_capital", "注册资本", "amount", required=False),
    FieldSpec("industry", "所属战略性新兴产业", "choice", required=False, default="",
              choices=Industry.choices),
    FieldSpec("main_products", "主营产品（服务）", "text", required=False, default="",
              max_length=300),
)  # fmt: skip

AMOUNT_FIELDS = (
    FieldSpec("revenue", "销售收入", "amount"),
    FieldSpec("total_cost_and_expense", "成本费用总额", "amount"),
    FieldSpec("rd_expense", "研发费用", "amount"),
    FieldSpec("rd_expense_domestic", "境内研发费用", "amount", required=False),
    FieldSpec("total_assets", "资产总额", "amount"),
    FieldSpec("net_profit", "净利润", "signed"),
    FieldSpec("tax_paid", "纳税总额", "amount"),
    FieldSpec("total_income", "总收入", "amount", required=False),
    FieldSpec("hightech_revenue", "高新技术产品（服务）收入", "amount", required=False),
)
DECLARATION_FIELDS = (
    FieldSpec("resident_in_mainland", "在中国境内（不含港澳台）注册的居民企业", "bool",
              required=False),
    FieldSpec("in_restricted_catalogue", "产品和服务属于国家禁止、限制或淘汰类", "bool",
              required=False),
    FieldSpec("had_serious_incident",
              "上年度及当年发生重大安全、质量事故或严重环境违法、科研严重失信行为", "bool",
              required=False),
    FieldSpec("on_abnormal_operations_list", "列入经营异常名录", "bool", required=False),
    FieldSpec("on_serious_dishonesty_list", "列入严重失信主体名单", "bool", required=False),
)  # fmt: skip
YEAR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("employees", "职工总数", "count"),
    FieldSpec("tech_staff", "科技人员数", "count"),
    *AMOUNT_FIELDS,
    *DECLARATION_FIELDS,
)
YEAR_FIELD_NAMES = tuple(f.name for f in YEAR_FIELDS)
YEAR_LABELS = {f.name: f.label for f in YEAR_FIELDS}


def clean_year_number(raw: Any, errors: FieldErrors, *, field: str = "year") -> int | None:
    """A filing year: from 2000 to the current year."""
    this_year = timezone.localdate().year
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        errors.add(field, f"年度须为四位数字年份（收到“{raw}”）", EnterpriseError.YEAR_INVALID)
        return None
    if not FIRST_YEAR <= year <= this_year:
        errors.add(
            field,
            f"年度须在 {FIRST_YEAR}–{this_year} 之间（收到 {year}）",
            EnterpriseError.YEAR_INVALID,
        )
        return None
    return year


def clean_year_data(raw: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Clean a year's values and check them against each other."""
    cleaned = clean_fields(YEAR_FIELDS, raw, errors)

    def over(part: str, whole: str, message: str) -> None:
        a, b = cleaned.get(part), cleaned.get(whole)
        if a is not None and b is not None and a > b:
            errors.add(part, message, EnterpriseError.INCONSISTENT)

    over("tech_staff", "employees", "科技人员数不能超过职工总数")
    over("rd_expense_domestic", "rd_expense", "境内研发费用不能超过研发费用")
    over("hightech_revenue", "total_income", "高新技术产品（服务）收入不能超过总收入")
    return cleaned


def year_locked_error(year: int) -> Conflict:
    message = (
        f"{year} 年度数据已被已公示的科技型中小企业评价结果使用，已锁定，不能直接修改；"
        "如需更正，请提交数据更正申请，由市科技局审核"
    )
    return Conflict(EnterpriseError.YEAR_LOCKED, message, {"year": message})


def financial_year_save(
    *, actor: Actor, enterprise_id: int, year: Any, data: Mapping[str, Any]
) -> tuple[FinancialYear, bool]:
    """File (or re-file) a whole year for the actor's own enterprise. Returns (row, created)."""
    with transaction.atomic():
        enterprise = access_editable_enterprise(actor, enterprise_id)
        errors = FieldErrors()
        number = clean_year_number(year, errors)
        cleaned = clean_year_data(data, errors)
        errors.raise_if_any()
        assert number is not None
        row = (
            FinancialYear.objects.select_for_update()
            .filter(enterprise_id=enterprise_id, year=number)
            .first()
        )
        created = row is None
        if row is None:
            row = FinancialYear(enterprise=enterprise, year=number)
        elif row.is_locked:
            raise year_locked_error(number)
        for name, value in cleaned.items():
            setattr(row, name, value)
        row.enterprise = enterprise
        row.save()
    return row, created


def profile_update(
    *, actor: Actor, enterprise_id: int, data: Mapping[str, Any]
) -> EnterpriseProfile:
    """Save the profile; the legal representative is kept on the organisation (orgs context)."""
    with transaction.atomic():
        enterprise = access_editable_enterprise(actor, enterprise_id)
        errors = FieldErrors()
        unknown = set(data) - {f.name for f in PROFILE_FIELDS} - {"legal_representative"}
        for key in sorted(unknown):
            errors.add(key, "该字段不可修改")
        cleaned = clean_fields([f for f in PROFILE_FIELDS if f.name in data], data, errors)
        legal = data.get("legal_representative")
        if legal is not None and len(str(legal).strip()) > 100:
            errors.add("legal_representative", "法定代表人不超过 100 个字符")
        errors.raise_if_any()
        profile = EnterpriseProfile.objects.select_for_update().filter(
            enterprise=enterprise
        ).first() or EnterpriseProfile(enterprise=enterprise)
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.save()
        if legal is not None and str(legal).strip() != enterprise.legal_representative:
            org_services.organisation_update(
                actor=actor,
                org_id=enterprise_id,
                changes={"legal_representative": str(legal).strip()},
            )
    return profile


def missing_declarations(row: FinancialYear) -> list[str]:
    """Labels of the declarations not yet answered for the year."""
    return [f.label for f in DECLARATION_FIELDS if getattr(row, f.name) is None]


def require_complete(row: FinancialYear | None, year: int) -> FinancialYear:
    """The year's filing, complete enough to be evaluated; otherwise a message naming the gap."""
    if row is None:
        raise DomainError(
            code=EnterpriseError.YEAR_MISSING,
            message=f"尚未填报 {year} 年度数据，请先填报后再评价",
            fields={"year": f"{year} 年度数据未填报"},
        )
    missing = missing_declarations(row)
    if missing:
        fields = {
            f.name: f"请回答：{f.label}" for f in DECLARATION_FIELDS if getattr(row, f.name) is None
        }
        raise DomainError(
            code=EnterpriseError.DECLARATION_MISSING,
            message=f"{year} 年度资格声明未填写完整：" + "、".join(missing),
            fields=fields,
        )
    return row
