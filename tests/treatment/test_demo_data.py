"""The demo clinic has signed plans on each route, a booked week and three preparation states."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kapcare.treatment.models import Appointment, PlanStatus, TreatmentPlanRecord
from kapcare.treatment.preparation import preparation_status


def test_the_demo_covers_each_route_and_preparation_state_and_runs_twice(db: Any) -> None:
    from kapcare.demo.seed import seed_demo

    seed_demo()
    seed_demo()
    plans = TreatmentPlanRecord.objects.filter(status=PlanStatus.SIGNED)
    assert sorted(plans.values_list("route", flat=True)) == sorted(
        ["iv_racemic", "im_racemic", "sublingual_racemic", "intranasal_esketamine"]
    )
    booked = Appointment.objects.filter(start__gte=timezone.now())
    assert booked.count() == 16
    assert set(booked.exclude(room=None).values_list("room__name", flat=True)) == {
        "Willow room",
        "Aspen room",
    }
    first_doses = {
        a.patient.mrn: preparation_status(a)
        for a in Appointment.objects.filter(kind="dosing", dose_number=1).select_related(
            "patient", "checklist"
        )
    }
    assert first_doses["KC-1001"].missing == ()
    assert first_doses["KC-1003"].missing == ("escort",)
    assert first_doses["KC-1011"].missing == ("intention",)
    assert len(first_doses["KC-1014"].missing) == 6
