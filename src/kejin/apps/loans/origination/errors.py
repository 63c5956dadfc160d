"""Error codes of origination (the pricing and authority rules add theirs: ``microloan.*``)."""

from enum import StrEnum


class MicroloanError(StrEnum):
    NOT_ENTERPRISE = "microloan.not_enterprise"
    NOT_TECH_MICRO_LENDER = "microloan.not_tech_micro_lender"
    AMOUNT_INVALID = "microloan.amount_invalid"
    PURPOSE_REQUIRED = "microloan.purpose_required"
    METHOD_UNKNOWN = "microloan.method_unknown"
    CONSENT_REQUIRED = "microloan.consent_required"
    NOT_LENDER_STAFF = "microloan.not_lender_staff"
    NOT_BORROWER = "microloan.not_borrower"
    WRONG_STATUS = "microloan.wrong_status"
    TAKEN = "microloan.taken_by_another"
    REASON_REQUIRED = "microloan.reason_required"
    CONTRACT_DATE = "microloan.contract_date_invalid"
    PAYMENT_DAY = "microloan.payment_day_invalid"
    DISBURSE_DATE = "microloan.disburse_date_invalid"
