"""Reading rule sets from their TOML data files, strictly.

Rule files are reviewed by clinicians, not programmers, so a typo in a key,
code or placeholder must stop loading with a message that says where, rather
than produce a rule that silently never fires.
"""

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources

from kapcare.clinical.eligibility.codes import CodeT, Route, parse_code
from kapcare.clinical.eligibility.conditions import parse_condition, template_fields_used
from kapcare.clinical.eligibility.errors import FactError, RuleSetError
from kapcare.clinical.eligibility.rules import UNVERIFIED, Rule, RuleSet, Severity, Source

DEFAULT_RULESET_VERSION = "2026.1"

_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_SOURCE_KEY = re.compile(r"^[A-Z][0-9]+[a-z]?$")
_RULE_KEYS = {"id", "version", "severity", "routes", "when", "message", "action", "source", "note"}
_REQUIRED_RULE_KEYS = _RULE_KEYS - {"note"}


def load_default_rules() -> RuleSet:
    """The rule set kapcare ships, as described in the clinical reference, sections 2 to 5."""
    return load_packaged_rules(DEFAULT_RULESET_VERSION)


@cache
def load_packaged_rules(version: str) -> RuleSet:
    """A published rule set by version, so old decisions can be re-screened as signed."""
    if not re.fullmatch(r"[0-9]+\.[0-9]+", version):
        raise RuleSetError(f"Rule set version {version!r} is not of the form YEAR.N.")
    data = resources.files("kapcare.clinical.eligibility").joinpath(f"data/rules-{version}.toml")
    if not data.is_file():
        raise RuleSetError(f"No packaged rule set with version {version!r}.")
    ruleset = parse_rules(data.read_text(encoding="utf-8"), origin=f"rules-{version}.toml")
    if ruleset.base_version != version:
        raise RuleSetError(f"rules-{version}.toml declares version {ruleset.base_version!r}.")
    return ruleset


def parse_rules(text: str, *, origin: str = "<rules>") -> RuleSet:
    """Parse one rule-set document; every problem names the file and the rule."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"{origin}: not valid TOML: {error}") from error
    _exact_keys(document, {"ruleset", "rules"}, set(), origin)
    header = _table(document["ruleset"], f"{origin}: ruleset")
    _exact_keys(header, {"id", "version", "reference"}, set(), f"{origin}: ruleset")
    rules_data = document["rules"]
    if not isinstance(rules_data, list) or not rules_data:
        raise RuleSetError(f"{origin}: rules must be a non-empty array of tables.")
    rules = tuple(
        _rule(_table(item, f"{origin}: rules[{index}]"), f"{origin}: rules[{index}]")
        for index, item in enumerate(rules_data)
    )
    return RuleSet(
        id=_text(header["id"], f"{origin}: ruleset.id"),
        base_version=_text(header["version"], f"{origin}: ruleset.version"),
        base_rules=rules,
    )


def _rule(table: Mapping[str, object], where: str) -> Rule:
    _exact_keys(table, _REQUIRED_RULE_KEYS, {"note"}, where)
    rule_id = _text(table["id"], f"{where}.id")
    if not _RULE_ID.match(rule_id):
        raise RuleSetError(f"{where}.id = {rule_id!r} must be dotted lower-case words.")
    where = f"rule {rule_id!r}"
    severity = _code(Severity, table["severity"], f"{where}.severity")
    when = parse_condition(_table(table["when"], f"{where}.when"), f"{where}.when")
    message = _text(table["message"], f"{where}.message")
    action = _text(table["action"], f"{where}.action")
    for name, template in (("message", message), ("action", action)):
        unknown = template_fields_used(template) - when.template_fields
        if unknown:
            raise RuleSetError(
                f"{where}.{name} uses unknown placeholders {sorted(unknown)}; a {when.kind!r} "
                f"condition provides {sorted(when.template_fields) or 'none'}."
            )
    source = _source(table["source"], f"{where}.source")
    note = _text(table["note"], f"{where}.note") if "note" in table else ""
    if not source.verified and not note:
        raise RuleSetError(f"{where} has no verified source, so it needs a note saying why.")
    return Rule(
        id=rule_id,
        version=_text(table["version"], f"{where}.version"),
        severity=severity,
        routes=_routes(table["routes"], f"{where}.routes"),
        when=when,
        message=message,
        action=action,
        source=source,
        note=note,
    )


def _routes(value: object, where: str) -> frozenset[Route]:
    if not isinstance(value, list) or not value:
        raise RuleSetError(f"{where} must be a non-empty list of routes.")
    routes = [_code(Route, item, where) for item in value]
    if len(set(routes)) != len(routes):
        raise RuleSetError(f"{where} lists a route twice.")
    return frozenset(routes)


def _source(value: object, where: str) -> Source:
    if value == UNVERIFIED:
        return Source(keys=(), citation=UNVERIFIED)
    if isinstance(value, str):
        raise RuleSetError(f"{where} must be a table or the exact text {UNVERIFIED!r}.")
    table = _table(value, where)
    _exact_keys(table, {"keys", "citation"}, set(), where)
    keys = table["keys"]
    if not isinstance(keys, list) or not keys:
        raise RuleSetError(f"{where}.keys must list at least one reference key.")
    for key in keys:
        if not isinstance(key, str) or not _SOURCE_KEY.match(key):
            raise RuleSetError(f"{where}.keys: {key!r} is not a reference key such as 'K10b'.")
    return Source(keys=tuple(keys), citation=_text(table["citation"], f"{where}.citation"))


def _code(vocabulary: type[CodeT], value: object, where: str) -> CodeT:
    try:
        return parse_code(vocabulary, value, where)
    except FactError as error:
        raise RuleSetError(str(error)) from error


def _table(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise RuleSetError(f"{where} must be a table.")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleSetError(f"{where} must be non-empty text.")
    return value


def _exact_keys(
    table: Mapping[str, object], required: set[str], optional: set[str], where: str
) -> None:
    missing = required - set(table)
    extra = set(table) - required - optional
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"missing {sorted(missing)}")
        if extra:
            problems.append(f"unknown {sorted(extra)}")
        raise RuleSetError(f"{where}: {'; '.join(problems)}.")
