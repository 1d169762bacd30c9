"""The ``kapcare`` command: Django's management commands with kapcare's settings.

``kapcare demo`` runs on its own SQLite database under ./var/ with the demo switches
on; ``kapcare serve`` runs gunicorn; ``kapcare worker`` runs the task worker;
everything else (``migrate``, ``check --deploy``, ``audit verify``…) is Django's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _prepare_demo_environment(argv: list[str]) -> None:
    os.environ["KAPCARE_DEMO"] = "true"
    os.environ.setdefault("KAPCARE_TASKS_IMMEDIATE", "true")
    var = Path(os.environ.get("KAPCARE_VAR_DIR", Path.cwd() / "var"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'demo.sqlite3'}")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "kapcare"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapcare.settings")
    if len(argv) > 1 and argv[1] == "demo":
        _prepare_demo_environment(argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
