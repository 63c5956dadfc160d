from django.urls import path

from kejin.apps.policies.views import applicant, city, manage, public, review

app_name = "policies"
urlpatterns = [
    path("", public.index, name="index"),
    path("policy/<int:pk>/", public.policy_detail, name="policy"),
    path("notices/", public.notice_list, name="notices"),
    path("notices/<int:pk>/", public.notice_detail, name="notice"),
    path("programs/", applicant.programs, name="programs"),
    path("programs/<int:pk>/", public.program_detail, name="program"),
    path("programs/<int:pk>/apply/", applicant.apply_page, name="apply"),
    path("mine/", applicant.mine, name="mine"),
    path("milestones/", applicant.milestone_list, name="milestones"),
    path("notifications/", applicant.notifications, name="notifications"),
    path("applications/", review.all_applications, name="applications"),
    path("applications/<int:pk>/", applicant.application_detail, name="application"),
    path("applications/<int:pk>/edit/", applicant.edit, name="edit"),
    path("applications/<int:pk>/documents/", applicant.document_upload, name="document_upload"),
    path("applications/<int:pk>/submit/", applicant.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    path("applications/<int:pk>/district-review/", review.district_review, name="district_review"),
    path("applications/<int:pk>/city-review/", review.city_review, name="city_review"),
    path("applications/<int:pk>/approve/", review.approve, name="approve"),
    path("documents/<int:pk>/", applicant.document_download, name="document"),
    path("review/district/", review.district_queue, name="review_district"),
    path("review/city/", review.city_queue, name="review_city"),
    path("review/city/bulk-approve/", review.bulk_approve, name="bulk_approve"),
    path("manage/programs/", manage.program_list, name="programs_manage"),
    path("manage/programs/new/", manage.program_form, name="program_create"),
    path("manage/programs/<int:pk>/edit/", manage.program_form, name="program_edit"),
    path("manage/notices/", city.notices_manage, name="notices_manage"),
    path("manage/notices/<int:pk>/close/", city.notice_close, name="notice_close"),
    path("manage/objections/<int:pk>/", city.objection_detail, name="objection"),
    path("manage/payments/", city.payments, name="payments"),
    path("manage/payments/<int:pk>/", city.payment_batch, name="payment_batch"),
    path(
        "manage/payments/<int:pk>/transfer.<str:fmt>",
        city.payment_transfer,
        name="payment_transfer",
    ),
    path("manage/parameters/", manage.parameter_page, name="parameters"),
    path("manage/interest-batch/", manage.run_list, name="batch_runs"),
    path("manage/interest-batch/<int:pk>/", manage.run_detail, name="batch_run"),
    path(
        "manage/interest-batch/<int:pk>/progress/", manage.run_progress, name="batch_run_progress"
    ),
]
