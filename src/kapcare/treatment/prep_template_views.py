"""Clinic-editable preparation checklists per route (labels, which items are critical, extras).

A saved template is a new revision; checklists already made keep their items.
``{fasting_hours}`` in a label is replaced by the clinic's fasting setting and
``{medication}`` by the prescriber's instruction.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.accounts.policy import Perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.treatment.models import ROUTE_CHOICES, PreparationTemplate
from kapcare.treatment.preparation import DEFAULT_ITEMS

STANDARD = [item["key"] for item in DEFAULT_ITEMS]


class PreparationTemplateForm(forms.Form):
    extra = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="More items",
        help_text="One a line; the patient ticks each one.",
    )

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_key = {i["key"]: i for i in items}
        for key in STANDARD:
            item = by_key.get(key, next(i for i in DEFAULT_ITEMS if i["key"] == key))
            self.fields[f"label_{key}"] = forms.CharField(
                label=f"{key.replace('_', ' ').capitalize()}: text",
                initial=item["label"],
                max_length=300,
            )
            self.fields[f"critical_{key}"] = forms.BooleanField(
                label=f"{key.replace('_', ' ').capitalize()}: the nurse confirms it at check-in",
                initial=bool(item.get("critical")),
                required=False,
            )
        extras = [i["label"] for i in items if i["key"] not in STANDARD]
        self.fields["extra"].initial = "\n".join(extras)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        label = data.get("label_fasting", "")
        if label and "{fasting_hours}" not in label:
            self.add_error(
                "label_fasting", "Keep {fasting_hours}: it shows the clinic's fasting setting."
            )
        label = data.get("label_medication", "")
        if label and "{medication}" not in label:
            self.add_error(
                "label_medication", "Keep {medication}: it shows the prescriber's instruction."
            )
        return data

    def items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        result = [
            {"key": k, "label": data[f"label_{k}"].strip(), "critical": data[f"critical_{k}"]}
            for k in STANDARD
        ]
        for n, line in enumerate(text.strip() for text in data["extra"].splitlines()):
            if line:
                key = f"extra_{n}_" + re.sub(r"[^a-z0-9]+", "_", line.lower())[:20]
                result.append({"key": key, "label": line, "critical": False})
        return result


@require_http_methods(["GET", "POST"])
@require(Perm.PLAN_WRITE)
def preparation_templates(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    routes = dict(ROUTE_CHOICES)
    route = request.POST.get("route") or request.GET.get("route") or "iv_racemic"
    if route not in routes:
        route = "iv_racemic"
    current = (
        PreparationTemplate.objects.filter(clinic=actor.clinic, route=route)
        .order_by("-revision")
        .first()
    )
    items = list(current.items) if current else [dict(i) for i in DEFAULT_ITEMS]
    form = PreparationTemplateForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            latest = PreparationTemplate.objects.filter(clinic=actor.clinic, route=route).aggregate(
                r=Max("revision")
            )["r"]
            row = PreparationTemplate.objects.create(
                clinic=actor.clinic,
                route=route,
                revision=(latest or 0) + 1,
                items=form.items(),
                created_by=actor.user,
            )
            record(Action.CREATE, actor=actor, obj=row, detail={"route": route})
        messages.success(request, f"Checklist for {routes[route].lower()} saved.")
        return redirect(f"{request.path}?route={route}")
    return render(
        request,
        "treatment/preparation_templates.html",
        {
            "form": form,
            "route": route,
            "routes": ROUTE_CHOICES,
            "revision": current.revision if current else None,
        },
        status=400 if form.errors else 200,
    )
