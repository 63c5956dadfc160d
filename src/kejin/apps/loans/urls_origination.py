"""Pages of the tech micro-loan business, under /loans/microloans/ (namespace "loans")."""

from django.urls import path

from kejin.apps.loans import views_origination as views

urlpatterns = [
    path("", views.microloan_queue, name="microloan_queue"),
    path("apply/", views.microloan_apply, name="microloan_apply"),
    path("limits/", views.microloan_limits, name="microloan_limits"),
    path("<int:application_id>/", views.microloan_detail, name="microloan_detail"),
    path("<int:application_id>/price/", views.microloan_price, name="microloan_price"),
    path("<int:application_id>/approve/", views.microloan_approve, name="microloan_approve"),
    path("<int:application_id>/decline/", views.microloan_decline, name="microloan_decline"),
    path("<int:application_id>/withdraw/", views.microloan_withdraw, name="microloan_withdraw"),
    path("<int:application_id>/contract/", views.microloan_contract, name="microloan_contract"),
    path("<int:application_id>/disburse/", views.microloan_disburse, name="microloan_disburse"),
]
