"""Every instrument kapcare can give, looked up by key.

One registry means a stored response's instrument key always resolves to the
same definition the form and the scorer used.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .daily_checkin import DAILY_CHECKIN
from .errors import UnknownInstrumentError
from .gad7 import GAD7
from .model import InstrumentDefinition
from .pcl5 import PCL5
from .peg import PEG
from .phq9 import PHQ9
from .post_session_reflection import POST_SESSION_REFLECTION

DEFINITIONS: Mapping[str, InstrumentDefinition] = MappingProxyType(
    {
        definition.key: definition
        for definition in (PHQ9, GAD7, PCL5, PEG, DAILY_CHECKIN, POST_SESSION_REFLECTION)
    }
)


def get_definition(key: str) -> InstrumentDefinition:
    """Return the definition for ``key`` or raise UnknownInstrumentError naming the known keys."""
    try:
        return DEFINITIONS[key]
    except (KeyError, TypeError):
        known = ", ".join(DEFINITIONS)
        raise UnknownInstrumentError(
            f"unknown instrument {key!r}; known instruments are {known}"
        ) from None
