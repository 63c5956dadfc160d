"""Products on the shelf: an institution drafts and submits; the city office reviews before a
product is listed; the institution pauses, resumes and retires it. Editing a listed product sends
it back for review."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kejin.apps.marketplace.errors import MarketError
from kejin.apps.marketplace.facts import INDUSTRY_LABELS
from kejin.apps.marketplace.models import Guarantee, Product, ProductKind, ProductStatus
from kejin.apps.marketplace.search import search_terms
from kejin.apps.marketplace.services.common import (
    FieldErrors,
    clean_codes,
    clean_int,
    clean_money,
    clean_range,
    clean_rate,
    clean_text,
    require_city,
    require_institution,
)
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.apps.policies.notifications import city_office, notify
from kejin.platform.tenancy import Actor, access
from kejin.rules import divisions
from kejin.rules.errors import Conflict, DomainError
from kejin.rules.scoring import GRADES

LENDERS = frozenset(
    {OrgKind.BANK, OrgKind.TECH_SUB_BRANCH, OrgKind.MICRO_LENDER, OrgKind.TECH_MICRO_LENDER}
)
PUBLISHERS: dict[str, frozenset[str]] = {
    ProductKind.CREDIT_LOAN: LENDERS,
    ProductKind.IP_PLEDGE: LENDERS,
    ProductKind.EQUITY_PLEDGE: LENDERS,
    ProductKind.LEASING: frozenset({OrgKind.LEASING_COMPANY}),
    ProductKind.GUARANTEE: frozenset({OrgKind.GUARANTEE_COMPANY}),
    ProductKind.TECH_INSURANCE: frozenset({OrgKind.INSURER}),
    ProductKind.PERFORMANCE_INSURANCE: frozenset({OrgKind.INSURER}),
    ProductKind.EQUITY_INVESTMENT: frozenset(
        {OrgKind.VENTURE_CAPITAL, OrgKind.FUND_MANAGER, OrgKind.BROKER}
    ),
}
"""Which kinds of institution may publish which kinds of product."""
RATED = frozenset(
    {ProductKind.CREDIT_LOAN, ProductKind.IP_PLEDGE, ProductKind.EQUITY_PLEDGE, ProductKind.LEASING}
)
"""Kinds that must state a rate range (loans and leases); equity investment has none."""
MAX_RESPONSE_DAYS = 60


@dataclass(frozen=True)
class ProductInput:
    name: str
    kind: str
    amount_min: Any
    amount_max: Any
    term_min: Any
    term_max: Any
    guarantee: str = Guarantee.NONE
    rate_min: Any = None
    rate_max: Any = None
    summary: str = ""
    requires_tech_sme: bool = False
    requires_hnte: bool = False
    min_years: Any = None
    revenue_min: Any = None
    revenue_max: Any = None
    min_grade: str = ""
    districts: tuple[str, ...] | list[str] = field(default_factory=tuple)
    industries: tuple[str, ...] | list[str] = field(default_factory=tuple)
    documents: str = ""
    response_days: Any = 5


def city_districts() -> dict[str, str]:
    """The districts of the platform's city, by code."""
    return {d.code: d.name for d in divisions.children(settings.KEJIN_CITY_DIVISION_CODE)}


def clean_product(data: ProductInput, publisher_kind: str | None) -> dict[str, Any]:
    """Every field checked, every problem reported at once."""
    e = FieldErrors()
    out: dict[str, Any] = {
        "name": clean_text(data.name, "name", "产品名称", e, max_length=120),
        "summary": clean_text(
            data.summary, "summary", "产品介绍", e, max_length=4000, required=False
        ),
        "documents": clean_text(
            data.documents, "documents", "所需材料", e, max_length=2000, required=False
        ),
    }
    kind = (data.kind or "").strip()
    if kind not in ProductKind.values:
        e.add("kind", "请选择产品类型")
    elif publisher_kind is not None and publisher_kind not in PUBLISHERS[kind]:
        label = ProductKind(kind).label
        e.add("kind", f"贵机构类型不能发布“{label}”产品", MarketError.KIND_NOT_ALLOWED)
    out["kind"] = kind
    out["amount_min"] = clean_money(data.amount_min, "amount_min", "最低额度", e)
    out["amount_max"] = clean_money(data.amount_max, "amount_max", "最高额度", e)
    clean_range(out["amount_min"], out["amount_max"], ("amount_min", "amount_max"), "额度", e)
    out["term_min"] = clean_int(data.term_min, "term_min", "最短期限（月）", e)
    out["term_max"] = clean_int(data.term_max, "term_max", "最长期限（月）", e)
    clean_range(out["term_min"], out["term_max"], ("term_min", "term_max"), "期限", e)
    out["rate_min"] = clean_rate(data.rate_min, "rate_min", "最低年利率", e)
    out["rate_max"] = clean_rate(data.rate_max, "rate_max", "最高年利率", e)
    clean_range(out["rate_min"], out["rate_max"], ("rate_min", "rate_max"), "年利率", e)
    if kind in RATED and "rate_min" not in e.errors and out["rate_min"] is None:
        e.add("rate_min", "贷款、租赁类产品须填写利率区间")
    if kind == ProductKind.EQUITY_INVESTMENT and (out["rate_min"] or out["rate_max"]):
        e.add("rate_min", "股权投资产品不填写利率")
    guarantee = (data.guarantee or "").strip()
    if guarantee not in Guarantee.values:
        e.add("guarantee", "请选择担保方式")
    out["guarantee"] = guarantee
    out["requires_tech_sme"] = bool(data.requires_tech_sme)
    out["requires_hnte"] = bool(data.requires_hnte)
    out["min_years"] = clean_int(
        data.min_years, "min_years", "最低成立年限", e, low=0, high=50, required=False
    )
    out["revenue_min"] = clean_money(
        data.revenue_min, "revenue_min", "营业收入下限", e, required=False
    )
    out["revenue_max"] = clean_money(
        data.revenue_max, "revenue_max", "营业收入上限", e, required=False
    )
    clean_range(
        out["revenue_min"], out["revenue_max"], ("revenue_min", "revenue_max"), "营业收入", e
    )
    grade = (data.min_grade or "").strip().upper()
    if grade and grade not in GRADES:
        e.add("min_grade", f"信用等级须为 {'、'.join(GRADES)} 之一")
    out["min_grade"] = grade
    out["districts"] = clean_codes(data.districts, city_districts(), "districts", "服务区县", e)
    out["industries"] = clean_codes(data.industries, INDUSTRY_LABELS, "industries", "面向行业", e)
    out["response_days"] = clean_int(
        data.response_days, "response_days", "承诺答复时间（工作日）", e, high=MAX_RESPONSE_DAYS
    )
    e.raise_if_any()
    return out


def product_search_terms(values: dict[str, Any], publisher_name: str) -> str:
    return search_terms(
        values["name"],
        values.get("summary", ""),
        str(ProductKind(values["kind"]).label),
        str(Guarantee(values["guarantee"]).label),
        values.get("documents", ""),
        publisher_name,
    )


def _own(actor: Actor, product_id: int, *, for_update: bool = True) -> Product:
    product: Product = access(
        actor,
        Product.objects.select_related("institution"),
        product_id,
        what="产品",
        for_update=for_update,
    )
    if product.institution_id != actor.org_id:
        raise DomainError(MarketError.PRODUCT_STATUS, "只有发布机构可以修改产品", status=403)
    return product


def _rematch_later(product: Product) -> None:
    from kejin.apps.marketplace.tasks import product_rematch_task  # noqa: PLC0415 (cycle)

    product_rematch_task.enqueue(product.pk)


def _ask_review(product: Product, institution: Organisation) -> None:
    office = city_office()
    if office is not None:
        notify(
            [office],
            subject=f"待审核金融产品：{institution.name}“{product.name}”",
            url=reverse("marketplace:review"),
            topic="market.product_review",
        )


def product_create(*, actor: Actor, data: ProductInput, submit: bool = False) -> Product:
    """The institution drafts a product (and submits it for review when ``submit``)."""
    institution = require_institution(actor)
    values = clean_product(data, institution.kind)
    values["search_terms"] = product_search_terms(values, institution.name)
    with transaction.atomic():
        product = Product.objects.create(
            institution=institution,
            created_by=actor.audit_user,
            status=ProductStatus.PENDING if submit else ProductStatus.DRAFT,
            submitted_at=timezone.now() if submit else None,
            **values,
        )
        if submit:
            _ask_review(product, institution)
    return product


def product_update(*, actor: Actor, product_id: int, data: ProductInput) -> Product:
    """The institution edits its product; a listed or paused one goes back to review."""
    institution = require_institution(actor)
    values = clean_product(data, institution.kind)
    values["search_terms"] = product_search_terms(values, institution.name)
    with transaction.atomic():
        product = _own(actor, product_id)
        if product.status == ProductStatus.RETIRED:
            raise Conflict(MarketError.PRODUCT_STATUS, "已下架的产品不能修改")
        was_live = product.status in (ProductStatus.LISTED, ProductStatus.PAUSED)
        for key, value in values.items():
            setattr(product, key, value)
        if was_live or product.status == ProductStatus.PENDING:
            product.status = ProductStatus.PENDING
            product.submitted_at = timezone.now()
            _ask_review(product, institution)
        elif product.status == ProductStatus.REJECTED:
            product.status = ProductStatus.DRAFT
        product.save()
        if was_live:
            _rematch_later(product)
    return product


def product_submit(*, actor: Actor, product_id: int) -> Product:
    institution = require_institution(actor)
    with transaction.atomic():
        product = _own(actor, product_id)
        if product.status not in (ProductStatus.DRAFT, ProductStatus.REJECTED):
            raise Conflict(
                MarketError.PRODUCT_STATUS,
                f"产品当前状态为“{product.get_status_display()}”，不能提交审核",
            )
        product.status = ProductStatus.PENDING
        product.submitted_at = timezone.now()
        product.save()
        _ask_review(product, institution)
    return product


def product_review(*, actor: Actor, product_id: int, approve: bool, note: str = "") -> Product:
    """The city office lists a product it approves, or sends it back with a reason."""
    require_city(actor, "admin", "reviewer")
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(MarketError.INVALID, "退回产品须填写审核意见", {"note": "请填写退回理由"})
    with transaction.atomic():
        product: Product = access(
            actor,
            Product.objects.select_related("institution"),
            product_id,
            what="产品",
            for_update=True,
        )
        if product.status != ProductStatus.PENDING:
            raise Conflict(
                MarketError.PRODUCT_STATUS,
                f"产品当前状态为“{product.get_status_display()}”，不是待审核",
            )
        if approve and product.institution.status != OrgStatus.ACTIVE:
            raise DomainError(
                MarketError.INSTITUTION_UNREVIEWED,
                f"{product.institution.name}尚未通过平台审核（或已停用），其产品不能上架",
                {"institution": "发布机构未通过审核"},
            )
        now = timezone.now()
        product.status = ProductStatus.LISTED if approve else ProductStatus.REJECTED
        product.reviewed_at = now
        product.reviewed_by = actor.audit_user
        product.review_note = note[:300]
        if approve:
            product.listed_at = now
        product.save()
        verdict = "已通过审核并上架" if approve else f"未通过审核：{note}"
        notify(
            [product.institution],
            subject=f"产品“{product.name}”{verdict}",
            url=reverse("marketplace:product", args=[product.pk]),
            topic="market.product_review",
        )
        if approve:
            _rematch_later(product)
    return product


def _transition(
    actor: Actor, product_id: int, allowed: tuple[str, ...], target: str, verb: str
) -> Product:
    require_institution(actor)
    with transaction.atomic():
        product = _own(actor, product_id)
        if product.status not in allowed:
            raise Conflict(
                MarketError.PRODUCT_STATUS,
                f"产品当前状态为“{product.get_status_display()}”，不能{verb}",
            )
        was_listed = product.status == ProductStatus.LISTED
        product.status = target
        product.save()
        if was_listed or target == ProductStatus.LISTED:
            _rematch_later(product)
    return product


def product_pause(*, actor: Actor, product_id: int) -> Product:
    return _transition(actor, product_id, (ProductStatus.LISTED,), ProductStatus.PAUSED, "暂停")


def product_resume(*, actor: Actor, product_id: int) -> Product:
    return _transition(actor, product_id, (ProductStatus.PAUSED,), ProductStatus.LISTED, "恢复")


def product_retire(*, actor: Actor, product_id: int) -> Product:
    allowed = (
        ProductStatus.DRAFT,
        ProductStatus.REJECTED,
        ProductStatus.LISTED,
        ProductStatus.PAUSED,
        ProductStatus.PENDING,
    )
    return _transition(actor, product_id, allowed, ProductStatus.RETIRED, "下架")
