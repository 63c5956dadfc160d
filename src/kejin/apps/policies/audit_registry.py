"""Register the policies context's models with the audit history: every step of every
application, notice, objection, payment batch, parameter value and milestone is audited."""

from auditlog.registry import auditlog

from kejin.apps.policies.models import (
    Application,
    ApplicationDocument,
    Clause,
    InterestBatchRun,
    Milestone,
    Notice,
    Objection,
    ParameterValue,
    PaymentBatch,
    Policy,
    Program,
)

for model in (
    Policy,
    Clause,
    Program,
    ApplicationDocument,
    Milestone,
    Notice,
    Objection,
    ParameterValue,
    PaymentBatch,
):
    auditlog.register(model)
# The trace and its derived columns are recomputed at each step; the step itself (status, amount,
# reviewer, reason) is what the history must show.
auditlog.register(
    Application,
    exclude_fields=["trace", "trace_lines", "param_reads", "year_amounts", "updated_at"],
)
auditlog.register(InterestBatchRun, exclude_fields=["processed"])
