"""A per-task side channel between stacked model-client wrappers.

``CreateResult`` has no field naming the model that answered. A wrapper that knows (the failover client)
calls :func:`set_answered_by` before returning; an outer wrapper in the same task (the metered client)
reads it with :func:`answered_by` right after the call returns. Context variables are task-local, so
concurrent calls never see each other's values.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ("AnsweredBy", "answered_by", "reset_answered_by", "set_answered_by")


@dataclass(frozen=True, slots=True)
class AnsweredBy:
    """Which member and model produced a result."""

    member: str
    model: str
    provider: str | None = None


_ANSWERED_BY: ContextVar[AnsweredBy | None] = ContextVar("agentkit_answered_by", default=None)


def set_answered_by(info: AnsweredBy) -> None:
    """Record who answered the call that is about to return in this task."""
    _ANSWERED_BY.set(info)


def answered_by() -> AnsweredBy | None:
    """Who answered the most recent call in this task, if a wrapper recorded it."""
    return _ANSWERED_BY.get()


def reset_answered_by() -> None:
    """Forget the recorded answer (call before delegating, so a stale value is never read)."""
    _ANSWERED_BY.set(None)
