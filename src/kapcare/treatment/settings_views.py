"""The clinic admin's booking setup: rooms, open days, reminders and fasting hours."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.accounts.policy import Perm, require
from kapcare.treatment import clinic_setup
from kapcare.treatment.forms import RoomForm, ScheduleForm
from kapcare.treatment.models import Room
from kapcare.treatment.schedule_settings import schedule_of


@require_http_methods(["GET", "POST"])
@require(Perm.CLINIC_MANAGE)
def schedule_settings(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    current = schedule_of(actor.clinic)
    initial = {
        "open_weekdays": sorted(current.weekdays),
        "closed_dates": "\n".join(sorted(d.isoformat() for d in current.closed)),
        "preferred_time": current.preferred_time,
        "reminder_hours": ", ".join(str(h) for h in current.reminder_hours),
        "fasting_hours": current.fasting_hours,
    }
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "")
    schedule_form = ScheduleForm(posted if which == "schedule" else None, initial=initial)
    room_form = RoomForm(posted if which == "room" else None, prefix="room")
    try:
        if which == "schedule" and schedule_form.is_valid():
            clinic_setup.schedule_update(actor=actor, **schedule_form.cleaned_data)
            messages.success(request, "Booking hours saved.")
            return redirect("treatment:schedule_settings")
        if which == "room" and room_form.is_valid():
            room = clinic_setup.room_create(actor=actor, **room_form.cleaned_data)
            messages.success(request, f"{room.name} added.")
            return redirect("treatment:schedule_settings")
    except ValidationError as error:
        form = schedule_form if which == "schedule" else room_form
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    failed = bool(schedule_form.errors or room_form.errors)
    return render(
        request,
        "treatment/schedule_settings.html",
        {
            "schedule_form": schedule_form,
            "room_form": room_form,
            "rooms": Room.objects.filter(clinic=actor.clinic),
        },
        status=400 if failed else 200,
    )
