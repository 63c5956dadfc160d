"""The composition root of the JSON API: every context's router under /api/v1/."""

from kejin.apps.orgs.api import router as orgs_router
from kejin.platform.api import api
from kejin.platform.audit.api import router as audit_router

api.add_router("/", orgs_router)
api.add_router("/", audit_router)
