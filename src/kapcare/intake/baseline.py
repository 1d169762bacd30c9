"""Baseline questionnaires by concern, assigned through measurement-based care on submission.

PHQ-9 and GAD-7 for everyone, PCL-5 for trauma, PEG for pain (issue 5). The
questionnaires themselves belong to ``kapcare.measures``; this module only
decides which to ask for and calls its ``assignment_create``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.patients.models import Patient

#: a baseline questionnaire is due this long after the intake is submitted
BASELINE_DUE_AFTER = dt.timedelta(days=3)
BY_CONCERN = {"ptsd": "pcl5", "chronic_pain": "peg"}


def baseline_instruments(data: dict[str, Any]) -> list[str]:
    """Which instruments the intake's concerns call for, in a stable order."""
    concerns = data.get("concerns", {}).get("primary_concerns", [])
    extra = [key for concern, key in BY_CONCERN.items() if concern in concerns]
    return ["phq9", "gad7", *extra]


def assign_baseline_questionnaires(
    *, actor: Actor, patient: Patient, data: dict[str, Any]
) -> list[Any]:
    """Assign each baseline questionnaire the patient does not already have open or done."""
    from kapcare.measures.models import Assignment, AssignmentStatus, ScheduleKind
    from kapcare.measures.services import assignment_create

    existing = set(
        Assignment.objects.filter(
            patient=patient,
            schedule=ScheduleKind.BASELINE,
            status__in=[AssignmentStatus.OPEN, AssignmentStatus.COMPLETED],
        ).values_list("instrument", flat=True)
    )
    now = timezone.now()
    return [
        assignment_create(
            actor=actor,
            patient=patient,
            instrument=key,
            schedule=ScheduleKind.BASELINE,
            due_at=now + BASELINE_DUE_AFTER,
            now=now,
        )
        for key in baseline_instruments(data)
        if key not in existing
    ]


def baseline_scores(patient: Patient) -> list[dict[str, Any]]:
    """The first current score of each questionnaire the patient answered, earliest first.

    One query and one row per questionnaire, however many the patient has answered:
    the baselines are ranked in SQL rather than picked from every response.
    """
    from kapcare.clinical.instruments import DEFINITIONS, get_definition
    from kapcare.measures.models import QuestionnaireResponse
    from kapcare.measures.selectors import current_responses, first_of_each_instrument

    first = first_of_each_instrument(
        current_responses(
            QuestionnaireResponse.objects.filter(patient=patient, clinic_id=patient.clinic_id)
        ),
        set(DEFINITIONS),
    )
    return [
        {
            "instrument": get_definition(response.instrument).title,
            "total": response.total,
            "band": response.band_label,
            "answered_at": response.answered_at,
        }
        for response in sorted(first.values(), key=lambda r: (r.answered_at, r.pk))
    ]
