"""Error codes of the special fund context."""

from enum import StrEnum


class FundError(StrEnum):
    LINE_EXHAUSTED = "fund.line_exhausted"
    LINE_INVALID = "fund.line_invalid"
    LINE_DUPLICATE = "fund.line_duplicate"
    LINE_YEAR_MISMATCH = "fund.line_year_mismatch"
    YEAR_INVALID = "fund.year_invalid"
    PURPOSE_INVALID = "fund.purpose_invalid"
    NAME_REQUIRED = "fund.name_required"
    NOTE_REQUIRED = "fund.note_required"
    REFERENCE_REQUIRED = "fund.reference_required"
    REASON_REQUIRED = "fund.reason_required"
    BANK_REFERENCE_REQUIRED = "fund.bank_reference_required"
    COUNTERPARTY_REQUIRED = "fund.counterparty_required"
    LINKAGE_MODE_INVALID = "fund.linkage_mode_invalid"
    AMOUNT_INVALID = "fund.amount_invalid"
    NOT_A_COMMITMENT = "fund.not_a_commitment"
    PAYMENT_EXCEEDS_OPEN = "fund.payment_exceeds_open"
    RELEASE_EXCEEDS_OPEN = "fund.release_exceeds_open"
    NOTHING_OPEN = "fund.nothing_open"
    REDUCTION_EXCEEDS_AVAILABLE = "fund.reduction_exceeds_available"
