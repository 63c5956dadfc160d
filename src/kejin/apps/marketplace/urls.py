from django.urls import path

from kejin.apps.marketplace.views import applications, board, city, enterprise, institution, public

app_name = "marketplace"
urlpatterns = [
    path("", public.index, name="index"),
    path("search/", public.search, name="search"),
    # the shelf and products
    path("products/", public.product_shelf, name="products"),
    path("products/new/", institution.product_new, name="product_new"),
    path("products/mine/", institution.my_products, name="my_products"),
    path("products/<int:product_id>/", public.product_detail, name="product"),
    path("products/<int:product_id>/edit/", institution.product_edit, name="product_edit"),
    path("products/<int:product_id>/action/", institution.product_action, name="product_action"),
    path("products/<int:product_id>/apply/", enterprise.apply, name="apply"),
    path("products/<int:product_id>/review/", city.product_review, name="product_review"),
    # demands and matches
    path("demands/", enterprise.demand_list, name="demands"),
    path("demands/new/", enterprise.demand_new, name="demand_new"),
    path("demands/<int:demand_id>/", enterprise.demand_detail, name="demand"),
    path("demands/<int:demand_id>/edit/", enterprise.demand_edit, name="demand_edit"),
    path("demands/<int:demand_id>/close/", enterprise.demand_close, name="demand_close"),
    path("matches/", enterprise.match_list, name="matches"),
    path("leads/", institution.lead_list, name="leads"),
    path("leads/<int:demand_id>/", institution.lead_detail, name="lead"),
    # applications
    path("applications/", applications.application_list, name="applications"),
    path("received/", applications.application_list, name="received"),
    path("overdue/", applications.overdue_list, name="overdue"),
    path("applications/<int:application_id>/", applications.application_detail, name="application"),
    path("received/<int:application_id>/", applications.application_detail, name="received_detail"),
    path(
        "applications/<int:application_id>/action/",
        applications.application_action,
        name="application_action",
    ),
    path("applications/<int:application_id>/grant/", applications.grant, name="grant"),
    # the city office
    path("review/", city.review, name="review"),
    path("stats/", city.stats, name="stats"),
    path("rematch/", city.rematch, name="rematch"),
    path("rematch/<int:run_id>/", city.rematch_run, name="rematch_run"),
    # linkage deals
    path("linkage/", board.linkage_list, name="linkage"),
    path("linkage/new/", board.linkage_new, name="linkage_new"),
    path("linkage/<int:deal_id>/", board.linkage_detail, name="linkage_detail"),
    # crowdfunding
    path("crowdfunding/", public.project_board, name="projects"),
    path("crowdfunding/mine/", board.my_projects, name="my_projects"),
    path("crowdfunding/new/", board.project_new, name="project_new"),
    path("crowdfunding/<int:project_id>/", public.project_detail, name="project"),
    path(
        "crowdfunding/<int:project_id>/progress/", board.project_progress, name="project_progress"
    ),
    path("crowdfunding/<int:project_id>/moderate/", city.project_moderate, name="project_moderate"),
]
