"""Register the risk pool's models with the audit history."""

from auditlog.registry import auditlog

from kejin.apps.riskpool.models import (
    Agreement,
    AgreementVersion,
    Claim,
    Journal,
    JournalLine,
    Recovery,
    Registration,
    RiskPool,
    Suspension,
)

for model in (
    RiskPool,
    Agreement,
    AgreementVersion,
    Journal,
    JournalLine,
    Registration,
    Claim,
    Recovery,
    Suspension,
):
    auditlog.register(model)
