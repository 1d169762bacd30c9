from django.urls import path

from kapcare.intake import views_consent, views_form, views_review, views_rules

app_name = "intake"

urlpatterns = [
    # the patient, in the portal
    path("portal/intake/", views_form.portal_intake, name="portal"),
    path("portal/intake/submit/", views_form.portal_submit, name="portal_submit"),
    path(
        "portal/intake/medications/add/",
        views_form.portal_medication_add,
        name="portal_medication_add",
    ),
    path(
        "portal/intake/medications/<slug:item_id>/remove/",
        views_form.portal_medication_remove,
        name="portal_medication_remove",
    ),
    path("portal/intake/<slug:section>/", views_form.portal_save, name="portal_save"),
    path("portal/consent/", views_consent.portal_consent, name="portal_consent"),
    path("portal/consent/withdraw/", views_consent.portal_withdraw, name="portal_withdraw"),
    path(
        "portal/consent/<int:signature_id>/pdf/",
        views_consent.portal_consent_pdf,
        name="portal_consent_pdf",
    ),
    # prescribers: the clinic's screening rules
    path("screening-rules/", views_rules.screening_rules, name="rules"),
    # staff, in the chart
    path("patients/<int:patient_id>/intake/", views_review.review, name="review"),
    path("patients/<int:patient_id>/intake/edit/", views_form.staff_edit, name="staff_edit"),
    path("patients/<int:patient_id>/intake/screen/", views_review.run_screening, name="screen"),
    path("patients/<int:patient_id>/intake/decide/", views_review.decide, name="decide"),
    path(
        "patients/<int:patient_id>/intake/medications/add/",
        views_form.staff_medication_add,
        name="staff_medication_add",
    ),
    path(
        "patients/<int:patient_id>/intake/medications/<slug:item_id>/remove/",
        views_form.staff_medication_remove,
        name="staff_medication_remove",
    ),
    path(
        "patients/<int:patient_id>/intake/section/<slug:section>/",
        views_form.staff_save,
        name="staff_save",
    ),
    path(
        "patients/<int:patient_id>/consent/<int:signature_id>/countersign/",
        views_consent.countersign,
        name="countersign",
    ),
    path(
        "patients/<int:patient_id>/consent/<int:signature_id>/withdraw/",
        views_consent.staff_withdraw,
        name="staff_withdraw",
    ),
    path(
        "patients/<int:patient_id>/consent/<int:signature_id>/pdf/",
        views_consent.staff_consent_pdf,
        name="staff_consent_pdf",
    ),
    path("intake/consent-documents/", views_consent.documents, name="consent_documents"),
]
