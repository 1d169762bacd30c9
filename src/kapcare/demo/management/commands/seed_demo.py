from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kapcare.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create (or top up) the demo clinic and its personas. Safe to run more than once."

    def handle(self, *args: Any, **options: Any) -> None:
        personas = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for email, description in personas.items():
            self.stdout.write(f"  {email:<26} {description}")
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
