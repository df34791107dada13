"""Small private helpers shared by several building blocks."""

from __future__ import annotations

import math
from datetime import timedelta

from ._redaction import REDACTED, looks_secret, redact_text, redact_value
from .exceptions import ConfigurationError

__all__ = ("REDACTED", "looks_secret", "redact_mapping", "redact_text", "to_seconds")

# The redaction layer lives in agentkit._redaction; these names are kept for existing callers.
redact_mapping = redact_value


def to_seconds(value: float | timedelta, *, field: str, allow_zero: bool = False) -> float:
    """Normalise a duration given as seconds or ``timedelta`` to positive float seconds.

    Raises:
        ConfigurationError: if the value is not a finite, positive number of seconds.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, timedelta)):
        raise ConfigurationError(
            field,
            f"must be a number of seconds or a datetime.timedelta, got {type(value).__name__}.",
            "Pass e.g. 30, 2.5 or timedelta(minutes=1).",
        )
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigurationError(
            field, f"must be finite and {bound} seconds, got {value!r}.", "Pass a positive duration."
        )
    return seconds
