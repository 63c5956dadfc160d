"""Error codes of the enterprises context."""

from enum import StrEnum


class EnterpriseError(StrEnum):
    NOT_ENTERPRISE = "enterprise.not_enterprise"
    READ_ONLY = "enterprise.read_only"
    INVALID = "enterprise.invalid"
    NEGATIVE = "enterprise.negative_amount"
    PRECISION = "enterprise.amount_precision"
    TOO_LARGE = "enterprise.amount_too_large"
    DATES_OUT_OF_ORDER = "enterprise.dates_out_of_order"
    INCONSISTENT = "enterprise.inconsistent"
    YEAR_INVALID = "enterprise.year_invalid"
    YEAR_LOCKED = "enterprise.year_locked"
    YEAR_MISSING = "enterprise.year_missing"
    DECLARATION_MISSING = "enterprise.declaration_missing"
    IP_KIND_UNKNOWN = "enterprise.ip_kind_unknown"
    DUPLICATE = "enterprise.duplicate"
    CORRECTION_NOT_LOCKED = "correction.year_not_locked"
    CORRECTION_EMPTY = "correction.empty"
    CORRECTION_PENDING = "correction.already_pending"
    CORRECTION_DECIDED = "correction.already_decided"
    REASON_REQUIRED = "enterprise.reason_required"
    RUN_ACTIVE = "evaluation.run_active"
    RUN_NOT_DONE = "evaluation.run_not_done"
    NOTICE_INVALID = "evaluation.notice_invalid"
