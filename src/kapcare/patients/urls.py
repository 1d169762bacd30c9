from django.urls import path

from kapcare.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<int:patient_id>/", views.patient_chart, name="chart"),
    path("<int:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<int:patient_id>/status/", views.patient_transition, name="transition"),
    path("<int:patient_id>/care-team/", views.care_team_add, name="care_team_add"),
    path(
        "<int:patient_id>/care-team/<int:member_id>/remove/",
        views.care_team_remove,
        name="care_team_remove",
    ),
    path("<int:patient_id>/notes/", views.patient_notes, name="notes"),
    path("<int:patient_id>/invite/", views.patient_invite, name="invite"),
]
