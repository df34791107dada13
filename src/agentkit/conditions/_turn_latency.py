"""``TurnLatencyTermination``: stop when agent turns take longer than a limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage
from autogen_core import Component
from pydantic import BaseModel, Field
from typing_extensions import Self

from .._clock import SYSTEM_CLOCK, Clock
from ..exceptions import ConfigurationError
from ._latency import TurnClock, agent_of, check_clock, fmt_seconds, per_agent_seconds, positive_int, seconds_or_none

__all__ = ("TurnLatencyTermination", "TurnLatencyTerminationConfig")


class TurnLatencyTerminationConfig(BaseModel):
    """Serialised form of :class:`TurnLatencyTermination`."""

    limit_s: float | None = None
    """Default limit for one turn, in seconds (``None``: only agents in ``per_agent_s`` are limited)."""
    per_agent_s: dict[str, float] = Field(default_factory=dict)
    """Per-agent limits in seconds, overriding ``limit_s``."""
    consecutive: int = 1
    """How many slow turns in a row stop the run."""


class TurnLatencyTermination(TerminationCondition, Component[TurnLatencyTerminationConfig]):
    """Stop the run when an agent turn takes longer than a limit (optionally: N slow turns in a row).

    A turn's duration is the time between two consecutive calls of the condition, read from ``clock``:
    AutoGen calls a condition once with the task messages when a run starts and once after every agent
    turn, so turn *n* lasts from the end of turn *n-1* (or the task) to the end of turn *n*. It includes
    everything the team did in between: the speaker selection (an LLM call in ``SelectorGroupChat``), every
    model call and tool execution of the turn. The turn is attributed to the source of the last chat message
    in its delta. The first turn of a run resumed without a task (``team.run()``) cannot be timed (there is
    no start call) and is skipped.

    The check happens when a turn *ends*: a turn that hangs is never reported by any condition. Use
    :func:`agentkit.deadlines.run_with_deadline` to interrupt it.

    A slow turn is one whose duration exceeds its agent's limit (``per_agent`` first, then ``limit``). With
    ``consecutive=N`` the run stops when one agent has N slow turns in a row: each agent has its own streak,
    which only that agent's next fast turn breaks (other agents' turns in between do not). After ``reset()``
    (the team calls it after every stop) the streaks and the turn clock start again with the next run.

    Args:
        limit: Longest acceptable turn, in seconds or as a ``timedelta``; ``None`` to limit only the agents in
            ``per_agent``.
        per_agent: Limits for named agents, overriding ``limit``.
        consecutive: Stop when one agent has this many slow turns in a row (default 1: the first slow turn).
        clock: Clock read at each turn boundary (not serialised; defaults to the system clock).

    Raises:
        ConfigurationError: if no limit is given, a limit is not positive, or ``consecutive < 1``.

    Example:
        >>> from agentkit.conditions import TurnLatencyTermination
        >>> condition = TurnLatencyTermination(20, per_agent={"researcher": 60}, consecutive=2)
    """

    component_config_schema = TurnLatencyTerminationConfig
    component_provider_override = "agentkit.conditions.TurnLatencyTermination"

    def __init__(
        self,
        limit: float | timedelta | None = None,
        *,
        per_agent: Mapping[str, float | timedelta] | None = None,
        consecutive: int = 1,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._limit = seconds_or_none(limit, field="limit")
        self._per_agent = per_agent_seconds(per_agent, field="per_agent")
        if self._limit is None and not self._per_agent:
            raise ConfigurationError(
                "limit", "no limit given.", "Pass limit= (seconds for every agent) and/or per_agent={name: seconds}."
            )
        self._consecutive = positive_int(consecutive, field="consecutive")
        self._clock = check_clock(clock)
        self._turns = TurnClock(self._clock)
        self._streaks: dict[str | None, int] = {}
        self._terminated = False
        self._last_turn: tuple[str | None, float] | None = None

    @property
    def terminated(self) -> bool:
        """Whether a slow turn has stopped the run (until ``reset()``)."""
        return self._terminated

    @property
    def last_turn(self) -> tuple[str | None, float] | None:
        """``(agent, seconds)`` of the most recent timed turn in this run, or ``None``."""
        return self._last_turn

    def limit_for(self, agent: str | None) -> float | None:
        """The limit that applies to ``agent``'s turns, in seconds (``None``: unlimited)."""
        if agent is not None and agent in self._per_agent:
            return self._per_agent[agent]
        return self._limit

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Time the turn that just ended and stop if it (and enough before it) was too slow."""
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        duration = self._turns.boundary()
        if duration is None:
            return None
        agent = agent_of(messages)
        self._last_turn = (agent, duration)
        limit = self.limit_for(agent)
        if limit is None or duration <= limit:
            self._streaks[agent] = 0
            return None
        streak = self._streaks[agent] = self._streaks.get(agent, 0) + 1
        if streak < self._consecutive:
            return None
        self._terminated = True
        content = (
            f"Turn latency limit exceeded: agent {agent!r} took {fmt_seconds(duration)} (limit {fmt_seconds(limit)})"
        )
        if self._consecutive > 1:
            content += f"; its {streak} slow turns in a row"
        return StopMessage(content=content + ".", source="TurnLatencyTermination")

    async def reset(self) -> None:
        """Clear the stop, the streak and the turn clock (the next call starts a new run)."""
        self._terminated = False
        self._streaks.clear()
        self._last_turn = None
        self._turns.reset()

    def __repr__(self) -> str:
        return (
            f"TurnLatencyTermination(limit={self._limit!r}, per_agent={self._per_agent!r}, "
            f"consecutive={self._consecutive})"
        )

    def _to_config(self) -> TurnLatencyTerminationConfig:
        return TurnLatencyTerminationConfig(
            limit_s=self._limit, per_agent_s=dict(self._per_agent), consecutive=self._consecutive
        )

    @classmethod
    def _from_config(cls, config: TurnLatencyTerminationConfig) -> Self:
        return cls(config.limit_s, per_agent=config.per_agent_s or None, consecutive=config.consecutive)
