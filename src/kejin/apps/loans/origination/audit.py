"""Register the origination models with the audit history.

Imported by the package, so that every write through these services is audited even before the
loans app registers its models itself (``LoansConfig.ready``); registering twice is harmless."""

from auditlog.registry import auditlog

from kejin.apps.loans.models import ApprovalDecision, LoanApplication

for _model in (LoanApplication, ApprovalDecision):
    if not auditlog.contains(_model):
        auditlog.register(_model)
