"""The marketplace context over the API (/api/v1/market): products, demands, matches, leads,
applications, linkage deals, crowdfunding, search, statistics."""

from ninja import Router

from kejin.apps.marketplace.api_applications import router as applications_router
from kejin.apps.marketplace.api_board import router as board_router
from kejin.apps.marketplace.api_market import router as market_router

router = Router(tags=["marketplace 金融服务超市"])
router.add_router("/", market_router)
router.add_router("/", applications_router)
router.add_router("/", board_router)
