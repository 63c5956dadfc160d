"""Error codes of the credit context."""

from enum import StrEnum


class CreditError(StrEnum):
    NO_CONSENT = "credit.no_consent"
    NOT_ENTERPRISE = "credit.not_enterprise"
    INSTITUTION_INVALID = "credit.institution_invalid"
    PURPOSE_INVALID = "credit.purpose_invalid"
    CONSENT_DATES = "credit.consent_dates"
    CONSENT_TOO_LONG = "credit.consent_too_long"
    CONSENT_REVOKED = "credit.consent_already_revoked"
    RECORD_INVALID = "credit.record_invalid"
    RECORD_DUPLICATE = "credit.record_duplicate"
    PERSON_ID_INVALID = "credit.person_id_invalid"
    EXECUTIVE_DUPLICATE = "credit.executive_duplicate"
    DOCUMENT_INVALID = "credit.document_invalid"
    DISPUTE_OPEN = "credit.dispute_already_open"
    DISPUTE_INVALID = "credit.dispute_invalid"
    DISPUTE_CLOSED = "credit.dispute_closed"
    MODEL_STATE = "credit.model_state"
    FOUR_EYES = "credit.four_eyes"
    NO_MODEL = "credit.no_approved_model"
    PARAMETER_INVALID = "credit.parameter_invalid"
    TRAINING_SOURCE = "credit.training_source"
