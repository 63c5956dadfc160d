"""Register the marketplace's models with the audit history (matches are computed, not edited,
and the application timeline is itself a record: neither is audited)."""

from auditlog.registry import auditlog

from kejin.apps.marketplace.models import (
    Application,
    CrowdfundingProgress,
    CrowdfundingProject,
    Demand,
    DemandTarget,
    Investment,
    LinkageDeal,
    Product,
)

auditlog.register(Product, exclude_fields=["search_terms"])
auditlog.register(Demand, exclude_fields=["search_terms", "facts_hash", "matched_at"])
auditlog.register(DemandTarget)
auditlog.register(Application)
auditlog.register(Investment)
auditlog.register(LinkageDeal)
auditlog.register(CrowdfundingProject, exclude_fields=["search_terms"])
auditlog.register(CrowdfundingProgress)
