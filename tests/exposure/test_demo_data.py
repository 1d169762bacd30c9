"""The demo clinic gets its own bladder-check interval and two checks, once."""

from __future__ import annotations

from typing import Any

from kapcare.exposure.models import BladderCheck, ExposureSettings


def test_the_demo_seeds_settings_and_checks_once(db: Any) -> None:
    from kapcare.demo.seed import seed_demo

    seed_demo()
    seed_demo()
    chosen = ExposureSettings.objects.get(clinic__name="Cedar Grove Ketamine Clinic")
    assert chosen.week_mg_limit is None  # no invented limit
    assert chosen.bladder_check_every_weeks == 4
    assert chosen.confirmed_by is not None
    assert BladderCheck.objects.count() == 2
    assert BladderCheck.objects.filter(needs_review=True).count() == 1
