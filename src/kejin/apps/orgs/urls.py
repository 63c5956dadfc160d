from django.urls import path

from kejin.apps.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("mine/", views.organisation_mine, name="mine"),
    path("new/", views.organisation_create, name="create"),
    path("import/", views.organisation_import, name="import"),
    path("pending/", views.pending, name="pending"),
    path("directory/", views.directory, name="directory"),
    path("people/", views.people_list, name="people"),
    path("people/<int:user_id>/", views.person_detail, name="person"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("<int:org_id>/", views.organisation_detail, name="detail"),
    path("<int:org_id>/edit/", views.organisation_edit, name="edit"),
    path("<int:org_id>/verify/", views.verify, name="verify"),
    path("<int:org_id>/status/", views.set_status, name="status"),
]
