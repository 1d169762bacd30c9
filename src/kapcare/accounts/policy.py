"""The access policy: the only way code obtains protected objects.

Views, API routes, exports and tasks all ask this module. Rules, one per line so
that coverage shows each branch:

* clinic isolation: nobody sees anything of a clinic they do not belong to, and a
  foreign or unknown id answers 404, the same as a missing one;
* clinical staff see the patients of their clinic; notes marked for the care team
  are visible only to the care team;
* clinic admins see demographics, schedules and the audit trail, never clinical content;
* patients see only their own record; support persons only what their patient allows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from kapcare.accounts.actors import PATIENT_ROLE, SUPPORT_ROLE, Actor
from kapcare.accounts.models import Role
from kapcare.audit.models import Action, Outcome
from kapcare.audit.services import record


class Perm(StrEnum):
    PATIENT_LIST = "patient.list"
    PATIENT_DEMOGRAPHICS = "patient.demographics"
    PATIENT_CLINICAL = "patient.clinical"
    PATIENT_CREATE = "patient.create"
    PATIENT_EDIT = "patient.edit"
    PATIENT_TRANSITION = "patient.transition"
    PATIENT_INVITE = "patient.invite"
    CARE_TEAM_MANAGE = "care_team.manage"
    NOTE_WRITE = "note.write"
    AUDIT_VIEW = "audit.view"
    STAFF_MANAGE = "staff.manage"
    CLINIC_TOKENS = "clinic.tokens"
    CLINIC_MANAGE = "clinic.manage"
    MEASURES_ASSIGN = "measures.assign"
    MEASURES_ENTER = "measures.enter"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"
    MEASURES_SETTINGS = "measures.settings"
    INTAKE_EDIT = "intake.edit"
    ELIGIBILITY_DECIDE = "eligibility.decide"
    CONSENT_COUNTERSIGN = "consent.countersign"
    CONSENT_MANAGE = "consent.manage"
    STAFF_AREA = "staff.area"
    PORTAL = "portal"
    SUPPORT_AREA = "support.area"
    INTEGRATION_WRITE = "integration.write"
    EDUCATION_EDIT = "education.edit"
    PLAN_WRITE = "plan.write"
    PLAN_SIGN = "plan.sign"
    SCHEDULE_VIEW = "schedule.view"
    SCHEDULE_MANAGE = "schedule.manage"
    SESSION_RUN = "session.run"
    DOSE_ORDER = "dose.order"
    STOCK_VIEW = "stock.view"
    STOCK_MANAGE = "stock.manage"
    STOCK_RESOLVE = "stock.resolve"
    DOSING_SETTINGS = "dosing.settings"
    THERAPY_NOTE_WRITE = "session.therapy_note"
    BLADDER_CHECK_RECORD = "exposure.bladder_check"
    BLADDER_CHECK_REVIEW = "exposure.bladder_review"
    EXPOSURE_SETTINGS = "exposure.settings"
    SIGNED_IN = "signed_in"


_ALL_STAFF = frozenset(
    {
        Perm.STAFF_AREA,
        Perm.PATIENT_LIST,
        Perm.PATIENT_DEMOGRAPHICS,
        Perm.PATIENT_CREATE,
        Perm.PATIENT_EDIT,
        Perm.PATIENT_INVITE,
        Perm.SIGNED_IN,
        Perm.SCHEDULE_VIEW,
        Perm.SCHEDULE_MANAGE,
    }
)
_CLINICAL = frozenset(
    {Perm.PATIENT_CLINICAL, Perm.NOTE_WRITE, Perm.INTEGRATION_WRITE, Perm.EDUCATION_EDIT}
    | {Perm.SESSION_RUN}  # dosing console: any clinician; DOSE_ORDER is prescribers only
    | {Perm.BLADDER_CHECK_RECORD}  # any clinician asks the bladder checklist
)
#: questionnaires and safety alerts: any clinician assigns, enters paper answers, acknowledges
_MEASURES = frozenset({Perm.MEASURES_ASSIGN, Perm.MEASURES_ENTER, Perm.ALERT_ACKNOWLEDGE})
#: intake: any clinician fills or corrects it and countersigns consent; only prescribers decide
_INTAKE = frozenset({Perm.INTAKE_EDIT, Perm.CONSENT_COUNTERSIGN})
#: controlled substances: those who handle them (not therapists); admins and prescribers resolve
_STOCK = frozenset({Perm.STOCK_VIEW, Perm.STOCK_MANAGE})
_STOCK_OVERSIGHT = _STOCK | {Perm.STOCK_RESOLVE}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: _ALL_STAFF
    | _STOCK_OVERSIGHT
    | {
        Perm.AUDIT_VIEW,
        Perm.STAFF_MANAGE,
        Perm.CARE_TEAM_MANAGE,
        Perm.CLINIC_TOKENS,
        Perm.CLINIC_MANAGE,
        Perm.EDUCATION_EDIT,
        Perm.MEASURES_SETTINGS,
        Perm.CONSENT_MANAGE,
        Perm.DOSING_SETTINGS,
        Perm.EXPOSURE_SETTINGS,
    },
    Role.PRESCRIBER: _ALL_STAFF
    | _STOCK_OVERSIGHT
    | _CLINICAL
    | _MEASURES
    | _INTAKE
    | {
        Perm.PATIENT_TRANSITION,
        Perm.CARE_TEAM_MANAGE,
        Perm.MEASURES_SETTINGS,
        Perm.ELIGIBILITY_DECIDE,
        Perm.CONSENT_MANAGE,
        Perm.PLAN_WRITE,
        Perm.PLAN_SIGN,
        Perm.DOSE_ORDER,
        Perm.DOSING_SETTINGS,
        Perm.THERAPY_NOTE_WRITE,
        Perm.EXPOSURE_SETTINGS,
        Perm.BLADDER_CHECK_REVIEW,
    },
    Role.THERAPIST: _ALL_STAFF
    | _CLINICAL
    | _MEASURES
    | _INTAKE
    | {Perm.PATIENT_TRANSITION, Perm.THERAPY_NOTE_WRITE},
    Role.NURSE: _ALL_STAFF | _CLINICAL | _MEASURES | _INTAKE | _STOCK,
    PATIENT_ROLE: frozenset({Perm.PORTAL, Perm.SIGNED_IN}),
    SUPPORT_ROLE: frozenset({Perm.SUPPORT_AREA, Perm.SIGNED_IN}),
}


def has_perm(actor: Actor | None, perm: Perm) -> bool:
    if actor is None or actor.role is None:
        return False
    return perm in ROLE_PERMISSIONS.get(actor.role, frozenset())


def deny(
    actor: Actor | None, perm: Perm | str, *, object_type: str = "", object_id: Any = ""
) -> None:
    """Record a denial. Callers then raise 403 (role) or 404 (object)."""
    record(
        Action.DENIED,
        actor=actor,
        outcome=Outcome.DENIED,
        object_type=object_type,
        object_id=str(object_id),
        detail={"permission": str(perm)},
    )


# Patients -----------------------------------------------------------------


def patients_for(actor: Actor | None) -> QuerySet[Any]:
    """Patients the actor may see at all (demographics level)."""
    from kapcare.patients.models import Patient

    if actor is None:
        return Patient.objects.none()
    if actor.is_staff_member and has_perm(actor, Perm.PATIENT_LIST):
        return Patient.objects.filter(clinic=actor.clinic)
    if actor.is_patient and actor.patient is not None:
        return Patient.objects.filter(pk=actor.patient.pk)
    return Patient.objects.none()


def get_patient(
    actor: Actor | None,
    patient_id: Any,
    perm: Perm = Perm.PATIENT_DEMOGRAPHICS,
    *,
    audit: Action | None = Action.VIEW,
    object_type: str = "patients.patient",
    queryset: QuerySet[Any] | None = None,
) -> Any:
    """Return the patient if the actor may use it for ``perm``, auditing the access.

    An id the actor may not see answers 404 exactly like an id that does not exist,
    so probing reveals nothing; the denial is still recorded.
    """
    base = queryset if queryset is not None else patients_for(actor)
    try:
        patient = base.filter(pk=int(patient_id)).select_related("clinic").get()
    except (ValueError, TypeError, base.model.DoesNotExist):
        deny(actor, perm, object_type=object_type, object_id=patient_id)
        raise Http404("No such patient") from None
    if not has_perm(actor, perm):
        deny(actor, perm, object_type=object_type, object_id=patient_id)
        raise PermissionDenied(f"Your role may not {perm}")
    if audit is not None:
        record(audit, actor=actor, patient=patient, object_type=object_type, object_id=patient.pk)
    return patient


def is_on_care_team(actor: Actor | None, patient: Any) -> bool:
    if actor is None or actor.membership is None:
        return False
    return patient.care_team.filter(membership=actor.membership).exists()


def my_patients_filter(actor: Actor) -> Q:
    """Patients on whose care team the actor sits ("my patients")."""
    from kapcare.patients.models import CareTeamMember

    return Q(
        Exists(CareTeamMember.objects.filter(patient=OuterRef("pk"), membership=actor.membership))
    )


def notes_for(actor: Actor | None, patient: Any) -> QuerySet[Any]:
    """Chart notes the actor may read: clinic-visible notes, plus care-team notes for the team."""
    from kapcare.patients.models import ChartNote, NoteVisibility

    if not has_perm(actor, Perm.PATIENT_CLINICAL) or actor is None:
        return ChartNote.objects.none()
    notes = ChartNote.objects.filter(patient=patient, clinic=actor.clinic)
    if is_on_care_team(actor, patient):
        return notes
    return notes.exclude(visibility=NoteVisibility.CARE_TEAM)


# Journals and support persons -----------------------------------------------


def journal_entries_for(actor: Actor | None, patient: Any) -> QuerySet[Any]:
    """Journal entries the actor may read: all of their own, or the shared ones for the team.

    A journal is private to the patient. Clinicians on the care team read only the
    entries the patient shared; nobody else (admins included) reads any.
    """
    from kapcare.integration.models import JournalEntry

    if actor is None:
        return JournalEntry.objects.none()
    if actor.is_patient and actor.patient is not None and actor.patient.pk == patient.pk:
        return JournalEntry.objects.filter(patient=patient)
    if has_perm(actor, Perm.PATIENT_CLINICAL) and is_on_care_team(actor, patient):
        return JournalEntry.objects.filter(patient=patient, is_draft=False, shared_at__isnull=False)
    return JournalEntry.objects.none()


def support_links_for(actor: Actor | None) -> QuerySet[Any]:
    """The support person's live links (not revoked) to the patients they support."""
    from kapcare.support.models import SupportRelationship

    if actor is None or actor.role != SUPPORT_ROLE:
        return SupportRelationship.objects.none()
    return SupportRelationship.objects.filter(user=actor.user, revoked_at__isnull=True)


def support_grants(actor: Actor | None, patient: Any) -> frozenset[str]:
    """What the patient lets this support person see (``Grant`` values); empty if nothing."""
    link = support_links_for(actor).filter(patient=patient).first()
    return link.grants if link is not None else frozenset()


# Routes --------------------------------------------------------------------

V = TypeVar("V", bound=Callable[..., Any])


def require(perm: Perm) -> Callable[[V], V]:
    """Guard a view: the person must be signed in and their role must grant ``perm``.

    The decorated view carries ``access_rule`` so that the access-matrix test can
    prove every route passes through this policy.
    """

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor: Actor | None = getattr(request, "actor", None)
            if not has_perm(actor, perm):
                deny(actor, perm, object_type="route", object_id=request.path[:64])
                raise PermissionDenied(f"Your role may not {perm}")
            return view(request, *args, **kwargs)

        wrapper.access_rule = perm  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: V) -> V:
    """Mark a view as reachable without signing in (login, invitations, error pages)."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view
