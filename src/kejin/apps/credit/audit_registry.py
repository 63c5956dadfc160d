"""Register the credit context's models with the audit history (the read log is its own
append-only audit of reads)."""

from auditlog.registry import auditlog

from kejin.apps.credit.models import (
    Consent,
    CreditRecord,
    Dispute,
    Executive,
    ExecutiveConsent,
    ScoringModel,
    ScoringParameter,
)

auditlog.register(CreditRecord, exclude_fields=["person_id_hash"])
auditlog.register(Dispute)
auditlog.register(Consent)
auditlog.register(Executive, exclude_fields=["id_hash"])
auditlog.register(ExecutiveConsent)
auditlog.register(
    ScoringModel, exclude_fields=["scorecard", "metrics", "summary", "distribution", "progress"]
)
auditlog.register(ScoringParameter)
