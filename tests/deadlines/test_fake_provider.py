"""Deadlines against real OpenAI/Anthropic clients over HTTP to the local FakeProvider.

These tests measure real elapsed time for the interruption itself (the hang is real: the provider accepts
the request and never answers). The stated slack: a hard deadline of 0.5 s must return within
0.5 s + 1.0 s. Simulated slowness (first_token_delay) is a fault being modelled, kept at <= 0.4 s.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TaskResult
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat

from agentkit.conditions import AgentTimeBudgetTermination, TurnLatencyTermination
from agentkit.deadlines import WrapUpTermination, run_stream_with_deadline, run_with_deadline
from agentkit.models import MeteredChatCompletionClient
from agentkit.testing import FakeProvider, Fault, Reply
from agentkit.usage import UsageLedger

HARD = 0.5
SLACK = 1.0  # stated upper bound on how late the interruption may return (generous: 2 shared cores)


def client(fp: FakeProvider, api: str, model: str) -> Any:
    return fp.openai_client(model) if api == "openai" else fp.anthropic_client(model)


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_hung_provider_is_interrupted_within_the_deadline(fake_provider: FakeProvider, api: str) -> None:
    fp = fake_provider
    fp.always("hung-model", Fault.hang())
    writer = AssistantAgent("writer", model_client=client(fp, api, "fast-model"))
    reviewer = AssistantAgent("reviewer", model_client=client(fp, api, "hung-model"))
    team = RoundRobinGroupChat([writer, reviewer], termination_condition=MaxMessageTermination(4))

    started = time.monotonic()
    result = await run_with_deadline(team, task="Write a haiku.", hard=HARD)
    elapsed = time.monotonic() - started

    assert HARD <= elapsed < HARD + SLACK
    assert [m.source for m in result.messages] == ["user", "writer"]  # the writer's turn is kept
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Hard deadline of 0.5 s reached")
    assert len(fp.requests_for("hung-model")) == 1

    # The team is usable again: with the provider healthy, the next run completes, starting with the
    # interrupted speaker (after_hard_stop="restore" gives it its turn back).
    fp.reset()
    again = await asyncio.wait_for(team.run(task="Another one."), timeout=10)
    assert [m.source for m in again.messages] == ["user", "reviewer", "writer", "reviewer"]
    for agent in (writer, reviewer):
        await agent._model_client.close()


async def test_hung_stream_is_interrupted_and_partial_stream_kept(fake_provider: FakeProvider) -> None:
    fp = fake_provider
    fp.always("hung-model", Fault.hang())
    agent = AssistantAgent("solo", model_client=fp.openai_client("hung-model"), model_client_stream=True)
    started = time.monotonic()
    items = [item async for item in run_stream_with_deadline(agent, task="Hello?", hard=HARD)]
    elapsed = time.monotonic() - started
    assert HARD <= elapsed < HARD + SLACK
    final = items[-1]
    assert isinstance(final, TaskResult)
    assert [m.source for m in final.messages] == ["user"]
    assert final.stop_reason is not None
    assert final.stop_reason.startswith("Hard deadline")
    await agent._model_client.close()


async def test_slow_provider_turn_is_caught_and_wrapped_up(fake_provider: FakeProvider) -> None:
    fp = fake_provider
    fp.always("slow-model", Reply.text("a considered answer", first_token_delay=0.4))
    wrap_up = WrapUpTermination()
    slow_turns = TurnLatencyTermination(per_agent={"thinker": 0.2})
    fast, slow = fp.openai_client("fast-model"), fp.openai_client("slow-model")
    team = RoundRobinGroupChat(
        [AssistantAgent("talker", model_client=fast), AssistantAgent("thinker", model_client=slow)],
        termination_condition=slow_turns | wrap_up | MaxMessageTermination(10),
    )
    result = await run_with_deadline(team, task="Discuss.", hard=10)
    assert [m.source for m in result.messages] == ["user", "talker", "thinker"]
    assert result.stop_reason is not None
    took = re.fullmatch(
        r"Turn latency limit exceeded: agent 'thinker' took ([\d.]+) s \(limit 0.2 s\)\.", result.stop_reason
    )
    assert took is not None
    assert float(took.group(1)) >= 0.4
    await fast.close()
    await slow.close()


async def test_ledger_records_latency_and_feeds_the_agent_time_budget(fake_provider: FakeProvider) -> None:
    fp = fake_provider
    fp.always("gpt-4o", Reply.text("slow words here", first_token_delay=0.3))  # priced names: no warning
    ledger = UsageLedger()
    slow = MeteredChatCompletionClient(fp.openai_client("gpt-4o"), ledger=ledger)
    fast = MeteredChatCompletionClient(fp.openai_client("gpt-4o-mini"), ledger=ledger)
    budget = AgentTimeBudgetTermination(per_agent={"thinker": 0.5}, ledger=ledger)
    team = RoundRobinGroupChat(
        [
            AssistantAgent("talker", model_client=fast),
            AssistantAgent("thinker", model_client=slow, model_client_stream=True),
        ],
        termination_condition=budget | MaxMessageTermination(20),
    )
    result = await run_with_deadline(team, task="Discuss.", hard=10)
    thinker = [r for r in ledger.records if r.agent == "thinker"]
    assert all(r.latency_s is not None and r.latency_s >= 0.3 for r in thinker)
    assert all(r.stream and r.ttft_s is not None and r.ttft_s >= 0.3 for r in thinker)
    assert len(thinker) == 2  # 0.3 s + 0.3 s >= 0.5 s budget
    assert result.stop_reason is not None
    used = re.match(
        r"Agent time budget exhausted: agent 'thinker' used ([\d.]+) s of model-call time", result.stop_reason
    )
    assert used is not None
    assert float(used.group(1)) >= 0.6
    await fast.close()
    await slow.close()
