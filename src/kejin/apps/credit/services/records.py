"""Filing shared credit records: data providers and the city office (one, or a batch
all-or-nothing), and the platform's loans (``credit_repayment_event_record``, called by the
loans context)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kejin.apps.credit import identity
from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.models import CreditRecord, RecordKind, RepaymentEvent
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus
from kejin.platform.tenancy import Actor
from kejin.rules import uscc as uscc_rules
from kejin.rules.errors import Conflict, DomainError

FILERS = (OrgKind.DATA_PROVIDER, OrgKind.CITY_OFFICE)
TAX_GRADE_LETTERS = ("A", "B", "M", "C", "D")
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    RecordKind.TAX_GRADE: ("year", "grade"),
    RecordKind.SOCIAL_INSURANCE: ("year", "month", "headcount"),
    RecordKind.COURT_JUDGMENT: ("reference", "authority"),
    RecordKind.ENFORCEMENT: ("reference", "authority"),
    RecordKind.DISHONEST_DEBTOR: ("reference", "authority"),
    RecordKind.PENALTY: ("reference", "authority"),
    RecordKind.ABNORMAL_OPERATION: ("authority", "description"),
    RecordKind.UTILITY_ARREARS: ("amount", "description"),
}
FIELD_LABELS = {
    "kind": "记录类型",
    "uscc": "企业统一社会信用代码",
    "record_date": "记录日期",
    "year": "年度",
    "month": "月份",
    "grade": "纳税信用等级",
    "headcount": "社保缴纳人数",
    "amount": "金额（元）",
    "reference": "文号/案号",
    "authority": "决定机关/法院",
    "description": "说明",
    "ended_on": "结束/移出日期",
    "person_name": "个人姓名",
    "person_id": "个人身份证号",
}


@dataclass(frozen=True)
class RecordInput:
    """A record as filed: values typed (API) or text (spreadsheet); empty means absent."""

    kind: Any
    uscc: Any
    record_date: Any = None
    year: Any = None
    month: Any = None
    grade: Any = ""
    headcount: Any = None
    amount: Any = None
    reference: Any = ""
    authority: Any = ""
    description: Any = ""
    ended_on: Any = None
    person_name: Any = ""
    person_id: Any = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RecordInput:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, limit: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise ValueError(f"不超过 {limit} 个字符")
    return text


def _date(value: Any) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError("须为日期（YYYY-MM-DD）") from None


def _int(value: Any, lo: int, hi: int) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool | float):
        raise ValueError("须为整数")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError("须为整数") from None
    if not lo <= number <= hi:
        raise ValueError(f"须在 {lo} 到 {hi} 之间")
    return number


def _amount(value: Any) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool | float):
        raise ValueError("金额须为精确数字")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("须为数字，例如 12345.67") from None
    if not number.is_finite() or number < 0:
        raise ValueError("须为不小于 0 的数字")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("金额最多两位小数")
    return number


def clean_kind(value: Any) -> str:
    raw = "" if value is None else str(value).strip()
    for code, label in RecordKind.choices:
        if raw in (code, str(label)):
            if code == RecordKind.REPAYMENT:
                raise ValueError("平台贷款还款记录由贷款业务自动报送，不能手工报送")
            return code
    raise ValueError("记录类型无效")


def _enterprise(value: Any) -> Organisation:
    code = uscc_rules.validate(str(value or ""))
    org = (
        Organisation.objects.filter(uscc=code, kind=OrgKind.ENTERPRISE)
        .exclude(status=OrgStatus.REJECTED)
        .first()
    )
    if org is None:
        raise ValueError(f"{code} 不是平台上登记的企业")
    return org


def clean_record(data: RecordInput, *, today: date) -> dict[str, Any]:
    """Validate every field of one record; report all field errors at once."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    def run(name: str, step: Any) -> None:
        try:
            out[name] = step()
        except DomainError as exc:
            errors[name] = (
                next(iter(exc.fields.values()), exc.message) if exc.fields else exc.message
            )
        except ValueError as exc:
            errors[name] = str(exc)

    run("kind", lambda: clean_kind(data.kind))
    run("enterprise", lambda: _enterprise(data.uscc))
    run("record_date", lambda: _date(data.record_date))
    run("year", lambda: _int(data.year, 1990, today.year))
    run("month", lambda: _int(data.month, 1, 12))
    run("grade", lambda: _text(data.grade, 1).upper())
    run("headcount", lambda: _int(data.headcount, 0, 10_000_000))
    run("amount", lambda: _amount(data.amount))
    run("reference", lambda: _text(data.reference, 100))
    run("authority", lambda: _text(data.authority, 200))
    run("description", lambda: _text(data.description, 500))
    run("ended_on", lambda: _date(data.ended_on))
    run("person_name", lambda: _text(data.person_name, 50))
    kind = out.get("kind")
    if "enterprise" in errors:
        errors["uscc"] = errors.pop("enterprise")
    if kind:
        for name in REQUIRED_BY_KIND.get(kind, ()):
            if name not in errors and out.get(name) in (None, ""):
                errors[name] = f"“{RecordKind(kind).label}”记录必须填写{FIELD_LABELS[name]}"
    if kind == RecordKind.TAX_GRADE and out.get("grade") and out["grade"] not in TAX_GRADE_LETTERS:
        errors["grade"] = "纳税信用等级须为 A、B、M、C、D 之一"
    day = out.get("record_date")
    if day is None and "record_date" not in errors:
        if kind == RecordKind.SOCIAL_INSURANCE and out.get("year") and out.get("month"):
            day = date(out["year"], out["month"], 1)
            out["record_date"] = day
        else:
            errors["record_date"] = "必须填写记录日期"
    if day is not None and day > today:
        errors["record_date"] = "记录日期不能晚于今天"
    ended = out.get("ended_on")
    if ended is not None and day is not None and ended < day:
        errors["ended_on"] = "结束/移出日期不能早于记录日期"
    person_id = "" if _blank(data.person_id) else str(data.person_id)
    if person_id or out.get("person_name"):
        if kind and kind not in RecordKind.personal_allowed():
            errors["person_id"] = "只有法院判决、被执行和失信被执行人记录可以涉及个人"
        elif not person_id or not out.get("person_name"):
            errors["person_id" if not person_id else "person_name"] = (
                "涉及个人的记录须同时填写姓名和身份证号"
            )
        else:
            try:
                number = identity.validate(person_id, field="person_id")
                out["person_id_masked"] = identity.mask(number)
                out["person_id_hash"] = identity.keyed_hash(number)
            except DomainError as exc:
                errors["person_id"] = exc.message
    if errors:
        raise DomainError(CreditError.RECORD_INVALID, "；".join(errors.values()), errors)
    return out


def _duplicate_key(cleaned: Mapping[str, Any]) -> tuple[Any, ...] | None:
    if cleaned["kind"] == RecordKind.TAX_GRADE:
        return ("tax", cleaned["enterprise"].pk, cleaned["year"])
    if cleaned["kind"] == RecordKind.SOCIAL_INSURANCE:
        return ("si", cleaned["enterprise"].pk, cleaned["year"], cleaned["month"])
    return None


def _exists(key: tuple[Any, ...]) -> bool:
    qs = CreditRecord.objects.exclude(status="withdrawn").filter(enterprise_id=key[1], year=key[2])
    if key[0] == "tax":
        return qs.filter(kind=RecordKind.TAX_GRADE).exists()
    return qs.filter(kind=RecordKind.SOCIAL_INSURANCE, month=key[3]).exists()


DUPLICATE_MESSAGES = {
    "tax": "该企业该年度已有纳税信用等级记录",
    "si": "该企业该月份已有社保缴纳记录",
}


def require_filer(actor: Actor) -> None:
    actor.require_kind(*FILERS, message="只有数据提供方和市科技局可以报送信用数据")
    actor.require_role("admin", "officer", message="您没有报送信用数据的角色")


def _build(actor: Actor, cleaned: Mapping[str, Any]) -> CreditRecord:
    return CreditRecord(source=actor.organisation, created_by=actor.audit_user, **cleaned)


def credit_record_file(*, actor: Actor, data: RecordInput) -> CreditRecord:
    """A data provider or the city office files one record."""
    require_filer(actor)
    cleaned = clean_record(data, today=timezone.localdate())
    key = _duplicate_key(cleaned)
    if key and _exists(key):
        raise Conflict(
            CreditError.RECORD_DUPLICATE,
            DUPLICATE_MESSAGES[key[0]],
            {"year": DUPLICATE_MESSAGES[key[0]]},
        )
    record = _build(actor, cleaned)
    with transaction.atomic():
        record.save()
    return record


def clean_batch(
    items: Sequence[RecordInput], numbers: Sequence[int]
) -> tuple[list[dict[str, Any]], list[tuple[int, str, str]]]:
    """Validate many records (duplicates within the batch included): the cleaned ones and every
    error as (number, field, message)."""
    today = timezone.localdate()
    errors: list[tuple[int, str, str]] = []
    cleaned_all: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, item in zip(numbers, items, strict=True):
        try:
            cleaned = clean_record(item, today=today)
        except DomainError as exc:
            errors.extend((number, f, m) for f, m in exc.fields.items())
            continue
        key = _duplicate_key(cleaned)
        if key and key in seen:
            errors.append(
                (number, "year", f"与第 {seen[key]} 条重复：{DUPLICATE_MESSAGES[key[0]]}")
            )
            continue
        if key and _exists(key):
            errors.append((number, "year", DUPLICATE_MESSAGES[key[0]]))
            continue
        if key:
            seen[key] = number
        cleaned_all.append(cleaned)
    return cleaned_all, errors


def save_batch(actor: Actor, cleaned_all: Sequence[Mapping[str, Any]]) -> list[CreditRecord]:
    records = [_build(actor, c) for c in cleaned_all]
    with transaction.atomic():
        for r in records:
            r.save()
    return records


def credit_records_file_batch(*, actor: Actor, items: Sequence[RecordInput]) -> list[CreditRecord]:
    """File many records at once (API bulk): every one valid, or none written. Errors name
    ``items[i].field`` (i from 0)."""
    require_filer(actor)
    if not items:
        raise DomainError(CreditError.RECORD_INVALID, "没有要报送的记录", {"items": "没有记录"})
    cleaned_all, errors = clean_batch(items, range(len(items)))
    if errors:
        raise DomainError(
            CreditError.RECORD_INVALID,
            f"共有 {len(errors)} 处错误，未报送任何记录，请修改后重新提交",
            {f"items[{n}].{f}": m for n, f, m in errors},
        )
    return save_batch(actor, cleaned_all)


def credit_repayment_event_record(
    *,
    enterprise_id: int,
    lender_id: int,
    loan_ref: str,
    event_date: date,
    kind: str,
    days_past_due: int,
    amount: Decimal,
) -> CreditRecord:
    """Store one repayment event of a platform loan (the loans context calls this after it has
    checked its own actor). The same event (lender, loan, date, kind) stored twice is stored
    once: the first is answered again."""
    errors: dict[str, str] = {}
    if kind not in RepaymentEvent.values:
        errors["kind"] = "还款事件须为 on_time、overdue、default、settled 之一"
    if isinstance(days_past_due, bool) or not isinstance(days_past_due, int) or days_past_due < 0:
        errors["days_past_due"] = "逾期天数须为不小于 0 的整数"
    if isinstance(amount, float) or not isinstance(amount, Decimal | int) or amount < 0:
        errors["amount"] = "金额须为不小于 0 的 Decimal"
    if not str(loan_ref or "").strip():
        errors["loan_ref"] = "必须提供贷款合同编号"
    enterprise = Organisation.objects.filter(pk=enterprise_id, kind=OrgKind.ENTERPRISE).first()
    lender = Organisation.objects.filter(pk=lender_id).first()
    if enterprise is None:
        errors["enterprise_id"] = "借款企业不存在"
    if lender is None or lender.kind not in OrgKind.institutions():
        errors["lender_id"] = "贷款机构不存在或不是金融机构"
    if errors:
        raise DomainError(CreditError.RECORD_INVALID, "；".join(errors.values()), errors)
    values = {
        "kind": RecordKind.REPAYMENT,
        "source": lender,
        "reference": str(loan_ref).strip()[:100],
        "record_date": event_date,
        "repayment_event": kind,
    }
    existing = CreditRecord.objects.filter(**values).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CreditRecord.objects.create(
                enterprise=enterprise,
                days_past_due=days_past_due,
                amount=Decimal(amount).quantize(Decimal("0.01")),
                **values,
            )
    except IntegrityError:
        return CreditRecord.objects.get(**values)
