from django.urls import path

from kejin.apps.enterprises.views import data, evaluation, hnte, public

app_name = "enterprises"

ENT = "<int:enterprise_id>/"
urlpatterns = [
    path("", data.home, name="home"),
    path("mine/", data.mine, name="mine"),
    path("mine/self-evaluation/", evaluation.self_evaluation_mine, name="self_evaluation_mine"),
    path("mine/hnte/", hnte.hnte_mine, name="hnte_mine"),
    path("public/tech-sme/", public.public_tech_sme, name="public_tech_sme"),
    path("results/", evaluation.results, name="results"),
    path("results/<int:pk>/", evaluation.result_detail, name="result_detail"),
    path("stats/", evaluation.stats, name="stats"),
    path("hnte/expiring/", hnte.expiring, name="hnte_expiring"),
    path("corrections/", evaluation.correction_queue, name="correction_queue"),
    path("corrections/<int:pk>/", evaluation.correction_detail, name="correction_detail"),
    path("runs/", evaluation.run_list, name="runs"),
    path("runs/<int:pk>/", evaluation.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", evaluation.run_progress, name="run_progress"),
    path(ENT, data.detail, name="detail"),
    path(ENT + "profile/", data.profile_edit, name="profile_edit"),
    path(ENT + "history/", data.history, name="history"),
    path(ENT + "years/", data.years, name="years"),
    path(ENT + "years/import/", data.years_import, name="years_import"),
    path(ENT + "years/<int:year>/", data.year_edit, name="year_edit"),
    path(ENT + "years/<int:year>/correction/", evaluation.correction_create,
         name="correction_create"),
    path(ENT + "ip/", data.ip_list, name="ip"),
    path(ENT + "ip/import/", data.ip_import, name="ip_import"),
    path(ENT + "hnte/", hnte.certificates, name="hnte"),
    path(ENT + "hnte/precheck/", hnte.precheck, name="hnte_precheck"),
    path(ENT + "records/<str:kind>/", data.record_list, name="records"),
    path(ENT + "records/<str:kind>/<int:pk>/edit/", data.record_edit, name="record_edit"),
    path(ENT + "records/<str:kind>/<int:pk>/delete/", data.record_delete, name="record_delete"),
    path(ENT + "self-evaluation/", evaluation.self_evaluation, name="self_evaluation"),
    path(ENT + "self-evaluation/<int:pk>/", evaluation.self_evaluation_detail,
         name="self_evaluation_detail"),
    path(ENT + "corrections/", evaluation.enterprise_corrections, name="corrections"),
]  # fmt: skip
