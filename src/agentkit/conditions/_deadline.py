"""``DeadlineTermination``: stop a run at a deadline that starts with the run, or at a fixed point in time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage
from autogen_core import Component
from pydantic import BaseModel
from typing_extensions import Self

from .._clock import SYSTEM_CLOCK, Clock
from .._utils import to_seconds
from ..exceptions import ConfigurationError
from ._latency import TurnClock, agent_of, check_clock, fmt_seconds

__all__ = ("DeadlineTermination", "DeadlineTerminationConfig")


def _after(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> str:
    agent = agent_of(messages)
    return f" (after a turn of {agent!r})" if agent is not None else ""


class DeadlineTerminationConfig(BaseModel):
    """Serialised form of :class:`DeadlineTermination` (exactly one of the two fields is set)."""

    seconds: float | None = None
    """Relative deadline: seconds from the run's first message."""
    at: datetime | None = None
    """Absolute deadline: a timezone-aware point in time."""


class DeadlineTermination(TerminationCondition, Component[DeadlineTerminationConfig]):
    """Stop the run once a deadline has passed, checked at every turn boundary.

    Unlike AutoGen's ``TimeoutTermination`` (whose clock starts when the condition is *constructed*), a
    relative deadline starts with the run: the clock starts at the condition's first call, which is the
    moment the team receives the task. An absolute deadline (a timezone-aware ``datetime``) is a fixed point
    in time that spans runs.

    Like every termination condition it is only consulted between turns: it cannot interrupt a model call or
    a tool that hangs. To interrupt work in flight, run the team with
    :func:`agentkit.deadlines.run_with_deadline`.

    Reset semantics: the team calls ``reset()`` after every stop. A relative deadline then restarts with the
    next run's first message; an absolute deadline is unaffected (once it has passed, every later run stops
    right after its task message). A run that ends by an exception or a ``CancellationToken`` is *not* reset
    by AutoGen, so the relative clock keeps running into the next run unless you call ``team.reset()``
    (:func:`agentkit.deadlines.run_with_deadline` does that for you). A run resumed without a task
    (``team.run()``) makes its first call only after the first turn, so its clock starts there; so does a
    MagenticOne run, whose orchestrator plans and picks a speaker before the condition sees the task. For a
    bound that counts from the very start, use :func:`agentkit.deadlines.run_with_deadline`.

    Args:
        deadline: Seconds (``float``/``int``) or a ``timedelta`` from the run's first message, or a
            timezone-aware ``datetime``.
        clock: Clock read at each turn boundary (not serialised; defaults to the system clock).

    Raises:
        ConfigurationError: if the duration is not positive and finite, or the datetime is naive.

    Example:
        >>> from agentkit.conditions import DeadlineTermination
        >>> from autogen_agentchat.conditions import MaxMessageTermination
        >>> condition = DeadlineTermination(30) | MaxMessageTermination(20)
    """

    component_config_schema = DeadlineTerminationConfig
    component_provider_override = "agentkit.conditions.DeadlineTermination"

    def __init__(self, deadline: float | timedelta | datetime, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = check_clock(clock)
        self._seconds: float | None = None
        self._at: datetime | None = None
        if isinstance(deadline, datetime):
            if deadline.tzinfo is None or deadline.utcoffset() is None:
                raise ConfigurationError(
                    "deadline",
                    f"a datetime deadline must be timezone-aware, got the naive {deadline.isoformat()}.",
                    "Pass e.g. datetime(2026, 1, 1, 12, tzinfo=timezone.utc).",
                )
            self._at = deadline
        else:
            self._seconds = to_seconds(deadline, field="deadline")
        self._turns = TurnClock(self._clock)
        self._terminated = False

    @property
    def deadline_s(self) -> float | None:
        """The relative deadline in seconds, or ``None`` for an absolute deadline."""
        return self._seconds

    @property
    def deadline_at(self) -> datetime | None:
        """The absolute deadline, or ``None`` for a relative one."""
        return self._at

    @property
    def remaining_s(self) -> float | None:
        """Seconds left before the deadline (negative once passed); ``None`` if a relative clock has not started."""
        if self._at is not None:
            return (self._at - self._clock.now()).total_seconds()
        if self._turns.started_at is None:
            return None
        assert self._seconds is not None
        return self._seconds - (self._clock.monotonic() - self._turns.started_at)

    @property
    def terminated(self) -> bool:
        """Whether the deadline has stopped the run (until ``reset()``)."""
        return self._terminated

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Check the deadline at a turn boundary."""
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        if self._turns.started_at is None:
            self._turns.boundary()  # the run's first message: the relative clock starts now
        if self._at is not None:
            now = self._clock.now()
            if now < self._at:
                return None
            late = (now - self._at).total_seconds()
            content = (
                f"Deadline {self._at.isoformat()} reached{_after(messages)}: it is {now.isoformat()}, "
                f"{fmt_seconds(late)} past the deadline."
            )
        else:
            assert self._seconds is not None
            assert self._turns.started_at is not None
            elapsed = self._clock.monotonic() - self._turns.started_at
            if elapsed < self._seconds:
                return None
            content = (
                f"Deadline of {fmt_seconds(self._seconds)} reached{_after(messages)}: "
                f"{fmt_seconds(elapsed)} elapsed since the run started."
            )
        self._terminated = True
        return StopMessage(content=content, source="DeadlineTermination")

    async def reset(self) -> None:
        """Clear the stop; a relative deadline restarts with the next run's first message."""
        self._terminated = False
        self._turns.reset()

    def __repr__(self) -> str:
        what = self._at.isoformat() if self._at is not None else fmt_seconds(self._seconds or 0.0)
        return f"DeadlineTermination({what})"

    def _to_config(self) -> DeadlineTerminationConfig:
        return DeadlineTerminationConfig(seconds=self._seconds, at=self._at)

    @classmethod
    def _from_config(cls, config: DeadlineTerminationConfig) -> Self:
        if (config.seconds is None) == (config.at is None):
            raise ConfigurationError(
                "DeadlineTerminationConfig", "exactly one of `seconds` and `at` must be set.", "Set one of them."
            )
        return cls(config.seconds if config.seconds is not None else config.at)  # type: ignore[arg-type]
