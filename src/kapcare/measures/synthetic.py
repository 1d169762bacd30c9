"""Synthetic questionnaire histories, with the safety alerts and assignments they lead to.

Part of ``kapcare seed`` (see ``kapcare.demo.synthetic``); runs after the treatment and
dosing generators. Every patient in a course answers PHQ-9 and GAD-7 at baseline, weekly
and before each dosing session, a reflection the day after each session, and at the end
of a completed course; a share also answers PCL-5, PEG or a daily check-in. Scores follow
the patient's archetype (responder, remitter, non-responder, worsening) towards a final
level. Each response is scored by ``measures.scoring.score_answers``, the function a real
submission uses, and raises the alerts ``measures.alerts`` would raise for it: an item-9
answer above 0, the most severe band, meaningful worsening since baseline.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from kapcare.audit.models import Action
from kapcare.clinical.instruments import get_definition
from kapcare.clinical.instruments.phq9 import SUICIDAL_IDEATION
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.demo.synthetic import EPOCH, Network, bulk_insert
from kapcare.measures.alerts import _item_rule_detail
from kapcare.measures.models import (
    PRIORITY_OF,
    AlertKind,
    AlertPriority,
    AlertStatus,
    Assignment,
    AssignmentStatus,
    QuestionnaireResponse,
    SafetyAlert,
    ScheduleKind,
)
from kapcare.measures.progress import refresh_progress
from kapcare.measures.scoring import Scored, change_since_baseline, score_answers
from kapcare.measures.selectors import settings_for
from kapcare.patients.models import Patient
from kapcare.treatment.synthetic import Course

#: courses written per transaction
COURSES_PER_CHUNK = 200
#: shares of patients in a course who also answer these (not sourced figures)
PCL5_SHARE = 0.3
PEG_SHARE = 0.2
DAILY_CHECKIN_SHARE = 0.6
#: how many days a patient keeps up a daily check-in, at most
DAILY_CHECKIN_DAYS = (30, 540)
#: chance of answering a questionnaire that falls due
ADHERENCE = 0.9
#: alerts older than this before EPOCH have been acknowledged
ACKNOWLEDGED_AFTER = dt.timedelta(days=2)
ACKNOWLEDGEMENT_NOTES = (
    "Called the patient; safe, plan reviewed. Follow up at next session.",
    "Discussed with the prescriber; no change to the plan.",
    "Reviewed at today's session with the therapist.",
    "Left a message and spoke to the patient the same day; safety plan in place.",
)
SCALE_MAX = {"phq9": 27, "gad7": 21, "pcl5": 80, "peg": 10}
ITEM_MAX = {"phq9": 3, "gad7": 3, "pcl5": 4, "peg": 10}
#: below the most severe band, so that screening answers raise no alert
SCREENING_MAX = {"phq9": 19, "gad7": 14}
ITEMS = {"phq9": 9, "gad7": 7, "pcl5": 20, "peg": 3}


@dataclass
class Trajectory:
    """From ``baseline`` towards ``final``, most of the way in about three ``tau`` days."""

    baseline: float
    final: float
    tau: float
    top: int

    def at(self, days: float, rng: random.Random) -> int:
        level = (
            self.baseline
            if days <= 0
            else self.final + (self.baseline - self.final) * math.exp(-days / self.tau)
        )
        return max(0, min(self.top, round(level + rng.randint(-1, 1))))


def _trajectory(instrument: str, archetype: str, rng: random.Random) -> Trajectory:
    top = SCALE_MAX[instrument]
    baseline = {
        "phq9": rng.randint(12, 25),
        "gad7": rng.randint(8, 19),
        "pcl5": rng.randint(28, 62),
        "peg": rng.randint(4, 8),
    }[instrument]
    if archetype == "remitter":
        final = rng.uniform(0, 0.12) * top
    elif archetype == "responder":
        final = max(baseline * rng.uniform(0.3, 0.45), 0.2 * top)
    elif archetype == "non_responder":
        final = baseline * rng.uniform(0.8, 1.0)
    else:  # worsening
        final = min(top, baseline + rng.uniform(0.15, 0.3) * top)
    return Trajectory(baseline=baseline, final=final, tau=rng.uniform(7, 21), top=top)


def _answers(instrument: str, total: int, rng: random.Random, item9: int) -> dict[str, int]:
    """Item answers adding up to ``total`` (item 9 of the PHQ-9 set apart)."""
    count, most = ITEMS[instrument], ITEM_MAX[instrument]
    if instrument == "peg":
        values = [min(most, max(0, total + rng.randint(-1, 1))) for _ in range(count)]
        return {str(i + 1): v for i, v in enumerate(values)}
    spread = count - 1 if instrument == "phq9" else count
    total = min(total - item9 if instrument == "phq9" else total, spread * most)
    total = max(total, 0)
    values = [total // spread] * spread
    for i in rng.sample(range(spread), total % spread):
        values[i] += 1
    for _ in range(spread // 2):  # uneven answers, the same total
        i, j = rng.randrange(spread), rng.randrange(spread)
        if values[i] > 0 and values[j] < most:
            values[i] -= 1
            values[j] += 1
    answers = {str(i + 1): v for i, v in enumerate(values)}
    if instrument == "phq9":
        answers["9"] = item9
        answered = sum(values) + item9
        answers["difficulty"] = (
            0 if answered < 5 else 1 if answered < 10 else 2 if answered < 20 else 3
        )
    return answers


class _Scorer:
    """``score_answers`` once per distinct set of answers (it is pure)."""

    def __init__(self) -> None:
        self.known: dict[tuple[Any, ...], Scored] = {}
        self.cutoff: dict[int, int] = {}

    def __call__(self, patient: Patient, instrument: str, answers: dict[str, Any]) -> Scored:
        if patient.clinic_id not in self.cutoff:
            self.cutoff[patient.clinic_id] = settings_for(patient.clinic).pcl5_cutoff
        cutoff = self.cutoff[patient.clinic_id]
        key = (instrument, cutoff, tuple((k, _hashable(v)) for k, v in answers.items()))
        if key not in self.known:
            self.known[key] = score_answers(get_definition(instrument), answers, pcl5_cutoff=cutoff)
        return self.known[key]


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass
class _Due:
    """One questionnaire answered: when, what, and whether staff entered it from paper."""

    at: dt.datetime
    instrument: str
    on_behalf: bool = False


def _schedule(course: Course, rng: random.Random) -> list[_Due]:
    first = course.given[0][1] if course.given else course.starts + dt.timedelta(days=10)
    ends = course.ends
    due: list[_Due] = []
    extra = [i for i, share in (("pcl5", PCL5_SHARE), ("peg", PEG_SHARE)) if rng.random() < share]

    def hours(low: int, high: int) -> dt.timedelta:
        return dt.timedelta(hours=rng.randint(low, high))

    for instrument in ("phq9", "gad7", *extra):
        due.append(_Due(course.starts + hours(0, 48), instrument))
    week, step = 1, 2 if "pcl5" in extra else 1
    while (at := course.starts + dt.timedelta(weeks=week) + hours(-12, 36)) < ends:
        for instrument in ("phq9", "gad7", *extra):
            if instrument == "pcl5" and week % step:
                continue
            if rng.random() < ADHERENCE:
                due.append(_Due(at, instrument))
        week += 1
    for _number, starts, _id in course.given:
        if rng.random() < ADHERENCE:
            due.append(_Due(starts - hours(2, 30), "phq9", on_behalf=rng.random() < 0.15))
        if rng.random() < 0.8:
            due.append(_Due(starts + hours(20, 30), "post_session_reflection"))
    if course.patient.status == "completed":
        due += [_Due(ends - hours(0, 24), "phq9"), _Due(ends - hours(0, 24), "gad7")]
    if rng.random() < DAILY_CHECKIN_SHARE:
        days = min((ends - first).days, rng.randint(*DAILY_CHECKIN_DAYS))
        for day in range(days):
            if rng.random() < 0.8:
                due.append(_Due(first + dt.timedelta(days=day) + hours(4, 14), "daily_checkin"))
    return sorted((d for d in due if d.at <= EPOCH), key=lambda d: (d.at, d.instrument))


def _unscored(instrument: str, level: float, rng: random.Random) -> dict[str, Any]:
    """Answers to the daily check-in or the reflection; ``level`` is 0 (well) to 1 (unwell)."""
    if instrument == "daily_checkin":
        effects = [] if rng.random() < 0.8 else rng.sample(["drowsiness", "dizziness", "nausea"], 1)
        mood = max(0, min(10, round(9 - 8 * level) + rng.randint(-1, 1)))
        anxiety = max(0, min(10, round(1 + 7 * level) + rng.randint(-1, 1)))
        return {"1": mood, "2": anxiety, "3": rng.randint(5, 9), "4": effects, "5": ""}
    return {"1": rng.randint(4, 10), "2": rng.randint(3, 10), "3": rng.randint(2, 9), "4": ""}


def generate(network: Network, rng: random.Random, say: Callable[[str], None]) -> None:
    courses: list[Course] = network.shared["courses"]
    scorer = _Scorer()
    totals = {"responses": 0, "safety alerts": 0, "open assignments": 0}
    for start in range(0, len(courses), COURSES_PER_CHUNK):
        with transaction.atomic():
            _write_chunk(network, courses[start : start + COURSES_PER_CHUNK], rng, scorer, totals)
    with transaction.atomic():
        _screening(network, rng, scorer, totals)
    say(", ".join(f"{n} {what}" for what, n in totals.items()))
    # written in bulk, around the services: the worklist's stored progress is made here
    # (the dosing generator ran before this one, so every session is already written)
    refreshed = refresh_progress(patient.pk for patient in network.patients)
    say(f"{refreshed} patients' progress stored")


def _response(
    patient: Patient, instrument: str, scored: Scored, due: _Due, entered_by: int
) -> QuestionnaireResponse:
    submitted = due.at + (dt.timedelta(minutes=40) if due.on_behalf else dt.timedelta(minutes=0))
    return QuestionnaireResponse(
        clinic_id=patient.clinic_id,
        patient=patient,
        instrument=instrument,
        definition_version=scored.version,
        answers=scored.answers,
        total=scored.total,
        band=scored.band,
        subscales=scored.subscales,
        flags=scored.flags,
        entered_by_id=entered_by,
        entered_on_behalf=due.on_behalf,
        answered_at=due.at,
        submitted_at=min(submitted, EPOCH),
    )


def _write_chunk(
    network: Network,
    courses: list[Course],
    rng: random.Random,
    scorer: _Scorer,
    totals: dict[str, int],
) -> None:
    responses: list[QuestionnaireResponse] = []
    owners: list[Course] = []
    assignments: list[Assignment] = []
    for course in courses:
        patient = course.patient
        paths = {i: _trajectory(i, course.archetype, rng) for i in SCALE_MAX}
        first = course.given[0][1] if course.given else course.starts + dt.timedelta(days=10)
        ideation = 0.08 if course.archetype == "worsening" else 0.02
        for due in _schedule(course, rng):
            days = (due.at - first).total_seconds() / 86400
            if due.instrument in SCALE_MAX:
                total = paths[due.instrument].at(days, rng)
                item9 = 0
                if due.instrument == "phq9" and total >= 10 and rng.random() < ideation:
                    item9 = rng.choice((1, 1, 1, 2))
                answers: dict[str, Any] = _answers(due.instrument, total, rng, item9)
            else:
                phq9 = paths["phq9"]
                answers = _unscored(due.instrument, phq9.at(days, rng) / phq9.top, rng)
            entered_by = course.nurse.user_id if due.on_behalf else patient.user_id
            assert entered_by is not None
            scored = scorer(patient, due.instrument, answers)
            responses.append(_response(patient, due.instrument, scored, due, entered_by))
            owners.append(course)
        assignments += _open_assignments(course, rng)
    bulk_insert(QuestionnaireResponse, responses)
    bulk_insert(Assignment, assignments)
    for response, course in zip(responses, owners, strict=True):
        _audit_response(network, response, course)
    alerts = _alerts(network, responses, owners, rng)
    bulk_insert(SafetyAlert, alerts)
    for alert, course in _alert_owners(alerts, courses):
        _audit_alert(network, alert, course)
    totals["responses"] += len(responses)
    totals["safety alerts"] += len(alerts)
    totals["open assignments"] += len(assignments)


def _open_assignments(course: Course, rng: random.Random) -> list[Assignment]:
    """What an active or maintenance patient is asked to answer next; some of it overdue."""
    patient = course.patient
    if patient.status not in ("active", "maintenance"):
        return []
    made = []
    for instrument, schedule, interval in (
        ("phq9", ScheduleKind.EVERY_N_WEEKS, 1),
        ("gad7", ScheduleKind.EVERY_N_WEEKS, 1),
        ("daily_checkin", ScheduleKind.EVERY_N_DAYS, 1),
    ):
        if instrument == "daily_checkin" and rng.random() < 0.6:
            continue
        step = dt.timedelta(days=interval * (7 if schedule == ScheduleKind.EVERY_N_WEEKS else 1))
        overdue = rng.random() < 0.2
        due_at = (
            EPOCH - dt.timedelta(days=rng.randint(1, 10))
            if overdue
            else (EPOCH + dt.timedelta(hours=rng.randint(2, 160)))
        )
        made.append(
            Assignment(
                clinic_id=patient.clinic_id,
                patient=patient,
                instrument=instrument,
                schedule=schedule,
                interval=interval,
                opens_at=due_at - min(dt.timedelta(days=3), step / 2),
                due_at=due_at,
                status=AssignmentStatus.OPEN,
                created_by_id=course.therapist.user_id,
                created_at=min(EPOCH, due_at - step),
            )
        )
    return made


def _severe(scored_band: str, instrument: str) -> Any:
    bands = get_definition(instrument).bands
    if bands and scored_band == bands[-1].key:
        return bands[-1]
    return None


def _alerts(
    network: Network,
    responses: list[QuestionnaireResponse],
    owners: list[Course],
    rng: random.Random,
) -> list[SafetyAlert]:
    """The alerts ``measures.alerts.raise_for_response`` would raise for these responses."""
    baselines: dict[tuple[int, str], QuestionnaireResponse] = {}
    made = []
    for response, course in zip(responses, owners, strict=True):
        key = (response.patient_id, response.instrument)
        baseline = baselines.setdefault(key, response)
        definition = response.definition
        reasons: list[tuple[AlertKind, str]] = []
        if SUICIDAL_IDEATION in response.flags:
            reasons.append((AlertKind.SUICIDAL_IDEATION, _item_rule_detail(response)))
        band = _severe(response.band, response.instrument)
        if band is not None:
            reasons.append(
                (
                    AlertKind.SEVERE_BAND,
                    f"{definition.abbreviation} total {response.score}: {band.label} "
                    f"({band.minimum}–{band.maximum}), the most severe range.",
                )
            )
        if baseline is not response:
            change = change_since_baseline(response.instrument, baseline.score, response.score)
            if change is not None and change.meaningful_worsening:
                mcid = OUTCOME_DEFINITIONS[response.instrument].meaningful_change.points
                zone = ZoneInfo(course.patient.clinic.time_zone)
                reasons.append(
                    (
                        AlertKind.MEANINGFUL_WORSENING,
                        f"{definition.abbreviation} rose from {baseline.score} at baseline "
                        f"({baseline.answered_at.astimezone(zone):%-d %b %Y}) to "
                        f"{response.score} (+{change.difference:g}; a change of {mcid} or "
                        "more is meaningful).",
                    )
                )
        for kind, detail in reasons:
            made.append(_alert(response, course, kind, detail, rng))
    return made


def _alert(
    response: QuestionnaireResponse,
    course: Course,
    kind: AlertKind,
    detail: str,
    rng: random.Random,
) -> SafetyAlert:
    created = response.submitted_at
    priority = PRIORITY_OF[kind]
    alert = SafetyAlert(
        clinic_id=response.clinic_id,
        patient=course.patient,
        response=response,
        kind=kind,
        priority=priority,
        detail=detail,
        created_at=created,
    )
    if created < EPOCH - ACKNOWLEDGED_AFTER or rng.random() < 0.5:
        delay = dt.timedelta(minutes=rng.randint(10, 900))
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by_id = course.therapist.user_id
        alert.acknowledged_at = min(created + delay, EPOCH)
        alert.acknowledgement_note = rng.choice(ACKNOWLEDGEMENT_NOTES)
        late = delay > dt.timedelta(minutes=60)
    else:
        late = EPOCH - created > dt.timedelta(minutes=60)
    if priority == AlertPriority.HIGH and late:
        alert.escalated_at = created + dt.timedelta(minutes=60)
    return alert


def _alert_owners(
    alerts: list[SafetyAlert], courses: list[Course]
) -> list[tuple[SafetyAlert, Course]]:
    by_patient = {c.patient.pk: c for c in courses}
    return [(a, by_patient[a.patient_id]) for a in alerts]


def _audit_response(network: Network, response: QuestionnaireResponse, course: Course) -> None:
    network.audit(
        actor=course.nurse if response.entered_on_behalf else None,
        by_patient=not response.entered_on_behalf,
        patient=course.patient,
        action=Action.CREATE,
        object_type="measures.questionnaireresponse",
        object_id=response.pk,
        at=response.submitted_at,
        detail={
            "instrument": response.instrument,
            "version": response.definition_version,
            "flags": response.flags,
            "on_behalf": response.entered_on_behalf,
            "corrects": None,
        },
    )


def _audit_alert(network: Network, alert: SafetyAlert, course: Course) -> None:
    team = [course.prescriber.user_id, course.therapist.user_id, course.nurse.user_id]
    network.audit(
        actor=None,
        by_patient=True,
        patient=course.patient,
        action=Action.CREATE,
        object_type="measures.safetyalert",
        object_id=alert.pk,
        at=alert.created_at,
        detail={
            "kind": alert.kind,
            "priority": int(alert.priority),
            "notified": team,
            "notified_prescribers_for_lack_of_care_team": False,
        },
    )
    if alert.acknowledged_at is not None:
        network.audit(
            actor=course.therapist,
            patient=course.patient,
            action=Action.UPDATE,
            object_type="measures.safetyalert",
            object_id=alert.pk,
            at=alert.acknowledged_at,
            detail={"status": AlertStatus.ACKNOWLEDGED.value, "kind": alert.kind},
        )


def _screening(
    network: Network, rng: random.Random, scorer: _Scorer, totals: dict[str, int]
) -> None:
    """Patients being screened answered PHQ-9 and GAD-7 on paper at their first visit."""
    responses = []
    for patient in network.patients:
        if patient.status not in ("screening", "eligible", "not_eligible"):
            continue
        nurse = network.shared["team"][patient.pk][2]
        at = patient.created_at + dt.timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 8))
        if at > EPOCH:
            continue
        for instrument in ("phq9", "gad7"):
            total = rng.randint(5, SCREENING_MAX[instrument])
            scored = scorer(patient, instrument, _answers(instrument, total, rng, 0))
            due = _Due(at, instrument, on_behalf=True)
            responses.append(_response(patient, instrument, scored, due, nurse.user_id))
    bulk_insert(QuestionnaireResponse, responses)
    for response in responses:
        network.audit(
            actor=network.shared["team"][response.patient_id][2],
            patient=response.patient,
            action=Action.CREATE,
            object_type="measures.questionnaireresponse",
            object_id=response.pk,
            at=response.submitted_at,
            detail={
                "instrument": response.instrument,
                "version": response.definition_version,
                "flags": response.flags,
                "on_behalf": True,
                "corrects": None,
            },
        )
    totals["responses"] += len(responses)
