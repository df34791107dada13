"""A per-run budget counts every call of the run from its first one — including calls no condition sees — in real
AutoGen teams (MagenticOne, a resumed RoundRobin) driven by the real OpenAI client over FakeProvider; and in
messages mode, tool calls are counted even from events that carry no usage."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from autogen_agentchat.agents import AssistantAgent, BaseChatAgent
from autogen_agentchat.base import Response
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import BaseChatMessage, TextMessage, ToolCallRequestEvent
from autogen_agentchat.teams import MagenticOneGroupChat, RoundRobinGroupChat
from autogen_core import CancellationToken, FunctionCall
from autogen_core.models import ChatCompletionClient

from agentkit.conditions import BudgetTermination, run_with_budget
from agentkit.models import MeteredChatCompletionClient
from agentkit.testing import FakeProvider, Reply
from agentkit.usage import UsageLedger

# Every call costs exactly $0.10: 1,000 prompt tokens at $100 per million, no completion price.
PRICES = {
    name: {"input_per_mtok": 100, "output_per_mtok": 0}
    for name in ("orchestrator-model", "agent-model", "scripted-model")
}
JSON_MODEL_INFO: dict[str, Any] = {
    "vision": False,
    "function_calling": True,
    "json_output": True,
    "structured_output": False,
    "family": "unknown",
}


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


def _ledger_entry(next_speaker: str) -> str:
    def item(answer: Any) -> dict[str, Any]:
        return {"reason": "scripted", "answer": answer}

    return json.dumps(
        {
            "is_request_satisfied": item(False),
            "is_in_loop": item(False),
            "is_progress_being_made": item(True),
            "next_speaker": item(next_speaker),
            "instruction_or_question": item("Carry on."),
        }
    )


def _clients(fp: FakeProvider) -> tuple[ChatCompletionClient, ChatCompletionClient]:
    return (
        fp.openai_client("orchestrator-model", model_info=JSON_MODEL_INFO),
        fp.openai_client("agent-model", model_info=JSON_MODEL_INFO),
    )


def _script_orchestrator(fp: FakeProvider, next_speaker: str) -> None:
    fp.script(
        "orchestrator-model",
        Reply.text("Facts: none needed.", usage=(1000, 0)),
        Reply.text("Plan: write it.", usage=(1000, 0)),
        *[Reply.text(_ledger_entry(next_speaker), usage=(1000, 0))] * 10,
    )


async def test_magentic_one_planning_calls_count_against_a_run_budget(fp: FakeProvider) -> None:
    """The orchestrator plans (2 calls) and picks a speaker (1 call) before any condition sees a message."""
    _script_orchestrator(fp, "writer")
    fp.script("agent-model", *[Reply.text("A paragraph.", usage=(1000, 0))] * 10)
    ledger = UsageLedger()
    orchestrator, agent = _clients(fp)
    try:
        budget = BudgetTermination(max_cost_usd="0.40", ledger=ledger)
        writer = AssistantAgent("writer", model_client=MeteredChatCompletionClient(agent, ledger=ledger, prices=PRICES))
        team = MagenticOneGroupChat(
            [writer],
            model_client=MeteredChatCompletionClient(orchestrator, ledger=ledger, prices=PRICES),
            termination_condition=budget,
        )
        result = await team.run(task="Write a paragraph.")
    finally:
        await orchestrator.close()
        await agent.close()
    totals = ledger.totals()
    assert (totals.requests, totals.cost_usd) == (4, Decimal("0.4"))
    assert len(fp.requests) == 4
    assert result.stop_reason == "Budget reached: max_cost_usd=0.40 reached (observed 0.4 USD) after 4 requests."
    assert budget.usage().requests == 0  # the team reset it when it stopped: re-armed for the next run


class Clerk(BaseChatAgent):
    """A participant that answers without a model call, so the team's first check comes after 3 calls."""

    def __init__(self) -> None:
        super().__init__("clerk", "Files notes.")

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        return Response(chat_message=TextMessage(content="Noted.", source=self.name))

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        pass


async def test_magentic_one_admission_refuses_the_fifth_request(fp: FakeProvider) -> None:
    def lookup(topic: str) -> str:
        """Look a topic up."""
        return f"facts about {topic}"

    fp.script(
        "orchestrator-model",
        Reply.text("Facts: none needed.", usage=(1000, 0)),
        Reply.text("Plan: clerk, then writer.", usage=(1000, 0)),
        Reply.text(_ledger_entry("clerk"), usage=(1000, 0)),
        *[Reply.text(_ledger_entry("writer"), usage=(1000, 0))] * 10,
    )
    fp.script(
        "agent-model",
        *[Reply.tool_calls([("lookup", {"topic": "budgets"})], usage=(1000, 0)), Reply.text("Done.", usage=(1000, 0))]
        * 5,
    )
    ledger = UsageLedger()
    budget = BudgetTermination(max_requests=4, ledger=ledger)
    orchestrator, agent = _clients(fp)
    try:
        writer = AssistantAgent(
            "writer",
            model_client=MeteredChatCompletionClient(agent, budget=budget, prices=PRICES, on_refusal="stop"),
            tools=[lookup],
        )
        team = MagenticOneGroupChat(
            [Clerk(), writer],
            model_client=MeteredChatCompletionClient(orchestrator, budget=budget, prices=PRICES, on_refusal="stop"),
            termination_condition=budget,
        )
        result = await team.run(task="Write a paragraph.")
    finally:
        await orchestrator.close()
        await agent.close()
    totals = ledger.totals()
    assert (totals.requests, totals.refused) == (4, 1)  # facts, plan, ledger, ledger; the writer's call refused
    assert len(fp.requests) == 4
    assert result.stop_reason == "Budget reached: max_requests=4 reached (observed 4 requests) after 4 requests."
    assert result.messages[-1].source == "writer"
    assert "[budget] Refused a call" in result.messages[-1].to_text()


async def test_magentic_one_orchestrator_refusal_is_raised_in_stop_mode(fp: FakeProvider) -> None:
    """The orchestrator parses JSON out of every answer: a "[budget]" text would end the run in ValueError."""
    _script_orchestrator(fp, "writer")
    budget = BudgetTermination(max_requests=2, ledger=UsageLedger())
    orchestrator, agent = _clients(fp)
    try:
        writer = AssistantAgent("writer", model_client=agent)
        team = MagenticOneGroupChat(
            [writer],
            model_client=MeteredChatCompletionClient(orchestrator, budget=budget, prices=PRICES, on_refusal="stop"),
            termination_condition=budget,
        )
        result = await run_with_budget(team, task="Write a paragraph.")
    finally:
        await orchestrator.close()
        await agent.close()
    assert result.stop_reason is not None
    assert result.stop_reason.startswith(
        "Budget exceeded: Refused a call to 'orchestrator-model' by agent 'MagenticOneOrchestrator'"
    )
    assert len(fp.requests) == 2  # facts and plan; the progress ledger call was refused once, not retried


async def test_run_with_budget_rearms_a_budget_used_only_for_admission(fp: FakeProvider) -> None:
    """Each run_with_budget call is a fresh run, and the refused speaker goes first in the next one."""
    fp.always("agent-model", Reply.text("ok", usage=(10, 5)))
    client = fp.openai_client("agent-model", model_info=JSON_MODEL_INFO)
    budget = BudgetTermination(max_requests=3, ledger=UsageLedger())  # not the team's condition
    metered = MeteredChatCompletionClient(client, budget=budget, prices=PRICES)
    team = RoundRobinGroupChat([AssistantAgent("a", model_client=metered), AssistantAgent("b", model_client=metered)])
    sources: list[list[str]] = []
    try:
        for task in ("go", None, None):
            before = len(fp.requests)
            result = await run_with_budget(team, task=task)
            assert result.stop_reason is not None
            assert result.stop_reason.startswith("Budget exceeded: Refused a call")
            assert len(fp.requests) - before == 3
            sources.append([m.source for m in result.messages])
    finally:
        await client.close()
    assert sources == [["user", "a", "b", "a"], ["b", "a", "b"], ["a", "b", "a"]]
    # Every request carries one message more than the one before: no turn was lost or repeated.
    sizes = [len(request.body["messages"]) for request in fp.requests]
    assert sizes == list(range(2, 2 + len(sizes)))


async def test_a_resumed_run_counts_its_first_call(fp: FakeProvider) -> None:
    fp.script("agent-model", *[Reply.text("step", usage=(1000, 0))] * 10)
    ledger = UsageLedger()
    budget = BudgetTermination(max_requests=2, ledger=ledger)
    inner = fp.openai_client("agent-model", model_info=JSON_MODEL_INFO)
    try:
        client = MeteredChatCompletionClient(inner, ledger=ledger, prices=PRICES)
        team = RoundRobinGroupChat(
            [AssistantAgent("a", model_client=client), AssistantAgent("b", model_client=client)],
            termination_condition=budget,
        )
        first = await team.run(task="go")
        assert ledger.totals().requests == 2
        resumed = await team.run()  # no new task: no check before the first speaker's call
    finally:
        await inner.close()
    assert [m.source for m in first.messages] == ["user", "a", "b"]
    assert [m.source for m in resumed.messages] == ["a", "b"]
    assert resumed.stop_reason == "Budget reached: max_requests=2 reached (observed 2 requests) after 2 requests."
    assert ledger.totals().requests == len(fp.requests) == 4


async def test_other_teams_calls_between_runs_are_not_counted(fp: FakeProvider) -> None:
    fp.script("agent-model", *[Reply.text("step", usage=(1000, 0))] * 10)
    shared = UsageLedger()
    inner = fp.openai_client("agent-model", model_info=JSON_MODEL_INFO)
    try:
        client = MeteredChatCompletionClient(inner, ledger=shared, prices=PRICES)
        budgets = [BudgetTermination(max_requests=2, ledger=shared) for _ in range(2)]
        teams = [
            RoundRobinGroupChat([AssistantAgent(f"agent{i}", model_client=client)], termination_condition=budgets[i])
            for i in range(2)
        ]
        await teams[0].run(task="go")  # spends 2 on the shared ledger while the second budget waits
        second = await teams[1].run(task="go")
    finally:
        await inner.close()
    assert second.stop_reason == "Budget reached: max_requests=2 reached (observed 2 requests) after 2 requests."
    assert shared.totals().requests == 4


class ToolCaller(BaseChatAgent):
    """An agent whose model reports no usage: its tool-call events carry ``models_usage=None``."""

    def __init__(self) -> None:
        super().__init__("caller", "Calls tools.")

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        request = ToolCallRequestEvent(
            content=[FunctionCall(id=f"c{i}", name="search", arguments="{}") for i in range(2)], source=self.name
        )
        return Response(chat_message=TextMessage(content="searched", source=self.name), inner_messages=[request])

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        pass


async def test_messages_mode_counts_tool_calls_of_events_without_usage() -> None:
    budget = BudgetTermination(max_tool_calls=3)
    team = RoundRobinGroupChat([ToolCaller()], termination_condition=budget | MaxMessageTermination(10))
    result = await team.run(task="go")
    assert result.stop_reason == "Budget reached: max_tool_calls=3 reached (observed 4 tool calls) after 0 requests."
    assert [type(m).__name__ for m in result.messages] == ["TextMessage", *["ToolCallRequestEvent", "TextMessage"] * 2]


async def test_run_with_budget_logs_no_traceback_for_the_refusal(caplog: pytest.LogCaptureFixture) -> None:
    from agentkit.testing import Scripted, ScriptedChatCompletionClient

    budget = BudgetTermination(max_requests=3, ledger=UsageLedger())
    client = MeteredChatCompletionClient(
        ScriptedChatCompletionClient([Scripted("ok", usage=(10, 5))] * 20), budget=budget, prices=PRICES
    )
    team = RoundRobinGroupChat([AssistantAgent("a", model_client=client), AssistantAgent("b", model_client=client)])
    with caplog.at_level(logging.DEBUG, logger="autogen_core"):
        result = await run_with_budget(team, task="go")
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Budget exceeded: Refused a call to 'scripted-model' by agent 'b'")
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []

    # Outside run_with_budget, AutoGen's own logging is untouched.
    await budget.reset()
    other = RoundRobinGroupChat([AssistantAgent("c", model_client=client), AssistantAgent("d", model_client=client)])
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="autogen_core"), pytest.raises(RuntimeError, match="BudgetExceeded"):
        await other.run(task="go")
    assert any(r.exc_info and "BudgetExceededError" in repr(r.exc_info[1]) for r in caplog.records)


async def test_run_with_budget_rearms_and_reports_a_refusal_inside_a_nested_team(fp: FakeProvider) -> None:
    fp.always("agent-model", Reply.text("ok", usage=(10, 5)))
    client = fp.openai_client("agent-model", model_info=JSON_MODEL_INFO)
    budget = BudgetTermination(max_requests=3, ledger=UsageLedger())  # admission only
    metered = MeteredChatCompletionClient(client, budget=budget, prices=PRICES)
    inner = RoundRobinGroupChat(
        [AssistantAgent("a", model_client=metered), AssistantAgent("b", model_client=metered)],
        termination_condition=MaxMessageTermination(5),
        name="inner",
    )
    team = RoundRobinGroupChat([inner], termination_condition=MaxMessageTermination(2))
    calls: list[int] = []
    stops: list[str] = []
    try:
        for _ in range(2):
            before = len(fp.requests)
            result = await run_with_budget(team, task="go")
            calls.append(len(fp.requests) - before)
            stops.append(result.stop_reason or "")
    finally:
        await client.close()
    assert calls == [3, 3]  # the budget counted afresh in the second run
    assert stops[0].startswith("Budget exceeded: Refused a call")
