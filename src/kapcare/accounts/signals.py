"""Sign-in events go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kapcare.audit.models import Action, Outcome
from kapcare.audit.services import record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, user=user, object_type="accounts.user", object_id=user.pk)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, user=user, object_type="accounts.user", object_id=user.pk)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The attempted email is kept for investigation; nothing tells the person whether it exists.
    attempted = str(credentials.get("username", ""))[:254]
    record(
        Action.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        object_type="accounts.user",
        actor_label=attempted,
        detail={"attempted_email": attempted},
    )
