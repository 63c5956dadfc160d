"""Origination by the tech micro-lender (科技小额贷款, 实施意见（十二））.

An enterprise applies (amount, term, purpose) with consent to read its credit → an officer of the
lender takes the case (becomes its maker) and prices it from the borrower's latest credit grade →
approvers at the required authority level, never the maker, approve or decline with a reason (the
limits are checked at every approval) → contract (a ``Loan`` with origin *originated*) →
disbursement (a ``Drawdown`` with its schedule) → servicing as any reported loan.

Services, one use case a module: :mod:`.apply` (submit, withdraw), :mod:`.price`, :mod:`.decide`
(approve, decline), :mod:`.limits`, :mod:`.contract`, :mod:`.disburse`; reads in
:mod:`.selectors`. Every step writes an ``ApprovalDecision`` (who, level, decision, reason, when)
and the application's status; both models are in the audit history (:mod:`.audit`).
"""

from kejin.apps.loans.origination import audit  # noqa: F401  (registers the audited models)
