"""The city sets up pools and their dated cooperation agreements with banks and insurers."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from kejin.apps.loans.models import ProductKind
from kejin.apps.orgs.models import Organisation, OrgStatus
from kejin.apps.riskpool.errors import PoolError
from kejin.apps.riskpool.models import (
    Agreement,
    AgreementVersion,
    BorrowerKind,
    Claim,
    PartyKind,
    Registration,
    RiskPool,
)
from kejin.apps.riskpool.services.common import PARTY_KINDS, require_city
from kejin.platform.tenancy import Actor, access
from kejin.rules.errors import Conflict, DomainError, NotFound
from kejin.rules.money import Number, round_fen, to_decimal
from kejin.rules.params import ParameterSet

HUNDRED = Decimal(100)
PARAM_KEYS = {
    "leverage": "risk_pool.leverage",
    "pool_share_insured": "risk_pool.share_with_insurance.pool",
    "bank_share_insured": "risk_pool.share_with_insurance.bank",
    "insurer_share_insured": "risk_pool.share_with_insurance.insurer",
    "pool_share_uninsured": "risk_pool.share_without_insurance.pool",
    "bank_share_uninsured": "risk_pool.share_without_insurance.bank",
    "per_loan_cap": "risk_pool.per_loan_cap",
    "npl_threshold": "risk_pool.npl_suspension_ratio",
}
PERCENT_FIELDS = (
    "pool_share_insured",
    "bank_share_insured",
    "insurer_share_insured",
    "pool_share_uninsured",
    "bank_share_uninsured",
    "npl_threshold",
)
DEFAULT_PRODUCTS = tuple(k for k in ProductKind.values if k != ProductKind.LEASING)


@dataclass(frozen=True)
class VersionInput:
    """An agreement version's terms; a number left ``None`` takes the city default in force on
    ``effective_from`` (rules/params/risk_pool.yaml)."""

    effective_from: date
    source: str = ""
    leverage: Number | None = None
    pool_share_insured: Number | None = None
    bank_share_insured: Number | None = None
    insurer_share_insured: Number | None = None
    pool_share_uninsured: Number | None = None
    bank_share_uninsured: Number | None = None
    per_loan_cap: Number | None = None
    npl_threshold: Number | None = None
    interest_covered: bool = False
    eligible_borrowers: tuple[str, ...] = (BorrowerKind.TECH_SME, BorrowerKind.HNTE)
    product_kinds: tuple[str, ...] = field(default=DEFAULT_PRODUCTS)


def pool_create(*, actor: Actor, name: str, opened_on: date, description: str = "") -> RiskPool:
    require_city(actor, "admin")
    text = (name or "").strip()
    if not text or len(text) > 200:
        raise DomainError(
            code=PoolError.NAME_REQUIRED,
            message="请填写资金池名称（不超过200个字符）",
            fields={"name": "请填写资金池名称（不超过200个字符）"},
        )
    try:
        with transaction.atomic():
            return RiskPool.objects.create(
                name=text,
                opened_on=opened_on,
                description=(description or "").strip(),
                created_by=actor.audit_user,
            )
    except IntegrityError:
        raise Conflict(
            code=PoolError.NAME_TAKEN,
            message=f"已有名为“{text}”的资金池",
            fields={"name": "名称已存在"},
        ) from None


def _number(raw: Number | None, name: str, errors: dict[str, str]) -> Decimal | None:
    try:
        return None if raw is None or raw == "" else to_decimal(raw, field=name)
    except DomainError as exc:
        errors.update(exc.fields or {name: exc.message})
        return None


def clean_version(data: VersionInput, *, party_kind: str) -> dict[str, object]:
    """Check a version's terms, fill defaults, and report every field error at once."""
    errors: dict[str, str] = {}
    source = (data.source or "").strip()
    products = tuple(dict.fromkeys(data.product_kinds))
    unknown = [p for p in products if p not in ProductKind.values]
    if not products or unknown:
        errors["product_kinds"] = (
            f"未知的产品类型：{'、'.join(unknown)}" if unknown else "请至少选择一种产品类型"
        )
    cleaned: dict[str, object] = {
        "effective_from": data.effective_from,
        "product_kinds": list(products),
    }
    if party_kind == PartyKind.INSURER:
        cleaned["source"] = source or "与合作保险公司签订的履约保证保险合作协议"
        if errors:
            raise DomainError(
                code=PoolError.VERSION_INVALID, message=next(iter(errors.values())), fields=errors
            )
        return cleaned
    params = ParameterSet.defaults()
    used_defaults = []
    for name, key in PARAM_KEYS.items():
        value = _number(getattr(data, name), name, errors)
        if value is None and name not in errors:
            value = params.decimal_at(key, data.effective_from)
            used_defaults.append(key)
        cleaned[name] = value
    for name in PERCENT_FIELDS:
        value = cleaned.get(name)
        if isinstance(value, Decimal) and not Decimal(0) <= value <= HUNDRED:
            errors[name] = f"百分比须在 0–100 之间（收到 {value}）"
    leverage = cleaned.get("leverage")
    if isinstance(leverage, Decimal) and not Decimal(0) < leverage <= HUNDRED:
        errors["leverage"] = f"放大倍数须大于 0 且不超过 100（收到 {leverage}）"
    cap = cleaned.get("per_loan_cap")
    if isinstance(cap, Decimal) and (cap <= 0 or cap != round_fen(cap)):
        errors["per_loan_cap"] = f"单笔补偿上限须为大于零、精确到分的金额（收到 {cap}）"
    for suffix, label, parties in (
        ("insured", "有履约保证保险时", ("pool", "bank", "insurer")),
        ("uninsured", "无履约保证保险时", ("pool", "bank")),
    ):
        values = [cleaned.get(f"{p}_share_{suffix}") for p in parties]
        if all(isinstance(v, Decimal) for v in values):
            total = sum(values, Decimal(0))  # type: ignore[arg-type]
            if total != HUNDRED:
                errors[f"pool_share_{suffix}"] = (
                    f"{label}各方分担比例之和须为 100%（现为 {total}%）"
                )
    borrowers = tuple(dict.fromkeys(data.eligible_borrowers))
    if not borrowers or any(b not in BorrowerKind.values for b in borrowers):
        errors["eligible_borrowers"] = "请选择可入池借款人：科技型中小企业和/或高新技术企业"
    if errors:
        shares_only = all(k.startswith("pool_share_") for k in errors)
        code = PoolError.SHARES_NOT_100 if shares_only else PoolError.VERSION_INVALID
        raise DomainError(code=code, message="；".join(errors.values()), fields=errors)
    note = f"（未填写的参数取市级默认值：{'、'.join(used_defaults)}）" if used_defaults else ""
    cleaned["source"] = (source or "合作协议") + note
    cleaned["interest_covered"] = bool(data.interest_covered)
    cleaned["eligible_borrowers"] = list(borrowers)
    return cleaned


def _party(party_id: int) -> Organisation:
    party = Organisation.objects.filter(pk=party_id, status=OrgStatus.ACTIVE).first()
    if party is None:
        raise DomainError(
            code=PoolError.PARTY_KIND,
            message="合作机构不存在或未启用",
            fields={"party_id": "请选择在册的银行或保险公司"},
        )
    return party


def agreement_create(
    *,
    actor: Actor,
    pool_id: int,
    party_id: int,
    reference: str,
    signed_on: date,
    version: VersionInput,
) -> Agreement:
    """The city signs a cooperation agreement with a bank or an insurer (with its first terms)."""
    require_city(actor, "admin")
    pool = access(actor, RiskPool.objects.all(), pool_id, what="风险补偿资金池")
    party = _party(party_id)
    kind = next((k for k, kinds in PARTY_KINDS.items() if party.kind in kinds), None)
    if kind is None:
        raise DomainError(
            code=PoolError.PARTY_KIND,
            message=f"“{party.name}”是{party.get_kind_display()}，只能与银行或保险公司签订合作协议",
            fields={"party_id": "请选择银行或保险公司"},
        )
    ref = (reference or "").strip()
    if not ref:
        raise DomainError(
            code=PoolError.VERSION_INVALID,
            message="请填写协议编号",
            fields={"reference": "请填写协议编号"},
        )
    cleaned = clean_version(version, party_kind=kind)
    with transaction.atomic():
        if Agreement.objects.filter(pool=pool, party=party).exists():
            raise Conflict(
                code=PoolError.AGREEMENT_EXISTS,
                message=f"资金池已与“{party.name}”签订合作协议；修改条款请新增协议版本",
                fields={"party_id": "已有合作协议"},
            )
        agreement = Agreement.objects.create(
            pool=pool,
            party=party,
            party_kind=kind,
            reference=ref[:64],
            signed_on=signed_on,
            created_by=actor.audit_user,
        )
        AgreementVersion.objects.create(agreement=agreement, created_by=actor.audit_user, **cleaned)
    return agreement


def _locked_until(agreement: Agreement) -> date | None:
    """The latest date on which a registration or a claim relied on this agreement's terms."""
    if agreement.party_kind == PartyKind.INSURER:
        regs = Registration.objects.filter(pool=agreement.pool, insurer=agreement.party)
        claims = Claim.objects.filter(pool=agreement.pool, insurer=agreement.party)
    else:
        regs = Registration.objects.filter(agreement=agreement)
        claims = Claim.objects.filter(version__agreement=agreement)
    dates = [
        regs.aggregate(d=Max("registered_on"))["d"],
        claims.aggregate(d=Max("default_date"))["d"],
    ]
    found = [d for d in dates if d is not None]
    return max(found) if found else None


def agreement_version_add(
    *, actor: Actor, agreement_id: int, version: VersionInput
) -> AgreementVersion:
    """New terms from a date. An old version is never edited; a new one may not take effect on or
    before a date a registration or a claim already relied on."""
    require_city(actor, "admin")
    with transaction.atomic():
        try:
            agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
        except (Agreement.DoesNotExist, ValueError, TypeError):
            raise NotFound("合作协议") from None
        cleaned = clean_version(version, party_kind=agreement.party_kind)
        day = version.effective_from
        if agreement.versions.filter(effective_from=day).exists():
            raise Conflict(
                code=PoolError.VERSION_DATE_TAKEN,
                message=(
                    f"协议在 {day.isoformat()} 已有一个版本；旧版本不能修改，请选择新的生效日期"
                ),
                fields={"effective_from": "该日期已有协议版本"},
            )
        locked = _locked_until(agreement)
        if locked is not None and day <= locked:
            raise Conflict(
                code=PoolError.VERSION_LOCKED,
                message=(
                    f"{locked.isoformat()} 及以前的协议条款已被入池登记或代偿申请使用，"
                    f"新版本的生效日期须晚于该日"
                ),
                fields={"effective_from": f"须晚于 {locked.isoformat()}"},
            )
        return AgreementVersion.objects.create(
            agreement=agreement, created_by=actor.audit_user, **cleaned
        )


VERSION_FIELDS = tuple(f.name for f in fields(VersionInput))
