"""Helpers for treatment tests: a patient made ready through intake's own pages."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from kapcare.accounts.mfa import STEP_UP_KEY
from kapcare.intake.models import ConsentDocument, ConsentSignature, ScreeningRun
from tests.intake.conftest import fill_portal


def stepped_up(client: Any) -> Any:
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


def make_eligible(client_for: Any, patient: Any, persona: str) -> None:
    """Intake submitted, screened, decided eligible (signed with step-up)."""
    portal = client_for(persona)
    fill_portal(portal)
    assert portal.post(reverse("intake:portal_submit"), {"confirm": "on"}).status_code == 302
    prescriber = stepped_up(client_for("prescriber"))
    prescriber.post(reverse("intake:screen", args=[patient.pk]), {"route": "iv_racemic"})
    run = ScreeningRun.objects.filter(patient=patient).first()
    response = prescriber.post(
        reverse("intake:decide", args=[patient.pk]),
        {"screening": run.pk, "decision": "eligible", "notes": "Fit for IV induction."},
    )
    assert response.status_code == 302, response.content[:2000]


def sign_consent(client_for: Any, patient: Any, persona: str, name: str) -> None:
    portal = client_for(persona)
    portal.get(reverse("intake:portal_consent"))
    document = ConsentDocument.objects.get(clinic=patient.clinic)
    portal.post(
        reverse("intake:portal_consent"),
        {"document_sha256": document.sha256, "typed_name": name, "agreed": "on"},
    )
    signature = ConsentSignature.objects.get(patient=patient)
    client_for("nurse").post(reverse("intake:countersign", args=[patient.pk, signature.pk]))


@pytest.fixture
def ready_sam(world: Any, client_for: Any) -> Any:
    """Sam: eligible on a current decision, consent signed and countersigned."""
    make_eligible(client_for, world.sam, "patient2")
    sign_consent(client_for, world.sam, "patient2", "Samuel Lee")
    world.sam.refresh_from_db()
    assert world.sam.status == "eligible"
    return world.sam


def draft_plan(
    client: Any, patient: Any, template: str = "iv_racemic_induction", **changes: Any
) -> Any:
    """Post the plan form prefilled from the template, with changes."""
    from kapcare.clinical.plans import load_templates
    from kapcare.treatment.services import initial_from

    values = initial_from(load_templates()[template].plan)
    values.update(changes)
    data = {k: ("" if v is None else v) for k, v in values.items()}
    return client.post(
        reverse("treatment:plan_new", args=[patient.pk]) + f"?template={template}", data
    )
