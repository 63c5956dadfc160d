"""Parties over the API: thin handlers (auth → access → service → schema)."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kejin.apps.orgs import selectors
from kejin.apps.orgs.models import Organisation, User
from kejin.apps.orgs.schemas import (
    ImportResultOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PersonIn,
    PersonOut,
    PublicInstitutionOut,
    RolesIn,
    StatusIn,
    TokenCreateIn,
    TokenIssuedOut,
    TokenOut,
    VerifyIn,
)
from kejin.apps.orgs.services import imports, organisations, people, tokens
from kejin.platform.api import ERROR_RESPONSES, actor_of

router = Router(tags=["parties 参与方"])


class OrgQuery(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    district_code: str = ""
    sort: str = "name"


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES})
def me(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    return {
        "organisation": actor.organisation,
        "roles": sorted(actor.roles),
        "username": actor.user.username if actor.user else None,
        "via_token": actor.token is not None,
    }


@router.get("/organisations", response=list[OrganisationOut])
@paginate(PageNumberPagination)
def organisation_list(request: HttpRequest, filters: Query[OrgQuery]) -> object:
    return selectors.organisation_list_for(actor_of(request), selectors.OrgFilter(**filters.dict()))


# Declared before "/organisations/{org_id}": Ninja matches paths in declaration order.
@router.post("/organisations/import", response={201: ImportResultOut, **ERROR_RESPONSES})
def organisation_import(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, int]]:
    created = imports.organisations_import(
        actor=actor_of(request), upload=file.file, filename=file.name or ""
    )
    return Status(201, {"created": len(created)})


@router.get("/organisations/{org_id}", response={200: OrganisationOut, **ERROR_RESPONSES})
def organisation_detail(request: HttpRequest, org_id: int) -> Organisation:
    return selectors.organisation_get(actor_of(request), org_id)


@router.post("/organisations", response={201: OrganisationOut, **ERROR_RESPONSES})
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status[Organisation]:
    org = organisations.organisation_create(
        actor=actor_of(request), data=organisations.OrganisationInput(**payload.dict())
    )
    return Status(201, org)


@router.patch("/organisations/{org_id}", response={200: OrganisationOut, **ERROR_RESPONSES})
def organisation_update(
    request: HttpRequest, org_id: int, payload: OrganisationPatch
) -> Organisation:
    changes = payload.dict(exclude_unset=True)
    return organisations.organisation_update(
        actor=actor_of(request), org_id=org_id, changes=changes
    )


@router.post("/organisations/{org_id}/verify", response={200: OrganisationOut, **ERROR_RESPONSES})
def organisation_verify(request: HttpRequest, org_id: int, payload: VerifyIn) -> Organisation:
    return organisations.organisation_verify(
        actor=actor_of(request), org_id=org_id, approve=payload.approve, reason=payload.reason
    )


@router.post("/organisations/{org_id}/status", response={200: OrganisationOut, **ERROR_RESPONSES})
def organisation_status(request: HttpRequest, org_id: int, payload: StatusIn) -> Organisation:
    return organisations.organisation_set_status(
        actor=actor_of(request), org_id=org_id, status=payload.status, reason=payload.reason
    )


@router.get("/institutions", response=list[PublicInstitutionOut], auth=None)
@paginate(PageNumberPagination)
def institution_directory(request: HttpRequest) -> object:
    """Public: the active financial institutions on the platform."""
    return selectors.institution_directory()


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination)
def person_list(request: HttpRequest) -> object:
    return selectors.people_of(actor_of(request))


@router.post("/people", response={201: PersonOut, **ERROR_RESPONSES})
def person_create(request: HttpRequest, payload: PersonIn) -> Status[User]:
    data = people.PersonInput(**{**payload.dict(), "roles": tuple(payload.roles)})
    return Status(201, people.person_create(actor=actor_of(request), data=data))


@router.put("/people/{user_id}/roles", response={200: PersonOut, **ERROR_RESPONSES})
def person_roles(request: HttpRequest, user_id: int, payload: RolesIn) -> User:
    return people.person_update_roles(actor=actor_of(request), user_id=user_id, roles=payload.roles)


@router.get("/tokens", response=list[TokenOut])
def token_list(request: HttpRequest) -> object:
    return selectors.tokens_of(actor_of(request))


@router.post("/tokens", response={201: TokenIssuedOut, **ERROR_RESPONSES})
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status[dict[str, object]]:
    issued = tokens.token_create(actor=actor_of(request), **payload.dict())
    return Status(201, asdict(issued))


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERROR_RESPONSES})
def token_revoke(request: HttpRequest, token_id: int) -> object:
    return tokens.token_revoke(actor=actor_of(request), token_id=token_id)
