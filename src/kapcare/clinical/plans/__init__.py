"""Treatment plans as data: content, validation and clinic-editable templates.

Nothing here books rooms or signs anything; that happens outside the pure
core. See ``model`` for the plan itself and ``templates`` for the packaged
starting points and their sources.
"""

from kapcare.clinical.plans.model import (
    DosePlan,
    DoseUnit,
    InductionSchedule,
    QuestionnaireItem,
    QuestionnaireSchedule,
    QuestionnaireWhen,
    ReassessmentPoint,
    TherapySessions,
    TreatmentPlan,
    WeekBlock,
    validate_plan,
)
from kapcare.clinical.plans.templates import (
    PlanTemplate,
    TemplateError,
    load_template,
    load_templates,
    parse_template,
)

__all__ = [
    "DosePlan",
    "DoseUnit",
    "InductionSchedule",
    "PlanTemplate",
    "QuestionnaireItem",
    "QuestionnaireSchedule",
    "QuestionnaireWhen",
    "ReassessmentPoint",
    "TemplateError",
    "TherapySessions",
    "TreatmentPlan",
    "WeekBlock",
    "load_template",
    "load_templates",
    "parse_template",
    "validate_plan",
]
