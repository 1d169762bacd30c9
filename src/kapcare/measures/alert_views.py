"""Clinic-wide pages for the care team: the alerts inbox, the "Needs attention"
worklist, and the clinic's measures settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.policy import Perm, has_perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.measures import alerts as alert_services
from kapcare.measures.access import alerts_for, alerts_on_my_patients, get_alert
from kapcare.measures.forms import AcknowledgeForm, MeasuresSettingsForm
from kapcare.measures.models import AlertStatus, MeasuresSettings
from kapcare.measures.paging import Page, requested_page
from kapcare.measures.selectors import ListPage, OffTrackPage, settings_for, worklist

#: how many acknowledged alerts the inbox shows below the open ones
RECENTLY_ACKNOWLEDGED = 20


@require_GET
@require(Perm.PATIENT_CLINICAL)
def alert_inbox(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    visible = alerts_for(actor).select_related("patient", "response", "acknowledged_by")
    open_alerts = list(
        visible.filter(status=AlertStatus.OPEN).order_by("priority", "created_at", "id")
    )
    closed = list(
        visible.filter(status=AlertStatus.ACKNOWLEDGED).order_by("-acknowledged_at", "-id")[
            :RECENTLY_ACKNOWLEDGED
        ]
    )
    shown = [a.pk for a in open_alerts + closed]
    record(Action.LIST, actor=actor, object_type="measures.safetyalert", detail={"ids": shown})
    return render(
        request,
        "measures/alerts.html",
        {
            "open_alerts": open_alerts,
            "closed_alerts": closed,
            "mine": alerts_on_my_patients(actor, visible.filter(pk__in=shown)),
            "form": AcknowledgeForm(),
            "can_acknowledge": has_perm(actor, Perm.ALERT_ACKNOWLEDGE),
        },
    )


@require_POST
@require(Perm.ALERT_ACKNOWLEDGE)
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    alert = get_alert(actor, alert_id, Perm.ALERT_ACKNOWLEDGE)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "What was done: " + " ".join(str(e) for e in form["note"].errors))
    else:
        try:
            alert_services.acknowledge(actor=actor, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Alert for {alert.patient.display_name} acknowledged and closed."
            )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("measures:alerts")


#: the worklist's paged sections: the query parameter of each and the heading its links open at
WORKLIST_SECTIONS = {
    "alerts": ("alerts_page", "wl-alerts-h"),
    "overdue": ("overdue_page", "wl-overdue-h"),
    "off_track": ("off_track_page", "wl-track-h"),
}


@dataclass(frozen=True)
class SectionPages:
    """Links to a worklist section's previous and next pages, and why a page was not shown."""

    previous: str
    next: str
    notice: str


def _section_pages(
    query: QueryDict, shown: dict[str, Page], problems: dict[str, str], notices: dict[str, str]
) -> dict[str, SectionPages]:
    """Each section's links and notice.

    A link keeps every other section on the page it shows (never on a page number that
    was refused) and any other query parameter as it was.
    """
    others = query.copy()
    for field, _ in WORKLIST_SECTIONS.values():
        others.pop(field, None)

    def link(section: str, number: int) -> str:
        params = others.copy()
        for each, (field, _) in WORKLIST_SECTIONS.items():
            page_number = number if each == section else shown[each].number
            if each == section or page_number > 1:
                params[field] = str(page_number)
        return f"?{params.urlencode()}#{WORKLIST_SECTIONS[section][1]}"

    pages = {}
    for section, (field, _) in WORKLIST_SECTIONS.items():
        page = shown[section]
        past_the_end = f"{field}: {notices[section]}" if notices[section] else ""
        pages[section] = SectionPages(
            previous=link(section, page.previous_number) if page.has_previous else "",
            next=link(section, page.next_number) if page.has_next else "",
            notice=problems[section] or past_the_end,
        )
    return pages


@require_GET
@require(Perm.PATIENT_CLINICAL)
def needs_attention(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    now = timezone.now()
    asked: dict[str, int] = {}
    problems: dict[str, str] = {}
    for section, (field, _) in WORKLIST_SECTIONS.items():
        asked[section], problems[section] = requested_page(request.GET.get(field), field=field)
    work = worklist(
        actor.clinic,
        now,
        alerts_page=asked["alerts"],
        overdue_page=asked["overdue"],
        off_track_page=asked["off_track"],
    )
    sections: dict[str, ListPage[Any] | OffTrackPage] = {
        "alerts": work.alerts,
        "overdue": work.overdue,
        "off_track": work.off_track,
    }
    # only the rows shown are recorded as read, with the page each came from
    record(
        Action.LIST,
        actor=actor,
        object_type="measures.worklist",
        detail={
            "alerts": [a.pk for a in work.alerts.rows],
            "alerts_page": work.alerts.page.number,
            "overdue": [a.pk for a in work.overdue.rows],
            "overdue_page": work.overdue.page.number,
            "off_track": [o.patient.pk for o in work.off_track.rows],
            "off_track_page": work.off_track.page.number,
        },
    )
    return render(
        request,
        "measures/worklist.html",
        {
            "work": work,
            "pages": _section_pages(
                request.GET,
                shown={key: listed.page for key, listed in sections.items()},
                problems=problems,
                notices={key: listed.notice for key, listed in sections.items()},
            ),
            "now": now,
            "form": AcknowledgeForm(),
            "can_acknowledge": has_perm(actor, Perm.ALERT_ACKNOWLEDGE),
        },
    )


@require_http_methods(["GET", "POST"])
@require(Perm.MEASURES_SETTINGS)
def measures_settings(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    current = settings_for(actor.clinic)
    form = MeasuresSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved: MeasuresSettings = form.save(commit=False)
        saved.clinic = actor.clinic
        saved.updated_at = timezone.now()
        saved.save()
        record(
            Action.UPDATE,
            actor=actor,
            obj=saved,
            detail={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "Measures settings saved.")
        return redirect("measures:settings")
    return render(
        request,
        "measures/settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
