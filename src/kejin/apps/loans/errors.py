"""Error codes of the loans context."""

from enum import StrEnum


class LoanError(StrEnum):
    NOT_A_LENDER = "loan.not_a_lender"
    BORROWER_UNKNOWN = "loan.borrower_unknown"
    EXTERNAL_ID_CONFLICT = "loan.external_id_conflict"
    MATURITY_BEFORE_CONTRACT = "loan.maturity_before_contract"
    RATE_OUT_OF_RANGE = "loan.rate_out_of_range"
    METHOD_UNKNOWN = "loan.method_unknown"
    KIND_UNKNOWN = "loan.kind_unknown"
    CATEGORY_UNKNOWN = "loan.category_unknown"
    CATEGORY_BETTER_THAN_FLOOR = "loan.category_better_than_floor"
    LOAN_UNKNOWN = "loan.unknown"
    DRAWDOWN_DATE = "drawdown.date_outside_term"
    DRAWDOWN_EXCEEDS = "drawdown.exceeds_amount"
    REPAYMENT_BEFORE_DRAWDOWN = "repayment.before_drawdown"
    REPAYMENT_OUT_OF_ORDER = "repayment.out_of_order"
    REPAYMENT_NOTHING_DUE = "repayment.nothing_due"
    PREPAYMENT_TOO_SMALL = "prepayment.too_small"
    BATCH_INVALID = "batch.invalid"
    BATCH_EMPTY = "batch.empty"
