"""The special fund over the API: thin handlers (auth → access → service → schema)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.funds import selectors, usage
from kejin.apps.funds.models import BudgetLine, LedgerEntry
from kejin.apps.funds.schemas import (
    BudgetLineIn,
    BudgetLineOut,
    LedgerEntryOut,
    PublicUsageOut,
    TopupIn,
    UsageOut,
)
from kejin.apps.funds.services import lines
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["special fund 专项资金"])


class LineQuery(Schema):
    year: int | None = None
    purpose: str = ""


class LedgerQuery(Schema):
    kind: str = ""
    linkage_mode: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


class YearQuery(Schema):
    year: int | None = None


def line_out(line: BudgetLine) -> dict[str, Any]:
    b = selectors.balance_of(line)
    return {
        "id": line.pk,
        "fund_id": line.fund_id,
        "fund_name": line.fund.name,
        "year": line.year,
        "purpose": line.purpose,
        "purpose_label": line.get_purpose_display(),
        "name": line.name,
        "note": line.note,
        "created_at": line.created_at,
        "balance": {
            **{k: getattr(b, k) for k in ("budgeted", "reduced", "committed", "released")},
            **{k: getattr(b, k) for k in ("paid", "open", "available", "usage_rate")},
        },
    }


@router.get("/lines", response={200: list[BudgetLineOut], **ERROR_RESPONSES})
def line_list(request: HttpRequest, filters: Query[LineQuery]) -> list[dict[str, Any]]:
    """Budget lines with their balances derived from the ledger (the city office only)."""
    actor = actor_of(request)
    selectors.require_city(actor)
    qs = selectors.budget_lines_for(actor, year=filters.year, purpose=filters.purpose or None)
    return [line_out(line) for line in qs]


@router.post("/lines", response={201: BudgetLineOut, **ERROR_RESPONSES})
def line_create(request: HttpRequest, payload: BudgetLineIn) -> Status[dict[str, Any]]:
    """Create a budget line with its budget (the city office's system administrator)."""
    actor = actor_of(request)
    line = lines.budget_line_create(actor=actor, data=lines.BudgetLineInput(**payload.dict()))
    return Status(201, line_out(selectors.budget_line_get(actor, line.pk)))


@router.get("/lines/{line_id}", response={200: BudgetLineOut, **ERROR_RESPONSES})
def line_detail(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return line_out(selectors.budget_line_get(actor_of(request), line_id))


@router.post("/lines/{line_id}/topup", response={201: LedgerEntryOut, **ERROR_RESPONSES})
def line_topup(request: HttpRequest, line_id: int, payload: TopupIn) -> Status[LedgerEntry]:
    """Add to (positive amount) or reduce (negative amount) a line's budget."""
    entry = lines.budget_line_topup(
        actor=actor_of(request), line_id=line_id, amount=payload.amount, note=payload.note
    )
    return Status(201, entry)


@router.get("/lines/{line_id}/ledger", response={200: list[LedgerEntryOut], **ERROR_RESPONSES})
@paginate(PageNumberPagination)
def line_ledger(request: HttpRequest, line_id: int, filters: Query[LedgerQuery]) -> object:
    """The line's ledger entries, newest first, filtered."""
    f = selectors.LedgerFilter(**filters.dict())
    return selectors.ledger_for(actor_of(request), line_id, f)


@router.get("/usage", response={200: UsageOut, **ERROR_RESPONSES})
def usage_summary(request: HttpRequest, filters: Query[YearQuery]) -> dict[str, object]:
    """Budget usage by purpose and by linkage mode (the city office's dashboard)."""
    return usage.usage_for(actor_of(request), filters.year)


@router.get("/summary", response={200: PublicUsageOut}, auth=None)
def public_summary(request: HttpRequest, filters: Query[YearQuery]) -> dict[str, object]:
    """Public: budget, amount used and amount paid per year and purpose (totals only)."""
    return {"year": filters.year, "rows": usage.public_usage_summary(filters.year)}
