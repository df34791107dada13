"""Round-trip cases for the latency conditions and ``WrapUpTermination``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from autogen_agentchat.base import TerminationCondition
from autogen_agentchat.messages import TextMessage

from agentkit.conditions import AgentTimeBudgetTermination, DeadlineTermination, TurnLatencyTermination
from agentkit.deadlines import WrapUpTermination

from . import ComponentCase

_TASK = [TextMessage(source="user", content="task")]
_TURN = [TextMessage(source="writer", content="draft")]


def _remaining(condition: DeadlineTermination) -> float | None:
    return condition.remaining_s


async def _relative_deadline(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        assert isinstance(condition, DeadlineTermination)
        assert condition.deadline_s == 3600
        assert condition.deadline_at is None
        assert _remaining(condition) is None  # the clock starts with the run, not at construction
        assert await condition(_TASK) is None
        assert await condition(_TURN) is None
        remaining = _remaining(condition)
        assert remaining is not None
        assert 3590 < remaining <= 3600


async def _absolute_deadline(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        assert isinstance(condition, DeadlineTermination)
        assert condition.deadline_at == datetime(2020, 1, 1, tzinfo=timezone.utc)
        stop = await condition(_TASK)  # long past: stops at once, run after run
        assert stop is not None
        assert "2020-01-01T00:00:00+00:00" in stop.content
        await condition.reset()
        assert await condition(_TASK) is not None


async def _turn_latency(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        assert isinstance(condition, TurnLatencyTermination)
        assert condition.limit_for("writer") == 600
        assert condition.limit_for("other") == 3600
        assert await condition(_TASK) is None
        assert await condition(_TURN) is None
        last = condition.last_turn
        assert last is not None
        assert last[0] == "writer"


async def _agent_time(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        assert isinstance(condition, AgentTimeBudgetTermination)
        assert condition.measure == "turn"
        assert condition.budget_for("coder") == 7200
        assert condition.budget_for("writer") == 3600
        assert await condition(_TASK) is None
        assert await condition(_TURN) is None
        assert set(condition.totals) == {"writer"}


async def _wrap_up(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        assert isinstance(condition, WrapUpTermination)
        assert await condition(_TURN) is None
        condition.set("Time is up.")
        stop = await condition(_TURN)
        assert stop is not None
        assert stop.content == "Time is up."
        await condition.reset()
        assert not condition.requested
        assert await condition(_TURN) is None


CASES = [
    ComponentCase(
        "DeadlineTermination-relative", lambda: DeadlineTermination(3600), TerminationCondition, _relative_deadline
    ),
    ComponentCase(
        "DeadlineTermination-absolute",
        lambda: DeadlineTermination(datetime(2020, 1, 1, tzinfo=timezone.utc)),
        TerminationCondition,
        _absolute_deadline,
    ),
    ComponentCase(
        "TurnLatencyTermination",
        lambda: TurnLatencyTermination(3600, per_agent={"writer": 600}, consecutive=2),
        TerminationCondition,
        _turn_latency,
    ),
    ComponentCase(
        "AgentTimeBudgetTermination",
        lambda: AgentTimeBudgetTermination(3600, per_agent={"coder": 7200}),
        TerminationCondition,
        _agent_time,
    ),
    ComponentCase("WrapUpTermination", WrapUpTermination, TerminationCondition, _wrap_up),
]
