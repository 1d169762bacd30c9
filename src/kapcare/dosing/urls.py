from django.urls import path

from kapcare.dosing import board, rems_views, settings_views, views

app_name = "dosing"

urlpatterns = [
    path("board/", board.clinic_board, name="board"),
    path("rems/", rems_views.rems_forms, name="rems_forms"),
    path("setup/dosing/", settings_views.dosing_settings, name="settings"),
    path(
        "patients/<int:patient_id>/sessions/<int:session_id>/rems/",
        rems_views.rems_session,
        name="rems_session",
    ),
    path(
        "patients/<int:patient_id>/sessions/<int:session_id>/rems/file/",
        rems_views.rems_file,
        name="rems_file",
    ),
    path("patients/<int:patient_id>/sessions/", views.sessions_tab, name="sessions"),
    path(
        "patients/<int:patient_id>/appointments/<int:appointment_id>/session/",
        views.session_open,
        name="session_open",
    ),
    path("patients/<int:patient_id>/sessions/<int:session_id>/", views.console, name="console"),
    path(
        "patients/<int:patient_id>/sessions/<int:session_id>/act/",
        views.session_action,
        name="session_action",
    ),
    path(
        "patients/<int:patient_id>/sessions/<int:session_id>/accept-vitals/",
        views.vitals_accept,
        name="vitals_accept",
    ),
    path(
        "patients/<int:patient_id>/sessions/<int:session_id>/discharge/",
        views.discharge,
        name="discharge",
    ),
    path(
        "patients/<int:patient_id>/sessions/<int:session_id>/summary/",
        views.summary,
        name="summary",
    ),
]
