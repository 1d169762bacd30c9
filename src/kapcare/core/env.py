"""Read configuration from the environment, once, at start-up.

Every secret can also come from a file named by ``<NAME>_FILE`` so that
container secrets and systemd credentials work without putting values in the
environment itself.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names it and what is allowed."""


def env_str(name: str, default: str | None = None) -> str | None:
    """Return ``name`` from the environment, or the contents of ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE: cannot read {file_name!r} ({exc})") from exc
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, *, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(
        f"{name}: {raw!r} is not a boolean; use one of true/false, 1/0, yes/no"
    )


def env_int(name: str, *, default: int, minimum: int = 0, maximum: int = 10**9) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}: {raw!r} is not a whole number") from None
    if not minimum <= value <= maximum:
        raise ConfigurationError(
            f"{name}: {value} is outside the allowed range {minimum}–{maximum}"
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
