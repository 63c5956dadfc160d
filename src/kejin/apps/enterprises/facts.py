"""From an enterprise's records to ``TechSmeFacts``, one enterprise at a time, with the evidence.

The choices made here are mirrored exactly by the batch assembly (:mod:`.batch`); a test proves it
on a generated population stored in the database:

- **IP** counts when its kind is class I or II, it is granted on or before the reference date and
  not expired on it (expiry inclusive), it is not disputed and it is related to the main products.
  Every item not counted says why.
- **HNTE certificate**: of the certificates issued on or before the reference date, one valid on
  that date, else the one that expired last (to show why it fails); ties go to the latest expiry,
  then the latest issue.
- **National award** and **standard**: of those dated on or before the reference date, the most
  recent *qualifying* one (within 5 years; rank 1–3, or an international, national or industry
  standard), else the most recent one.
- **R&D institution**: any national or provincial (ministerial) one recognised on or before the
  reference date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kejin.apps.enterprises.models import (
    IP_CLASS_I,
    IP_CLASS_II,
    QUALIFYING_INSTITUTION_LEVELS,
    FinancialYear,
    HnteCertificate,
    IpItem,
    IpKind,
    NationalAward,
    RdInstitution,
    StandardLed,
)
from kejin.apps.enterprises.services.financials import require_complete
from kejin.rules import hnte
from kejin.rules.evaluation import (
    DIRECT_ROUTE_YEARS,
    MAX_AWARD_RANK,
    QUALIFYING_STANDARD_LEVELS,
    StandardLevel,
    TechSmeFacts,
)


@dataclass(frozen=True)
class IpStanding:
    item_id: int
    kind: str
    kind_label: str
    number: str
    title: str
    ip_class: str  # "I", "II" or ""
    counted: bool
    reason: str


def ip_class(kind: str) -> str:
    if kind in IP_CLASS_I:
        return "I"
    if kind in IP_CLASS_II:
        return "II"
    return ""


def ip_standing(item: IpItem, on: date) -> IpStanding:
    """Whether one IP item counts for the score on ``on``, and why (not)."""
    cls = ip_class(item.kind)
    reasons = []
    if not cls:
        reasons.append("商标不属于Ⅰ类或Ⅱ类知识产权，不计入评价")
    if item.grant_date > on:
        reasons.append(f"授权日期 {item.grant_date} 晚于参照日 {on}")
    if item.expiry_date < on:
        reasons.append(f"已于 {item.expiry_date} 到期（参照日 {on}），不再有效")
    if item.disputed:
        reasons.append("存在权属纠纷")
    if not item.related_to_main_products:
        reasons.append("与主营产品（服务）无关")
    counted = not reasons
    reason = (
        f"计入{'Ⅰ' if cls == 'I' else 'Ⅱ'}类：有效期 {item.grant_date} 至 {item.expiry_date}"
        if counted
        else "不计入：" + "；".join(reasons)
    )
    return IpStanding(
        item_id=item.pk,
        kind=item.kind,
        kind_label=str(IpKind(item.kind).label),
        number=item.number,
        title=item.title,
        ip_class=cls,
        counted=counted,
        reason=reason,
    )


def choose_certificate(certs: list[HnteCertificate], on: date) -> HnteCertificate | None:
    def key(c: HnteCertificate) -> tuple[bool, date, date, int]:
        return (hnte.is_valid_on(rule_certificate(c), on), c.expiry_date, c.issue_date, c.pk)

    candidates = [c for c in certs if c.issue_date <= on]
    return max(candidates, key=key) if candidates else None


def rule_certificate(c: HnteCertificate) -> hnte.HnteCertificate:
    return hnte.HnteCertificate(c.number, c.issue_date, c.expiry_date, c.revoked_on)


def choose_award(awards: list[NationalAward], on: date) -> NationalAward | None:
    since = hnte.add_years(on, -DIRECT_ROUTE_YEARS)

    def key(a: NationalAward) -> tuple[bool, date, int]:
        return (a.award_date >= since and 1 <= a.rank <= MAX_AWARD_RANK, a.award_date, a.pk)

    candidates = [a for a in awards if a.award_date <= on]
    return max(candidates, key=key) if candidates else None


def choose_standard(standards: list[StandardLed], on: date) -> StandardLed | None:
    since = hnte.add_years(on, -DIRECT_ROUTE_YEARS)

    def key(s: StandardLed) -> tuple[bool, date, int]:
        qualifying = s.published_date >= since and s.level in QUALIFYING_STANDARD_LEVELS
        return (qualifying, s.published_date, s.pk)

    candidates = [s for s in standards if s.published_date <= on]
    return max(candidates, key=key) if candidates else None


def recognised_institution(institutions: list[RdInstitution], on: date) -> RdInstitution | None:
    found = [
        i
        for i in institutions
        if i.level in QUALIFYING_INSTITUTION_LEVELS and i.recognised_date <= on
    ]
    return max(found, key=lambda i: (i.recognised_date, i.pk)) if found else None


@dataclass
class Evidence:
    """What the facts were built from, for the explanation page."""

    year: int
    ip: list[IpStanding] = field(default_factory=list)
    certificate: str = ""
    award: str = ""
    standard: str = ""
    institution: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "ip": [s.__dict__ for s in self.ip],
            "certificate": self.certificate,
            "award": self.award,
            "standard": self.standard,
            "institution": self.institution,
        }


def build_facts(
    row: FinancialYear,
    *,
    reference_date: date,
    ip_items: list[IpItem],
    certificates: list[HnteCertificate],
    awards: list[NationalAward],
    standards: list[StandardLed],
    institutions: list[RdInstitution],
) -> tuple[TechSmeFacts, Evidence]:
    """The facts of a complete year's filing and the records, as of ``reference_date``."""
    on = reference_date
    standings = [ip_standing(i, on) for i in ip_items]
    cert = choose_certificate(certificates, on)
    award = choose_award(awards, on)
    standard = choose_standard(standards, on)
    institution = recognised_institution(institutions, on)
    facts = TechSmeFacts(
        reference_date=on,
        resident_in_mainland=bool(row.resident_in_mainland),
        employees=row.employees,
        tech_staff=row.tech_staff,
        revenue=row.revenue,
        total_assets=row.total_assets,
        rd_expense=row.rd_expense,
        total_cost_and_expense=row.total_cost_and_expense,
        ip_class_i=sum(1 for s in standings if s.counted and s.ip_class == "I"),
        ip_class_ii=sum(1 for s in standings if s.counted and s.ip_class == "II"),
        in_restricted_catalogue=bool(row.in_restricted_catalogue),
        had_serious_incident=bool(row.had_serious_incident),
        on_abnormal_operations_list=bool(row.on_abnormal_operations_list),
        on_serious_dishonesty_list=bool(row.on_serious_dishonesty_list),
        hnte_certificate=rule_certificate(cert) if cert else None,
        national_award_date=award.award_date if award else None,
        national_award_rank=award.rank if award else None,
        recognised_rd_institution=institution is not None,
        standard_led_date=standard.published_date if standard else None,
        standard_led_level=StandardLevel(standard.level) if standard else None,
    )
    evidence = Evidence(
        year=row.year,
        ip=standings,
        certificate=f"{cert.number}（{cert.issue_date} 至 {cert.expiry_date}）" if cert else "",
        award=f"{award.name}（{award.get_category_display()}，"
        f"第 {award.rank} 位，{award.award_date}）"
        if award
        else "",
        standard=f"{standard.code} {standard.title}（{standard.get_level_display()}，"
        f"{standard.published_date}）"
        if standard
        else "",
        institution=f"{institution.name}（{institution.get_level_display()}，"
        f"{institution.recognised_by}认定，{institution.recognised_date}）"
        if institution
        else "",
    )
    return facts, evidence


def facts_for(enterprise_id: int, year: int, reference_date: date) -> tuple[TechSmeFacts, Evidence]:
    """The facts of one enterprise for ``year`` (raises ``DomainError`` when the filing is
    missing or its declarations are unanswered)."""
    row = FinancialYear.objects.filter(enterprise_id=enterprise_id, year=year).first()
    require_complete(row, year)
    assert row is not None
    owned = {"enterprise_id": enterprise_id}
    return build_facts(
        row,
        reference_date=reference_date,
        ip_items=list(IpItem.objects.filter(**owned)),
        certificates=list(HnteCertificate.objects.filter(**owned)),
        awards=list(NationalAward.objects.filter(**owned)),
        standards=list(StandardLed.objects.filter(**owned)),
        institutions=list(RdInstitution.objects.filter(**owned)),
    )


# --- snapshots: the facts as JSON and back -----------------------------------------------------

_DATES = ("reference_date", "national_award_date", "standard_led_date")
_AMOUNTS = ("revenue", "total_assets", "rd_expense", "total_cost_and_expense")


def facts_to_json(f: TechSmeFacts) -> dict[str, Any]:
    """A JSON-safe snapshot (amounts as text, exact)."""
    cert = f.hnte_certificate
    return {
        "reference_date": f.reference_date.isoformat(),
        "resident_in_mainland": f.resident_in_mainland,
        "employees": f.employees,
        "tech_staff": f.tech_staff,
        **{name: str(getattr(f, name)) for name in _AMOUNTS},
        "ip_class_i": f.ip_class_i,
        "ip_class_ii": f.ip_class_ii,
        "in_restricted_catalogue": f.in_restricted_catalogue,
        "had_serious_incident": f.had_serious_incident,
        "on_abnormal_operations_list": f.on_abnormal_operations_list,
        "on_serious_dishonesty_list": f.on_serious_dishonesty_list,
        "hnte_certificate": None
        if cert is None
        else {
            "number": cert.number,
            "issue_date": cert.issue_date.isoformat(),
            "expiry_date": cert.expiry.isoformat(),
            "revoked_on": cert.revoked_on.isoformat() if cert.revoked_on else None,
        },
        "national_award_date": _iso(f.national_award_date),
        "national_award_rank": f.national_award_rank,
        "recognised_rd_institution": f.recognised_rd_institution,
        "standard_led_date": _iso(f.standard_led_date),
        "standard_led_level": None if f.standard_led_level is None else str(f.standard_led_level),
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def facts_from_json(data: dict[str, Any]) -> TechSmeFacts:
    """The facts of a snapshot (the inverse of :func:`facts_to_json`)."""
    values = {k: v for k, v in data.items() if k != "hnte_certificate"}
    for name in _DATES:
        values[name] = _day(values.get(name))
    for name in _AMOUNTS:
        values[name] = Decimal(values[name])
    cert = data.get("hnte_certificate")
    values["hnte_certificate"] = (
        None
        if cert is None
        else hnte.HnteCertificate(
            cert["number"],
            date.fromisoformat(cert["issue_date"]),
            date.fromisoformat(cert["expiry_date"]),
            _day(cert.get("revoked_on")),
        )
    )
    return TechSmeFacts(**values)
