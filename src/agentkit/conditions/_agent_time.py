"""``AgentTimeBudgetTermination``: a cumulative time budget per agent, from turn times or the usage ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage
from autogen_core import Component
from pydantic import BaseModel, Field
from typing_extensions import Self

from .._clock import SYSTEM_CLOCK, Clock
from ..exceptions import ConfigurationError
from ._latency import TurnClock, agent_of, check_clock, fmt_seconds, per_agent_seconds, seconds_or_none

if TYPE_CHECKING:
    from ..usage import UsageLedger

__all__ = ("AgentTimeBudgetTermination", "AgentTimeBudgetTerminationConfig", "TimeMeasure")

TimeMeasure = Literal["turn", "model"]
"""What an agent's time is: wall time of its turns (``"turn"``) or its model calls from a ledger (``"model"``)."""


class AgentTimeBudgetTerminationConfig(BaseModel):
    """Serialised form of :class:`AgentTimeBudgetTermination` (the ledger and clock are not serialised)."""

    budget_s: float | None = None
    """Budget of every agent, in seconds (``None``: only agents in ``per_agent_s``)."""
    per_agent_s: dict[str, float] = Field(default_factory=dict)
    """Per-agent budgets in seconds, overriding ``budget_s``."""
    measure: TimeMeasure = "turn"
    """``"turn"`` (wall time of the agent's turns) or ``"model"`` (its model-call latency, from a ledger)."""


class AgentTimeBudgetTermination(TerminationCondition, Component[AgentTimeBudgetTerminationConfig]):
    """Stop the run when one agent has used up its cumulative time budget.

    Two ways to count an agent's time:

    * ``measure="turn"`` (the default without a ledger): the wall time of the agent's turns, each measured
      as in :class:`~agentkit.conditions.TurnLatencyTermination` (time between two turn boundaries on
      ``clock``, including its tool executions).
    * ``measure="model"`` (the default when ``ledger=`` is given): the agent's model-call time recorded in a
      :class:`~agentkit.usage.UsageLedger` by :class:`~agentkit.models.MeteredChatCompletionClient` (which
      attributes calls to the calling agent): ``UsageTotals.latency_s``, the summed ``latency_s`` of its
      billed calls (successful, not cache hits; a failover call's own record covers its failed attempts).
      Tool time is not included. Calls count from the condition's construction or last ``reset()`` on
      (a ledger mark, O(1) to read); use one ledger per team, or unique agent names, so other teams' calls
      are not counted.

    Checked at turn boundaries only; the team calls ``reset()`` after every stop, which zeroes every agent's
    total (the budget is per run).

    Args:
        budget: Budget of every agent (seconds or ``timedelta``); ``None`` to budget only agents in
            ``per_agent``.
        per_agent: Budgets of named agents, overriding ``budget``.
        ledger: Usage ledger to read model-call latency from (not serialised).
        measure: ``"turn"`` or ``"model"``; defaults to ``"model"`` with a ledger, else ``"turn"``.
        clock: Clock for turn timing (not serialised; defaults to the system clock).

    Raises:
        ConfigurationError: if no budget is given, a budget is not positive, or ``measure="model"`` has no
            ledger (also when loading such a config: pass the ledger by constructing the condition in code).

    Example:
        >>> from agentkit.conditions import AgentTimeBudgetTermination
        >>> condition = AgentTimeBudgetTermination(120, per_agent={"coder": 300})
    """

    component_config_schema = AgentTimeBudgetTerminationConfig
    component_provider_override = "agentkit.conditions.AgentTimeBudgetTermination"

    def __init__(
        self,
        budget: float | timedelta | None = None,
        *,
        per_agent: Mapping[str, float | timedelta] | None = None,
        ledger: UsageLedger | None = None,
        measure: TimeMeasure | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._budget = seconds_or_none(budget, field="budget")
        self._per_agent = per_agent_seconds(per_agent, field="per_agent")
        if self._budget is None and not self._per_agent:
            raise ConfigurationError(
                "budget", "no budget given.", "Pass budget= (seconds per agent) and/or per_agent={name: seconds}."
            )
        if measure is None:
            measure = "model" if ledger is not None else "turn"
        if measure not in ("turn", "model"):
            raise ConfigurationError("measure", f"must be 'turn' or 'model', got {measure!r}.")
        if measure == "model" and ledger is None:
            raise ConfigurationError(
                "ledger",
                "measure='model' reads model-call latency from a UsageLedger, and none was given "
                "(ledgers are live objects and are not serialised).",
                "Construct AgentTimeBudgetTermination(..., ledger=your_ledger) in code, or use measure='turn'.",
            )
        self._measure: TimeMeasure = measure
        self._ledger = ledger
        self._clock = check_clock(clock)
        self._turns = TurnClock(self._clock)
        self._totals: dict[str, float] = {}
        self._mark = ledger.mark() if ledger is not None else None
        self._terminated = False

    @property
    def terminated(self) -> bool:
        """Whether an agent's budget has stopped the run (until ``reset()``)."""
        return self._terminated

    @property
    def measure(self) -> TimeMeasure:
        """``"turn"`` or ``"model"``."""
        return self._measure

    @property
    def totals(self) -> dict[str, float]:
        """Seconds used so far in this run, per agent."""
        return dict(self._totals)

    def budget_for(self, agent: str | None) -> float | None:
        """The budget of ``agent`` in seconds (``None``: unlimited)."""
        if agent is not None and agent in self._per_agent:
            return self._per_agent[agent]
        return self._budget

    def _ledger_totals(self) -> list[str]:
        """Refresh every agent's model time from the ledger: one consistent mark, O(agents)."""
        from ..usage import UNATTRIBUTED

        assert self._ledger is not None
        now = self._ledger.mark()
        base = self._mark.by_agent if self._mark is not None and self._mark.epoch == now.epoch else {}
        agents = [name for name in now.by_agent if name != UNATTRIBUTED]
        for agent in agents:
            before = base.get(agent)
            self._totals[agent] = now.by_agent[agent].latency_s - (before.latency_s if before is not None else 0.0)
        return agents

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Add the time of the turn that just ended (or the new ledger records) and check the budgets."""
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        if self._measure == "model":
            touched = self._ledger_totals()
        else:
            duration = self._turns.boundary()
            agent = agent_of(messages)
            if duration is None or agent is None:
                return None
            self._totals[agent] = self._totals.get(agent, 0.0) + duration
            touched = [agent]
        for agent in touched:
            budget = self.budget_for(agent)
            used = self._totals[agent]
            if budget is not None and used >= budget:
                self._terminated = True
                kind = "turn time" if self._measure == "turn" else "model-call time"
                return StopMessage(
                    content=f"Agent time budget exhausted: agent {agent!r} used {fmt_seconds(used)} of {kind} "
                    f"(budget {fmt_seconds(budget)}).",
                    source="AgentTimeBudgetTermination",
                )
        return None

    async def reset(self) -> None:
        """Zero every agent's total; ledger records made before the reset are no longer counted."""
        self._terminated = False
        self._totals.clear()
        self._turns.reset()
        if self._ledger is not None:
            self._mark = self._ledger.mark()

    def __repr__(self) -> str:
        return (
            f"AgentTimeBudgetTermination(budget={self._budget!r}, per_agent={self._per_agent!r}, "
            f"measure={self._measure!r})"
        )

    def _to_config(self) -> AgentTimeBudgetTerminationConfig:
        return AgentTimeBudgetTerminationConfig(
            budget_s=self._budget, per_agent_s=dict(self._per_agent), measure=self._measure
        )

    @classmethod
    def _from_config(cls, config: AgentTimeBudgetTerminationConfig) -> Self:
        return cls(config.budget_s, per_agent=config.per_agent_s or None, measure=config.measure)
