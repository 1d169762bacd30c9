"""The kapcare command: demo data, production checks, bad flags and the task worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from kapcare.accounts.models import Clinic, Membership, User
from kapcare.patients.models import Patient

ROOT = Path(__file__).resolve().parents[2]


def run_kapcare(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KAPCARE_", "DJANGO_", "DATABASE_URL"))
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kapcare", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db
def test_the_demo_seed_creates_every_persona_and_is_safe_to_run_twice() -> None:
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Patient.objects.count(), Membership.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Patient.objects.count(), Membership.objects.count()) == counts
    for email in (
        "admin@example.com",
        "prescriber@example.com",
        "therapist@example.com",
        "nurse@example.com",
        "patient@example.com",
        "patient2@example.com",
        "support@example.com",
        "other@example.com",
    ):
        assert User.objects.get(email=email).check_password("kapcare-demo")
    assert Clinic.objects.filter(name="Cedar Grove Ketamine Clinic").exists()
    assert Patient.objects.filter(clinic__slug="cedar-grove").count() >= 14
    statuses = set(Patient.objects.values_list("status", flat=True))
    assert statuses >= {"referred", "screening", "eligible", "active", "maintenance", "completed"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--port", "80"], "--port: 80 is outside the allowed range 1024–65535"),
        (["--port", "abc"], "--port: 'abc' is not a number"),
        (["--host", "not a host"], "--host: 'not a host' is not an IP address"),
    ],
)
def test_demo_flags_are_checked_before_anything_happens(flags: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("demo", *flags, "--no-serve")


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    result = run_kapcare(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "KAPCARE_SECRET_KEY": "x" * 60 + "production-like-secret",
            "KAPCARE_VAR_DIR": str(tmp_path),
            "KAPCARE_ALLOWED_HOSTS": "kap.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_kapcare("check", env={"KAPCARE_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert (
        "KAPCARE_SECRET_KEY (or KAPCARE_SECRET_KEY_FILE) must be set in production" in result.stderr
    )


def test_serve_refuses_a_bad_worker_count(tmp_path: Path) -> None:
    result = run_kapcare(
        "serve", "--workers", "0", env={"KAPCARE_DEBUG": "true", "KAPCARE_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "--workers: must be between 1 and 64" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_queued_email_after_the_transaction_commits(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    # django-tasks resets its backends when the TASKS setting changes.
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from kapcare.core.tasks import send_email_after_commit

    with transaction.atomic():
        send_email_after_commit(["nurse@example.com"], "Reminder", "Vitals at 10:00")
        assert DBTaskResult.objects.count() == 0
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []
    call_command("worker", "--batch")
    assert [m.subject for m in mail.outbox] == ["Reminder"]


def test_check_deploy_fails_while_the_benchmark_switch_is_on(tmp_path: Path) -> None:
    result = run_kapcare(
        "check",
        "--deploy",
        env={
            "KAPCARE_SECRET_KEY": "x" * 60 + "production-like-secret",
            "KAPCARE_VAR_DIR": str(tmp_path),
            "KAPCARE_BENCH": "true",
        },
    )
    assert result.returncode != 0
    assert "kapcare.E001" in result.stderr
