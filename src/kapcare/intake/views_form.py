"""The intake form, for the patient in the portal and for staff in the chart.

One set of views serves both: ``patient_id`` is absent in the portal (the
patient's own record) and present for staff. Each section saves on its own,
with HTMX as the patient goes (the view answers with the section re-rendered)
or with its button when scripts are off.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from kapcare.accounts.policy import Perm, get_patient, patients_for, require
from kapcare.audit.models import Action
from kapcare.intake import services
from kapcare.intake.forms import MEDICATIONS, SECTIONS, MedicationForm, SubmitForm
from kapcare.intake.models import Intake, IntakeStatus
from kapcare.intake.selectors import SECTION_ORDER, intake_summary, medication_line
from kapcare.patients.selectors import care_team_prefetch
from kapcare.patients.views import chart_context

OBJECT_TYPE = "intake.intake"


def _patient(request: HttpRequest, patient_id: int | None, *, audit: Action | None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    if patient_id is None:
        return get_patient(
            actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type=OBJECT_TYPE
        )
    return get_patient(
        actor,
        patient_id,
        Perm.INTAKE_EDIT,
        audit=audit,
        object_type=OBJECT_TYPE,
        queryset=patients_for(actor).prefetch_related(care_team_prefetch()),
    )


def _urls(patient_id: int | None) -> dict[str, str]:
    if patient_id is None:
        return {
            "page": reverse("intake:portal"),
            "submit": reverse("intake:portal_submit"),
            "med_add": reverse("intake:portal_medication_add"),
        }
    return {
        "page": reverse("intake:staff_edit", args=[patient_id]),
        "med_add": reverse("intake:staff_medication_add", args=[patient_id]),
    }


def _save_url(patient_id: int | None, slug: str) -> str:
    if patient_id is None:
        return reverse("intake:portal_save", args=[slug])
    return reverse("intake:staff_save", args=[patient_id, slug])


def _remove_url(patient_id: int | None, item_id: str) -> str:
    if patient_id is None:
        return reverse("intake:portal_medication_remove", args=[item_id])
    return reverse("intake:staff_medication_remove", args=[patient_id, item_id])


def _section(
    intake: Intake, patient_id: int | None, slug: str, form: Any = None, saved: bool = False
) -> dict[str, Any]:
    if slug == MEDICATIONS:
        meds = intake.data.get(MEDICATIONS, {})
        return {
            "slug": slug,
            "medications": True,
            "items": [
                {
                    **item,
                    "line": medication_line(item),
                    "remove_url": _remove_url(patient_id, item["id"]),
                }
                for item in meds.get("items", [])
            ],
            "none": meds.get("none", False),
            "form": form or MedicationForm(prefix="med"),
            "save_url": _save_url(patient_id, slug),
            "add_url": _urls(patient_id)["med_add"],
            "saved": saved,
            "title": "Current medicines",
        }
    form_class = SECTIONS[slug]
    return {
        "slug": slug,
        "title": form_class.title,
        "form": form
        or form_class(initial=form_class.initial_from(intake.data.get(slug, {})), prefix=slug),
        "save_url": _save_url(patient_id, slug),
        "saved": saved,
    }


def _render_page(
    request: HttpRequest, patient: Any, intake: Intake, patient_id: int | None, **extra: Any
) -> HttpResponse:
    sections = [_section(intake, patient_id, slug) for slug in SECTION_ORDER]
    context: dict[str, Any] = {
        "patient": patient,
        "intake": intake,
        "sections": sections,
        "urls": _urls(patient_id),
        "staff": patient_id is not None,
        "locked": patient_id is None and intake.status == IntakeStatus.SUBMITTED,
        "submit_form": extra.pop("submit_form", None) or SubmitForm(),
        "summary": intake_summary(intake.data),
        **extra,
    }
    if patient_id is not None:
        context.update(chart_context(request, patient, "intake"))
    status = 400 if extra.get("submit_errors") or context["submit_form"].errors else 200
    return render(request, "intake/form_page.html", context, status=status)


def _page(request: HttpRequest, patient_id: int | None) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, audit=Action.VIEW)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    return _render_page(request, patient, intake, patient_id)


def _save(request: HttpRequest, patient_id: int | None, section: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, audit=None)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    if section not in SECTIONS and section != MEDICATIONS:
        raise Http404("No such intake section")
    form: Any
    if section == MEDICATIONS:
        form = None
        values = {"none": request.POST.get("medications-none") == "on"}
    else:
        form = SECTIONS[section](request.POST, prefix=section)
        values = form.to_data() if form.is_valid() else {}
    error = ""
    saved = False
    if form is None or form.is_valid():
        try:
            services.intake_save_section(actor=actor, intake=intake, section=section, values=values)
            saved = True
        except services.IntakeLocked as exc:
            error = str(exc)
        except services.StaleIntake as exc:
            error = f"{exc} Reload the page to see the latest answers."
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return _answer(request, patient, intake, patient_id, section, form, saved, error)


def _answer(
    request: HttpRequest,
    patient: Any,
    intake: Intake,
    patient_id: int | None,
    section: str,
    form: Any,
    saved: bool,
    error: str,
) -> HttpResponse:
    bad = bool(error) or (form is not None and not form.is_valid())
    if request.htmx:  # type: ignore[attr-defined]
        if section != MEDICATIONS and not bad:
            return HttpResponse("Saved")
        context = {
            "s": _section(intake, patient_id, section, form=form if bad else None, saved=saved),
            "error": error,
            "locked": patient_id is None and intake.status == IntakeStatus.SUBMITTED,
        }
        response = render(request, "intake/_section.html", context)
        if section != MEDICATIONS:
            retarget(response, f"#section-{section}")
            reswap(response, "outerHTML")
        return response
    if not bad:
        messages.success(request, "Saved.")
        return redirect(_urls(patient_id)["page"] + f"#section-{section}")
    if error:
        messages.error(request, error)
        return redirect(_urls(patient_id)["page"])
    intake.refresh_from_db()
    # Re-render with this section's errors in place.
    sections = [
        _section(intake, patient_id, slug, form=form if slug == section else None)
        for slug in SECTION_ORDER
    ]
    context = {
        "patient": patient,
        "intake": intake,
        "sections": sections,
        "urls": _urls(patient_id),
        "staff": patient_id is not None,
        "locked": False,
        "submit_form": SubmitForm(),
    }
    if patient_id is not None:
        context.update(chart_context(request, patient, "intake"))
    return render(request, "intake/form_page.html", context, status=400)


def _medication_add(request: HttpRequest, patient_id: int | None) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, audit=None)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    form = MedicationForm(request.POST, prefix="med")
    error = ""
    if form.is_valid():
        try:
            services.intake_add_medication(actor=actor, intake=intake, cleaned=form.cleaned_data)
        except services.IntakeLocked as exc:
            error = str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return _answer(request, patient, intake, patient_id, MEDICATIONS, form, form.is_valid(), error)


def _medication_remove(request: HttpRequest, patient_id: int | None, item_id: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, audit=None)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    error = ""
    try:
        services.intake_remove_medication(actor=actor, intake=intake, item_id=item_id)
    except services.IntakeLocked as exc:
        error = str(exc)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return _answer(request, patient, intake, patient_id, MEDICATIONS, None, not error, error)


# Portal ---------------------------------------------------------------------


@require_GET
@require(Perm.PORTAL)
def portal_intake(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@require_POST
@require(Perm.PORTAL)
def portal_save(request: HttpRequest, section: str) -> HttpResponse:
    return _save(request, None, section)


@require_POST
@require(Perm.PORTAL)
def portal_medication_add(request: HttpRequest) -> HttpResponse:
    return _medication_add(request, None)


@require_POST
@require(Perm.PORTAL)
def portal_medication_remove(request: HttpRequest, item_id: str) -> HttpResponse:
    return _medication_remove(request, None, item_id)


@require_POST
@require(Perm.PORTAL)
def portal_submit(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, None, audit=None)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    form = SubmitForm(request.POST)
    problems: list[str] = []
    if form.is_valid():
        try:
            services.intake_submit(actor=actor, intake=intake)
        except services.IntakeLocked as exc:
            messages.info(request, str(exc))
            return redirect("intake:portal")
        except ValidationError as exc:
            problems = [
                f"{_title(section)}: {message}"
                for section, items in exc.message_dict.items()
                for message in items
            ]
        else:
            messages.success(request, "Thank you. Your intake has been sent to your care team.")
            return redirect("intake:portal")
    return _render_page(request, patient, intake, None, submit_form=form, submit_errors=problems)


def _title(section: str) -> str:
    from kapcare.intake.forms import SECTION_TITLES

    return SECTION_TITLES.get(section, section)


# Staff ------------------------------------------------------------------------


@require_GET
@require(Perm.INTAKE_EDIT)
def staff_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _page(request, patient_id)


@require_POST
@require(Perm.INTAKE_EDIT)
def staff_save(request: HttpRequest, patient_id: int, section: str) -> HttpResponse:
    return _save(request, patient_id, section)


@require_POST
@require(Perm.INTAKE_EDIT)
def staff_medication_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _medication_add(request, patient_id)


@require_POST
@require(Perm.INTAKE_EDIT)
def staff_medication_remove(request: HttpRequest, patient_id: int, item_id: str) -> HttpResponse:
    return _medication_remove(request, patient_id, item_id)
