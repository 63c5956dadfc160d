"""API shapes of the parties context (GLOSSARY names)."""

from datetime import datetime

from ninja import Field, Schema


class OrganisationOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    name: str
    uscc: str
    district_code: str
    status: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    address: str
    industry: str
    created_at: datetime
    updated_at: datetime


class PublicInstitutionOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    name: str
    district_code: str


class OrganisationIn(Schema):
    kind: str
    name: str
    uscc: str
    district_code: str
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    address: str = ""
    industry: str = ""


class OrganisationPatch(Schema):
    name: str | None = None
    legal_representative: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None
    industry: str | None = None
    district_code: str | None = None


class VerifyIn(Schema):
    approve: bool
    reason: str = ""


class StatusIn(Schema):
    status: str
    reason: str


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    organisation_id: int | None
    roles: list[str]
    is_active: bool


class PersonIn(Schema):
    username: str
    display_name: str
    roles: list[str]
    password: str
    email: str = ""
    phone: str = ""


class RolesIn(Schema):
    roles: list[str]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    roles: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str
    roles: list[str] = ["officer"]
    expires_at: datetime | None = None


class TokenIssuedOut(Schema):
    token: TokenOut
    plaintext: str


class ImportRowErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportResultOut(Schema):
    created: int


class MeOut(Schema):
    organisation: OrganisationOut | None
    roles: list[str]
    username: str | None
    via_token: bool
