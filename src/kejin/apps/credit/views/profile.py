"""Pages: the credit report (enterprise itself, consented institutions, the city office), the
institution's lookup by code, on-demand rating."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kejin.apps.credit import report as reports
from kejin.apps.credit import selectors
from kejin.apps.credit.errors import CreditError
from kejin.apps.credit.forms import LookupForm
from kejin.apps.credit.models import ReadWhat
from kejin.apps.credit.services import consent, ratings
from kejin.apps.orgs.models import OrgKind
from kejin.platform.pages import actor_of, apply_domain_error, login_required_actor
from kejin.rules.errors import DomainError, NotFound


@login_required_actor
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind == OrgKind.ENTERPRISE:
        return redirect("credit:mine")
    if actor.is_city:
        return redirect("credit:models")
    if actor.kind == OrgKind.DATA_PROVIDER:
        return redirect("credit:records")
    return redirect("credit:lookup")


@login_required_actor
def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind != OrgKind.ENTERPRISE:
        return redirect("credit:index")
    return redirect("credit:report", enterprise_id=actor.org_id)


def refusal(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 403 if exc.code == CreditError.NO_CONSENT or exc.status == 403 else 400
    return render(request, "credit/no_consent.html", {"message": exc.message}, status=status)


@login_required_actor
def report(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The report page (``?format=pdf`` downloads the PDF); each view is a logged read."""
    actor = actor_of(request)
    purpose = request.GET.get("purpose") or None
    pdf = request.GET.get("format") == "pdf"
    what = ReadWhat.REPORT_PDF if pdf else ReadWhat.REPORT
    try:
        grant = consent.authorise_read(
            actor=actor, enterprise_id=enterprise_id, purpose=purpose, what=what
        )
    except NotFound:
        raise
    except DomainError as exc:
        return refusal(request, exc)
    made = reports.build_report(grant)
    if pdf:
        response = HttpResponse(reports.render_pdf(made), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="credit-report-{enterprise_id}.pdf"'
        )
        return response
    history = list(reversed(made.history))
    chart = {
        "dates": [h.rated_at.date().isoformat() for h in history],
        "scores": [h.score for h in history],
    }
    query = f"?purpose={grant.purpose}&" if purpose else "?"
    ctx = {
        "report": made,
        "chart": chart if len(history) > 1 else None,
        "pdf_url": reverse("credit:report", args=[enterprise_id]) + f"{query}format=pdf",
        "is_self": actor.org_id == enterprise_id,
        "can_rate": actor.is_city and actor.has_role("admin", "officer", "reviewer"),
    }
    return render(request, "credit/report.html", ctx)


@login_required_actor
def lookup(request: HttpRequest) -> HttpResponse:
    """An institution finds an enterprise by its code and opens its report for a purpose."""
    form = LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        try:
            org = selectors.enterprise_by_uscc(form.cleaned_data["uscc"])
        except NotFound as exc:
            form.add_error("uscc", exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            url = reverse("credit:report", args=[org.pk])
            return redirect(f"{url}?purpose={form.cleaned_data['purpose']}")
    actor = actor_of(request)
    consents = selectors.consents_for(actor).filter(institution_id=actor.org_id)
    return render(request, "credit/lookup.html", {"form": form, "consents": consents[:50]})


@login_required_actor
@require_POST
def rate(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    try:
        rating = ratings.rating_refresh(actor=actor_of(request), enterprise_id=enterprise_id)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重新评级：{rating.grade}（{rating.score} 分）")
    return redirect("credit:report", enterprise_id=enterprise_id)
