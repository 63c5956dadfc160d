from django.urls import path

from kejin.apps.credit.views import consent, disputes, models, profile, records

app_name = "credit"
urlpatterns = [
    path("", profile.index, name="index"),
    path("mine/", profile.mine, name="mine"),
    path("lookup/", profile.lookup, name="lookup"),
    path("enterprises/<int:enterprise_id>/", profile.report, name="report"),
    path("enterprises/<int:enterprise_id>/rate/", profile.rate, name="rate"),
    path("consents/", consent.consents, name="consents"),
    path("consents/<int:consent_id>/revoke/", consent.consent_revoke, name="consent_revoke"),
    path("executives/", consent.executive_list, name="executives"),
    path(
        "executive-consents/<int:consent_id>/revoke/",
        consent.executive_consent_revoke,
        name="executive_consent_revoke",
    ),
    path("reads/", consent.reads, name="reads"),
    path("records/", records.record_list, name="records"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/import/", records.record_import, name="record_import"),
    path("disputes/", disputes.dispute_list, name="disputes"),
    path("records/<int:record_id>/dispute/", disputes.dispute_new, name="dispute_new"),
    path("disputes/<int:dispute_id>/", disputes.dispute_detail, name="dispute"),
    path("models/", models.model_list, name="models"),
    path("models/train/", models.model_train, name="model_train"),
    path("models/template.csv", models.training_template, name="training_template"),
    path("models/<int:model_id>/", models.model_card, name="model"),
    path("models/<int:model_id>/progress/", models.model_progress, name="model_progress"),
    path("models/<int:model_id>/decide/", models.model_decide, name="model_decide"),
    path("batches/", models.batch_start, name="batch_start"),
    path("batches/<int:batch_id>/", models.batch_detail, name="batch"),
    path("parameters/", models.parameter_list, name="parameters"),
]
