"""``kapcare seed``: a deterministic synthetic clinic network for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.core.planner_statistics import refresh_planner_statistics
from kapcare.demo.synthetic import generate


def _bounded(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise CommandError(f"{name}: {value} is outside the allowed range {low}–{high}")
    return value


class Command(BaseCommand):
    help = "Add a synthetic clinic network (patients at every stage, teams, notes, audit rows)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--patients", type=int, required=True, help="Patients to create (1–1000000)."
        )
        parser.add_argument(
            "--clinics", type=int, default=1, help="Clinics to spread them over (1–100)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed builds the same rows."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        patients = _bounded("--patients", options["patients"], 1, 1_000_000)
        clinics = _bounded("--clinics", options["clinics"], 1, 100)
        started = time.monotonic()
        generate(
            patients=patients,
            clinics=clinics,
            seed=options["seed"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        # A bulk load leaves the planner without statistics; SQLite never gathers them by
        # itself, and without them it picked a clinic-wide index for one patient's alerts.
        gathered = refresh_planner_statistics(full=True)
        self.stdout.write(f"  statistics gathered ({'; '.join(gathered.statements)})")
        self.stdout.write(
            self.style.SUCCESS(f"Synthetic network ready in {time.monotonic() - started:.1f} s.")
        )
