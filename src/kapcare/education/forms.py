"""The clinic's editor for an education page (each save is a new version)."""

from __future__ import annotations

from django import forms

from kapcare.education.models import Audience
from kapcare.patients.models import Status


class PageForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(label="One-line summary", max_length=300, required=False)
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Headings with ##, lists with -, bold with **. Pictures, scripts and "
        "raw HTML are removed.",
    )
    sources = forms.CharField(
        label="Sources in the clinical reference",
        max_length=200,
        required=False,
        help_text="Keys such as K10c, K17: every fact must come from the reference.",
    )
    audience = forms.ChoiceField(label="Who it is for", choices=Audience.choices)
    stages = forms.MultipleChoiceField(
        label="Suggest it at these journey stages",
        choices=Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
