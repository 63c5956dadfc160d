"""The HNTE pre-check of one enterprise: its filed years and profile into ``rules.hnte``.

The quantitative criteria come from the filings (the latest 1–3 consecutive years up to the year
before the reference date) and the profile's establishment date; the innovation points and the
qualitative answers are the enterprise's own assessment, given with the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from kejin.apps.enterprises.access import access_enterprise
from kejin.apps.enterprises.errors import EnterpriseError
from kejin.apps.enterprises.models import EnterpriseProfile, FinancialYear
from kejin.platform.tenancy import Actor
from kejin.rules import hnte
from kejin.rules.errors import DomainError


@dataclass(frozen=True)
class PrecheckInput:
    innovation_ip: int
    innovation_transformation: int
    innovation_rd_management: int
    innovation_growth: int
    owns_core_ip: bool | None = None
    in_supported_field: bool | None = None
    had_major_incident_prior_year: bool | None = None


def _need(message: str, field: str) -> DomainError:
    return DomainError(code=EnterpriseError.YEAR_MISSING, message=message, fields={field: message})


def last_years(rows: list[FinancialYear], before: int) -> list[FinancialYear]:
    """The latest filed year before ``before`` and up to two consecutive years preceding it,
    oldest first."""
    by_year = {r.year: r for r in rows if r.year < before}
    if not by_year:
        return []
    latest = max(by_year)
    chosen = [by_year[y] for y in range(latest, latest - 3, -1) if y in by_year]
    consecutive = []
    for offset, row in enumerate(chosen):
        if row.year != latest - offset:
            break
        consecutive.append(row)
    return consecutive[::-1]


def hnte_precheck_for(
    actor: Actor, enterprise_id: int, data: PrecheckInput, *, on: date | None = None
) -> tuple[hnte.HntePrecheck, list[int]]:
    """Pre-check the enterprise's HNTE criteria; returns the result and the years used."""
    access_enterprise(actor, enterprise_id)
    on = on or timezone.localdate()
    profile = EnterpriseProfile.objects.filter(enterprise_id=enterprise_id).first()
    if profile is None or profile.established_date is None:
        raise _need("请先在企业概况中填写成立日期", "established_date")
    years = last_years(list(FinancialYear.objects.filter(enterprise_id=enterprise_id)), on.year)
    if not years:
        raise _need(f"请先填报 {on.year} 年以前至少一个年度的数据", "year")
    latest = years[-1]
    for name, label in (
        ("total_income", "总收入"),
        ("hightech_revenue", "高新技术产品（服务）收入"),
    ):
        if getattr(latest, name) is None:
            raise _need(f"请在 {latest.year} 年度数据中填写{label}", name)
    for y in years:
        if y.rd_expense_domestic is None:
            raise _need(f"请在 {y.year} 年度数据中填写境内研发费用", "rd_expense_domestic")
    result = hnte.precheck_hnte(
        hnte.HnteFacts(
            reference_date=on,
            registration_date=profile.established_date,
            employees=latest.employees,
            tech_staff=latest.tech_staff,
            years=[
                hnte.HnteYear(y.year, y.revenue, y.rd_expense, y.rd_expense_domestic)  # type: ignore[arg-type]
                for y in years
            ],
            latest_total_income=latest.total_income,  # type: ignore[arg-type]
            latest_hightech_revenue=latest.hightech_revenue,  # type: ignore[arg-type]
            innovation_ip=data.innovation_ip,
            innovation_transformation=data.innovation_transformation,
            innovation_rd_management=data.innovation_rd_management,
            innovation_growth=data.innovation_growth,
            owns_core_ip=data.owns_core_ip,
            in_supported_field=data.in_supported_field,
            had_major_incident_prior_year=data.had_major_incident_prior_year,
        )
    )
    return result, [y.year for y in years]
