"""The review page and the intake page cost the same number of queries however much is on them."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.intake.conftest import COMPLETE


def count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_medicines(client: Any, n: int) -> None:
    for i in range(n):
        client.post(
            reverse("intake:portal_medication_add"),
            {
                "med-name": f"Medicine {i}",
                "med-dose": "1",
                "med-unit": "mg",
                "med-frequency": "once_daily",
                "med-drug_class": "benzodiazepine" if i % 2 else "other",
            },
        )


def test_the_review_page_costs_constant_queries(world: Any, client_for: Any) -> None:
    patient = client_for("patient2")
    prescriber = client_for("prescriber")
    url = reverse("intake:review", args=[world.sam.pk])
    for section, data in COMPLETE.items():
        patient.post(reverse("intake:portal_save", args=[section]), data)
    add_medicines(patient, 1)
    prescriber.post(reverse("intake:screen", args=[world.sam.pk]), {"route": "iv_racemic"})
    small = count(prescriber, url)
    add_medicines(patient, 8)
    for route in ("intranasal_esketamine", "im_racemic", "iv_racemic"):
        prescriber.post(reverse("intake:screen", args=[world.sam.pk]), {"route": route})
        run = world.sam.screenings.first()
        prescriber.post(
            reverse("intake:decide", args=[world.sam.pk]),
            {"screening": run.pk, "decision": "more_information_needed", "notes": "ECG"},
        )
    assert count(prescriber, url) == small


def test_the_portal_intake_page_costs_constant_queries(world: Any, client_for: Any) -> None:
    patient = client_for("patient2")
    url = reverse("intake:portal")
    patient.get(url)
    add_medicines(patient, 1)
    small = count(patient, url)
    add_medicines(patient, 10)
    assert count(patient, url) == small
