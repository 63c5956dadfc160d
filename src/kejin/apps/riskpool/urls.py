from django.urls import path

from kejin.apps.riskpool.views import claims, pools, registrations

app_name = "riskpool"
urlpatterns = [
    path("", pools.pool_list, name="pools"),
    path("public/", pools.public, name="public"),
    path("new/", pools.pool_create, name="pool_create"),
    path("trial-balance/", pools.trial_balance, name="trial_balance"),
    path("<int:pool_id>/", pools.pool_detail, name="pool"),
    path("<int:pool_id>/agreements/new/", pools.agreement_create, name="agreement_create"),
    path("<int:pool_id>/contribute/", pools.contribution_create, name="contribute"),
    path("<int:pool_id>/ledger/", pools.ledger, name="ledger"),
    path("<int:pool_id>/npl-review/", pools.npl_review, name="npl_review"),
    path("agreements/<int:agreement_id>/", pools.agreement_detail, name="agreement"),
    path("suspensions/<int:suspension_id>/lift/", pools.suspension_lift, name="lift"),
    path("registrations/", registrations.registration_list, name="registrations"),
    path("registrations/new/", registrations.registration_create, name="register"),
    path("registrations/import/", registrations.registration_import, name="import"),
    path(
        "registrations/<int:registration_id>/",
        registrations.registration_detail,
        name="registration",
    ),
    path("claims/", claims.claim_list, name="claims"),
    path("claims/review/", claims.claim_review, name="review"),
    path("claims/new/", claims.claim_create, name="claim_create"),
    path("claims/<int:claim_id>/", claims.claim_detail, name="claim"),
    path("claims/<int:claim_id>/propose/", claims.claim_propose, name="propose"),
    path("claims/<int:claim_id>/approve/", claims.claim_approve, name="approve"),
    path("claims/<int:claim_id>/reject/", claims.claim_reject, name="reject"),
]
