"""Error codes of the parties context."""

from enum import StrEnum


class OrgError(StrEnum):
    USCC_DUPLICATE = "organisation.uscc_duplicate"
    NAME_REQUIRED = "organisation.name_required"
    KIND_INVALID = "organisation.kind_invalid"
    KIND_NOT_ALLOWED = "organisation.kind_not_allowed"
    DISTRICT_OUTSIDE_CITY = "organisation.district_outside_city"
    STATUS_TRANSITION = "organisation.status_transition"
    LICENCE_REQUIRED = "registration.licence_required"
    LICENCE_TYPE = "registration.licence_type"
    LICENCE_SIZE = "registration.licence_size"
    USERNAME_TAKEN = "user.username_taken"
    PASSWORD_WEAK = "user.password_weak"
    ROLE_INVALID = "user.role_invalid"
    ROLE_CONFLICT = "user.role_conflict"
    LAST_ADMIN = "user.last_admin"
    TOKEN_INVALID = "token.invalid"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_EXPIRED = "token.expired"
    TOKEN_ALREADY_REVOKED = "token.already_revoked"
    IMPORT_INVALID = "import.invalid_rows"
