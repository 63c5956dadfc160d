"""Models of the financing marketplace: products, demands, matches, applications, investments,
investment-loan linkage deals, crowdfunding projects and rematch runs."""

from kejin.apps.marketplace.models.applications import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Investment,
)
from kejin.apps.marketplace.models.board import (
    CrowdfundingKind,
    CrowdfundingProgress,
    CrowdfundingProject,
    LinkageDeal,
    LinkageStatus,
    ProjectStatus,
)
from kejin.apps.marketplace.models.market import (
    Audience,
    Demand,
    DemandStatus,
    DemandTarget,
    Guarantee,
    Match,
    Product,
    ProductKind,
    ProductStatus,
)
from kejin.apps.marketplace.models.system import RematchRun, RunStatus

__all__ = [
    "Application",
    "ApplicationEvent",
    "ApplicationStatus",
    "Audience",
    "CrowdfundingKind",
    "CrowdfundingProgress",
    "CrowdfundingProject",
    "Demand",
    "DemandStatus",
    "DemandTarget",
    "Guarantee",
    "Investment",
    "LinkageDeal",
    "LinkageStatus",
    "Match",
    "Product",
    "ProductKind",
    "ProductStatus",
    "ProjectStatus",
    "RematchRun",
    "RunStatus",
]
