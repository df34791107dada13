"""Shared plumbing of the latency conditions: turn timing, agent attribution, duration parsing and formatting.

A termination condition only sees message *deltas* at turn boundaries (AutoGen calls it once with the task
messages when a run starts, then once after every agent turn). The only faithful turn clock is therefore
the time between two consecutive calls, read from an injectable :class:`~agentkit.Clock`:

* the first call after construction or ``reset()`` marks the start of the run (it carries the task);
* every later call ends a turn, whose duration is the time since the previous call, attributed to the
  source of the last chat message in the delta.

Message ``created_at`` stamps are not used for timing: they come from the system wall clock (not the
injected one) and are only set when a message is created, i.e. at the *end* of a model call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage

from .._clock import Clock
from .._utils import to_seconds
from ..exceptions import ConfigurationError

__all__ = (
    "TurnClock",
    "agent_of",
    "check_clock",
    "fmt_seconds",
    "per_agent_seconds",
    "positive_int",
    "seconds_or_none",
)


class TurnClock:
    """Measures turn durations as the time between consecutive condition calls."""

    __slots__ = ("_clock", "_last", "started_at")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last: float | None = None
        self.started_at: float | None = None

    def boundary(self) -> float | None:
        """Mark a boundary now; return the duration of the turn that just ended, or ``None`` at the run's start."""
        now = self._clock.monotonic()
        previous = self._last
        self._last = now
        if previous is None:
            self.started_at = now
            return None
        return now - previous

    def reset(self) -> None:
        """Forget the previous boundary: the next call marks the start of a new run."""
        self._last = None
        self.started_at = None


def agent_of(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> str | None:
    """The agent whose turn produced ``messages``: the source of the last chat message (else of the last event)."""
    for message in reversed(messages):
        if isinstance(message, BaseChatMessage):
            return message.source
    return messages[-1].source if messages else None


def fmt_seconds(seconds: float) -> str:
    """Format a duration for a stop message, e.g. ``"2.5 s"``, ``"0.013 s"``, ``"120 s"``."""
    if seconds >= 100:
        return f"{seconds:.0f} s"
    return f"{seconds:.3g} s"


def seconds_or_none(value: float | timedelta | None, *, field: str) -> float | None:
    """``to_seconds`` that lets ``None`` through."""
    return None if value is None else to_seconds(value, field=field)


def per_agent_seconds(value: Mapping[str, float | timedelta] | None, *, field: str) -> dict[str, float]:
    """Validate a mapping of agent name to positive duration."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            field,
            f"must be a mapping of agent name to seconds, got {type(value).__name__}.",
            'Pass e.g. {"writer": 10, "critic": 5}.',
        )
    result: dict[str, float] = {}
    for name, seconds in value.items():
        if not isinstance(name, str) or not name:
            raise ConfigurationError(field, f"agent names must be non-empty strings, got {name!r}.")
        result[name] = to_seconds(seconds, field=f"{field}[{name!r}]")
    return result


def check_clock(clock: Any) -> Clock:
    """Reject objects that are not clocks (a common slip: passing ``time.monotonic`` itself)."""
    if not (callable(getattr(clock, "monotonic", None)) and callable(getattr(clock, "now", None))):
        raise ConfigurationError(
            "clock",
            f"must be an agentkit Clock (monotonic(), now(), sleep()), got {type(clock).__name__}.",
            "Pass agentkit.SYSTEM_CLOCK (the default) or agentkit.testing.ManualClock().",
        )
    return clock  # type: ignore[no-any-return]


def positive_int(value: Any, *, field: str) -> int:
    """Validate a positive integer count."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(field, f"must be an integer >= 1, got {value!r}.")
    return value
