"""Account views, one module per concern; re-exported for urls.py and settings."""

from kapcare.accounts.views.account import (
    clinic_tokens,
    security,
    switch_clinic,
    token_create,
    token_revoke,
)
from kapcare.accounts.views.clinic import clinic_settings
from kapcare.accounts.views.signin import (
    LoginView,
    lockout_response,
    login_view,
    logout_view,
    password_reset,
    password_reset_complete,
    password_reset_confirm,
    password_reset_done,
    session_keepalive,
    session_status,
)
from kapcare.accounts.views.staff import accept_invitation, invitation_revoke, staff
from kapcare.accounts.views.two_factor import (
    mfa_recovery_codes,
    mfa_setup,
    mfa_step_up,
    mfa_verify,
    regenerate_recovery_codes,
)

__all__ = [
    "LoginView",
    "accept_invitation",
    "clinic_settings",
    "clinic_tokens",
    "invitation_revoke",
    "lockout_response",
    "login_view",
    "logout_view",
    "mfa_recovery_codes",
    "mfa_setup",
    "mfa_step_up",
    "mfa_verify",
    "password_reset",
    "password_reset_complete",
    "password_reset_confirm",
    "password_reset_done",
    "regenerate_recovery_codes",
    "security",
    "session_keepalive",
    "session_status",
    "staff",
    "switch_clinic",
    "token_create",
    "token_revoke",
]
