"""Staff pages for patients: the list, registration, the chart shell and its tabs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts import services as account_services
from kapcare.accounts.models import InvitationKind, Membership
from kapcare.accounts.policy import Perm, get_patient, has_perm, is_on_care_team, notes_for, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical import journey
from kapcare.core.paging import PagedList, paged_list
from kapcare.patients import services
from kapcare.patients.forms import (
    CareTeamForm,
    NoteForm,
    PatientForm,
    PatientSearchForm,
    TransitionForm,
)
from kapcare.patients.models import CareTeamMember, Patient, StatusChange
from kapcare.patients.selectors import care_team_prefetch, patient_search

PAGE_SIZE = 25


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str
    perm: Perm


#: chart tabs in order; each feature adds its tab here
CHART_TABS = (
    Tab("overview", "Overview", "patients:chart", Perm.PATIENT_DEMOGRAPHICS),
    Tab("intake", "Intake & eligibility", "intake:review", Perm.PATIENT_CLINICAL),
    Tab("plan", "Plan & schedule", "treatment:plan", Perm.PATIENT_CLINICAL),
    Tab("sessions", "Sessions", "dosing:sessions", Perm.SESSION_RUN),
    Tab("measures", "Measures", "measures:tab", Perm.PATIENT_CLINICAL),
    Tab("exposure", "Exposure", "exposure:tab", Perm.PATIENT_CLINICAL),
    Tab("notes", "Notes", "patients:notes", Perm.PATIENT_CLINICAL),
    Tab("integration", "Integration", "integration:tab", Perm.PATIENT_CLINICAL),
    Tab("education", "Education", "education:tab", Perm.PATIENT_CLINICAL),
)


#: the chart header's allergy line comes from the intake, which owns the medical history
ALLERGIES_FROM = "kapcare.intake.selectors.allergy_summary"


def chart_context(request: HttpRequest, patient: Patient, active: str) -> dict[str, Any]:
    """What every chart tab's page needs for the header and the tab bar (feature apps call it)."""
    actor = request.actor  # type: ignore[attr-defined]
    tabs = [
        {"label": t.label, "url": reverse(t.url_name, args=[patient.pk]), "active": t.key == active}
        for t in CHART_TABS
        if has_perm(actor, t.perm)
    ]
    team = list(patient.care_team.all())
    return {
        "patient": patient,
        "age": patient.age_on(timezone.localdate()),
        "tabs": tabs,
        "care_team": team,
        "on_care_team": any(m.membership_id == getattr(actor.membership, "pk", None) for m in team),
        "allergies": import_string(ALLERGIES_FROM)(patient),
    }


def chart_queryset(actor: Any) -> Any:
    """Patients the actor may open, with the care team the header shows already loaded."""
    from kapcare.accounts.policy import patients_for

    return patients_for(actor).prefetch_related(care_team_prefetch())


@require_GET
@require(Perm.PATIENT_LIST)
def patient_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = PatientSearchForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    patients = patient_search(
        actor,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        mine=filters.get("mine", False),
    )
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [p.pk for p in page.object_list]
    record(Action.LIST, actor=actor, object_type="patients.patient", detail={"ids": shown})
    query = request.GET.copy()
    query.pop("page", None)
    template = "patients/_list_results.html" if request.htmx else "patients/list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "filtered": any(filters.values()),
        },
    )


@require_http_methods(["GET", "POST"])
@require(Perm.PATIENT_CREATE)
def patient_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            patient = services.patient_create(actor=actor, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{patient.display_name} is registered.")
            return redirect("patients:chart", patient.pk)
    return render(
        request,
        "patients/form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
@require(Perm.PATIENT_DEMOGRAPHICS)
def patient_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, patient_id, queryset=chart_queryset(actor))
    context = chart_context(request, patient, "overview")
    memberships = Membership.objects.filter(clinic=patient.clinic, is_active=True).select_related(
        "user"
    )
    context.update(
        {
            "history": StatusChange.objects.filter(patient=patient).select_related("changed_by")[
                :10
            ],
            "transitions": [
                (name, name.replace("_", " ").capitalize(), name in journey.REASON_REQUIRED)
                for name in journey.available_transitions(patient.status)
            ]
            if has_perm(actor, Perm.PATIENT_TRANSITION)
            else [],
            "care_team_form": CareTeamForm(memberships=memberships)
            if has_perm(actor, Perm.CARE_TEAM_MANAGE)
            else None,
            "can_invite": has_perm(actor, Perm.PATIENT_INVITE) and patient.user_id is None,
            "can_edit": has_perm(actor, Perm.PATIENT_EDIT),
        }
    )
    return render(request, "patients/chart_overview.html", context)


@require_http_methods(["GET", "POST"])
@require(Perm.PATIENT_EDIT)
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(
        actor,
        patient_id,
        Perm.PATIENT_EDIT,
        audit=Action.VIEW if request.method == "GET" else None,
        queryset=chart_queryset(actor),
    )
    form = PatientForm(
        request.POST or None,
        instance=None if request.method == "POST" else patient,
        initial={"version": patient.version},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.patient_update(
                actor=actor,
                patient=patient,
                expected_version=int(form.cleaned_data.get("version") or 0),
                **data,
            )
        except services.StaleRecord as exc:
            form.add_error(
                None,
                f"{exc} Your changes are below; reload the record to see theirs, then re-apply.",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("patients:chart", patient.pk)
    context = chart_context(request, patient, "overview")
    context.update({"form": form, "creating": False})
    return render(request, "patients/form.html", context, status=400 if form.errors else 200)


@require_POST
@require(Perm.PATIENT_TRANSITION)
def patient_transition(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, patient_id, Perm.PATIENT_TRANSITION, audit=None)
    form = TransitionForm(request.POST)
    name = request.POST.get("transition", "")
    func = services.TRANSITION_FUNCTIONS.get(name)
    if not form.is_valid() or func is None:
        messages.error(request, f"transition: {name!r} is not a known status change.")
        return redirect("patients:chart", patient.pk)
    kwargs: dict[str, Any] = {"actor": actor, "patient": patient}
    if name in journey.REASON_REQUIRED:
        kwargs["reason"] = form.cleaned_data.get("reason", "")
    try:
        func(**kwargs)
    except (journey.InvalidTransition, services.StaleRecord) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(
            request,
            "Reason: a reason is required for this change."
            if "reason" in exc.message_dict
            else "; ".join(exc.messages),
        )
    else:
        messages.success(request, f"Status is now {patient.get_status_display().lower()}.")
    return redirect("patients:chart", patient.pk)


@require_POST
@require(Perm.CARE_TEAM_MANAGE)
def care_team_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, patient_id, Perm.CARE_TEAM_MANAGE, audit=None)
    memberships = Membership.objects.filter(clinic=patient.clinic, is_active=True).select_related(
        "user"
    )
    form = CareTeamForm(request.POST, memberships=memberships)
    if form.is_valid():
        membership = memberships.get(pk=form.cleaned_data["member"])
        try:
            services.care_team_assign(
                actor=actor,
                patient=patient,
                membership=membership,
                team_role=form.cleaned_data["team_role"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user.full_name} added to the care team.")
    else:
        messages.error(request, "Choose a staff member and a care-team role from the lists.")
    return redirect("patients:chart", patient.pk)


@require_POST
@require(Perm.CARE_TEAM_MANAGE)
def care_team_remove(request: HttpRequest, patient_id: int, member_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, patient_id, Perm.CARE_TEAM_MANAGE, audit=None)
    member = (
        CareTeamMember.objects.filter(patient=patient, pk=member_id)
        .select_related("membership__user")
        .first()
    )
    if member is None:
        raise Http404("No such care-team member")
    services.care_team_remove(actor=actor, member=member)
    messages.success(request, f"{member.membership.user.full_name} removed from the care team.")
    return redirect("patients:chart", patient.pk)


#: a long-term patient's notes run to hundreds, so the Notes tab shows them a page at a time
NOTES_PAGE_SIZE = 25
NOTES_LIST = PagedList("notes_page", "notes-h")


@require_http_methods(["GET", "POST"])
@require(Perm.PATIENT_CLINICAL)
def patient_notes(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's chart notes, newest first, a page at a time, and the form to sign a new one."""
    actor = request.actor  # type: ignore[attr-defined]
    writing = request.method == "POST"
    patient = get_patient(
        actor,
        patient_id,
        Perm.NOTE_WRITE if writing else Perm.PATIENT_CLINICAL,
        object_type="patients.chartnote",
        audit=None,  # the read is recorded below, naming the notes the page shows
        queryset=chart_queryset(actor),
    )
    form = NoteForm(request.POST or None)
    if writing and form.is_valid():
        services.note_create(actor=actor, patient=patient, **form.cleaned_data)
        messages.success(request, "Note signed and added to the chart.")
        return redirect("patients:notes", patient.pk)
    notes, notes_pages = paged_list(
        # a refused note is shown beside the newest notes, whatever page it was sent from
        QueryDict() if writing else request.GET,
        NOTES_LIST,
        notes_for(actor, patient).select_related("author"),
        size=NOTES_PAGE_SIZE,
    )
    record(
        Action.VIEW,
        actor=actor,
        patient=patient,
        object_type="patients.chartnote",
        object_id=patient.pk,
        detail={"ids": [note.pk for note in notes.rows], "notes_page": notes.page.number},
    )
    context = chart_context(request, patient, "notes")
    context.update(
        {
            "notes": notes,
            "notes_pages": notes_pages,
            "form": form,
            "can_write": has_perm(actor, Perm.NOTE_WRITE),
            "sees_team_notes": is_on_care_team(actor, patient),
        }
    )
    return render(request, "patients/chart_notes.html", context, status=400 if form.errors else 200)


@require_POST
@require(Perm.PATIENT_INVITE)
def patient_invite(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, patient_id, Perm.PATIENT_INVITE, audit=None)
    email = (request.POST.get("email") or patient.email).strip()
    if not email:
        messages.error(request, "Email: add the patient's email address to their record first.")
        return redirect("patients:chart", patient.pk)
    try:
        account_services.invitation_create(
            actor=actor,
            email=email,
            full_name=patient.legal_name,
            kind=InvitationKind.PATIENT,
            patient=patient,
        )
    except account_services.InvitationError as exc:
        messages.error(request, str(exc).capitalize())
    else:
        messages.success(request, f"Portal invitation sent to {email}.")
    return redirect("patients:chart", patient.pk)
