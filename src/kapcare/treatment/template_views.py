"""Clinic-editable plan templates: a prescriber saves a clinic revision of a packaged template.

The text is the same strict TOML the packaged templates use; ``parse_template``
refuses anything unknown, missing or unsourced, naming the field. A revision is
never edited: saving makes the next revision, and plans keep the version they
were drafted from.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.accounts.policy import Perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.plans import TemplateError, parse_template
from kapcare.treatment.models import ClinicPlanTemplate
from kapcare.treatment.templates_catalog import offered_templates, packaged_text


class TemplateTextForm(forms.Form):
    text = forms.CharField(
        label="Template (TOML)",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        help_text="Every number needs sources (reference keys) or a local_choices entry "
        "with a note saying why.",
    )


@require_GET
@require(Perm.PLAN_WRITE)
def plan_templates(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request,
        "treatment/plan_templates.html",
        {"templates": offered_templates(actor.clinic).values()},
    )


@require_http_methods(["GET", "POST"])
@require(Perm.PLAN_WRITE)
def plan_template_edit(request: HttpRequest, template_id: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    offered = offered_templates(actor.clinic).get(template_id)
    if offered is None:
        raise Http404("No such template")
    current = (
        ClinicPlanTemplate.objects.filter(clinic=actor.clinic, template_id=template_id)
        .order_by("-revision")
        .first()
    )
    text = current.text if current is not None else packaged_text(template_id)
    form = TemplateTextForm(request.POST or None, initial={"text": text})
    if request.method == "POST" and form.is_valid():
        new_text = form.cleaned_data["text"].replace("\r\n", "\n")
        try:
            parsed = parse_template(new_text, origin=f"clinic template {template_id}")
        except TemplateError as error:
            form.add_error("text", str(error))
        else:
            if parsed.id != template_id:
                form.add_error("text", f"template.id must stay {template_id!r}.")
            else:
                with transaction.atomic():
                    latest = ClinicPlanTemplate.objects.filter(
                        clinic=actor.clinic, template_id=template_id
                    ).aggregate(r=Max("revision"))["r"]
                    row = ClinicPlanTemplate.objects.create(
                        clinic=actor.clinic,
                        template_id=template_id,
                        revision=(latest or 0) + 1,
                        title=parsed.title,
                        route=parsed.route.value,
                        text=new_text,
                        created_by=actor.user,
                    )
                    record(
                        Action.CREATE,
                        actor=actor,
                        obj=row,
                        detail={"template": template_id, "revision": row.revision},
                    )
                messages.success(request, f"Clinic revision {row.revision} saved.")
                return redirect("treatment:plan_templates")
    return render(
        request,
        "treatment/plan_template_edit.html",
        {"form": form, "offered": offered},
        status=400 if form.errors else 200,
    )
