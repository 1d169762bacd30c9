"""Staff adjust the schedule by hand: book one appointment, or move one.

Times are entered in the clinic's time zone and turned into UTC by the pure
scheduler's ``local_slot``, which also says when a time falls in a clock change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.accounts.policy import Perm, require
from kapcare.clinical.scheduling import default_duration_minutes, local_slot, zone_info
from kapcare.patients.views import chart_context
from kapcare.treatment import booking
from kapcare.treatment.forms import SlotForm
from kapcare.treatment.models import Appointment
from kapcare.treatment.selectors import current_plan, plans_of
from kapcare.treatment.views import _apply, _patient


def _slot(patient: Any, data: dict[str, Any], minutes: int) -> tuple[dt.datetime, dt.datetime]:
    zone = zone_info(patient.clinic.time_zone)
    (start, end), shifted = local_slot(data["day"], data["at"], zone, dt.timedelta(minutes=minutes))
    if shifted:
        raise ValidationError({"at": [f.message for f in shifted]})
    return start, end


def _render(request: HttpRequest, patient: Any, form: SlotForm, title: str) -> HttpResponse:
    context = chart_context(request, patient, "plan")
    context.update({"form": form, "title": title, "clinic_tz": patient.clinic.time_zone})
    return render(request, "treatment/slot_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@require(Perm.SCHEDULE_MANAGE)
def appointment_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.SCHEDULE_MANAGE, None)
    form = SlotForm(request.POST or None, clinic=patient.clinic)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = current_plan(plans_of(patient))
        route = plan.route if plan else "iv_racemic"
        minutes = data["minutes"] or default_duration_minutes(data["kind"], route)
        try:
            start, end = _slot(patient, data, minutes)
            booking.appointment_book(
                actor=actor,
                patient=patient,
                kind=data["kind"],
                start=start,
                end=end,
                staff=data["staff"],
                room=data["room"],
                plan=plan,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "Appointment booked.")
            return redirect("treatment:plan", patient.pk)
    return _render(request, patient, form, "Book an appointment")


@require_http_methods(["GET", "POST"])
@require(Perm.SCHEDULE_MANAGE)
def appointment_move(request: HttpRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.SCHEDULE_MANAGE, None)
    appointment = Appointment.objects.filter(patient=patient, pk=appointment_id).first()
    if appointment is None:
        raise Http404("No such appointment")
    zone = zone_info(patient.clinic.time_zone)
    local = appointment.start.astimezone(zone)
    length = int((appointment.end - appointment.start).total_seconds() // 60)
    form = SlotForm(
        request.POST or None,
        clinic=patient.clinic,
        moving=True,
        initial={
            "day": local.date(),
            "at": local.time().replace(second=0, microsecond=0),
            "minutes": length,
            "staff": appointment.staff_id,
            "room": appointment.room_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            start, end = _slot(patient, data, data["minutes"] or length)
            booking.appointment_reschedule(
                actor=actor,
                appointment=appointment,
                start=start,
                end=end,
                staff=data["staff"],
                room=data["room"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, "Appointment moved.")
            return redirect("treatment:plan", patient.pk)
    title = f"Move {appointment.get_kind_display().lower()} on {local:%a %d %b %H:%M}"
    return _render(request, patient, form, title)
