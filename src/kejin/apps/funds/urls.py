from django.urls import path

from kejin.apps.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ledger/", views.ledger, name="ledger"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/topup/", views.line_topup, name="line_topup"),
]
