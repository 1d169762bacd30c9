"""The demo shows the in-session record and both REMS cases: a form to file and a filed one."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership
from kapcare.dosing.models import DosingSession, Observation, RemsFormFiling, TherapistNote
from kapcare.dosing.rems import forms_to_file


def test_the_demo_has_observations_a_note_and_rems_forms_and_runs_twice(db: Any) -> None:
    from kapcare.demo.seed import seed_demo
    from tests.conftest import signed_in

    seed_demo()
    seed_demo()
    in_chair = DosingSession.objects.get(patient__mrn="KC-1001", state="recovery")
    assert Observation.objects.filter(session=in_chair).count() == 3
    assert TherapistNote.objects.filter(session=in_chair).count() == 1
    assert RemsFormFiling.objects.count() == 1
    nurse = Membership.objects.select_related("user", "clinic").get(user__email="nurse@example.com")
    actor = Actor(user=nurse.user, clinic=nurse.clinic, role=nurse.role, membership=nurse)
    pending = forms_to_file(actor, today=timezone.localdate())
    assert [r.session.patient.mrn for r in pending] == ["KC-1014"]
    assert not pending[0].overdue
    client = signed_in(nurse.user)
    for session in DosingSession.objects.filter(route="intranasal_esketamine", state="discharged"):
        page = client.get(reverse("dosing:rems_session", args=[session.patient_id, session.pk]))
        assert page.status_code == 200
    assert client.get(reverse("dosing:rems_forms")).status_code == 200
