"""Pages of the parties context: the same services and selectors as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kejin.apps.orgs import selectors
from kejin.apps.orgs.forms import (
    ImportForm,
    OrganisationEditForm,
    OrganisationForm,
    PersonForm,
    ReasonForm,
    RegistrationForm,
    RolesForm,
    TokenForm,
    district_choices,
)
from kejin.apps.orgs.models import Organisation, OrgKind, OrgStatus, Role
from kejin.apps.orgs.services import imports, organisations, people, registration, tokens
from kejin.platform.pages import (
    actor_of,
    apply_domain_error,
    export_list,
    login_required_actor,
    paginate,
    wants_export,
)
from kejin.platform.spreadsheets import ImportRejected, template_xlsx
from kejin.rules import divisions
from kejin.rules.errors import DomainError, NotFound

ORG_EXPORT_COLUMNS = [
    ("name", "名称"),
    ("uscc", "统一社会信用代码"),
    ("kind", "机构类型"),
    ("district", "行政区划"),
    ("status", "状态"),
    ("legal_representative", "法定代表人"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("created_at", "创建时间"),
]


def _org_row(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "uscc": org.uscc,
        "kind": org.get_kind_display(),
        "district": f"{divisions.name(org.district_code)} {org.district_code}",
        "status": org.get_status_display(),
        "legal_representative": org.legal_representative,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "created_at": org.created_at,
    }


PEOPLE_EXPORT_COLUMNS = [
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("organisation", "机构"),
    ("roles", "角色"),
    ("email", "邮箱"),
    ("is_active", "状态"),
    ("last_login", "最后登录"),
]


def _person_row(user: Any) -> dict[str, Any]:
    labels = dict(Role.choices)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "organisation": str(user.organisation or ""),
        "roles": "、".join(str(labels.get(r, r)) for r in user.roles),
        "email": user.email,
        "is_active": "正常" if user.is_active else "停用",
        "last_login": user.last_login,
    }


def register(request: HttpRequest) -> HttpResponse:
    """An enterprise registers itself; it can log in once its district office has verified it."""
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("password2", "business_licence")
        }
        try:
            registration.enterprise_register(
                data=registration.RegistrationInput(**data),
                licence=request.FILES.get("business_licence"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return render(request, "orgs/registered.html", {"name": data["name"]})
    return render(request, "orgs/register.html", {"form": form})


@login_required_actor
def organisation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not (actor.is_city or actor.is_district):
        return redirect("orgs:mine")
    g = request.GET
    f = selectors.OrgFilter(
        q=g.get("q", "").strip(),
        kind=g.get("kind", ""),
        status=g.get("status", ""),
        district_code=g.get("district_code", ""),
        sort=g.get("sort", "name"),
    )
    qs = selectors.organisation_list_for(actor, f)
    if wants_export(request):
        return export_list("organisations", ORG_EXPORT_COLUMNS, qs.iterator(), _org_row)
    ctx = {
        **paginate(request, qs),
        "f": f,
        "kinds": OrgKind.choices,
        "statuses": OrgStatus.choices,
        "districts": district_choices(include_city=True),
        "divisions": divisions,
    }
    return render(request, "orgs/list.html", ctx)


@login_required_actor
def organisation_mine(request: HttpRequest) -> HttpResponse:
    return redirect("orgs:detail", org_id=actor_of(request).org_id)


@login_required_actor
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = selectors.organisation_get(actor, org_id)
    can_edit = (actor.is_city and actor.has_role("admin")) or (
        org.pk == actor.org_id and actor.has_role("admin")
    )
    can_verify = (
        org.status == OrgStatus.PENDING
        and (actor.is_district or actor.is_city)
        and actor.has_role("admin", "reviewer", "officer")
    )
    can_suspend = actor.is_city and actor.has_role("admin") and org.pk != actor.org_id
    ctx = {
        "org": org,
        "district_name": divisions.full_name(org.district_code),
        "can_edit": can_edit,
        "can_verify": can_verify,
        "can_suspend": can_suspend,
        "reason_form": ReasonForm(),
    }
    return render(request, "orgs/detail.html", ctx)


@login_required_actor
def organisation_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = selectors.organisation_get(actor, org_id)
    initial = {f: getattr(org, f) for f in organisations.EDITABLE_FIELDS}
    form = OrganisationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            organisations.organisation_update(actor=actor, org_id=org.pk, changes=changes)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "机构信息已保存")
            return redirect("orgs:detail", org_id=org.pk)
    return render(request, "orgs/edit.html", {"form": form, "org": org})


@login_required_actor
def organisation_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = organisations.organisation_create(
                actor=actor, data=organisations.OrganisationInput(**form.cleaned_data)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已创建机构：{org.name}")
            return redirect("orgs:detail", org_id=org.pk)
    return render(request, "orgs/create.html", {"form": form})


@login_required_actor
def pending(request: HttpRequest) -> HttpResponse:
    qs = selectors.pending_registrations_for(actor_of(request))
    if wants_export(request):
        return export_list("pending-registrations", ORG_EXPORT_COLUMNS, qs.iterator(), _org_row)
    return render(request, "orgs/pending.html", {**paginate(request, qs), "divisions": divisions})


@login_required_actor
@require_POST
def verify(request: HttpRequest, org_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    try:
        org = organisations.organisation_verify(
            actor=actor_of(request),
            org_id=org_id,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise  # invisible is absent: a 404, as on every other page
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orgs:detail", org_id=org_id)
    messages.success(request, f"{org.name}：{'已通过审核' if approve else '已驳回'}")
    return redirect("orgs:pending")


@login_required_actor
@require_POST
def set_status(request: HttpRequest, org_id: int) -> HttpResponse:
    try:
        organisations.organisation_set_status(
            actor=actor_of(request),
            org_id=org_id,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "机构状态已更新")
    return redirect("orgs:detail", org_id=org_id)


@login_required_actor
def organisation_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.GET.get("template"):
        headers = [label for _, label in imports.COLUMNS]
        example = [
            "长春示例银行股份有限公司",
            "",
            "银行",
            "220102",
            "张三",
            "李四",
            "0431-88888888",
            "",
            "长春市南关区人民大街1号",
            "金融业",
        ]
        return template_xlsx("机构导入模板", headers, example)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = imports.organisations_import(actor=actor, upload=upload, filename=upload.name)
        except ImportRejected as exc:
            row_errors = [e.as_dict() for e in exc.row_errors]
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已导入 {len(created)} 个机构")
            return redirect("orgs:list")
    labels = dict(imports.COLUMNS)
    for e in row_errors:
        e["label"] = labels.get(e["field"], e["field"])
    return render(request, "orgs/import.html", {"form": form, "row_errors": row_errors})


@login_required_actor
def people_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = people.person_create(
                actor=actor, data=people.PersonInput(**{**data, "roles": tuple(data["roles"])})
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已添加人员：{person}")
            return redirect("orgs:people")
    qs = selectors.people_of(actor)
    if wants_export(request):
        return export_list("people", PEOPLE_EXPORT_COLUMNS, qs.iterator(), _person_row)
    return render(request, "orgs/people.html", {**paginate(request, qs), "form": form})


@login_required_actor
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_get(actor, user_id)
    action = request.POST.get("action", "roles") if request.method == "POST" else None
    # Only the roles action submits roles: the other actions must not fail the roles' validation.
    data = request.POST if action == "roles" else {"roles": person.roles} if action else None
    form = RolesForm(data, initial={"roles": person.roles})
    if action is not None:
        try:
            if action == "roles" and form.is_valid():
                people.person_update_roles(
                    actor=actor, user_id=person.pk, roles=form.cleaned_data["roles"]
                )
                messages.success(request, "角色已更新")
            elif action in ("deactivate", "activate"):
                people.person_set_active(
                    actor=actor, user_id=person.pk, active=action == "activate"
                )
                messages.success(request, "账号状态已更新")
            elif action == "unlock":
                people.person_unlock(actor=actor, user_id=person.pk)
                messages.success(request, "已解除登录锁定")
            if not form.errors:
                return redirect("orgs:person", user_id=person.pk)
        except DomainError as exc:
            apply_domain_error(form, exc)
    return render(request, "orgs/person.html", {"person": person, "form": form})


@login_required_actor
def token_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.token_create(
                actor=actor,
                name=form.cleaned_data["name"],
                roles=form.cleaned_data["roles"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "orgs/tokens.html",
        {"form": form, "issued": issued, "tokens": selectors.tokens_of(actor)},
    )


@login_required_actor
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        tokens.token_revoke(actor=actor_of(request), token_id=token_id)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "令牌已吊销，立即失效")
    return redirect(reverse("orgs:tokens"))


def directory(request: HttpRequest) -> HttpResponse:
    """Public: the financial institutions on the platform."""
    qs = selectors.institution_directory()
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    kinds = [(k, label) for k, label in OrgKind.choices if k in OrgKind.institutions()]
    ctx = {**paginate(request, qs), "kinds": kinds, "kind": kind, "divisions": divisions}
    return render(request, "orgs/directory.html", ctx)
