"""``kapcare serve``: the production web server (gunicorn)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production web server (gunicorn). Put a TLS-terminating reverse proxy in front."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("KAPCARE_BIND", "127.0.0.1:8000"),
            help="Address to listen on, host:port (default 127.0.0.1:8000 or $KAPCARE_BIND).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("KAPCARE_WORKERS", "2")),
            help="Worker processes (default 2 or $KAPCARE_WORKERS).",
        )
        parser.add_argument(
            "--timeout", type=int, default=30, help="Worker timeout in seconds (default 30)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["workers"] > 64:
            self.stderr.write("--workers: must be between 1 and 64")
            sys.exit(2)
        from gunicorn.app.wsgiapp import run

        sys.argv = [
            "gunicorn",
            "kapcare.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("KAPCARE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        run()
