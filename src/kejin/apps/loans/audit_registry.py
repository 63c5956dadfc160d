"""Register the loans context's models with the audit history (instalments are derived rows,
written by the services; their changes are covered by the repayments that cause them)."""

from auditlog.registry import auditlog

from kejin.apps.loans.models import (
    ApprovalDecision,
    BenchmarkRate,
    Drawdown,
    Loan,
    LoanApplication,
    Repayment,
)

for _model in (Loan, Drawdown, Repayment, BenchmarkRate, LoanApplication, ApprovalDecision):
    if not auditlog.contains(_model):
        auditlog.register(_model)
