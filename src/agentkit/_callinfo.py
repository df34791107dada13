"""A per-task side channel between stacked model-client wrappers.

``CreateResult`` has no field naming the model that answered. A wrapper that knows (the failover client)
calls :func:`set_answered_by` before returning; an outer wrapper in the same task (the metered client)
reads it with :func:`answered_by` right after the call returns. Context variables are task-local, so
concurrent calls never see each other's values.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .usage import CallRecord

__all__ = (
    "AnsweredBy",
    "answered_by",
    "attempt_sink",
    "reset_answered_by",
    "restore_attempt_sink",
    "set_answered_by",
    "set_attempt_sink",
)


@dataclass(frozen=True, slots=True)
class AnsweredBy:
    """Which member and model produced a result."""

    member: str
    model: str
    provider: str | None = None


_ANSWERED_BY: ContextVar[AnsweredBy | None] = ContextVar("agentkit_answered_by", default=None)


set_answered_by = _ANSWERED_BY.set
"""Record who answered the call that is about to return in this task (``ContextVar.set`` itself: it runs
on every call's happy path, so no Python frame of its own)."""


def answered_by() -> AnsweredBy | None:
    """Who answered the most recent call in this task, if a wrapper recorded it."""
    return _ANSWERED_BY.get()


def reset_answered_by() -> None:
    """Forget the recorded answer (call before delegating, so a stale value is never read)."""
    _ANSWERED_BY.set(None)


# Failed attempts: a failover client reports each failed or cancelled attempt to the sink an outer metered
# client installed for the duration of the call (so the ledger records them apart, never billed).
_ATTEMPT_SINK: ContextVar[Callable[[CallRecord], None] | None] = ContextVar("agentkit_attempt_sink", default=None)


def attempt_sink() -> Callable[[CallRecord], None] | None:
    """The sink for failed attempts installed by an outer metered client, if any."""
    return _ATTEMPT_SINK.get()


def set_attempt_sink(sink: Callable[[CallRecord], None] | None) -> Token[Callable[[CallRecord], None] | None]:
    """Install ``sink`` for this task; pass the returned token to :func:`restore_attempt_sink`."""
    return _ATTEMPT_SINK.set(sink)


def restore_attempt_sink(token: Token[Callable[[CallRecord], None] | None]) -> None:
    """Undo :func:`set_attempt_sink`."""
    _ATTEMPT_SINK.reset(token)
