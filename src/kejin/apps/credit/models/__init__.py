"""Models of the credit context: shared credit records and disputes, consents and the read log,
scoring models, ratings and their batches."""

from kejin.apps.credit.models.consent import (
    Consent,
    Executive,
    ExecutiveConsent,
    ExecutiveRole,
    Purpose,
    ReadLog,
    ReadOutcome,
    ReadWhat,
)
from kejin.apps.credit.models.rating import (
    BatchStatus,
    ModelStatus,
    Rating,
    RatingBatch,
    ScoringModel,
    ScoringParameter,
)
from kejin.apps.credit.models.records import (
    CreditRecord,
    Dispute,
    DisputeStatus,
    RecordKind,
    RecordStatus,
    RepaymentEvent,
)

__all__ = [
    "BatchStatus",
    "Consent",
    "CreditRecord",
    "Dispute",
    "DisputeStatus",
    "Executive",
    "ExecutiveConsent",
    "ExecutiveRole",
    "ModelStatus",
    "Purpose",
    "Rating",
    "RatingBatch",
    "ReadLog",
    "ReadOutcome",
    "ReadWhat",
    "RecordKind",
    "RecordStatus",
    "RepaymentEvent",
    "ScoringModel",
    "ScoringParameter",
]
