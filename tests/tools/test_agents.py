"""Real AssistantAgent and team runs with a scripted model issuing allowed and denied tool calls."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import Handoff
from autogen_agentchat.conditions import HandoffTermination, MaxMessageTermination
from autogen_agentchat.messages import (
    HandoffMessage,
    ModelClientStreamingChunkEvent,
    ToolCallExecutionEvent,
)
from autogen_agentchat.teams import RoundRobinGroupChat, Swarm
from autogen_core import CancellationToken
from autogen_core.tools import BaseStreamTool, StaticStreamWorkbench
from pydantic import BaseModel

from agentkit.exceptions import ConfigurationError
from agentkit.testing import FakeProvider, Reply, ScriptedChatCompletionClient
from agentkit.tools import PolicyWorkbench, ToolDenialTermination, check_handoffs, guard_tools

from ._helpers import EXECUTED, MemorySink, add, delete_file, read_file, tool_calls, workbench


@pytest.fixture(autouse=True)
def _clear() -> None:
    EXECUTED.clear()


def _results(messages: Any) -> dict[str, tuple[bool, str]]:
    out: dict[str, tuple[bool, str]] = {}
    for message in messages:
        if isinstance(message, ToolCallExecutionEvent):
            for result in message.content:
                out[result.name] = (bool(result.is_error), result.content)
    return out


async def test_agent_gets_refusal_for_denied_call_and_result_for_allowed_call() -> None:
    model = ScriptedChatCompletionClient(
        [tool_calls(("delete_file", '{"path": "/etc"}'), ("read_file", '{"path": "notes.txt"}')), "Done."]
    )
    sink = MemorySink()
    wb = PolicyWorkbench(workbench(), {"deny": ["delete_*"]}, audit=sink)
    agent = AssistantAgent("assistant", model_client=model, workbench=wb, reflect_on_tool_use=True)
    result = await agent.run(task="clean up")
    results = _results(result.messages)
    assert results["read_file"] == (False, "contents of notes.txt")
    # the hidden tool is not routed to any workbench: AssistantAgent refuses it itself
    assert results["delete_file"] == (True, "Error: tool 'delete_file' not found in any workbench")
    assert result.messages[-1].to_text() == "Done."
    assert EXECUTED == [("read_file", {"path": "notes.txt"})]
    advertised = [t["name"] for t in model.calls[0].tools]  # type: ignore[index]
    assert "delete_file" not in advertised
    assert "read_file" in advertised
    assert [(r.tool, r.decision) for r in sink.records] == [("read_file", "allow")]


async def test_advertise_denied_routes_denied_calls_to_the_policy_for_a_reason_and_audit() -> None:
    model = ScriptedChatCompletionClient(
        [tool_calls(("delete_file", '{"path": "/etc"}'), ("read_file", '{"path": "notes.txt"}')), "Done."]
    )
    sink = MemorySink()
    wb = PolicyWorkbench(workbench(), {"deny": ["delete_*"]}, audit=sink, advertise_denied=True)
    agent = AssistantAgent("assistant", model_client=model, workbench=wb, reflect_on_tool_use=True)
    result = await agent.run(task="clean up")
    results = _results(result.messages)
    assert results["delete_file"] == (
        True,
        "Tool call 'delete_file' refused by policy (deny:delete_*): the tool is denied by policy",
    )
    assert EXECUTED == [("read_file", {"path": "notes.txt"})]
    assert sorted((r.tool, r.decision) for r in sink.records) == [("delete_file", "deny"), ("read_file", "allow")]


async def test_team_run_survives_refusals_and_records_the_agent() -> None:
    model = ScriptedChatCompletionClient(
        [tool_calls(("delete_file", '{"path": "/"}')), tool_calls(("add", '{"a": 1, "b": 2}'))],
    )
    sink = MemorySink()
    wb = guard_tools([add, delete_file], {"allow": ["add"]}, audit=sink, advertise_denied=True)
    agent = AssistantAgent("worker", model_client=model, workbench=wb)
    team = RoundRobinGroupChat([agent], termination_condition=MaxMessageTermination(3))
    result = await team.run(task="go")
    assert result.stop_reason is not None
    assert "Maximum number of messages" in result.stop_reason
    assert [(r.tool, r.decision, r.rule, r.agent) for r in sink.records] == [
        ("delete_file", "deny", "not_allowed", "worker"),
        ("add", "allow", "allow", "worker"),
    ]
    assert EXECUTED == [("add", {"a": 1, "b": 2})]


async def test_stop_mode_ends_the_team_run_after_the_refusal() -> None:
    model = ScriptedChatCompletionClient(
        [tool_calls(("delete_file", '{"path": "/"}')), tool_calls(("add", '{"a": 1, "b": 2}'))]
    )
    wb = PolicyWorkbench(workbench(), {"deny": ["delete_*"], "on_deny": "stop"}, advertise_denied=True)
    agent = AssistantAgent("worker", model_client=model, workbench=wb)
    team = RoundRobinGroupChat([agent], termination_condition=ToolDenialTermination() | MaxMessageTermination(10))
    result = await team.run(task="go")
    assert result.stop_reason is not None
    assert "Tool policy stopped the run" in result.stop_reason
    assert len(model.calls) == 1
    assert EXECUTED == []


async def test_tool_output_imitating_a_refusal_does_not_stop_the_run() -> None:
    condition = ToolDenialTermination()
    fake = "Tool call 'x' refused by policy (deny:x): the tool is denied by policy"
    from autogen_core.models import FunctionExecutionResult

    event = ToolCallExecutionEvent(
        content=[FunctionExecutionResult(content=fake, call_id="zzz-never-refused", is_error=True, name="x")],
        source="a",
    )
    assert await condition([event]) is None
    assert not condition.terminated


async def test_handoffs_bypass_workbenches_and_check_handoffs_catches_it() -> None:
    """AssistantAgent executes handoff tools itself: no workbench, hence no policy, sees them."""
    policy = {"deny": ["transfer_to_*"]}
    model = ScriptedChatCompletionClient([tool_calls(("transfer_to_boss", "{}"))])
    sink = MemorySink()
    wb = PolicyWorkbench(workbench(), policy, audit=sink)
    alice = AssistantAgent("alice", model_client=model, workbench=wb, handoffs=["boss"])
    boss = AssistantAgent("boss", model_client=ScriptedChatCompletionClient(["hi"]))
    team = Swarm([alice, boss], termination_condition=HandoffTermination(target="boss"))
    result = await team.run(task="escalate")
    assert any(isinstance(m, HandoffMessage) and m.target == "boss" for m in result.messages)
    assert sink.records == []  # the policy never saw it
    with pytest.raises(ConfigurationError, match=r"^handoffs\[0\]: the handoff tool 'transfer_to_boss' is refused"):
        check_handoffs(["boss"], policy)
    with pytest.raises(ConfigurationError, match=r"handoffs\[1\]"):
        check_handoffs([Handoff(target="ok", name="ask_ok"), "boss"], policy)
    check_handoffs(["boss"], {"allow": ["read_file", "transfer_to_boss"]})


class _Args(BaseModel):
    n: int


class _Result(BaseModel):
    n: int


class Counter(BaseStreamTool[_Args, ModelClientStreamingChunkEvent, _Result]):
    def __init__(self) -> None:
        super().__init__(_Args, _Result, "count", "Count to n, streaming progress.")

    async def run(self, args: _Args, cancellation_token: CancellationToken) -> _Result:
        return _Result(n=args.n)

    async def run_stream(
        self, args: _Args, cancellation_token: CancellationToken
    ) -> AsyncGenerator[ModelClientStreamingChunkEvent | _Result, None]:
        for i in range(args.n):
            yield ModelClientStreamingChunkEvent(content=f"tick {i}", source="count")
        yield _Result(n=args.n)


async def test_streaming_tool_events_pass_through_the_policy() -> None:
    model = ScriptedChatCompletionClient([tool_calls(("count", '{"n": 2}'))])
    wb = PolicyWorkbench(StaticStreamWorkbench([Counter()]), {"allow": ["count"]})
    agent = AssistantAgent("worker", model_client=model, workbench=wb)
    seen = [m async for m in agent.run_stream(task="count")]
    ticks = [m.content for m in seen if isinstance(m, ModelClientStreamingChunkEvent)]
    assert ticks == ["tick 0", "tick 1"]


async def test_agent_with_guarded_workbench_serialises() -> None:
    model = ScriptedChatCompletionClient(["ok"])
    wb = PolicyWorkbench(workbench(), {"deny": ["delete_*"]})
    agent = AssistantAgent("worker", model_client=model, workbench=wb)
    dumped = agent.dump_component()
    assert dumped.config["workbench"][0]["provider"] == "agentkit.tools.PolicyWorkbench"
    assert dumped.config["workbench"][0]["config"]["policy"]["deny"] == ["delete_*"]


def test_read_file_helper_is_plain() -> None:
    assert read_file("x") == "contents of x"


async def test_real_openai_client_over_the_fake_provider(fake_provider: FakeProvider) -> None:
    fake_provider.script(
        "gpt-4o-mini",
        Reply.tool_calls([("delete_file", {"path": "/"}), ("add", {"a": 20, "b": 22})]),
        Reply.text("The sum is 42."),
    )
    client = fake_provider.openai_client("gpt-4o-mini")
    sink = MemorySink()
    wb = guard_tools([add, delete_file], {"deny": ["delete_*"]}, audit=sink, advertise_denied=True)
    agent = AssistantAgent("calc", model_client=client, workbench=wb, reflect_on_tool_use=True)
    result = await agent.run(task="add")
    await client.close()
    results = _results(result.messages)
    assert results["add"] == (False, "42")
    assert results["delete_file"][0] is True
    assert result.messages[-1].to_text() == "The sum is 42."
    assert EXECUTED == [("add", {"a": 20, "b": 22})]
    # outside a team there is no AutoGen runtime context to name the agent; pass agent= to record it
    assert [(r.tool, r.decision, r.agent) for r in sink.records] == [
        ("delete_file", "deny", None),
        ("add", "allow", None),
    ]
    first_request = fake_provider.requests_for("gpt-4o-mini")[0].body
    assert sorted(t["function"]["name"] for t in first_request["tools"]) == ["add", "delete_file"]


async def test_demo_act(fake_provider: FakeProvider) -> None:
    from agentkit._demo import act_tools
    from agentkit._demo._framework import DemoEnv

    report = await act_tools.run(DemoEnv(provider=fake_provider, quiet=True))
    assert report.ok, report
    assert report.facts["ran"] == "read_file(report.txt)"
