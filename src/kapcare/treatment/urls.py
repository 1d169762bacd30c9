from django.urls import path

from kapcare.treatment import (
    calendar_views,
    feed_views,
    portal_views,
    prep_template_views,
    prep_views,
    reassessment_views,
    settings_views,
    slot_views,
    template_views,
    views,
)

app_name = "treatment"

urlpatterns = [
    path("patients/<int:patient_id>/plan/", views.plan_tab, name="plan"),
    path("patients/<int:patient_id>/plan/new/", views.plan_new, name="plan_new"),
    path("patients/<int:patient_id>/plan/<int:plan_id>/sign/", views.plan_sign, name="plan_sign"),
    path(
        "patients/<int:patient_id>/plan/<int:plan_id>/generate/",
        views.plan_generate,
        name="plan_generate",
    ),
    path(
        "patients/<int:patient_id>/appointments/new/",
        slot_views.appointment_new,
        name="appointment_new",
    ),
    path(
        "patients/<int:patient_id>/appointments/<int:appointment_id>/move/",
        slot_views.appointment_move,
        name="appointment_move",
    ),
    path(
        "patients/<int:patient_id>/appointments/<int:appointment_id>/cancel/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "patients/<int:patient_id>/appointments/<int:appointment_id>/attended/",
        views.appointment_attended,
        name="appointment_attended",
    ),
    path(
        "patients/<int:patient_id>/appointments/<int:appointment_id>/preparation/",
        prep_views.checklist,
        name="checklist",
    ),
    path(
        "patients/<int:patient_id>/preparation-notes/",
        prep_views.preparation_note,
        name="preparation_note",
    ),
    path(
        "patients/<int:patient_id>/reassessment/",
        reassessment_views.reassessment,
        name="reassessment",
    ),
    path("portal/appointments/", portal_views.my_appointments, name="my_appointments"),
    path(
        "portal/appointments/<int:appointment_id>/prepare/",
        portal_views.my_checklist,
        name="my_checklist",
    ),
    path("plan-templates/", template_views.plan_templates, name="plan_templates"),
    path(
        "plan-templates/<slug:template_id>/",
        template_views.plan_template_edit,
        name="plan_template_edit",
    ),
    path(
        "preparation-checklists/",
        prep_template_views.preparation_templates,
        name="preparation_templates",
    ),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/feed/", feed_views.feed_settings, name="feed_settings"),
    path("calendar/feed/<str:token>.ics", feed_views.feed, name="feed"),
    path("calendar/setup/", settings_views.schedule_settings, name="schedule_settings"),
]
