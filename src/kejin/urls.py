from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from kejin import views
from kejin.api import api
from kejin.apps.orgs import views as org_views
from kejin.apps.orgs.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", org_views.register, name="register"),
    path("orgs/", include("kejin.apps.orgs.urls")),
    path("audit/", include("kejin.platform.audit.urls")),
    path("enterprises/", include("kejin.apps.enterprises.urls")),
    path("credit/", include("kejin.apps.credit.urls")),
    path("loans/", include("kejin.apps.loans.urls")),
    path("funds/", include("kejin.apps.funds.urls")),
    path("policies/", include("kejin.apps.policies.urls")),
    path("riskpool/", include("kejin.apps.riskpool.urls")),
    path("market/", include("kejin.apps.marketplace.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

handler404 = "kejin.platform.errors_views.not_found"
handler403 = "kejin.platform.errors_views.forbidden"
