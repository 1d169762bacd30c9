"""Which plan templates a clinic offers: its own revisions, else the packaged defaults."""

from __future__ import annotations

from dataclasses import dataclass

from kapcare.accounts.models import Clinic
from kapcare.clinical.plans import PlanTemplate, load_template, load_templates, parse_template
from kapcare.treatment.models import ClinicPlanTemplate


@dataclass(frozen=True)
class OfferedTemplate:
    """A template as offered to a prescriber; ``version`` says packaged or clinic revision."""

    template: PlanTemplate
    version: str
    clinic_revision: int | None

    @property
    def id(self) -> str:
        return self.template.id

    @property
    def title(self) -> str:
        return self.template.title


def offered_templates(clinic: Clinic) -> dict[str, OfferedTemplate]:
    """Every template id, newest clinic revision first, else the newest packaged version."""
    offered = {key: OfferedTemplate(t, t.version, None) for key, t in load_templates().items()}
    rows = ClinicPlanTemplate.objects.filter(clinic=clinic).order_by("template_id", "revision")
    for row in rows:
        parsed = parse_template(row.text, origin=f"clinic template {row.template_id}")
        offered[row.template_id] = OfferedTemplate(
            parsed, f"{parsed.version}+clinic.{row.revision}", row.revision
        )
    return dict(sorted(offered.items(), key=lambda item: item[1].title))


def packaged_text(template_id: str) -> str:
    """The TOML text of the newest packaged template (the start of a clinic copy)."""
    from importlib import resources

    template = load_templates()[template_id]
    load_template(template.id, template.version)
    name = f"data/{template.id}-{template.version}.toml"
    return resources.files("kapcare.clinical.plans").joinpath(name).read_text(encoding="utf-8")
