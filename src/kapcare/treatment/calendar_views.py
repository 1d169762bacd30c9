"""The clinic calendar: a day or a week, by room or by clinician, in the clinic's time zone.

Days are local calendar days, turned into UTC bounds through the zone, so a
week across a clock change still runs midnight to midnight locally.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from kapcare.accounts.models import Membership
from kapcare.accounts.policy import Perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.treatment.models import Room
from kapcare.treatment.selectors import calendar_appointments


def _day(value: str, zone: ZoneInfo) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return timezone.now().astimezone(zone).date()


def _bounds(first: dt.date, days: int, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0), tzinfo=zone)
    return start, end


@require_GET
@require(Perm.SCHEDULE_VIEW)
def calendar(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    clinic = actor.clinic
    zone = ZoneInfo(clinic.time_zone)
    span = "day" if request.GET.get("span") == "day" else "week"
    by = "staff" if request.GET.get("by") == "staff" else "room"
    day = _day(request.GET.get("date", ""), zone)
    first = day if span == "day" else day - dt.timedelta(days=day.weekday())
    count = 1 if span == "day" else 7
    days = [first + dt.timedelta(days=i) for i in range(count)]
    start, end = _bounds(first, count, zone)
    appointments = list(calendar_appointments(clinic, start, end))
    if by == "room":
        lanes: list[Any] = list(Room.objects.filter(clinic=clinic, is_active=True))
        key = "room_id"
    else:
        lanes = list(
            Membership.objects.filter(clinic=clinic, is_active=True)
            .exclude(role="admin")
            .select_related("user")
            .order_by("user__full_name")
        )
        key = "staff_id"
    rows = []
    for lane in [*lanes, None]:
        cells = []
        for d in days:
            cells.append(
                [
                    a
                    for a in appointments
                    if getattr(a, key) == (lane.pk if lane else None)
                    and a.start.astimezone(zone).date() == d
                ]
            )
        if lane is not None or any(cells):
            rows.append({"lane": lane, "cells": cells})
    record(
        Action.LIST,
        actor=actor,
        object_type="treatment.appointment",
        detail={"ids": [a.pk for a in appointments], "from": start.isoformat()},
    )
    step = dt.timedelta(days=count)

    def link(**changes: str) -> str:
        query = {"date": first.isoformat(), "span": span, "by": by, **changes}
        return "?" + urlencode(query)

    return render(
        request,
        "treatment/calendar.html",
        {
            "days": days,
            "rows": rows,
            "span": span,
            "by": by,
            "clinic_tz": clinic.time_zone,
            "today": timezone.now().astimezone(zone).date(),
            "previous": link(date=(first - step).isoformat()),
            "next": link(date=(first + step).isoformat()),
            "this_week": link(date=timezone.now().astimezone(zone).date().isoformat()),
            "as_day": link(span="day"),
            "as_week": link(span="week"),
            "by_room": link(by="room"),
            "by_staff": link(by="staff"),
            "count": len(appointments),
        },
    )
