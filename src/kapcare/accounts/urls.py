from django.urls import path

from kapcare.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.security, name="security"),
    path("account/recovery-codes/", views.regenerate_recovery_codes, name="regenerate_codes"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("clinic/switch/", views.switch_clinic, name="switch_clinic"),
    path("clinic/tokens/", views.clinic_tokens, name="clinic_tokens"),
    path("clinic/settings/", views.clinic_settings, name="clinic_settings"),
    path("staff/", views.staff, name="staff"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
