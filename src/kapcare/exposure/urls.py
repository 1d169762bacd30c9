from django.urls import path

from kapcare.exposure.views import (
    bladder_check_create,
    bladder_check_review,
    exposure_settings,
    exposure_tab,
)

app_name = "exposure"

urlpatterns = [
    path("patients/<int:patient_id>/exposure/", exposure_tab, name="tab"),
    path(
        "patients/<int:patient_id>/exposure/bladder-checks/",
        bladder_check_create,
        name="bladder_check_create",
    ),
    path(
        "patients/<int:patient_id>/exposure/bladder-checks/<int:check_id>/review/",
        bladder_check_review,
        name="bladder_check_review",
    ),
    path("exposure/settings/", exposure_settings, name="settings"),
]
