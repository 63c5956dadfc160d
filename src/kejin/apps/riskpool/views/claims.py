"""Claim pages: the bank files and follows its claims; the insurer sees those it shares; the city
reviews them with four eyes (propose, then another person approves or rejects)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kejin.apps.riskpool import exports, selectors
from kejin.apps.riskpool.forms import ApproveForm, ClaimForm, ProposeForm, RejectForm
from kejin.apps.riskpool.models import ClaimStatus
from kejin.apps.riskpool.services import claims
from kejin.apps.riskpool.services.common import APPROVER_ROLES, CITY_ROLES, require_bank, today
from kejin.apps.riskpool.traces import trace_lines
from kejin.apps.riskpool.views.common import int_or_none, is_bank
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.rules.errors import DomainError, NotFound


@login_required_actor
def claim_list(request: HttpRequest, *, review: bool = False) -> HttpResponse:
    actor = actor_of(request)
    g = request.GET
    status = g.get("status", selectors.OPEN if review else "")
    f = selectors.ClaimFilter(
        q=g.get("q", "").strip(),
        pool_id=int_or_none(g.get("pool")),
        bank_id=int_or_none(g.get("bank")),
        status=status,
        insured=g.get("insured", ""),
    )
    qs = selectors.claim_list_for(actor, f)
    if wants_export(request):
        return exports.claims_xlsx(qs)
    ctx = {
        **paginate(request, qs),
        "f": f,
        "status": status,
        "statuses": ClaimStatus.choices,
        "review": review,
        "can_file": is_bank(actor),
    }
    return render(request, "riskpool/claim_list.html", ctx)


@login_required_actor
def claim_review(request: HttpRequest) -> HttpResponse:
    return claim_list(request, review=True)


@login_required_actor
def claim_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require_bank(actor)
    loans = [
        (r.loan_id, f"{r.loan.external_id} · {r.borrower.name}")
        for r in selectors.claimable_registrations_for(actor)
    ]
    form = ClaimForm(request.POST or None, loans=loans, initial={"filed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.claim_file(actor=actor, data=claims.ClaimInput(**form.cleaned_data))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已提交代偿申请，申请损失 {claim.loss} 元")
            return redirect("riskpool:claim", claim_id=claim.pk)
    return render(request, "riskpool/form.html", {"form": form, "title": "申请代偿"})


@login_required_actor
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = actor_of(request)
    claim = selectors.claim_get(actor, claim_id)
    person = actor.audit_user
    can_propose = (
        actor.is_city and actor.has_role(*CITY_ROLES) and claim.status == ClaimStatus.FILED
    )
    can_approve = (
        actor.is_city
        and actor.has_role(*APPROVER_ROLES)
        and claim.status == ClaimStatus.PROPOSED
        and person is not None
        and person.pk != claim.proposed_by_id
    )
    ctx = {
        "claim": claim,
        "trace": trace_lines(claim.trace),
        "recoveries": selectors.recoveries_of(claim),
        "can_propose": can_propose,
        "can_approve": can_approve,
        "same_person": claim.status == ClaimStatus.PROPOSED
        and person is not None
        and person.pk == claim.proposed_by_id,
        "can_reject": actor.is_city
        and actor.has_role(*CITY_ROLES)
        and claim.status in (ClaimStatus.FILED, ClaimStatus.PROPOSED),
        "propose_form": ProposeForm(),
        "approve_form": ApproveForm(),
        "reject_form": RejectForm(),
    }
    return render(request, "riskpool/claim_detail.html", ctx)


def _act(request: HttpRequest, claim_id: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    forms = {"propose": ProposeForm, "approve": ApproveForm, "reject": RejectForm}
    form = forms[action](request.POST)
    try:
        if not form.is_valid():
            raise DomainError(
                code="request.invalid",
                message="；".join(str(e) for errors in form.errors.values() for e in errors),
            )
        d = form.cleaned_data
        if action == "propose":
            claims.claim_propose(actor=actor, claim_id=claim_id, **d)
            done = "初审通过，待另一名工作人员复核"
        elif action == "approve":
            claims.claim_approve(actor=actor, claim_id=claim_id, note=d["note"])
            done = "复核通过，资金池分担部分已支付"
        else:
            claims.claim_reject(actor=actor, claim_id=claim_id, reason=d["reason"])
            done = "已驳回代偿申请"
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("riskpool:claim", claim_id=claim_id)


@login_required_actor
@require_POST
def claim_propose(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(request, claim_id, "propose")


@login_required_actor
@require_POST
def claim_approve(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(request, claim_id, "approve")


@login_required_actor
@require_POST
def claim_reject(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(request, claim_id, "reject")
