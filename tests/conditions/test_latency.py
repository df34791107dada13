"""Latency conditions: DeadlineTermination, TurnLatencyTermination, AgentTimeBudgetTermination (ManualClock)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TerminatedException
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, TextMessage, ToolCallRequestEvent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core import FunctionCall

from agentkit.conditions import AgentTimeBudgetTermination, DeadlineTermination, TurnLatencyTermination
from agentkit.exceptions import ConfigurationError
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient
from agentkit.usage import CallRecord, UsageLedger


def msg(source: str, text: str = "x") -> TextMessage:
    return TextMessage(source=source, content=text)


def turn(source: str) -> list[BaseAgentEvent | BaseChatMessage]:
    call = FunctionCall(id="1", name="f", arguments="{}")
    return [ToolCallRequestEvent(source=source, content=[call]), msg(source)]


TASK: list[BaseAgentEvent | BaseChatMessage] = [msg("user", "task")]


# --- DeadlineTermination ----------------------------------------------------------------------------------------


async def test_relative_deadline_starts_with_the_first_message_not_at_construction() -> None:
    clock = ManualClock()
    condition = DeadlineTermination(10, clock=clock)
    await clock.advance(100)  # time before the run does not count
    assert await condition(TASK) is None
    assert condition.remaining_s == pytest.approx(10)
    await clock.advance(9.5)
    assert await condition(turn("writer")) is None
    await clock.advance(1)
    stop = await condition(turn("critic"))
    assert stop is not None
    assert condition.terminated
    assert "Deadline of 10 s reached" in stop.content
    assert "'critic'" in stop.content
    assert "10.5 s elapsed" in stop.content
    with pytest.raises(TerminatedException):
        await condition(turn("critic"))


async def test_relative_deadline_restarts_after_reset() -> None:
    clock = ManualClock()
    condition = DeadlineTermination(timedelta(seconds=5), clock=clock)
    await condition(TASK)
    await clock.advance(6)
    assert await condition(turn("a")) is not None
    await condition.reset()
    assert not condition.terminated
    assert condition.remaining_s is None
    await clock.advance(50)
    assert await condition(TASK) is None  # the new run starts now
    await clock.advance(4)
    assert await condition(turn("a")) is None


async def test_absolute_deadline_spans_runs() -> None:
    clock = ManualClock()  # wall clock starts at 2026-01-01T00:00:00Z
    at = datetime(2026, 1, 1, 0, 0, 30, tzinfo=timezone.utc)
    condition = DeadlineTermination(at, clock=clock)
    assert condition.deadline_at == at
    assert condition.deadline_s is None
    assert await condition(TASK) is None
    await clock.advance(31)
    stop = await condition(turn("a"))
    assert stop is not None
    assert "2026-01-01T00:00:30+00:00" in stop.content
    assert "1 s past" in stop.content
    await condition.reset()
    # A reset does not move an absolute deadline: the next run stops right after its task message.
    assert await condition(TASK) is not None


@pytest.mark.parametrize(
    "bad",
    [0, -1, float("nan"), float("inf"), timedelta(0), "10", True, datetime(2026, 1, 1)],  # last: naive
)
def test_deadline_rejects_bad_input(bad: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        DeadlineTermination(bad)
    assert info.value.field == "deadline"


def test_clock_must_be_a_clock() -> None:
    import time

    with pytest.raises(ConfigurationError) as info:
        DeadlineTermination(5, clock=time.monotonic)  # type: ignore[arg-type]
    assert info.value.field == "clock"


# --- TurnLatencyTermination -------------------------------------------------------------------------------------


async def test_turn_latency_names_agent_limit_and_observed_time() -> None:
    clock = ManualClock()
    condition = TurnLatencyTermination(5, clock=clock)
    await clock.advance(100)
    assert await condition(TASK) is None  # the task is the start, not a turn
    await clock.advance(4)
    assert await condition(turn("fast")) is None
    assert condition.last_turn == ("fast", 4.0)
    await clock.advance(7.25)
    stop = await condition(turn("slow"))
    assert stop is not None
    assert stop.content == "Turn latency limit exceeded: agent 'slow' took 7.25 s (limit 5 s)."
    assert stop.source == "TurnLatencyTermination"


async def test_turn_latency_consecutive_counts_each_agents_streak() -> None:
    clock = ManualClock()
    condition = TurnLatencyTermination(timedelta(seconds=2), consecutive=3, clock=clock)
    await condition(TASK)
    steps = [("a", 3), ("b", 1), ("a", 3), ("a", 1), ("a", 3), ("b", 3), ("a", 3), ("b", 1), ("a", 3)]
    stops = []
    for agent, seconds in steps:
        await clock.advance(seconds)
        stops.append(await condition(turn(agent)))
    # a: slow, slow, FAST (streak broken), slow, slow, slow -> stops on the last step; b's turns never matter.
    assert [s is not None for s in stops] == [False] * 8 + [True]
    assert stops[-1] is not None
    assert stops[-1].content == (
        "Turn latency limit exceeded: agent 'a' took 3 s (limit 2 s); its 3 slow turns in a row."
    )


async def test_turn_latency_per_agent_limits() -> None:
    clock = ManualClock()
    condition = TurnLatencyTermination(per_agent={"researcher": 60, "writer": 5}, clock=clock)
    assert condition.limit_for("researcher") == 60
    assert condition.limit_for("other") is None
    await condition(TASK)
    await clock.advance(50)
    assert await condition(turn("researcher")) is None
    await clock.advance(500)
    assert await condition(turn("other")) is None  # no limit for other agents
    await clock.advance(6)
    stop = await condition(turn("writer"))
    assert stop is not None
    assert "'writer' took 6 s (limit 5 s)" in stop.content


async def test_turn_latency_reset_restarts_the_turn_clock() -> None:
    clock = ManualClock()
    condition = TurnLatencyTermination(5, clock=clock)
    await condition(TASK)
    await clock.advance(1)
    await condition(turn("a"))
    await condition.reset()
    await clock.advance(1000)  # between runs
    assert await condition(TASK) is None
    await clock.advance(1)
    assert await condition(turn("a")) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": 1, "consecutive": 0}, "consecutive"),
        ({"limit": 1, "consecutive": 1.5}, "consecutive"),
        ({"per_agent": {"a": -1}}, "per_agent['a']"),
        ({"per_agent": {"": 1}}, "per_agent"),
        ({"per_agent": [("a", 1)]}, "per_agent"),
    ],
)
def test_turn_latency_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        TurnLatencyTermination(**kwargs)
    assert info.value.field == field


# --- AgentTimeBudgetTermination ---------------------------------------------------------------------------------


async def test_agent_time_budget_accumulates_turn_time_per_agent() -> None:
    clock = ManualClock()
    condition = AgentTimeBudgetTermination(10, per_agent={"coder": 20}, clock=clock)
    assert condition.measure == "turn"
    await condition(TASK)
    for agent, seconds in [("writer", 4), ("coder", 9), ("writer", 4), ("coder", 9)]:
        await clock.advance(seconds)
        assert await condition(turn(agent)) is None
    assert condition.totals == {"writer": 8, "coder": 18}
    await clock.advance(2.5)
    stop = await condition(turn("writer"))
    assert stop is not None
    assert stop.content == "Agent time budget exhausted: agent 'writer' used 10.5 s of turn time (budget 10 s)."
    await condition.reset()
    assert condition.totals == {}


async def test_agent_time_budget_from_ledger_counts_model_time() -> None:
    ledger = UsageLedger()
    ledger.record(CallRecord(model="m", agent="writer", latency_s=100.0))  # before the condition: ignored
    condition = AgentTimeBudgetTermination(per_agent={"writer": 5}, ledger=ledger)
    assert condition.measure == "model"
    await condition(TASK)
    ledger.record(CallRecord(model="m", agent="writer", latency_s=2.0))
    ledger.record(CallRecord(model="m", agent="writer", latency_s=9.0, outcome="error", member="primary"))
    ledger.record(CallRecord(model="m", agent="writer", latency_s=9.0, cached=True))  # a cache hit: not billed
    ledger.record(CallRecord(model="m", agent="critic", latency_s=50.0))  # critic has no budget
    ledger.record(CallRecord(model="m", latency_s=50.0))  # unattributed: ignored
    assert await condition(turn("writer")) is None
    assert condition.totals == {"writer": 2.0, "critic": 50.0}
    ledger.record(CallRecord(model="m", agent="writer", latency_s=3.5))
    stop = await condition(turn("critic"))
    assert stop is not None
    assert "'writer' used 5.5 s of model-call time (budget 5 s)" in stop.content
    await condition.reset()
    ledger.record(CallRecord(model="m", agent="writer", latency_s=1.0))
    assert await condition(TASK) is None
    assert condition.totals == {"writer": 1.0, "critic": 0.0}


def test_agent_time_budget_model_measure_needs_a_ledger() -> None:
    with pytest.raises(ConfigurationError) as info:
        AgentTimeBudgetTermination(5, measure="model")
    assert info.value.field == "ledger"
    with pytest.raises(ConfigurationError):
        AgentTimeBudgetTermination()
    with pytest.raises(ConfigurationError):
        AgentTimeBudgetTermination(5, measure="wall")  # type: ignore[arg-type]
    model = AgentTimeBudgetTermination(5, ledger=UsageLedger()).dump_component()
    with pytest.raises(ConfigurationError):
        AgentTimeBudgetTermination.load_component(model)


# --- in a real team -----------------------------------------------------------------------------------------------


async def test_conditions_in_a_team_measure_turns_on_the_clients_clock() -> None:
    clock = ManualClock()
    # Scripted latency is spent on the manual clock, so turn durations are exact.
    fast = ScriptedChatCompletionClient([Scripted("a1", latency=1), Scripted("a2", latency=1)], clock=clock)
    slow = ScriptedChatCompletionClient([Scripted("b1", latency=2), Scripted("b2", latency=8)], clock=clock)
    turn_limit = TurnLatencyTermination(5, clock=clock)
    deadline = DeadlineTermination(100, clock=clock)
    team = RoundRobinGroupChat(
        [AssistantAgent("a", model_client=fast), AssistantAgent("b", model_client=slow)],
        termination_condition=turn_limit | deadline | MaxMessageTermination(10),
    )
    run = asyncio.ensure_future(team.run(task="go"))
    while not run.done():
        # Move time only while a model call is waiting on the clock (latencies are multiples of 0.5 s).
        if clock.pending_sleepers:
            await clock.advance(0.5)
        else:
            await asyncio.sleep(0)
    result = run.result()
    assert [m.source for m in result.messages] == ["user", "a", "b", "a", "b"]
    assert result.stop_reason == "Turn latency limit exceeded: agent 'b' took 8 s (limit 5 s)."
    # The team reset every condition after the stop: a new run starts a new clock.
    assert not turn_limit.terminated
    assert deadline.remaining_s is None


def test_reprs_are_informative() -> None:
    assert repr(DeadlineTermination(5)) == "DeadlineTermination(5 s)"
    assert "limit=3.0" in repr(TurnLatencyTermination(3))
    assert "measure='turn'" in repr(AgentTimeBudgetTermination(3))


async def test_composed_conditions_round_trip_through_json() -> None:
    from autogen_agentchat.base import TerminationCondition

    composed = (DeadlineTermination(60) | TurnLatencyTermination(10)) & AgentTimeBudgetTermination(30)
    loaded = TerminationCondition.load_component(composed.dump_component().model_dump(mode="json"))
    assert loaded.dump_component() == composed.dump_component()
    assert await loaded(TASK) is None
