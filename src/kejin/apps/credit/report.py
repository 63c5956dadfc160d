"""The credit report of one enterprise, assembled for one authorised read (a :class:`ReadGrant`):
profile summary, rating with reasons, rating history, records by source, executives — and their
personal records only where the read may show them (otherwise the report says why). The page, the
API and the PDF all render this one structure."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kejin.apps.credit import selectors, sources
from kejin.apps.credit.models import CreditRecord, Purpose, Rating, RecordKind
from kejin.apps.credit.services.consent import ReadGrant
from kejin.rules import divisions


@dataclass
class SourceGroup:
    source: str
    kind: str
    kind_label: str
    records: list[CreditRecord]


@dataclass
class ExecutiveEntry:
    name: str
    role: str
    id_masked: str
    shown: bool
    records: list[CreditRecord] = field(default_factory=list)


@dataclass
class CreditReport:
    enterprise: Any
    district: str
    profile: Any
    rating: Rating | None
    history: list[Rating]
    groups: list[SourceGroup]
    executives: list[ExecutiveEntry]
    personal_note: str
    grant: ReadGrant
    generated_at: Any

    @property
    def purpose_label(self) -> str:
        return str(dict(Purpose.choices).get(self.grant.purpose, "—"))

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the API."""
        r = self.rating
        return {
            "enterprise": {
                "id": self.enterprise.pk,
                "name": self.enterprise.name,
                "uscc": self.enterprise.uscc,
                "district_code": self.enterprise.district_code,
                "industry": self.enterprise.industry,
                "legal_representative": self.enterprise.legal_representative,
            },
            "rating": rating_dict(r) if r else None,
            "history": [rating_dict(h, brief=True) for h in self.history],
            "records": [
                {
                    "source": g.source,
                    "kind": g.kind,
                    "kind_label": g.kind_label,
                    "items": [record_dict(x) for x in g.records],
                }
                for g in self.groups
            ],
            "executives": [
                {
                    "name": e.name,
                    "role": e.role,
                    "id_masked": e.id_masked,
                    "personal_data_shown": e.shown,
                    "records": [record_dict(x) for x in e.records],
                }
                for e in self.executives
            ],
            "personal_data_note": self.personal_note,
            "read": {
                "mode": self.grant.mode,
                "purpose": self.grant.purpose,
                "consent_id": self.grant.consent.pk if self.grant.consent else None,
                "log_id": self.grant.log.pk,
            },
            "generated_at": self.generated_at.isoformat(),
        }


def rating_dict(r: Rating, *, brief: bool = False) -> dict[str, Any]:
    out = {
        "grade": r.grade,
        "score": r.score,
        "model_version": r.model_version,
        "as_of": r.as_of.isoformat(),
        "rated_at": r.rated_at.isoformat(),
    }
    if not brief:
        out["reasons"] = r.reasons
        out["contributions"] = r.contributions
    return out


def record_dict(x: CreditRecord) -> dict[str, Any]:
    return {
        "id": x.pk,
        "kind": x.kind,
        "record_date": x.record_date.isoformat(),
        "summary": x.summary(),
        "status": x.status,
        "source": x.source.name,
    }


def build_report(grant: ReadGrant) -> CreditReport:
    enterprise = grant.enterprise
    records = list(selectors.records_of(enterprise.pk))
    groups: OrderedDict[tuple[str, str], SourceGroup] = OrderedDict()
    personal: dict[str, list[CreditRecord]] = {}
    order = {k: i for i, k in enumerate(RecordKind.values)}
    for rec in sorted(records, key=lambda x: (order.get(x.kind, 99), x.source.name)):
        if rec.is_personal:
            personal.setdefault(rec.person_id_hash, []).append(rec)
            continue
        key = (rec.source.name, rec.kind)
        if key not in groups:
            groups[key] = SourceGroup(rec.source.name, rec.kind, rec.get_kind_display(), [])
        groups[key].records.append(rec)
    executives = []
    hidden = []
    for e in selectors.executives_of_enterprise(enterprise.pk):
        shown = grant.shows_personal(e.pk)
        executives.append(
            ExecutiveEntry(
                e.name,
                e.get_role_display(),
                e.id_masked,
                shown,
                personal.get(e.id_hash, []) if shown else [],
            )
        )
        if not shown:
            hidden.append(e.name)
    note = ""
    if hidden:
        purpose = dict(Purpose.choices).get(grant.purpose, "")
        scope = f"用于“{purpose}”的" if purpose else ""
        note = (
            f"未展示 {'、'.join(hidden)} 的个人信用信息：本人未签署{scope}个人信息查询授权"
            "（依据《个人信息保护法》，个人信息须经本人同意方可提供）。"
        )
    profile = sources.profiles([enterprise.pk]).get(enterprise.pk)
    return CreditReport(
        enterprise=enterprise,
        district=divisions.full_name(enterprise.district_code),
        profile=profile,
        rating=selectors.latest_rating(enterprise.pk),
        history=selectors.rating_history(enterprise.pk),
        groups=list(groups.values()),
        executives=executives,
        personal_note=note,
        grant=grant,
        generated_at=timezone.localtime(),
    )


def render_pdf(report: CreditReport) -> bytes:
    """The report as a PDF (weasyprint; CJK text in Noto Sans CJK SC)."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, PDF downloads only

    html = render_to_string("credit/report_pdf.html", {"report": report})
    return HTML(string=html).write_pdf()
