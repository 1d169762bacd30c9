"""Background work that several apps share: sending email."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email; the task worker retries by re-enqueueing on failure."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def send_email_after_commit(to: list[str], subject: str, body: str) -> None:
    """Queue an email once the surrounding transaction commits (never for rolled-back work)."""
    transaction.on_commit(partial(send_email.enqueue, to=to, subject=subject, body=body))
