"""Public pages (no login): policies with their clauses, programs, public notices and the
objection form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kejin.apps.orgs.models import OrgKind
from kejin.apps.policies import selectors
from kejin.apps.policies.codes import CLAUSE_OF
from kejin.apps.policies.forms import ObjectionForm
from kejin.apps.policies.measures import measure_of
from kejin.apps.policies.models import NoticeStatus
from kejin.apps.policies.services import notice as notices
from kejin.platform.pages import actor_of, apply_domain_error, paginate
from kejin.rules.errors import DomainError, NotFound
from kejin.rules.subsidies.trace import clause


def index(request: HttpRequest) -> HttpResponse:
    """政策与公示: policies in force, programs open now, notices open now."""
    ctx = {
        "policies": selectors.policies_published(),
        "programs": selectors.programs_public(only_open=True),
        "notices": selectors.notices_public().filter(status=NoticeStatus.OPEN),
    }
    return render(request, "policies/index.html", ctx)


def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_public(pk)
    ctx = {
        "policy": policy,
        "clauses": policy.clauses.all(),
        "versions": selectors.policy_versions(policy),
        "programs": selectors.programs_public().filter(policy=policy),
    }
    return render(request, "policies/policy.html", ctx)


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_public(pk)
    actor = actor_of(request)
    open_to_me = program in selectors.programs_open_to(actor)
    number = CLAUSE_OF[program.measure]
    labels = dict(OrgKind.choices)
    ctx = {
        "program": program,
        "measure": measure_of(program.measure),
        "basis": clause(number),
        "clause": program.policy.clauses.filter(number=number).first(),
        "open_to_me": open_to_me,
        "kinds": [str(labels.get(k, k)) for k in program.applicant_kinds],
    }
    return render(request, "policies/program.html", ctx)


def notice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "policies/notices.html", paginate(request, selectors.notices_public()))


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's list of proposed awards; while it is open anyone may object to one of them."""
    found = selectors.notice_public(pk)
    entries = list(selectors.notice_entries(found))
    form = ObjectionForm(request.POST or None, entries=[e for e in entries if not e.held])
    if request.method == "POST" and form.is_valid():
        try:
            objection = notices.objection_file(notice_id=found.pk, **form.cleaned_data)
        except NotFound:
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"异议已受理（编号 {objection.number}），该项奖补在处理完毕前暂缓批准。",
            )
            return redirect("policies:notice", pk=found.pk)
    total = sum((e.award_amount for e in entries), start=0)
    ctx = {"notice": found, "entries": entries, "form": form, "total": total}
    return render(request, "policies/notice.html", ctx)
