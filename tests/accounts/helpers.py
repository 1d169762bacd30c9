"""Small helpers shared by the account and API tests: signing in, TOTP codes, audit rows."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "kapcare-test-pass"


def post_login(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    """Sign in through the real login view (axes needs the request, so no ``client.login``)."""
    data = {"username": email, "password": password}
    data.update({k: v for k, v in extra.items() if k == "next"})
    meta = {k: v for k, v in extra.items() if k != "next"}
    return client.post(reverse("login"), data, **meta)


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for ``device``."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def audit_actions(**filters: Any) -> list[str]:
    from kapcare.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def page_without_secrets(response: Any) -> str:
    """The page without what differs on every response (nonce, CSRF token, request id)."""
    import re

    text = response.content.decode()
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    return text.replace(response.get("X-Request-ID", "-"), "")
