"""Loans over the API: bulk, idempotent reporting for institutions' systems; scoped reads."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.loans import selectors
from kejin.apps.loans.schemas import (
    BatchOut,
    BenchmarkOut,
    DrawdownBatchIn,
    LoanBatchIn,
    LoanDetailOut,
    LoanOut,
    RateIn,
    RateOut,
    RepaymentBatchIn,
)
from kejin.apps.loans.services import rates, reporting
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["loans 贷款"])


def _batch(results: list[reporting.Reported]) -> dict[str, object]:
    created = sum(1 for r in results if r.created)
    return {"created": created, "unchanged": len(results) - created, "items": results}


@router.post("/report", response={200: BatchOut, **ERROR_RESPONSES})
def loans_report(request: HttpRequest, payload: LoanBatchIn) -> dict[str, object]:
    """Report loans (idempotent by external_id; all or nothing)."""
    items = [reporting.LoanInput(**i.dict()) for i in payload.loans]
    return _batch(reporting.loans_report(actor=actor_of(request), items=items))


@router.post("/drawdowns", response={200: BatchOut, **ERROR_RESPONSES})
def drawdowns_report(request: HttpRequest, payload: DrawdownBatchIn) -> dict[str, object]:
    items = [reporting.DrawdownInput(**i.dict()) for i in payload.drawdowns]
    return _batch(reporting.drawdowns_report(actor=actor_of(request), items=items))


@router.post("/repayments", response={200: BatchOut, **ERROR_RESPONSES})
def repayments_report(request: HttpRequest, payload: RepaymentBatchIn) -> dict[str, object]:
    items = [reporting.RepaymentInput(**i.dict()) for i in payload.repayments]
    return _batch(reporting.repayments_report(actor=actor_of(request), items=items))


class LoanQuery(Schema):
    q: str = ""
    status: str = ""
    product_kind: str = ""
    lender_id: int | None = None
    district_code: str = ""
    sort: str = "-contract_date"


@router.get("", response=list[LoanOut])
@paginate(PageNumberPagination)
def loan_list(request: HttpRequest, filters: Query[LoanQuery]) -> object:
    return selectors.loan_list_for(actor_of(request), selectors.LoanFilter(**filters.dict()))


@router.get("/rates", response=list[RateOut], auth=None)
def rate_list(request: HttpRequest) -> object:
    """Public: the benchmark rate table (packaged history and the city office's entries)."""
    table = rates.rate_table()
    return [
        {
            "table": r.table.value,
            "tenor": r.tenor,
            "effective_date": r.effective_date,
            "rate_percent": r.rate,
            "source": "packaged" if r in rates.packaged_rows() else "city",
        }
        for r in sorted(
            table.rows, key=lambda r: (r.effective_date, r.table, r.tenor), reverse=True
        )
    ]


@router.get("/rates/benchmark", response={200: BenchmarkOut, **ERROR_RESPONSES}, auth=None)
def benchmark(request: HttpRequest, contract_date: date, tenor_months: int) -> dict[str, object]:
    """Public: the benchmark in force on a contract date for a tenor (RULES §2)."""
    found = rates.rate_table().benchmark_for(contract_date, tenor_months)
    src = found.source
    return {
        "contract_date": contract_date,
        "tenor_months": tenor_months,
        "rate": found.rate,
        "table": src.table.value,
        "tenor": src.tenor,
        "effective_date": src.effective_date,
    }


@router.post("/rates", response={201: RateOut, **ERROR_RESPONSES})
def rate_add(request: HttpRequest, payload: RateIn) -> object:
    from ninja import Status  # noqa: PLC0415

    return Status(201, rates.benchmark_rate_add(actor=actor_of(request), **payload.dict()))


@router.get("/{loan_id}", response={200: LoanDetailOut, **ERROR_RESPONSES})
def loan_detail(request: HttpRequest, loan_id: int, as_of: date | None = None) -> dict[str, object]:
    loan = selectors.loan_get(actor_of(request), loan_id)
    when = as_of or timezone.localdate()
    return {
        "loan": loan,
        "position": selectors.position_of(loan, when),
        "schedule": list(selectors.schedule_of(loan)),
        "repayments": list(selectors.repayments_of(loan)),
    }
