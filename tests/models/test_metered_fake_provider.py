"""MeteredChatCompletionClient and BudgetTermination in real AutoGen teams, over the real OpenAI and Anthropic
clients talking HTTP to FakeProvider: RoundRobin, Selector (selector calls counted), Swarm, a tool loop,
streaming and not, cache hits, cached-token pricing and admission control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import genai_prices
import pytest
import pytest_asyncio
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination, TextMentionTermination, TokenUsageTermination
from autogen_agentchat.teams import RoundRobinGroupChat, SelectorGroupChat, Swarm
from autogen_core.models import ChatCompletionClient, UserMessage
from autogen_ext.models.cache import ChatCompletionCache

from agentkit.conditions import BudgetTermination
from agentkit.exceptions import BudgetExceededError
from agentkit.models import FailoverChatCompletionClient, MeteredChatCompletionClient
from agentkit.testing import FakeProvider, Fault, Reply
from agentkit.usage import UsageLedger


@pytest_asyncio.fixture
async def fp(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeProvider]:
    """A FakeProvider whose clients are all closed before it stops (no leaked connections)."""
    async with FakeProvider() as provider:
        made: list[ChatCompletionClient] = []
        for name in ("openai_client", "anthropic_client"):
            factory = getattr(provider, name)

            def tracked(*args: Any, _factory: Any = factory, **kwargs: Any) -> ChatCompletionClient:
                client: ChatCompletionClient = _factory(*args, **kwargs)
                made.append(client)
                return client

            monkeypatch.setattr(provider, name, tracked)
        yield provider
        for client in made:
            await client.close()


def _genai(model: str, prompt: int, completion: int, cached: int = 0) -> Decimal:
    usage = genai_prices.Usage(input_tokens=prompt, output_tokens=completion, cache_read_tokens=cached)
    return genai_prices.calc_price(usage, model).total_price


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_round_robin_openai_records_every_call(fp: FakeProvider, stream: bool) -> None:
    fp.script("gpt-4o", *[Reply.text("draft", usage=(1000, 50), cached_tokens=800)] * 4)
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(fp.openai_client("gpt-4o"), ledger=ledger)
    team = RoundRobinGroupChat(
        [
            AssistantAgent("writer", model_client=client, model_client_stream=stream),
            AssistantAgent("critic", model_client=client, model_client_stream=stream),
        ],
        termination_condition=MaxMessageTermination(5),
    )
    await team.run(task="go")
    records = ledger.records
    assert [r.agent for r in records] == ["writer", "critic", "writer", "critic"]
    assert all(r.prompt_tokens == 1000 and r.completion_tokens == 50 and not r.estimated for r in records)
    assert all(r.stream is stream for r in records)
    if stream:
        assert all(r.ttft_s is not None for r in records)
        assert all(req.body["stream_options"] == {"include_usage": True} for req in fp.requests)
    assert all(r.cached_input_tokens == 800 for r in records)  # streamed or not, read from the wire
    assert ledger.totals().cost_usd == 4 * _genai("gpt-4o", 1000, 50, cached=800)


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_anthropic_usage_and_cache_reads(fp: FakeProvider, stream: bool) -> None:
    model = "claude-haiku-4-5"
    fp.script(model, Reply.text("hello", usage=(2000, 100), cached_tokens=1500))
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(fp.anthropic_client(model), ledger=ledger, agent="solo")
    messages = [UserMessage(content="hi", source="user")]
    if stream:
        _ = [item async for item in client.create_stream(messages)]
    else:
        await client.create(messages)
    (record,) = ledger.records
    assert record.provider == "anthropic"
    assert record.completion_tokens == 100
    assert record.stream is stream
    # AutoGen's stream result reports input tokens without the cache reads; the wire has them.
    assert (record.prompt_tokens, record.cached_input_tokens) == (2000, 1500)
    assert record.cost_usd == _genai(model, 2000, 100, cached=1500)


async def test_selector_calls_are_counted(fp: FakeProvider) -> None:
    fp.script("gpt-4o-mini", *[Reply.text(name, usage=(300, 2)) for name in ("writer", "critic", "writer")])
    fp.script("gpt-4o", *[Reply.text("text", usage=(100, 10))] * 3)
    ledger = UsageLedger()
    agents_client = MeteredChatCompletionClient(fp.openai_client("gpt-4o"), ledger=ledger)
    selector_client = MeteredChatCompletionClient(fp.openai_client("gpt-4o-mini"), ledger=ledger)
    tokens_seen = TokenUsageTermination(max_total_token=10**9)
    budget = BudgetTermination(max_requests=6, ledger=ledger)
    team = SelectorGroupChat(
        [AssistantAgent("writer", model_client=agents_client), AssistantAgent("critic", model_client=agents_client)],
        model_client=selector_client,
        allow_repeated_speaker=True,  # else, with two agents, the selector skips the model after the first turn
        termination_condition=budget | tokens_seen,
    )
    result = await team.run(task="go")
    assert result.stop_reason is not None
    assert "max_requests=6 reached" in result.stop_reason
    by_agent = ledger.by_agent()
    assert by_agent["SelectorGroupChatManager"].requests == 3
    assert by_agent["writer"].requests == 2
    assert by_agent["critic"].requests == 1
    assert ledger.totals().prompt_tokens == 3 * 300 + 3 * 100  # TokenUsageTermination would see only 300


async def test_swarm_handoffs_attributed_per_agent(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Reply.tool_calls([("transfer_to_closer", {})], usage=(50, 5)))
    fp.script("gpt-4o-mini", Reply.text("all done TERMINATE", usage=(80, 6)))
    ledger = UsageLedger()
    opener = AssistantAgent(
        "opener",
        model_client=MeteredChatCompletionClient(fp.openai_client("gpt-4o"), ledger=ledger),
        handoffs=["closer"],
    )
    closer = AssistantAgent(
        "closer", model_client=MeteredChatCompletionClient(fp.openai_client("gpt-4o-mini"), ledger=ledger)
    )
    team = Swarm([opener, closer], termination_condition=TextMentionTermination("TERMINATE"))
    await team.run(task="go")
    by_agent = ledger.by_agent()
    assert (by_agent["opener"].requests, by_agent["opener"].tool_calls) == (1, 1)
    assert (by_agent["closer"].requests, by_agent["closer"].prompt_tokens) == (1, 80)
    served = sorted(ledger.by_model())  # the model names the provider says answered (dated snapshots)
    assert [name.rsplit("-", 3)[0] for name in served] == ["gpt-4o", "gpt-4o-mini"]


async def test_tool_loop_counts_inner_calls_and_tool_calls(fp: FakeProvider) -> None:
    def lookup(city: str) -> str:
        """Weather for a city."""
        return f"sunny in {city}"

    fp.script(
        "gpt-4o",
        Reply.tool_calls([("lookup", {"city": "Oslo"}), ("lookup", {"city": "Rome"})], usage=(100, 20)),
        Reply.tool_calls([("lookup", {"city": "Lima"})], usage=(150, 10)),
        Reply.text("Sunny everywhere.", usage=(200, 8)),
    )
    ledger = UsageLedger()
    agent = AssistantAgent(
        "forecaster",
        model_client=MeteredChatCompletionClient(fp.openai_client("gpt-4o"), ledger=ledger),
        tools=[lookup],
        max_tool_iterations=5,
    )
    budget = BudgetTermination(max_tool_calls=3, ledger=ledger)
    team = RoundRobinGroupChat([agent], termination_condition=budget)
    result = await team.run(task="weather?")
    totals = ledger.totals()
    assert (totals.requests, totals.tool_calls, totals.prompt_tokens) == (3, 3, 450)
    assert result.stop_reason is not None
    assert "max_tool_calls=3 reached (observed 3 tool calls)" in result.stop_reason


async def test_cache_hits_hit_the_provider_once(fp: FakeProvider) -> None:
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(ChatCompletionCache(fp.openai_client("gpt-4o-mini")), ledger=ledger)
    messages = [UserMessage(content="same question", source="user")]
    for _ in range(3):
        await client.create(messages)
    assert len(fp.requests) == 1
    totals = ledger.totals()
    assert (totals.requests, totals.cache_hits) == (1, 2)
    assert ledger.records[1].cost_usd == 0


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_admission_control_zero_overshoot_in_a_team(fp: FakeProvider, stream: bool) -> None:
    fp.script("gpt-4o", *[Reply.text("step", usage=(400, 100))] * 30)
    ledger = UsageLedger()
    limit = Decimal("0.011")  # each call: 400 x $2.5/M + 100 x $10/M = $0.002
    budget = BudgetTermination(max_cost_usd=limit, max_requests=10, ledger=ledger)
    client = MeteredChatCompletionClient(
        fp.openai_client("gpt-4o", max_tokens=100),
        budget=budget,
        on_refusal="stop",
        prompt_estimator=lambda messages, tools: 400,
    )
    team = RoundRobinGroupChat(
        [
            AssistantAgent("a", model_client=client, model_client_stream=stream),
            AssistantAgent("b", model_client=client, model_client_stream=stream),
        ],
        termination_condition=budget,
    )
    result = await team.run(task="go")
    totals = ledger.totals()
    assert totals.cost_usd <= limit
    assert totals.requests <= 10
    assert totals.cost_usd == Decimal("0.010")  # 5 calls; the 6th could cost $0.012 in all, so it is refused
    assert len(fp.requests) == totals.requests == 5
    assert totals.refused == 1
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Budget reached: admission control refused a model call")


async def test_failover_attempts_land_in_the_ledger_unbilled(fp: FakeProvider) -> None:
    fp.always("gpt-4o", Fault.status(503))
    fp.script("gpt-4o-mini", Reply.text("backup answer", usage=(100, 10), cached_tokens=60))
    ledger = UsageLedger()
    failover = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), fp.openai_client("gpt-4o-mini")])
    client = MeteredChatCompletionClient(failover, ledger=ledger, agent="coder")
    result = await client.create([UserMessage(content="hi", source="user")])
    assert result.content == "backup answer"
    failed = [r for r in ledger.records if r.outcome == "error"]
    (answered,) = [r for r in ledger.records if r.outcome == "ok"]
    assert failed
    assert all(r.model == "gpt-4o" and r.agent == "coder" and not r.billed for r in failed)
    assert answered.model == "gpt-4o-mini"
    assert answered.member is not None
    assert answered.cached_input_tokens == 60
    assert ledger.totals().cost_usd == _genai("gpt-4o-mini", 100, 10, cached=60)
    assert ledger.totals().errors == len(failed)


async def test_admission_prices_a_failover_chain_at_its_dearest_member(fp: FakeProvider) -> None:
    failover = FailoverChatCompletionClient(
        [fp.openai_client("gpt-4o-mini", max_tokens=1000), fp.openai_client("gpt-4o", max_tokens=1000)]
    )
    budget = BudgetTermination(max_cost_usd="0.005", ledger=UsageLedger())  # gpt-4o: 1000 x $10/M = $0.01 > limit
    client = MeteredChatCompletionClient(failover, budget=budget)
    with pytest.raises(BudgetExceededError, match=r"max_cost_usd=0\.005 would be crossed"):
        await client.create([UserMessage(content="hi", source="user")])
    assert fp.requests == []
