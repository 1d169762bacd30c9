"""The clinic's page for its own journal prompts and practice library."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.accounts.policy import Perm, deny, require
from kapcare.integration import library
from kapcare.integration.models import JournalPrompt, Practice, PracticeCategory, Stage
from kapcare.integration.plans import library_for
from kapcare.integration.prompts import DEFAULT_PROMPTS


class PromptForm(forms.Form):
    stage = forms.ChoiceField(label="When it is offered", choices=Stage.choices)
    text = forms.CharField(label="Question", max_length=300)


class PracticeForm(forms.Form):
    category = forms.ChoiceField(label="Kind", choices=PracticeCategory.choices)
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="What to do", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _apply(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
@require(Perm.INTEGRATION_WRITE)
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    prompt_form = PromptForm(request.POST if request.POST.get("add") == "prompt" else None)
    practice_form = PracticeForm(
        request.POST if request.POST.get("add") == "practice" else None, prefix="p"
    )
    if request.method == "POST":
        try:
            if request.POST.get("add") == "prompt" and prompt_form.is_valid():
                library.prompt_add(actor=actor, **prompt_form.cleaned_data)
                messages.success(request, "The question is added.")
                return redirect("integration:settings")
            if request.POST.get("add") == "practice" and practice_form.is_valid():
                library.practice_add(actor=actor, **practice_form.cleaned_data)
                messages.success(request, "The practice is added to the library.")
                return redirect("integration:settings")
        except ValidationError as exc:
            _apply(prompt_form if request.POST.get("add") == "prompt" else practice_form, exc)
    own = list(JournalPrompt.objects.filter(clinic=actor.clinic, is_active=True))
    stages = [
        (
            label,
            [p for p in own if p.stage == value],
            DEFAULT_PROMPTS.get(value, ()),
        )
        for value, label in Stage.choices
    ]
    return render(
        request,
        "integration/settings.html",
        {
            "stages": stages,
            "practices": list(library_for(actor.clinic.pk)),
            "prompt_form": prompt_form,
            "practice_form": practice_form,
        },
        status=400 if prompt_form.errors or practice_form.errors else 200,
    )


@require_POST
@require(Perm.INTEGRATION_WRITE)
def retire(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    item: JournalPrompt | Practice | None = None
    if kind == "prompt":
        item = JournalPrompt.objects.filter(pk=item_id, clinic=actor.clinic, is_active=True).first()
    elif kind == "practice":
        item = Practice.objects.filter(pk=item_id, clinic=actor.clinic, is_active=True).first()
    if item is None:
        deny(
            actor, Perm.INTEGRATION_WRITE, object_type=f"integration.{kind}"[:40], object_id=item_id
        )
        raise Http404("Nothing to retire here")
    library.library_item_retire(actor=actor, item=item)
    messages.success(request, "Retired: it is no longer offered; past uses keep it.")
    return redirect("integration:settings")
