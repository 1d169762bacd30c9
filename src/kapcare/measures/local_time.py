"""Pages and emails show times in the clinic's time zone (they are stored in UTC)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kapcare.accounts.models import Clinic


def render_local(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    clinic: Clinic | None,
    status: int = 200,
) -> HttpResponse:
    """``render`` with dates and times shown in ``clinic``'s time zone."""
    if clinic is None:
        return render(request, template, context, status=status)
    with timezone.override(ZoneInfo(clinic.time_zone)):
        return render(request, template, context, status=status)
