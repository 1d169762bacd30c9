"""Every route of kapcare.

Each view passes through the access policy; tests/test_access_matrix.py proves it.
"""

from django.conf import settings
from django.urls import include, path

from kapcare.accounts import views as account_views
from kapcare.api.api import api
from kapcare.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("setup/", core_views.clinic_setup, name="clinic_setup"),
    path("login/", account_views.login_view, name="login"),
    path("logout/", account_views.logout_view, name="logout"),
    path("mfa/setup/", account_views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", account_views.mfa_verify, name="mfa_verify"),
    path("mfa/recovery-codes/", account_views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("mfa/step-up/", account_views.mfa_step_up, name="mfa_step_up"),
    path("session/status/", account_views.session_status, name="session_status"),
    path("session/keepalive/", account_views.session_keepalive, name="session_keepalive"),
    path("password-reset/", account_views.password_reset, name="password_reset"),
    path("password-reset/sent/", account_views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        account_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("", include("kapcare.accounts.urls")),
    path("patients/", include("kapcare.patients.urls")),
    path("", include("kapcare.intake.urls")),
    path("", include("kapcare.measures.urls")),
    path("", include("kapcare.treatment.urls")),
    path("", include("kapcare.dosing.urls")),
    path("", include("kapcare.controlled.urls")),
    path("", include("kapcare.exposure.urls")),
    path("", include("kapcare.integration.urls")),
    path("", include("kapcare.education.urls")),
    path("audit/", include("kapcare.audit.urls")),
    path("portal/", include("kapcare.portal.urls")),
    path("support/", include("kapcare.support.urls")),
    path("api/v1/", api.urls),
]

if settings.KAPCARE_BENCH:
    urlpatterns.append(path("bench/", include("kapcare.bench.urls")))

handler400 = "kapcare.core.views.bad_request"
handler403 = "kapcare.core.views.permission_denied"
handler404 = "kapcare.core.views.page_not_found"
handler500 = "kapcare.core.views.server_error"
