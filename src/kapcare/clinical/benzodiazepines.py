"""Converting a benzodiazepine's daily dose to an oral diazepam equivalent.

The eligibility rules compare benzodiazepine load against a threshold in mg of
diazepam a day, so every benzodiazepine has to be expressed in that unit. The
conversion table is data with its source (``benzodiazepine_equivalents.toml``),
and every result says which table and version produced it, because the tables
disagree and the figure is only an estimate the prescriber may correct.
"""

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType

DEFAULT_TABLE = "ashton"
_DIAZEPAM_MG = Decimal(10)
_CENT = Decimal("0.01")


class UnknownBenzodiazepineError(ValueError):
    """A drug or table the conversion data does not contain."""


@dataclass(frozen=True)
class EquivalenceTable:
    """One column of equivalent doses, with where it comes from."""

    name: str
    version: str
    title: str
    source_keys: tuple[str, ...]
    citation: str
    doses: Mapping[str, tuple[Decimal, Decimal]]


@dataclass(frozen=True)
class DiazepamEquivalent:
    """A converted daily dose: an estimate, with the spread the source allows.

    Where the source gives a range (estazolam "1 to 2 mg" for 10 mg diazepam),
    the midpoint (1.5 mg) gives ``mg_per_day`` and the two ends give
    ``range_mg_per_day``; a single value gives a range of zero width. Figures
    are rounded up to 0.01 mg so that a dose truly above a threshold never
    rounds down onto it.
    """

    drug: str
    daily_dose_mg: float
    mg_per_day: float
    range_mg_per_day: tuple[float, float]
    table: str
    table_version: str
    source: str
    estimate: bool = True


def diazepam_equivalent(
    drug: str, daily_dose_mg: float, table: str = DEFAULT_TABLE
) -> DiazepamEquivalent:
    """Convert ``daily_dose_mg`` of ``drug`` to mg of oral diazepam a day using ``table``."""
    column = equivalence_table(table)
    key = _normalise(drug)
    if key not in column.doses:
        raise UnknownBenzodiazepineError(_unknown_drug_message(drug, column))
    dose = _dose(daily_dose_mg)
    low, high = column.doses[key]
    midpoint = (low + high) / 2
    return DiazepamEquivalent(
        drug=key,
        daily_dose_mg=float(dose),
        mg_per_day=_rounded_up(dose * _DIAZEPAM_MG / midpoint),
        range_mg_per_day=(
            _rounded_up(dose * _DIAZEPAM_MG / high),
            _rounded_up(dose * _DIAZEPAM_MG / low),
        ),
        table=column.name,
        table_version=column.version,
        source=f"{''.join(f'[{k}]' for k in column.source_keys)} {column.citation}",
    )


def table_names() -> tuple[str, ...]:
    """The conversion tables available, default first."""
    names = sorted(_tables(), key=lambda name: (name != DEFAULT_TABLE, name))
    return tuple(names)


def equivalence_table(table: str) -> EquivalenceTable:
    """One conversion table by name; unknown names raise, listing the known ones."""
    tables = _tables()
    if table not in tables:
        raise UnknownBenzodiazepineError(
            f"Unknown table {table!r}. Known tables: {', '.join(table_names())}."
        )
    return tables[table]


@cache
def _tables() -> dict[str, EquivalenceTable]:
    data = resources.files("kapcare.clinical").joinpath("benzodiazepine_equivalents.toml")
    document = tomllib.loads(data.read_text(encoding="utf-8"))
    return {name: _table(name, body) for name, body in document["tables"].items()}


def _table(name: str, body: dict[str, object]) -> EquivalenceTable:
    raw_doses = body["equivalent_to_10_mg_diazepam"]
    keys = body["source_keys"]
    if not isinstance(raw_doses, dict) or not isinstance(keys, list):
        raise ValueError(f"Table {name!r} needs equivalent doses and source keys.")
    doses = {_normalise(drug): _equivalent(name, drug, value) for drug, value in raw_doses.items()}
    return EquivalenceTable(
        name=name,
        version=str(body["version"]),
        title=str(body["title"]),
        source_keys=tuple(str(key) for key in keys),
        citation=str(body["citation"]),
        doses=MappingProxyType(doses),
    )


def _equivalent(table: str, drug: str, value: object) -> tuple[Decimal, Decimal]:
    bounds = value if isinstance(value, list) else [value, value]
    if len(bounds) != 2 or not all(isinstance(b, int | float) for b in bounds):
        raise ValueError(f"Table {table!r}: bad equivalent dose for {drug!r}: {value!r}.")
    low, high = (Decimal(str(b)) for b in bounds)
    if not Decimal(0) < low <= high:
        raise ValueError(f"Table {table!r}: bad equivalent dose for {drug!r}: {value!r}.")
    return low, high


def _dose(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"daily_dose_mg must be a number of mg a day, not {value!r}.")
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"daily_dose_mg = {value!r} is not plausible; allowed: 0 or more mg a day."
        )
    return Decimal(str(value))


def _unknown_drug_message(drug: str, column: EquivalenceTable) -> str:
    key = _normalise(drug)
    elsewhere = [
        name for name in table_names() if name != column.name and key in _tables()[name].doses
    ]
    hint = f" It is in: {', '.join(elsewhere)}." if elsewhere else ""
    return (
        f"Unknown benzodiazepine {drug!r} for table {column.name!r}.{hint} "
        f"Known drugs: {', '.join(sorted(column.doses))}."
    )


def _normalise(drug: str) -> str:
    if not isinstance(drug, str):
        raise UnknownBenzodiazepineError(f"drug must be a name, not {drug!r}.")
    return " ".join(drug.lower().split())


def _rounded_up(value: Decimal) -> float:
    return float(value.quantize(_CENT, rounding=ROUND_CEILING))
