"""Models of the policies context: policies and clauses, programs, applications and their
workflow, public notices and objections, payment batches, dated parameters, milestones,
notifications and the book-wide interest subsidy run."""

from kejin.apps.policies.models.application import (
    CLOSED,
    COMMITTED,
    OPEN,
    WITHDRAWABLE,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ClaimKey,
    InterestLine,
    Origin,
    ParameterLock,
    Status,
)
from kejin.apps.policies.models.batch import InterestBatchRun, RunStatus
from kejin.apps.policies.models.milestone import Milestone
from kejin.apps.policies.models.notice import Notice, NoticeStatus, Objection, ObjectionStatus
from kejin.apps.policies.models.notification import Notification
from kejin.apps.policies.models.parameter import ParameterValue
from kejin.apps.policies.models.payment import BatchStatus, PaymentBatch
from kejin.apps.policies.models.policy import Clause, Policy, PolicyStatus
from kejin.apps.policies.models.program import Program

__all__ = [
    "CLOSED",
    "COMMITTED",
    "OPEN",
    "WITHDRAWABLE",
    "Application",
    "ApplicationDocument",
    "ApplicationEvent",
    "BatchStatus",
    "ClaimKey",
    "Clause",
    "InterestBatchRun",
    "InterestLine",
    "Milestone",
    "Notice",
    "NoticeStatus",
    "Notification",
    "Objection",
    "ObjectionStatus",
    "Origin",
    "ParameterLock",
    "ParameterValue",
    "PaymentBatch",
    "Policy",
    "PolicyStatus",
    "Program",
    "RunStatus",
    "Status",
]
