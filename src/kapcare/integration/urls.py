from django.urls import path

from kapcare.integration import (
    chart_views,
    followup_views,
    library_views,
    practice_views,
    views,
)

app_name = "integration"

urlpatterns = [
    path("portal/journal/", views.journal, name="journal"),
    path("portal/journal/new/", views.journal_new, name="journal_new"),
    path("portal/journal/draft/", views.journal_draft, name="journal_draft"),
    path("portal/journal/export/", views.journal_export, name="journal_export"),
    path("portal/journal/<int:entry_id>/share/", views.journal_share, name="journal_share"),
    path("portal/practices/", practice_views.practices, name="practices"),
    path(
        "portal/practices/<int:item_id>/check/",
        practice_views.practice_check,
        name="practice_check",
    ),
    path("patients/<int:patient_id>/integration/", chart_views.tab, name="tab"),
    path("patients/<int:patient_id>/integration/notes/", chart_views.note_sign, name="note_sign"),
    path(
        "patients/<int:patient_id>/integration/plan/", chart_views.plan_assign, name="plan_assign"
    ),
    path(
        "patients/<int:patient_id>/integration/plan/<int:item_id>/end/",
        chart_views.plan_end,
        name="plan_end",
    ),
    path(
        "patients/<int:patient_id>/integration/follow-up/",
        followup_views.followup_issue,
        name="followup_issue",
    ),
    path("check-in/<str:token>/", followup_views.checkin, name="checkin"),
    path("integration/settings/", library_views.settings_page, name="settings"),
    path(
        "integration/settings/<str:kind>/<int:item_id>/retire/",
        library_views.retire,
        name="retire",
    ),
]
