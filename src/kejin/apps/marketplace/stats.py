"""Statistics of the marketplace: demands, matches, applications, grant rate, time to first
response (working days) and amount granted, by institution, by product kind or by district.

The city office sees the whole city, a district office its district, an institution its own
rows. Averages and rates are exact decimals (no float)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from kejin.apps.marketplace.models import Application, ApplicationStatus, Demand, Match, ProductKind
from kejin.apps.orgs.models import Organisation, OrgKind
from kejin.platform.tenancy import Actor
from kejin.rules import divisions
from kejin.rules.money import round_fen

GROUPINGS = {"institution": "按机构", "kind": "按产品类型", "district": "按区县"}
KEYS = {
    "institution": "institution_id",
    "kind": "product__kind",
    "district": "enterprise__district_code",
}
ZERO = Decimal("0.00")


@dataclass
class StatRow:
    key: str
    label: str
    demands: int = 0
    matches: int = 0
    applications: int = 0
    granted: int = 0
    declined: int = 0
    responded: int = 0
    response_days_total: int = 0
    amount_granted: Decimal = field(default_factory=lambda: ZERO)

    @property
    def grant_rate(self) -> Decimal | None:
        """Granted ÷ decided (granted + declined), percent to one decimal."""
        decided = self.granted + self.declined
        if not decided:
            return None
        return (Decimal(self.granted * 100) / decided).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def avg_response_days(self) -> Decimal | None:
        """Average working days from submission to the institution's first response."""
        if not self.responded:
            return None
        return (Decimal(self.response_days_total) / self.responded).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    def add(self, other: StatRow) -> None:
        for name in (
            "demands",
            "matches",
            "applications",
            "granted",
            "declined",
            "responded",
            "response_days_total",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.amount_granted += other.amount_granted


@dataclass(frozen=True)
class StatFilter:
    by: str = "institution"
    date_from: date | None = None
    date_to: date | None = None


def _scoped(actor: Actor, qs: QuerySet[Any], *, institution: str, district: str) -> QuerySet[Any]:
    if actor.is_city:
        return qs
    if actor.is_district:
        return qs.filter(**{district: actor.district_code})
    if actor.kind in OrgKind.institutions():
        return qs.filter(**{institution: actor.org_id})
    return qs.none()


def _period(qs: QuerySet[Any], name: str, f: StatFilter) -> QuerySet[Any]:
    if f.date_from:
        qs = qs.filter(**{f"{name}__date__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{name}__date__lte": f.date_to})
    return qs


def _label(by: str, key: Any, names: dict[int, str]) -> str:
    if by == "institution":
        return names.get(key, str(key))
    if by == "kind":
        return str(dict(ProductKind.choices).get(key, key))
    return divisions.name(key) or str(key)


def market_stats(actor: Actor, f: StatFilter | None = None) -> tuple[list[StatRow], StatRow]:
    """One row per institution, product kind or district, and the total."""
    f = f or StatFilter()
    by = f.by if f.by in KEYS else "institution"
    key = KEYS[by]
    rows: dict[Any, StatRow] = defaultdict(lambda: StatRow(key="", label=""))
    apps = _period(
        _scoped(
            actor,
            Application.objects.all(),
            institution="institution_id",
            district="enterprise__district_code",
        ),
        "submitted_at",
        f,
    )
    granted = Q(status=ApplicationStatus.GRANTED)
    for r in apps.values(key).annotate(
        n=Count("pk"),
        g=Count("pk", filter=granted),
        d=Count("pk", filter=Q(status=ApplicationStatus.DECLINED)),
        responded=Count("response_working_days"),
        days=Sum("response_working_days"),
        amount=Sum("granted_amount", filter=granted),
    ):
        row = rows[r[key]]
        row.applications, row.granted, row.declined = r["n"], r["g"], r["d"]
        row.responded, row.response_days_total = r["responded"], r["days"] or 0
        row.amount_granted = round_fen(r["amount"] or ZERO)
    matches = _period(
        _scoped(
            actor,
            Match.objects.filter(eligible=True),
            institution="institution_id",
            district="enterprise__district_code",
        ),
        "first_matched_at",
        f,
    )
    for r in matches.values(key).annotate(n=Count("pk"), demands=Count("demand_id", distinct=True)):
        rows[r[key]].matches = r["n"]
        if by != "district":
            rows[r[key]].demands = r["demands"]
    if by == "district":
        demands = _period(
            _scoped(
                actor,
                Demand.objects.all(),
                institution="enterprise_id",
                district="enterprise__district_code",
            ),
            "created_at",
            f,
        )
        if actor.kind in OrgKind.institutions():
            demands = demands.none()
        for r in demands.values(key).annotate(n=Count("pk")):
            rows[r[key]].demands = r["n"]
    names = dict(
        Organisation.objects.filter(pk__in=[k for k in rows if by == "institution"]).values_list(
            "pk", "name"
        )
    )
    out = []
    for k, row in rows.items():
        row.key, row.label = str(k), _label(by, k, names)
        out.append(row)
    out.sort(key=lambda r: (-r.applications, -r.matches, r.label))
    total = StatRow(key="total", label="合计")
    for row in out:
        total.add(row)
    if by != "district":
        total.demands = _total_demands(actor, f)
    return out, total


def _total_demands(actor: Actor, f: StatFilter) -> int:
    qs = _period(
        _scoped(
            actor,
            Match.objects.filter(eligible=True),
            institution="institution_id",
            district="enterprise__district_code",
        ),
        "first_matched_at",
        f,
    )
    return qs.values("demand_id").distinct().count()


def chart_data(rows: list[StatRow], limit: int = 15) -> dict[str, Any]:
    """The series of the ECharts bar charts (amounts as strings of yuan: no float)."""
    top = rows[:limit]
    return {
        "names": [r.label for r in top],
        "applications": [r.applications for r in top],
        "granted": [r.granted for r in top],
        "matches": [r.matches for r in top],
        "amount_wan": [str((r.amount_granted / 10_000).quantize(Decimal("0.01"))) for r in top],
    }
