"""Why screening refuses input: every rejection names the field and what is allowed.

A screening result is only as trustworthy as its facts, so a value the rules
cannot interpret is an error, never a silent pass.
"""

from collections.abc import Iterable


class FactError(ValueError):
    """A fact that cannot be screened; ``field`` says which one."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownCode(FactError):
    """A code outside its closed vocabulary (route, condition, medication class, ...)."""

    def __init__(self, field: str, value: object, allowed: Iterable[str]) -> None:
        self.value = value
        self.allowed = tuple(allowed)
        super().__init__(
            field,
            f"Unknown {field} {value!r}. Allowed values: {', '.join(self.allowed)}.",
        )


class ImplausibleValueError(FactError):
    """A number outside the range a real patient or prescription could have."""

    def __init__(self, field: str, value: object, allowed_range: str, reason: str = "") -> None:
        self.value = value
        self.allowed_range = allowed_range
        detail = f" {reason}" if reason else ""
        super().__init__(
            field,
            f"{field} = {value!r} is not plausible.{detail} Allowed range: {allowed_range}.",
        )


class RuleSetError(ValueError):
    """Rule data, or a clinic adjustment to it, that cannot be applied safely."""
