from django.urls import path

from kapcare.measures import alert_views, portal_views, views

app_name = "measures"

urlpatterns = [
    path("patients/<int:patient_id>/measures/", views.measures_tab, name="tab"),
    path("patients/<int:patient_id>/measures/assign/", views.assign, name="assign"),
    path(
        "patients/<int:patient_id>/measures/assignments/<int:assignment_id>/cancel/",
        views.cancel_assignment,
        name="cancel",
    ),
    path(
        "patients/<int:patient_id>/measures/enter/<slug:instrument>/",
        views.enter_paper,
        name="enter",
    ),
    path(
        "patients/<int:patient_id>/measures/responses/<int:response_id>/",
        views.response_detail,
        name="response",
    ),
    path(
        "patients/<int:patient_id>/measures/responses/<int:response_id>/correct/",
        views.correct,
        name="correct",
    ),
    path("patients/<int:patient_id>/measures/compare/", views.compare_responses, name="compare"),
    path("measures/alerts/", alert_views.alert_inbox, name="alerts"),
    path(
        "measures/alerts/<int:alert_id>/acknowledge/", alert_views.acknowledge, name="acknowledge"
    ),
    path("measures/needs-attention/", alert_views.needs_attention, name="worklist"),
    path("measures/settings/", alert_views.measures_settings, name="settings"),
    path(
        "portal/questionnaires/<int:assignment_id>/",
        portal_views.questionnaire,
        name="questionnaire",
    ),
    path(
        "portal/questionnaires/<int:assignment_id>/draft/",
        portal_views.save_draft,
        name="draft",
    ),
    path("portal/questionnaires/<int:assignment_id>/done/", portal_views.done, name="done"),
    path("portal/progress/", portal_views.progress, name="progress"),
]
