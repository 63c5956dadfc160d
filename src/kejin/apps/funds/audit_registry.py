"""Register the fund's models with the audit history (ledger entries are append-only: each one is
audited once, when written)."""

from auditlog.registry import auditlog

from kejin.apps.funds.models import BudgetLine, LedgerEntry, SpecialFund

auditlog.register(SpecialFund)
auditlog.register(BudgetLine)
auditlog.register(LedgerEntry)
