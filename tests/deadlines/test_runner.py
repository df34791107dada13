"""run_with_deadline / run_stream_with_deadline against scripted clients on a ManualClock (no real time)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
from autogen_agentchat.agents import AssistantAgent, BaseChatAgent
from autogen_agentchat.base import Response, TaskResult
from autogen_agentchat.conditions import ExternalTermination, MaxMessageTermination
from autogen_agentchat.messages import BaseChatMessage, TextMessage, ToolCallRequestEvent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core import CancellationToken, FunctionCall
from autogen_core.models import CreateResult, RequestUsage

from agentkit.conditions import DeadlineTermination
from agentkit.deadlines import WrapUpTermination, run_stream_with_deadline, run_with_deadline
from agentkit.events import AgentkitEvent, DeadlineEvent
from agentkit.exceptions import ConfigurationError
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient, capture_events

T = TypeVar("T")
HANG = 10_000.0  # a scripted latency no test ever reaches: the call hangs until cancelled


@pytest.fixture
def events() -> Iterator[list[AgentkitEvent]]:
    with capture_events() as seen:
        yield seen


async def drive(clock: ManualClock, awaitable: Awaitable[T], *, until: float, idle_sleepers: int = 2) -> T:
    """Run ``awaitable``; advance the clock in 0.5 s steps (up to ``until``) whenever the run is idle.

    The run is idle when ``idle_sleepers`` sleeps are pending: the runner's deadline timer plus the model call
    in flight. Nothing else in these runs waits on the clock, so time only moves while a call is "thinking".
    """
    task = asyncio.ensure_future(awaitable)
    for _ in range(100_000):
        if task.done():
            return task.result()
        if clock.pending_sleepers >= idle_sleepers and clock.monotonic() < until:
            await clock.advance(0.5)
        else:
            await asyncio.sleep(0)
    raise AssertionError("the run did not finish")


async def until(condition: Callable[[], bool]) -> None:
    """Yield to the event loop (no timed sleep) until ``condition()`` holds."""
    for _ in range(100_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


def team_of(clock: ManualClock, a_script: list[Any], b_script: list[Any], **kwargs: Any) -> RoundRobinGroupChat:
    a = AssistantAgent("a", model_client=ScriptedChatCompletionClient(a_script, clock=clock))
    b = AssistantAgent("b", model_client=ScriptedChatCompletionClient(b_script, clock=clock))
    kwargs.setdefault("termination_condition", MaxMessageTermination(3))
    return RoundRobinGroupChat([a, b], **kwargs)


def client_of(team: RoundRobinGroupChat, index: int) -> ScriptedChatCompletionClient:
    agent = team._participants[index]
    assert isinstance(agent, AssistantAgent)
    client = agent._model_client
    assert isinstance(client, ScriptedChatCompletionClient)
    return client


async def test_hard_deadline_interrupts_a_hung_call_and_keeps_partial_messages(events: list[AgentkitEvent]) -> None:
    clock = ManualClock()
    team = team_of(clock, [Scripted("a1", latency=1)], [Scripted("never", latency=HANG)])
    result = await drive(clock, run_with_deadline(team, task="go", hard=10, clock=clock), until=10)
    assert isinstance(result, TaskResult)
    assert [(m.source, m.to_text()) for m in result.messages] == [("user", "go"), ("a", "a1")]
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 10 s reached after 10 s: work in flight was cancelled")
    assert "2 messages kept" in result.stop_reason
    assert client_of(team, 1).calls[0].outcome == "CancelledError"  # the hung call itself was cancelled
    hard = [e for e in events if isinstance(e, DeadlineEvent)]
    assert [e["kind"] for e in hard] == ["hard"]
    assert hard[0]["deadline_s"] == 10
    assert hard[0]["elapsed_s"] == 10
    assert hard[0]["messages"] == 2
    assert hard[0]["escalated"] is False
    assert hard[0]["recovery"] == "restore"
    assert clock.pending_sleepers == 0  # no timer left behind


@pytest.mark.parametrize(
    ("mode", "second_run", "b_sees"),
    [
        # conversation kept, no dupes; the interrupted speaker b gets its turn back
        ("restore", [("b", "b2"), ("a", "a2")], [("user", "go"), ("a", "a1"), ("user", "again")]),
        ("reset", [("a", "a2"), ("b", "b2")], [("user", "again"), ("a", "a2")]),  # agents forgot the first run
    ],
)
async def test_team_is_usable_after_a_hard_stop(
    mode: str, second_run: list[tuple[str, str]], b_sees: list[tuple[str, str]]
) -> None:
    clock = ManualClock()
    team = team_of(clock, ["a1", "a2"], [Scripted("never", latency=HANG), "b2"])
    first = await drive(clock, run_with_deadline(team, task="go", hard=5, clock=clock, after_hard_stop=mode), until=5)  # type: ignore[arg-type]
    assert first.stop_reason is not None
    assert first.stop_reason.startswith("Hard deadline")
    # Without the runner's recovery this second run would stall: AutoGen's manager still waits for b.
    second = await asyncio.wait_for(team.run(task="again"), timeout=30)
    assert [(m.source, m.to_text()) for m in second.messages] == [("user", "again"), *second_run]
    assert second.stop_reason == "Maximum number of messages 3 reached, current message count: 3"
    seen = [(getattr(m, "source", ""), m.content) for m in client_of(team, 1).calls[1].messages[1:]]
    assert seen == b_sees


async def test_restore_gives_the_turn_back_to_the_speaker_interrupted_inside_a_nested_team() -> None:
    clock = ManualClock()

    def member(name: str, script: list[Any]) -> AssistantAgent:
        client = ScriptedChatCompletionClient(script, clock=clock, when_exhausted="repeat_last")
        return AssistantAgent(name, model_client=client)

    inner = RoundRobinGroupChat(
        [member("x", [Scripted("never", latency=HANG), "x2"]), member("y", ["y1"])],
        termination_condition=MaxMessageTermination(2),
        name="inner",
    )
    team = RoundRobinGroupChat([member("a", ["a1", "a2"]), inner], termination_condition=MaxMessageTermination(4))
    first = await drive(clock, run_with_deadline(team, task="go", hard=5, clock=clock), until=5)
    assert first.stop_reason is not None
    assert first.stop_reason.startswith("Hard deadline")
    second = await asyncio.wait_for(team.run(), timeout=30)
    # The inner team goes on with x, whose turn was cut, not with y.
    assert [m.source for m in second.messages if m.source in ("x", "y")][:1] == ["x"]


async def test_none_mode_leaves_the_condition_as_autogen_left_it() -> None:
    clock = ManualClock()
    team = team_of(clock, ["a1", "a2"], [Scripted("never", latency=HANG), "b2"])
    await drive(clock, run_with_deadline(team, task="go", hard=5, clock=clock, after_hard_stop="none"), until=5)
    second = await asyncio.wait_for(team.run(task="again"), timeout=30)
    # MaxMessageTermination(3) kept counting from the cancelled run (2 messages) and stops at the task.
    assert [m.source for m in second.messages] == ["user"]


async def test_a_running_tool_is_cancelled_and_the_dangling_call_removed() -> None:
    clock = ManualClock()
    entered, cancelled = asyncio.Event(), asyncio.Event()
    never = asyncio.Event()

    async def wait_forever() -> str:
        """Wait for an event that never fires."""
        entered.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "unreachable"

    call = CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="c1", name="wait_forever", arguments="{}")],
        usage=RequestUsage(prompt_tokens=5, completion_tokens=5),
        cached=False,
    )
    agent = AssistantAgent(
        "worker", model_client=ScriptedChatCompletionClient([call, "done"], clock=clock), tools=[wait_forever]
    )
    run = asyncio.ensure_future(run_with_deadline(agent, task="work", hard=30, clock=clock))
    await entered.wait()  # the tool is running
    await clock.advance(30)
    result = await asyncio.wait_for(run, timeout=30)
    assert cancelled.is_set()
    assert [type(m).__name__ for m in result.messages] == ["TextMessage", "ToolCallRequestEvent"]
    assert isinstance(result.messages[1], ToolCallRequestEvent)
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 30 s")
    # "restore": the tool call that will never get a result is gone from the agent's model context.
    state = await agent.save_state()
    assert [m["type"] for m in state["llm_context"]["messages"]] == ["UserMessage"]
    again = await agent.run(task="more")
    assert again.messages[-1].to_text() == "done"


async def test_stream_yields_messages_then_the_partial_result() -> None:
    clock = ManualClock()
    team = team_of(clock, [Scripted("a1", chunks=["a", "1"])], [Scripted("never", latency=HANG)])
    streaming = team._participants[0]
    assert isinstance(streaming, AssistantAgent)
    streaming._model_client_stream = True

    async def collect() -> list[Any]:
        return [item async for item in run_stream_with_deadline(team, task="go", hard=2, clock=clock)]

    items = await drive(clock, collect(), until=2)
    kinds = [type(i).__name__ for i in items]
    assert kinds[0] == "TextMessage"
    assert kinds[-1] == "TaskResult"
    assert "ModelClientStreamingChunkEvent" in kinds
    final = items[-1]
    assert [type(m).__name__ for m in final.messages] == ["TextMessage", "TextMessage"]  # chunks excluded


async def test_run_that_finishes_in_time_is_untouched(events: list[AgentkitEvent]) -> None:
    clock = ManualClock()
    team = team_of(clock, [Scripted("a1", latency=1)], [Scripted("b1", latency=1)])
    result = await drive(
        clock, run_with_deadline(team, task="go", hard=10, soft=8, wrap_up=ExternalTermination(), clock=clock), until=10
    )
    assert result.stop_reason == "Maximum number of messages 3 reached, current message count: 3"
    assert clock.monotonic() == 2
    assert clock.pending_sleepers == 0
    assert not any(isinstance(e, DeadlineEvent) for e in events)


async def test_soft_deadline_wraps_up_at_the_turn_boundary(events: list[AgentkitEvent]) -> None:
    clock = ManualClock()
    wrap_up = WrapUpTermination()
    team = team_of(
        clock,
        [Scripted("a1", latency=3)],
        ["b1"],
        termination_condition=MaxMessageTermination(10) | wrap_up,
    )
    result = await drive(clock, run_with_deadline(team, task="go", hard=10, soft=2, clock=clock), until=10)
    # a's turn (in flight at the soft deadline) completed; b never spoke; nothing was cancelled.
    assert [m.source for m in result.messages] == ["user", "a"]
    assert result.stop_reason == (
        "Soft deadline of 2 s reached after 2 s: wrapped up at the turn boundary (hard deadline 10 s)."
    )
    assert client_of(team, 0).calls[0].outcome == "ok"
    assert client_of(team, 1).calls == []
    assert [e["kind"] for e in events if isinstance(e, DeadlineEvent)] == ["soft"]
    assert not wrap_up.requested
    assert not wrap_up.terminated


async def test_soft_then_hard_when_the_turn_outlives_both(events: list[AgentkitEvent]) -> None:
    clock = ManualClock()
    wrap_up = WrapUpTermination()
    team = team_of(
        clock, [Scripted("a1", latency=HANG)], ["b1"], termination_condition=MaxMessageTermination(10) | wrap_up
    )
    result = await drive(clock, run_with_deadline(team, task="go", hard=10, soft=2, clock=clock), until=10)
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 10 s")
    assert [e["kind"] for e in events if isinstance(e, DeadlineEvent)] == ["soft", "hard"]
    assert not wrap_up.requested  # reset, so the next run is not stopped by a stale request


async def test_repeated_runs_restart_relative_clocks() -> None:
    clock = ManualClock()
    deadline = DeadlineTermination(100, clock=clock)
    team = team_of(
        clock,
        [Scripted("a1", latency=8), Scripted("a2", latency=HANG)],
        ["b1"],
        termination_condition=MaxMessageTermination(3) | deadline,
    )
    first = await drive(clock, run_with_deadline(team, task="one", hard=10, clock=clock), until=10)
    assert first.stop_reason is not None
    assert first.stop_reason.startswith("Maximum number of messages")
    assert clock.monotonic() == 8
    # The second run gets its own 10 s from the moment it starts (t=8), not from the first run's start.
    second = asyncio.ensure_future(run_with_deadline(team, task="two", hard=10, clock=clock))
    await until(lambda: clock.pending_sleepers >= 2)
    await clock.advance(9.5)
    assert not second.done()
    await clock.advance(0.5)
    result = await asyncio.wait_for(second, timeout=30)
    assert result.stop_reason is not None
    assert "reached after 10 s" in result.stop_reason
    # The hard stop reset the team's conditions, so DeadlineTermination's relative clock restarts too.
    assert deadline.remaining_s is None
    assert not deadline.terminated


async def test_absolute_hard_deadline_already_passed_does_not_start(events: list[AgentkitEvent]) -> None:
    clock = ManualClock()  # 2026-01-01T00:00:00Z
    team = team_of(clock, ["a1"], ["b1"])
    past = datetime(2025, 12, 31, 23, 59, 50, tzinfo=timezone.utc)
    result = await run_with_deadline(team, task="go", hard=past, clock=clock)
    assert result.messages == []
    assert result.stop_reason == "Hard deadline had already passed (10 s ago): the run was not started."
    assert client_of(team, 0).calls == []
    assert [e["kind"] for e in events if isinstance(e, DeadlineEvent)] == ["hard"]


async def test_absolute_hard_deadline_in_the_future() -> None:
    clock = ManualClock()
    team = team_of(clock, ["a1"], [Scripted("never", latency=HANG)])
    at = datetime(2026, 1, 1, 0, 0, 4, tzinfo=timezone.utc)
    result = await drive(clock, run_with_deadline(team, task="go", hard=at, clock=clock), until=4)
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 4 s reached after 4 s")


async def test_callers_own_cancellation_still_raises() -> None:
    clock = ManualClock()
    team = team_of(clock, ["a1", "a2"], [Scripted("never", latency=HANG), "b2"])
    token = CancellationToken()
    run = asyncio.ensure_future(run_with_deadline(team, task="go", hard=60, clock=clock, cancellation_token=token))
    await until(lambda: bool(client_of(team, 1).calls))
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(run, timeout=30)
    second = await asyncio.wait_for(team.run(task="again"), timeout=30)  # recovered anyway
    assert [m.source for m in second.messages] == ["user", "b", "a"]  # b's interrupted turn comes first


async def test_consumer_that_stops_early_stops_the_run() -> None:
    clock = ManualClock()
    team = team_of(clock, ["a1", "a2"], [Scripted("never", latency=HANG), "b2"])
    stream = run_stream_with_deadline(team, task="go", hard=60, clock=clock)
    sources = [(await stream.__anext__()).source for _ in range(2)]  # type: ignore[union-attr]
    assert sources == ["user", "a"]
    await until(lambda: bool(client_of(team, 1).calls))
    await stream.aclose()  # b's call is hanging: closing the stream cancels it and recovers the team
    assert client_of(team, 1).calls[0].outcome == "CancelledError"
    assert clock.pending_sleepers == 0
    second = await asyncio.wait_for(team.run(task="again"), timeout=30)
    assert [m.source for m in second.messages] == ["user", "b", "a"]  # b's interrupted turn comes first


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"hard": 0}, "hard"),
        ({"hard": -1}, "hard"),
        ({"hard": datetime(2026, 1, 1)}, "hard"),
        ({"hard": 10, "soft": 10, "wrap_up": ExternalTermination()}, "soft"),
        ({"hard": 10, "soft": timedelta(seconds=20), "wrap_up": ExternalTermination()}, "soft"),
        ({"hard": 10, "soft": 5}, "soft"),  # the team has no WrapUpTermination
        ({"hard": 10, "soft": 5, "wrap_up": object()}, "wrap_up"),
        ({"hard": 10, "after_hard_stop": "rollback"}, "after_hard_stop"),
        ({"hard": 10, "grace": -1}, "grace"),
    ],
)
async def test_bad_arguments_raise_before_running(kwargs: dict[str, Any], field: str) -> None:
    clock = ManualClock()
    team = team_of(clock, ["a1"], ["b1"])
    with pytest.raises(ConfigurationError) as info:
        await run_with_deadline(team, task="go", clock=clock, **kwargs)
    assert info.value.field == field
    assert client_of(team, 0).calls == []


class StubbornAgent(BaseChatAgent):
    """Ignores its cancellation token and swallows the first CancelledError it gets."""

    def __init__(self) -> None:
        super().__init__("stubborn", "ignores cancellation once")
        self.entered = asyncio.Event()
        self.swallowed = 0

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        self.entered.set()
        never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        try:
            await never
        except asyncio.CancelledError:
            self.swallowed += 1
            await asyncio.get_running_loop().create_future()  # keeps waiting until cancelled again
        raise AssertionError("unreachable")

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        return None


async def test_a_run_that_ignores_cancellation_is_escalated_after_grace(events: list[AgentkitEvent]) -> None:
    clock = ManualClock()
    agent = StubbornAgent()
    run = asyncio.ensure_future(run_with_deadline(agent, task="go", hard=5, grace=2, clock=clock))
    await agent.entered.wait()
    await clock.advance(5)  # hard deadline: token cancelled, task cancelled once -> swallowed
    await until(lambda: clock.pending_sleepers == 1)  # the runner now waits `grace` for the run to unwind
    assert agent.swallowed == 1
    assert not run.done()
    await clock.advance(2)  # grace over: the runner cancels again, and this time it lands
    result = await asyncio.wait_for(run, timeout=30)
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 5 s reached after 5 s")
    hard = [e for e in events if isinstance(e, DeadlineEvent)]
    assert hard[0]["escalated"] is True
    assert hard[0]["stuck"] is False


async def test_hung_tool_in_a_team_is_cancelled_and_its_turn_undone() -> None:
    clock = ManualClock()
    entered, cancelled, never = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def lookup() -> str:
        """Look something up (hangs)."""
        entered.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "unreachable"

    call = CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="c1", name="lookup", arguments="{}")],
        usage=RequestUsage(prompt_tokens=5, completion_tokens=5),
        cached=False,
    )
    researcher_client = ScriptedChatCompletionClient([call, "found it"], clock=clock)
    team = RoundRobinGroupChat(
        [
            AssistantAgent("writer", model_client=ScriptedChatCompletionClient(["w1", "w2"], clock=clock)),
            AssistantAgent("researcher", model_client=researcher_client, tools=[lookup]),
        ],
        termination_condition=MaxMessageTermination(3),
    )
    run = asyncio.ensure_future(run_with_deadline(team, task="go", hard=30, clock=clock))
    await entered.wait()
    await clock.advance(30)
    result = await asyncio.wait_for(run, timeout=30)
    assert cancelled.is_set()
    assert [type(m).__name__ for m in result.messages] == ["TextMessage", "TextMessage", "ToolCallRequestEvent"]
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 30 s")
    # "restore" undid the researcher's interrupted turn: its context no longer holds the dangling tool call,
    # the messages it had taken from its buffer are delivered once, not twice, and it speaks first again.
    second = await asyncio.wait_for(team.run(task="again"), timeout=30)
    assert [(m.source, m.to_text()) for m in second.messages] == [
        ("user", "again"),
        ("researcher", "found it"),
        ("writer", "w2"),
    ]
    seen = [(getattr(m, "source", ""), m.content) for m in researcher_client.calls[1].messages[1:]]
    assert seen == [("user", "go"), ("writer", "w1"), ("user", "again")]
