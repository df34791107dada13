"""Small private helpers shared by several building blocks."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

from .exceptions import ConfigurationError

__all__ = ("REDACTED", "looks_secret", "redact_mapping", "redact_text", "to_seconds")

REDACTED = "**********"

_SECRET_KEY = re.compile(r"(api[_-]?key|secret|token|password|passwd|authorization|credential|bearer)", re.I)
_SECRET_VALUE = re.compile(
    r"(sk-[A-Za-z0-9_\-]{8,}|sk-ant-[A-Za-z0-9_\-]{8,}|AKIA[0-9A-Z]{12,}|Bearer\s+[A-Za-z0-9._\-]{8,}|gsk_[A-Za-z0-9]{8,}|AIza[0-9A-Za-z_\-]{20,})"
)


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


def looks_secret(key: str) -> bool:
    """Whether a config key name suggests that its value is a secret."""
    return bool(_SECRET_KEY.search(key))


def redact_text(text: str) -> str:
    """Replace anything that looks like an API key or bearer token in free text."""
    return _SECRET_VALUE.sub(REDACTED, text)


def redact_mapping(value: Any) -> Any:
    """Recursively copy a JSON-like value, replacing values under secret-looking keys."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if isinstance(k, str) and looks_secret(k) and v is not None else redact_mapping(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_mapping(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value
