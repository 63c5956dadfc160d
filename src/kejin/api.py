"""The composition root of the JSON API: every context's router under /api/v1/."""

from kejin.apps.credit.api import router as credit_router
from kejin.apps.enterprises.api import router as enterprises_router
from kejin.apps.funds.api import router as funds_router
from kejin.apps.loans.api import router as loans_router
from kejin.apps.loans.api_origination import router as microloans_router
from kejin.apps.loans.api_portfolio import router as portfolio_router
from kejin.apps.marketplace.api import router as marketplace_router
from kejin.apps.orgs.api import router as orgs_router
from kejin.apps.policies.api import router as policies_router
from kejin.apps.riskpool.api import router as riskpool_router
from kejin.platform.api import api
from kejin.platform.audit.api import router as audit_router

api.add_router("/", orgs_router)
api.add_router("/", audit_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/credit", credit_router)
api.add_router("/loans/portfolio", portfolio_router)
api.add_router("/loans/microloans", microloans_router)
api.add_router("/loans", loans_router)
api.add_router("/funds", funds_router)
api.add_router("/policies", policies_router)
api.add_router("/riskpool", riskpool_router)
api.add_router("/market", marketplace_router)
