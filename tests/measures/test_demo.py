"""The demo clinic shows measurement-based care at work, and seeding it twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from kapcare.clinical.outcomes import classify_change
from kapcare.measures.models import Assignment, QuestionnaireResponse, SafetyAlert
from kapcare.measures.selectors import current_responses


def _phq9(mrn: str) -> list[Any]:
    return list(
        current_responses(
            QuestionnaireResponse.objects.filter(patient__mrn=mrn, instrument="phq9")
        ).order_by("answered_at")
    )


@pytest.mark.django_db
def test_the_demo_has_a_responder_a_remitter_a_non_responder_an_alert_and_overdue_forms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kapcare.demo import seed

    monkeypatch.setattr(seed, "FEATURE_SEEDS", ("kapcare.measures.demo.seed",))
    call_command("seed_demo", verbosity=0)
    responder, remitter, non_responder = _phq9("KC-1001"), _phq9("KC-1003"), _phq9("KC-1011")
    jordan = classify_change("phq9", baseline=responder[0].score, current=responder[-1].score)
    assert jordan.response and not jordan.remission
    maria = classify_change("phq9", baseline=remitter[0].score, current=remitter[-1].score)
    assert maria.remission
    grace = classify_change(
        "phq9", baseline=non_responder[0].score, current=non_responder[-1].score
    )
    assert not grace.response and not grace.meaningful_improvement
    open_alert = SafetyAlert.objects.get(status="open")
    assert (open_alert.kind, open_alert.patient.mrn) == ("suicidal_ideation", "KC-1014")
    assert Assignment.objects.filter(status="open", due_at__lt=open_alert.created_at).exists()
    jordan_due = Assignment.objects.filter(patient__mrn="KC-1001", status="open")
    assert jordan_due.filter(instrument="phq9").exists()
    counts = (QuestionnaireResponse.objects.count(), Assignment.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (QuestionnaireResponse.objects.count(), Assignment.objects.count()) == counts
