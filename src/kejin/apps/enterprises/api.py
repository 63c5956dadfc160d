"""The enterprises context over the API (/api/v1/enterprises): an enterprise's data here, the
evaluations in :mod:`.api_evaluation`. Thin handlers: auth → access → service → schema."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.enterprises import selectors
from kejin.apps.enterprises.api_evaluation import router as evaluation_router
from kejin.apps.enterprises.hnte_check import PrecheckInput, hnte_precheck_for
from kejin.apps.enterprises.schemas import (
    AwardIn,
    AwardOut,
    CertificateIn,
    CertificateOut,
    EnterpriseOut,
    ExecutiveIn,
    ExecutiveOut,
    FinancialYearIn,
    FinancialYearOut,
    HntePrecheckIn,
    HntePrecheckOut,
    ImportResultOut,
    InstitutionIn,
    InstitutionOut,
    IpItemIn,
    IpItemOut,
    ProfileIn,
    StandardIn,
    StandardOut,
)
from kejin.apps.enterprises.services import financials, imports, records
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["enterprises 企业信息"])
router.add_router("", evaluation_router)


@router.get("/{int:enterprise_id}", response={200: EnterpriseOut, **ERROR_RESPONSES})
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> dict[str, object]:
    return selectors.enterprise_card(actor_of(request), enterprise_id)


@router.put("/{int:enterprise_id}/profile", response={200: EnterpriseOut, **ERROR_RESPONSES})
def profile_update(request: HttpRequest, enterprise_id: int, payload: ProfileIn) -> object:
    actor = actor_of(request)
    data = payload.dict(exclude_unset=True)
    financials.profile_update(actor=actor, enterprise_id=enterprise_id, data=data)
    return selectors.enterprise_card(actor, enterprise_id)


@router.get("/{int:enterprise_id}/years", response={200: list[FinancialYearOut], **ERROR_RESPONSES})
def year_list(request: HttpRequest, enterprise_id: int) -> object:
    return list(selectors.financial_years_for(actor_of(request), enterprise_id))


@router.post(
    "/{int:enterprise_id}/years/import", response={201: ImportResultOut, **ERROR_RESPONSES}
)
def year_import(
    request: HttpRequest, enterprise_id: int, file: File[UploadedFile]
) -> Status[dict[str, int]]:
    saved = imports.financial_years_import(
        actor=actor_of(request), enterprise_id=enterprise_id, upload=file.file,
        filename=file.name or "",
    )  # fmt: skip
    return Status(201, {"imported": len(saved)})


@router.get(
    "/{int:enterprise_id}/years/{int:year}", response={200: FinancialYearOut, **ERROR_RESPONSES}
)
def year_detail(request: HttpRequest, enterprise_id: int, year: int) -> object:
    return selectors.financial_year_for(actor_of(request), enterprise_id, year)


@router.put(
    "/{int:enterprise_id}/years/{int:year}",
    response={200: FinancialYearOut, 201: FinancialYearOut, **ERROR_RESPONSES},
)
def year_save(
    request: HttpRequest, enterprise_id: int, year: int, payload: FinancialYearIn
) -> Status[object]:
    """File a year (201) or re-file it (200); a locked year answers 409 (``year_locked``)."""
    row, created = financials.financial_year_save(
        actor=actor_of(request), enterprise_id=enterprise_id, year=year, data=payload.dict()
    )
    return Status(201 if created else 200, row)


@router.post("/{int:enterprise_id}/ip/import", response={201: ImportResultOut, **ERROR_RESPONSES})
def ip_import(
    request: HttpRequest, enterprise_id: int, file: File[UploadedFile]
) -> Status[dict[str, int]]:
    created = imports.ip_items_import(
        actor=actor_of(request), enterprise_id=enterprise_id, upload=file.file,
        filename=file.name or "",
    )  # fmt: skip
    return Status(201, {"imported": len(created)})


@router.post(
    "/{int:enterprise_id}/hnte-precheck", response={200: HntePrecheckOut, **ERROR_RESPONSES}
)
def hnte_precheck(request: HttpRequest, enterprise_id: int, payload: HntePrecheckIn) -> object:
    data = payload.dict()
    on = data.pop("reference_date")
    result, years = hnte_precheck_for(
        actor_of(request), enterprise_id, PrecheckInput(**data), on=on
    )
    return {
        "years": years,
        "criteria": result.criteria,
        "passed": result.passed,
        "complete": result.complete,
        "trace": result.trace,
    }


def _records_api(path: str, kind: str, schema_in: type[Schema], schema_out: type[Schema]) -> None:
    """List, create, replace (PUT) and delete endpoints of one kind of record."""
    name = kind.replace("-", "_")
    label = records.record_kind(kind).label
    errors = ERROR_RESPONSES

    @router.get(
        f"/{{int:enterprise_id}}/{path}",
        response=list[schema_out],
        operation_id=f"{name}_list",
        summary=f"{label}列表",
    )
    @paginate(PageNumberPagination)
    def record_list(request: HttpRequest, enterprise_id: int) -> object:
        return selectors.records_for(actor_of(request), enterprise_id, kind)

    @router.post(
        f"/{{int:enterprise_id}}/{path}",
        response={201: schema_out, **errors},
        operation_id=f"{name}_create",
        summary=f"登记{label}",
    )
    def record_create(request: HttpRequest, enterprise_id: int, payload: schema_in) -> Status[Any]:  # type: ignore[valid-type]
        record = records.record_create(
            actor=actor_of(request),
            enterprise_id=enterprise_id,
            kind=kind,
            data=payload.dict(),  # type: ignore[attr-defined]
        )
        return Status(201, record)

    @router.put(
        f"/{{int:enterprise_id}}/{path}/{{int:pk}}",
        response={200: schema_out, **errors},
        operation_id=f"{name}_update",
        summary=f"修改{label}",
    )
    def record_update(
        request: HttpRequest,
        enterprise_id: int,
        pk: int,
        payload: schema_in,  # type: ignore[valid-type]
    ) -> object:
        return records.record_update(
            actor=actor_of(request), enterprise_id=enterprise_id, kind=kind, pk=pk,
            changes=payload.dict(),  # type: ignore[attr-defined]
        )  # fmt: skip

    @router.delete(
        f"/{{int:enterprise_id}}/{path}/{{int:pk}}",
        response={204: None, **errors},
        operation_id=f"{name}_delete",
        summary=f"删除{label}",
    )
    def record_delete(request: HttpRequest, enterprise_id: int, pk: int) -> Status[None]:
        records.record_delete(
            actor=actor_of(request), enterprise_id=enterprise_id, kind=kind, pk=pk
        )
        return Status(204, None)


_records_api("ip", "ip", IpItemIn, IpItemOut)
_records_api("hnte-certificates", "hnte_certificates", CertificateIn, CertificateOut)
_records_api("awards", "awards", AwardIn, AwardOut)
_records_api("standards", "standards", StandardIn, StandardOut)
_records_api("institutions", "institutions", InstitutionIn, InstitutionOut)
_records_api("executives", "executives", ExecutiveIn, ExecutiveOut)
