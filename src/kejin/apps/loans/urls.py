from django.urls import include, path

from kejin.apps.loans import views

app_name = "loans"
urlpatterns = [
    path("", views.loan_list, name="list"),
    path("report/", views.loan_report, name="report"),
    path("import/", views.loan_import, name="import"),
    path("rates/", views.rate_list, name="rates"),
    path("<int:loan_id>/", views.loan_detail, name="detail"),
    path("<int:loan_id>/repay/", views.repayment_report, name="repay"),
    path("portfolio/", include("kejin.apps.loans.urls_portfolio")),
    path("microloans/", include("kejin.apps.loans.urls_origination")),
]
