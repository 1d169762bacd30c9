"""Plan templates a clinic starts from, read strictly from versioned TOML files.

Templates live in ``data/<id>-<version>.toml``. Clinicians, not programmers,
review and edit them, so any unknown key, missing key, wrong type or
unsourced number stops loading with a message naming the file and the field,
instead of producing a plan that quietly means something else. A template
never changes in place: a change is a new file with a higher version, and
the old one stays so a plan signed from it can be shown as it was.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Final

from kapcare.clinical.findings import Finding
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
from kapcare.clinical.routes import Route


class TemplateError(ValueError):
    """A template file that cannot be used as written; the message names file and field."""


_ID: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION: Final = re.compile(r"^[0-9]{4}\.[0-9]+$")
_SOURCE_KEY: Final = re.compile(r"^[A-Z][0-9]+[a-z]?$")
_FILE: Final = re.compile(r"^(?P<id>[a-z][a-z0-9_]*)-(?P<version>[0-9]{4}\.[0-9]+)\.toml$")
_PROVENANCE_KEYS: Final = {"sources", "local_choices", "note"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanTemplate:
    """A named, versioned starting point for a plan, with its sources and review findings."""

    id: str
    version: str
    title: str
    route: Route
    sources: tuple[str, ...]
    plan: TreatmentPlan
    findings: tuple[Finding, ...]


def load_templates() -> Mapping[str, PlanTemplate]:
    """The newest version of every packaged template, by id."""
    newest: dict[str, PlanTemplate] = {}
    for template_id, version in _packaged():
        current = newest.get(template_id)
        if current is None or _version_key(version) > _version_key(current.version):
            newest[template_id] = load_template(template_id, version)
    return MappingProxyType(dict(sorted(newest.items())))


@cache
def load_template(template_id: str, version: str) -> PlanTemplate:
    """One packaged template at an exact version (for re-showing a signed plan)."""
    if not _ID.match(template_id) or not _VERSION.match(version):
        raise TemplateError(
            f"template {template_id!r} version {version!r}: expected an id of lower-case "
            "words and a version of the form YEAR.N"
        )
    name = f"{template_id}-{version}.toml"
    data = resources.files("kapcare.clinical.plans").joinpath(f"data/{name}")
    if not data.is_file():
        raise TemplateError(f"{name}: no packaged template with this id and version")
    template = parse_template(data.read_text(encoding="utf-8"), origin=name)
    if (template.id, template.version) != (template_id, version):
        raise TemplateError(
            f"{name}: declares id {template.id!r} version {template.version!r}; "
            "the file name must match"
        )
    return template


def _packaged() -> list[tuple[str, str]]:
    folder = resources.files("kapcare.clinical.plans").joinpath("data")
    found = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".toml"):
            continue
        match = _FILE.match(entry.name)
        if match is None:
            raise TemplateError(f"{entry.name}: template files are named <id>-<YEAR.N>.toml")
        found.append((match["id"], match["version"]))
    return sorted(found)


def _version_key(version: str) -> tuple[int, int]:
    year, number = version.split(".")
    return int(year), int(number)


def parse_template(text: str, *, origin: str = "<template>") -> PlanTemplate:
    """Read one template document; every problem names ``origin`` and the field."""
    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{origin}: not valid TOML: {error}") from error
    _keys(
        document,
        {"template", "induction", "dose", "therapy", "questionnaires", "reassessment"},
        set(),
        origin,
    )
    head = _table(document, "template", origin)
    _keys(
        head,
        {"id", "version", "title", "route", "sources", "indication", "stop_criteria"},
        {"goals"},
        f"{origin}: template",
    )
    where = f"{origin}: template"
    template_id = _str(head, "id", where)
    if not _ID.match(template_id):
        raise TemplateError(f"{where}.id: {template_id!r} must be lower-case words with _")
    version = _str(head, "version", where)
    if not _VERSION.match(version):
        raise TemplateError(f"{where}.version: {version!r} must be of the form YEAR.N")
    route_text = _str(head, "route", where)
    try:
        route = Route(route_text)
    except ValueError:
        allowed = ", ".join(r.value for r in Route)
        raise TemplateError(
            f"{where}.route: {route_text!r} is unknown; allowed: {allowed}"
        ) from None
    sources = _sources(head, where, required=True)
    plan = TreatmentPlan(
        indication=_str(head, "indication", where),
        route=route,
        induction=_induction(_table(document, "induction", origin), f"{origin}: induction"),
        dose=_dose(_table(document, "dose", origin), f"{origin}: dose"),
        therapy=_therapy(_table(document, "therapy", origin), f"{origin}: therapy"),
        questionnaires=_questionnaires(
            _table(document, "questionnaires", origin), f"{origin}: questionnaires"
        ),
        reassessment=_reassessment(
            _table(document, "reassessment", origin), f"{origin}: reassessment"
        ),
        stop_criteria=_strs(head, "stop_criteria", where),
        goals=_strs(head, "goals", where) if "goals" in head else (),
    )
    try:
        findings = validate_plan(plan)
    except ValueError as error:
        raise TemplateError(f"{origin}: {error}") from error
    return PlanTemplate(
        id=template_id,
        version=version,
        title=_str(head, "title", where),
        route=route,
        sources=sources,
        plan=plan,
        findings=findings,
    )


# -- sections ---------------------------------------------------------------------------


def _induction(table: Mapping[str, object], where: str) -> InductionSchedule:
    _keys(table, {"sessions", "min_spacing_days"}, {"max_spacing_days", "weeks"}, where, True)
    weeks = []
    raw_weeks = table.get("weeks", [])
    if not isinstance(raw_weeks, list):
        raise TemplateError(f"{where}.weeks must be an array of tables")
    for index, item in enumerate(raw_weeks):
        block_where = f"{where}.weeks[{index}]"
        if not isinstance(item, dict):
            raise TemplateError(f"{block_where} must be a table")
        _keys(item, {"first_week", "last_week", "sessions_per_week"}, set(), block_where)
        weeks.append(
            WeekBlock(
                first_week=_int(item, "first_week", block_where),
                last_week=_int(item, "last_week", block_where),
                sessions_per_week=_int(item, "sessions_per_week", block_where),
            )
        )
    sources, local, note = _provenance(table, where)
    return InductionSchedule(
        sessions=_int(table, "sessions", where),
        min_spacing_days=_int(table, "min_spacing_days", where),
        max_spacing_days=_int(table, "max_spacing_days", where)
        if "max_spacing_days" in table
        else None,
        weeks=tuple(weeks),
        sources=sources,
        local_choices=local,
        note=note,
    )


def _dose(table: Mapping[str, object], where: str) -> DosePlan:
    _keys(
        table,
        {"unit", "starting", "titration_step", "per_session_cap"},
        {"course_cap", "infusion_minutes"},
        where,
        True,
    )
    unit_text = _str(table, "unit", where)
    try:
        unit = DoseUnit(unit_text)
    except ValueError:
        allowed = ", ".join(u.value for u in DoseUnit)
        raise TemplateError(f"{where}.unit: {unit_text!r} is unknown; allowed: {allowed}") from None
    sources, local, note = _provenance(table, where)
    return DosePlan(
        unit=unit,
        starting=_decimal(table, "starting", where),
        titration_step=_decimal(table, "titration_step", where),
        per_session_cap=_decimal(table, "per_session_cap", where),
        course_cap=_decimal(table, "course_cap", where) if "course_cap" in table else None,
        infusion_minutes=_int(table, "infusion_minutes", where)
        if "infusion_minutes" in table
        else None,
        sources=sources,
        local_choices=local,
        note=note,
    )


def _therapy(table: Mapping[str, object], where: str) -> TherapySessions:
    names = {
        "preparation_sessions",
        "preparation_days_before_first_dose",
        "integration_after_first_doses",
        "integration_days_after_dose",
    }
    _keys(table, names, {"integration_every_n_doses"}, where, True)
    sources, local, note = _provenance(table, where)
    return TherapySessions(
        preparation_sessions=_int(table, "preparation_sessions", where),
        preparation_days_before_first_dose=_int(table, "preparation_days_before_first_dose", where),
        integration_after_first_doses=_int(table, "integration_after_first_doses", where),
        integration_every_n_doses=_int(table, "integration_every_n_doses", where)
        if "integration_every_n_doses" in table
        else None,
        integration_days_after_dose=_int(table, "integration_days_after_dose", where),
        sources=sources,
        local_choices=local,
        note=note,
    )


def _questionnaires(table: Mapping[str, object], where: str) -> QuestionnaireSchedule:
    _keys(table, {"items"}, set(), where, True)
    raw = table["items"]
    if not isinstance(raw, list) or not raw:
        raise TemplateError(f"{where}.items must be a non-empty array of tables")
    items = []
    for index, item in enumerate(raw):
        item_where = f"{where}.items[{index}]"
        if not isinstance(item, dict):
            raise TemplateError(f"{item_where} must be a table")
        _keys(item, {"instrument", "when"}, {"every_n_days"}, item_where)
        when_text = _str(item, "when", item_where)
        try:
            when = QuestionnaireWhen(when_text)
        except ValueError:
            allowed = ", ".join(w.value for w in QuestionnaireWhen)
            raise TemplateError(
                f"{item_where}.when: {when_text!r} is unknown; allowed: {allowed}"
            ) from None
        items.append(
            QuestionnaireItem(
                instrument=_str(item, "instrument", item_where),
                when=when,
                every_n_days=_int(item, "every_n_days", item_where)
                if "every_n_days" in item
                else None,
            )
        )
    sources, local, note = _provenance(table, where)
    return QuestionnaireSchedule(
        items=tuple(items), sources=sources, local_choices=local, note=note
    )


def _reassessment(table: Mapping[str, object], where: str) -> ReassessmentPoint:
    _keys(table, {"after_sessions", "primary_instrument"}, set(), where, True)
    sources, local, note = _provenance(table, where)
    return ReassessmentPoint(
        after_sessions=_int(table, "after_sessions", where),
        primary_instrument=_str(table, "primary_instrument", where),
        sources=sources,
        local_choices=local,
        note=note,
    )


# -- strict readers ---------------------------------------------------------------------


def _keys(
    table: Mapping[str, object],
    required: set[str],
    optional: set[str],
    where: str,
    provenance: bool = False,
) -> None:
    if provenance:
        optional = optional | _PROVENANCE_KEYS
    missing = required - set(table)
    extra = set(table) - required - optional
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"missing {sorted(missing)}")
        if extra:
            problems.append(f"unknown {sorted(extra)}; allowed: {sorted(required | optional)}")
        raise TemplateError(f"{where}: {'; '.join(problems)}")


def _table(document: Mapping[str, object], name: str, where: str) -> Mapping[str, object]:
    value = document[name]
    if not isinstance(value, dict):
        raise TemplateError(f"{where}: {name} must be a table")
    return value


def _str(table: Mapping[str, object], name: str, where: str) -> str:
    value = table[name]
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{where}.{name} must be non-empty text, got {value!r}")
    return value


def _strs(table: Mapping[str, object], name: str, where: str) -> tuple[str, ...]:
    value = table[name]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TemplateError(f"{where}.{name} must be a list of non-empty texts")
    return tuple(value)


def _int(table: Mapping[str, object], name: str, where: str) -> int:
    value = table[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TemplateError(f"{where}.{name} must be a whole number, got {value!r}")
    return value


def _decimal(table: Mapping[str, object], name: str, where: str) -> Decimal:
    value = table[name]
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TemplateError(f"{where}.{name} must be a number, got {value!r}")
    return Decimal(value)


def _sources(table: Mapping[str, object], where: str, *, required: bool) -> tuple[str, ...]:
    value = table.get("sources", [])
    if not isinstance(value, list):
        raise TemplateError(f"{where}.sources must be a list of reference keys such as 'K13'")
    for key in value:
        if not isinstance(key, str) or not _SOURCE_KEY.match(key):
            raise TemplateError(f"{where}.sources: {key!r} is not a reference key such as 'K13'")
    if required and not value:
        raise TemplateError(f"{where}.sources must list at least one reference key")
    return tuple(value)


def _provenance(
    table: Mapping[str, object], where: str
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    local = table.get("local_choices", [])
    if not isinstance(local, list) or not all(isinstance(v, str) for v in local):
        raise TemplateError(f"{where}.local_choices must be a list of field names")
    note = table.get("note", "")
    if not isinstance(note, str):
        raise TemplateError(f"{where}.note must be text")
    return _sources(table, where, required=False), tuple(local), note
