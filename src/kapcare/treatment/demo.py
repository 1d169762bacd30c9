"""Demo data for treatment plans and scheduling: added to the demo clinic by `kapcare demo`."""

from __future__ import annotations


def seed() -> None:
    """Nothing to add yet."""
