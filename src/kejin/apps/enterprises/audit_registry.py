"""Register the enterprises context's models with the audit history.

Every change to an enterprise's data is audited (profile, filings, IP, certificates, awards,
standards, institutions, executives), and so are self-evaluations, correction requests and the
city's runs (start, publication). A run's results are computed rows written in bulk by the run:
the run's own history and its stored facts account for them.
"""

from auditlog.registry import auditlog

from kejin.apps.enterprises.models import (
    CorrectionRequest,
    EnterpriseProfile,
    EvaluationRun,
    Executive,
    FinancialYear,
    HnteCertificate,
    IpItem,
    NationalAward,
    RdInstitution,
    SelfEvaluation,
    StandardLed,
)

for model in (
    EnterpriseProfile,
    Executive,
    FinancialYear,
    IpItem,
    HnteCertificate,
    NationalAward,
    StandardLed,
    RdInstitution,
    SelfEvaluation,
    CorrectionRequest,
):
    auditlog.register(model)
auditlog.register(
    EvaluationRun, exclude_fields=["processed", "qualified_count", "incomplete_count"]
)
