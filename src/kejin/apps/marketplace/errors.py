"""Error codes of the marketplace context."""

from enum import StrEnum


class MarketError(StrEnum):
    INVALID = "market.invalid"
    RANGE_INVERTED = "market.range_inverted"
    RATE_OUT_OF_RANGE = "market.rate_out_of_range"
    AMOUNT_NOT_POSITIVE = "market.amount_not_positive"
    INSTITUTION_UNREVIEWED = "market.institution_unreviewed"
    KIND_NOT_ALLOWED = "market.kind_not_allowed"
    PRODUCT_STATUS = "market.product_status"
    PRODUCT_NOT_LISTED = "market.product_not_listed"
    DEMAND_STATUS = "market.demand_status"
    DUPLICATE_APPLICATION = "market.duplicate_application"
    APPLICATION_STATUS = "market.application_status"
    OUTSIDE_PRODUCT = "market.outside_product"
    GRANT_INVALID = "market.grant_invalid"
    RATING_INVALID = "market.rating_invalid"
    LINKAGE_INVALID = "market.linkage_invalid"
    LINKAGE_STATUS = "market.linkage_status"
    PROJECT_INVALID = "market.project_invalid"
    PROJECT_STATUS = "market.project_status"
    RUN_ACTIVE = "market.rematch_running"
