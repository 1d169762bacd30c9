"""``kapcare demo``: a complete clinic on SQLite, one command, no other service."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.demo.seed import DEMO_PASSWORD, PERSONAS


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise CommandError(f"--port: {value!r} is not a number; use 1024–65535") from None
    if not 1024 <= port <= 65535:
        raise CommandError(f"--port: {port} is outside the allowed range 1024–65535")
    return port


class Command(BaseCommand):
    help = "Create or reuse the demo database under ./var/, seed it and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument("--port", default="8000", help="Port, 1024–65535 (default 8000).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo database and start again."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the database and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = _port(str(options["port"]))
        host = str(options["host"])
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if host != "localhost":
                raise CommandError(
                    f"--host: {host!r} is not an IP address or 'localhost'"
                ) from None
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                "The demo runs on SQLite only; unset DATABASE_URL to use ./var/demo.sqlite3."
            )
        path = Path(database["NAME"])
        if options["reset"]:
            from django.db import connections

            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.stdout.write(f"Removed {path}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", verbosity=0)
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"\nkapcare demo is ready at {url}\n"))
        self.stdout.write("Sign in with any of these accounts (password: " + DEMO_PASSWORD + "):")
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:<26} {persona.description}")
        self.stdout.write(
            f"\nDatabase: {path}\n"
            "Start over with 'make demo ARGS=--reset' (or 'kapcare demo --reset').\n"
        )
        if options["no_serve"]:
            return
        os.environ.setdefault("KAPCARE_ALLOWED_HOSTS", "*")
        if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append(host)
        call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
