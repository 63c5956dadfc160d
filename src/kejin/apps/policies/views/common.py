"""What the policies pages share: list filters from the query string, the export columns, the
SLA ageing of a row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kejin.apps.policies import selectors
from kejin.apps.policies.codes import MeasureCode
from kejin.apps.policies.models import Application, Status
from kejin.rules import divisions

APPLICATION_COLUMNS = [
    ("number", "申报编号"),
    ("applicant", "申报单位"),
    ("district", "区县"),
    ("program", "扶持项目"),
    ("measure", "扶持措施"),
    ("status", "状态"),
    ("amount", "测算金额（元）"),
    ("proposed_amount", "拟同意金额（元）"),
    ("submitted_at", "提交时间"),
    ("step_due_on", "本环节办理时限"),
    ("overdue", "是否超期"),
    ("origin", "来源"),
]


def application_row(a: Application) -> dict[str, Any]:
    ageing = selectors.ageing(a)
    return {
        "number": a.number,
        "applicant": a.applicant.name,
        "district": divisions.name(a.district_code),
        "program": a.program.title,
        "measure": a.program.get_measure_display(),
        "status": a.get_status_display(),
        "amount": a.amount,
        "proposed_amount": a.proposed_amount,
        "submitted_at": a.submitted_at,
        "step_due_on": a.step_due_on,
        "overdue": "超期" if ageing["overdue"] else "",
        "origin": a.get_origin_display(),
    }


def application_filter(
    request: HttpRequest, *, sort: str = "-created"
) -> selectors.ApplicationFilter:
    g = request.GET
    program = g.get("program_id", "")
    return selectors.ApplicationFilter(
        q=g.get("q", "").strip(),
        status=g.get("status", ""),
        program_id=int(program) if program.isdigit() else None,
        measure=g.get("measure", ""),
        district_code=g.get("district_code", ""),
        origin=g.get("origin", ""),
        overdue=g.get("overdue") == "1",
        sort=g.get("sort", sort),
    )


def filter_context() -> dict[str, Any]:
    from kejin.apps.orgs.forms import district_choices  # noqa: PLC0415

    return {
        "statuses": Status.choices,
        "measures": MeasureCode.choices,
        "districts": district_choices(include_city=True),
        "programs": selectors.programs_public().values_list("pk", "title"),
    }


def with_ageing(page: Any) -> Any:
    for a in page:
        a.ageing = selectors.ageing(a)
    return page
