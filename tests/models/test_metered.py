"""MeteredChatCompletionClient over in-process clients: records, streams, cache hits, failover side channel,
attribution, admission control and its concurrency guarantees."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core import FunctionCall
from autogen_core.models import CreateResult, LLMMessage, RequestUsage, UserMessage
from autogen_ext.models.cache import ChatCompletionCache
from pydantic import BaseModel

from agentkit import _callinfo
from agentkit.conditions import BudgetTermination, run_with_budget
from agentkit.exceptions import BudgetExceededError, ConfigurationError
from agentkit.models import MeteredChatCompletionClient, estimate_prompt_tokens
from agentkit.pricing import ModelPrice, PriceTable
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient
from agentkit.usage import CallRecord, UsageLedger

PRICES = PriceTable({"scripted-model": ModelPrice(input_per_mtok=1_000_000, output_per_mtok=1_000_000)})  # $1/token
MSGS: list[LLMMessage] = [UserMessage(content="hello", source="user")]


def _scripted(n: int = 50, usage: tuple[int, int] = (10, 5), **kw: Any) -> ScriptedChatCompletionClient:
    return ScriptedChatCompletionClient([Scripted("hi there", usage=usage)] * n, **kw)


async def test_records_a_call_with_cost_and_latency() -> None:
    clock = ManualClock()
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(_scripted(), ledger=ledger, agent="writer", prices=PRICES, clock=clock)
    result = await client.create(MSGS)
    assert result.content == "hi there"
    (record,) = ledger.records
    assert (record.model, record.agent, record.prompt_tokens, record.completion_tokens) == (
        "scripted-model",
        "writer",
        10,
        5,
    )
    assert record.cost_usd == Decimal(15)
    assert record.outcome == "ok"
    assert not record.stream
    assert record.latency_s == 0.0
    assert record.ttft_s is None


async def test_stream_records_ttft_and_passes_chunks_through() -> None:
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(_scripted(), ledger=ledger, prices=PRICES)
    items = [item async for item in client.create_stream(MSGS)]
    assert "".join(i for i in items if isinstance(i, str)) == "hi there"
    assert isinstance(items[-1], CreateResult)
    (record,) = ledger.records
    assert record.stream
    assert record.ttft_s is not None
    assert record.completion_tokens == 5


async def test_missing_usage_is_estimated_and_marked() -> None:
    ledger = UsageLedger()
    result = CreateResult(finish_reason="stop", content="twelve chars", usage=RequestUsage(0, 0), cached=False)
    client = MeteredChatCompletionClient(ScriptedChatCompletionClient([result]), ledger=ledger, prices=PRICES)
    await client.create(MSGS)
    (record,) = ledger.records
    assert record.estimated
    assert record.completion_tokens == 3
    assert record.prompt_tokens == estimate_prompt_tokens(MSGS)
    assert ledger.totals().estimated_requests == 1


async def test_cache_hits_are_recorded_not_billed() -> None:
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(
        ChatCompletionCache(_scripted()), ledger=ledger, prices=PRICES, model="scripted-model"
    )
    await client.create(MSGS)
    again = await client.create(MSGS)
    assert again.cached
    streamed = [i async for i in client.create_stream(MSGS)]
    assert isinstance(streamed[-1], CreateResult)
    assert streamed[-1].cached
    totals = ledger.totals()
    assert (totals.requests, totals.cache_hits, totals.cost_usd, totals.prompt_tokens) == (1, 2, Decimal(15), 10)
    assert [r.cost_usd for r in ledger.records] == [Decimal(15), Decimal(0), Decimal(0)]


async def test_tool_calls_are_counted() -> None:
    ledger = UsageLedger()
    calls = [FunctionCall(id="1", name="a", arguments="{}"), FunctionCall(id="2", name="b", arguments="{}")]
    result = CreateResult(finish_reason="function_calls", content=calls, usage=RequestUsage(3, 4), cached=False)
    client = MeteredChatCompletionClient(ScriptedChatCompletionClient([result]), ledger=ledger, prices=PRICES)
    await client.create(MSGS)
    assert ledger.totals().tool_calls == 2


async def test_errors_are_recorded_unbilled_and_reraised() -> None:
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(ScriptedChatCompletionClient([TimeoutError("slow")]), ledger=ledger)
    with pytest.raises(TimeoutError):
        await client.create(MSGS)
    (record,) = ledger.records
    assert record.outcome == "error"
    assert record.error == "TimeoutError"
    assert not record.billed
    assert ledger.totals().errors == 1
    assert ledger.totals().requests == 0


class _FakeFailover(ScriptedChatCompletionClient):
    """Reports one failed attempt through the side channel, then answers as 'backup-model'."""

    async def create(self, messages: Sequence[LLMMessage], **kwargs: Any) -> CreateResult:
        sink = _callinfo.attempt_sink()
        assert sink is not None
        sink(CallRecord(model="primary-model", member="primary", outcome="error", error="APIStatusError"))
        result = await super().create(messages, **kwargs)
        _callinfo.set_answered_by(_callinfo.AnsweredBy(member="backup", model="backup-model", provider="openai"))
        return result


async def test_failover_attempts_and_answering_model() -> None:
    ledger = UsageLedger()
    prices = PRICES.with_overrides({"backup-model": ModelPrice(input_per_mtok=1, output_per_mtok=1)})
    client = MeteredChatCompletionClient(_FakeFailover(["ok"]), ledger=ledger, agent="coder", prices=prices)
    await client.create(MSGS)
    failed, ok = ledger.records
    assert (failed.outcome, failed.agent, failed.model, failed.billed) == ("error", "coder", "primary-model", False)
    assert (ok.model, ok.member, ok.provider, ok.outcome) == ("backup-model", "backup", "openai", "ok")
    assert _callinfo.attempt_sink() is None  # restored after the call


async def test_agent_attribution_from_runtime_context_in_a_team() -> None:
    ledger = UsageLedger()
    shared = MeteredChatCompletionClient(_scripted(), ledger=ledger, prices=PRICES)
    team = RoundRobinGroupChat(
        [AssistantAgent("writer", model_client=shared), AssistantAgent("critic", model_client=shared)],
        termination_condition=BudgetTermination(max_requests=3, ledger=ledger),
    )
    result = await team.run(task="go")
    assert result.stop_reason is not None
    assert "max_requests=3" in result.stop_reason
    assert {k: v.requests for k, v in ledger.by_agent().items()} == {"writer": 2, "critic": 1}


async def test_admission_refuses_before_spending_raise_mode() -> None:
    ledger = UsageLedger()
    budget = BudgetTermination(max_cost_usd=40, ledger=ledger)
    inner = _scripted()
    client = MeteredChatCompletionClient(
        inner, budget=budget, prices=PRICES, default_max_output_tokens=5, prompt_estimator=lambda m, t: 10
    )
    assert client.ledger is ledger
    await client.create(MSGS)
    await client.create(MSGS)
    with pytest.raises(BudgetExceededError) as info:
        await client.create(MSGS)  # 30 spent + worst case 15 > 40
    assert info.value.limit == "max_cost_usd"
    assert info.value.observed == Decimal(45)
    assert len(inner.calls) == 2  # the refused call never reached the model
    assert ledger.totals().refused == 1
    assert ledger.totals().cost_usd == Decimal(30)


async def test_worst_case_uses_request_max_tokens() -> None:
    budget = BudgetTermination(max_cost_usd=100, ledger=UsageLedger())
    client = MeteredChatCompletionClient(_scripted(), budget=budget, prices=PRICES, prompt_estimator=lambda m, t: 10)
    with pytest.raises(BudgetExceededError):
        await client.create(MSGS)  # default 4096 output tokens at $1
    await client.create(MSGS, extra_create_args={"max_tokens": 50})  # 10 + 50 <= 100


async def test_admission_stop_mode_ends_team_with_readable_reason() -> None:
    ledger = UsageLedger()
    budget = BudgetTermination(max_cost_usd=40, ledger=ledger)
    client = MeteredChatCompletionClient(
        _scripted(),
        budget=budget,
        prices=PRICES,
        default_max_output_tokens=5,
        prompt_estimator=lambda m, t: 10,
        on_refusal="stop",
    )
    team = RoundRobinGroupChat(
        [AssistantAgent("a", model_client=client), AssistantAgent("b", model_client=client)],
        termination_condition=budget,
    )
    result = await team.run(task="go")
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Budget reached: admission control refused a model call: Refused a call")
    assert "max_cost_usd=40 would be crossed (worst case 45 USD)" in result.stop_reason
    assert ledger.totals().cost_usd == Decimal(30) <= Decimal(40)
    exhausted = BudgetTermination(max_requests=0, ledger=UsageLedger())
    client = MeteredChatCompletionClient(_scripted(), budget=exhausted, on_refusal="stop")
    streamed = [i async for i in client.create_stream(MSGS)]  # refusals stream too
    assert isinstance(streamed[0], CreateResult)
    assert str(streamed[0].content).startswith("[budget]")


class Verdict(BaseModel):
    ok: bool


@pytest.mark.parametrize("json_output", [True, Verdict])
async def test_stop_mode_raises_a_refusal_to_a_call_that_asks_for_json(json_output: bool | type[BaseModel]) -> None:
    """``"[budget] ..."`` is no JSON: a structured call gets the error, a plain one the stop result."""
    client = MeteredChatCompletionClient(
        _scripted(), budget=BudgetTermination(max_requests=0, ledger=UsageLedger()), on_refusal="stop"
    )
    with pytest.raises(BudgetExceededError, match="max_requests=0"):
        await client.create(MSGS, json_output=json_output)
    with pytest.raises(BudgetExceededError, match="max_requests=0"):
        [i async for i in client.create_stream(MSGS, json_output=json_output)]
    assert str((await client.create(MSGS, json_output=False)).content).startswith("[budget]")


async def test_run_with_budget_turns_refusal_into_task_result() -> None:
    ledger = UsageLedger()
    budget = BudgetTermination(max_requests=2, ledger=ledger)
    client = MeteredChatCompletionClient(_scripted(), budget=budget, prices=PRICES)

    def team() -> RoundRobinGroupChat:
        return RoundRobinGroupChat([AssistantAgent("a", model_client=client), AssistantAgent("b", model_client=client)])

    with pytest.raises(RuntimeError, match=r"^BudgetExceededError: "):  # what plain team.run() gives
        await team().run(task="go")
    await budget.reset()
    result = await run_with_budget(team(), task="go")
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("Budget exceeded: Refused a call")
    assert "max_requests=2 would be crossed" in result.stop_reason
    assert "Traceback" not in result.stop_reason
    assert [m.source for m in result.messages] == ["user", "a", "b"]
    assert ledger.totals().requests == 4  # 2 per run, never more


async def test_run_with_budget_passes_other_errors_and_normal_results() -> None:
    client = ScriptedChatCompletionClient(["x", ValueError("boom")])
    failing = RoundRobinGroupChat([AssistantAgent("a", model_client=client)], max_turns=3)
    with pytest.raises(RuntimeError, match=r"^ValueError: boom"):
        await run_with_budget(failing, task="go")
    fine = RoundRobinGroupChat([AssistantAgent("a", model_client=_scripted())], max_turns=2)
    result = await run_with_budget(fine, task="go")
    assert result.stop_reason == "Maximum number of turns 2 reached."
    assert len(result.messages) == 3


async def test_zero_overshoot_under_concurrency() -> None:
    ledger = UsageLedger()
    budget = BudgetTermination(max_requests=37, max_cost_usd=1000, ledger=ledger)
    client = MeteredChatCompletionClient(
        _scripted(500, latency=0.0),
        budget=budget,
        prices=PRICES,
        default_max_output_tokens=5,
        prompt_estimator=lambda m, t: 10,
    )

    async def one() -> bool:
        try:
            await client.create(MSGS)
        except BudgetExceededError:
            return False
        return True

    outcomes = await asyncio.gather(*(one() for _ in range(200)))
    totals = ledger.totals()
    assert sum(outcomes) == totals.requests <= 37
    assert totals.cost_usd <= 1000
    assert totals.requests + totals.refused == 200
    assert budget._in_flight.requests == 0  # every reservation released


async def test_exact_totals_under_many_concurrent_calls() -> None:
    ledger = UsageLedger()
    clients = [
        MeteredChatCompletionClient(_scripted(100, usage=(i + 1, 2)), ledger=ledger, agent=f"agent{i}", prices=PRICES)
        for i in range(5)
    ]
    await asyncio.gather(*(c.create(MSGS) for c in clients for _ in range(100)))
    totals = ledger.totals()
    assert totals.requests == 500
    assert totals.prompt_tokens == 100 * sum(range(1, 6))
    assert totals.cost_usd == Decimal(100 * sum(range(1, 6)) + 500 * 2)
    assert {k: v.requests for k, v in ledger.by_agent().items()} == {f"agent{i}": 100 for i in range(5)}


def test_bad_configuration() -> None:
    with pytest.raises(ConfigurationError):
        MeteredChatCompletionClient(object())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        MeteredChatCompletionClient(_scripted(), on_refusal="ignore")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        MeteredChatCompletionClient(_scripted(), default_max_output_tokens=0)
    with pytest.raises(ConfigurationError, match="counts from a ledger"):
        MeteredChatCompletionClient(_scripted(), budget=BudgetTermination(max_requests=1))
    with pytest.raises(ConfigurationError, match="differs"):
        MeteredChatCompletionClient(
            _scripted(), ledger=UsageLedger(), budget=BudgetTermination(max_requests=1, ledger=UsageLedger())
        )


async def test_delegates_the_rest() -> None:
    inner = _scripted()
    client = MeteredChatCompletionClient(inner, prices=PRICES)
    await client.create(MSGS)
    assert client.total_usage() == inner.total_usage()
    assert client.actual_usage() == inner.actual_usage()
    assert client.model_info == inner.model_info
    assert client.capabilities == inner.capabilities
    assert client.count_tokens(MSGS) == inner.count_tokens(MSGS)
    assert client.remaining_tokens(MSGS) == inner.remaining_tokens(MSGS)
    assert client.inner is inner
    assert client.agent is None
    assert client.budget is None
    await client.close()


async def test_one_ledger_spans_runs_and_teams() -> None:
    shared = UsageLedger()
    overall = BudgetTermination(max_requests=5, ledger=shared, scope="ledger")

    def team(name: str) -> RoundRobinGroupChat:
        client = MeteredChatCompletionClient(_scripted(), ledger=shared, prices=PRICES)
        per_run = BudgetTermination(max_requests=2, ledger=shared)
        return RoundRobinGroupChat([AssistantAgent(name, model_client=client)], termination_condition=overall | per_run)

    first, second = team("first"), team("second")
    assert "max_requests=2 reached" in str((await first.run(task="go")).stop_reason)
    assert "max_requests=2 reached" in str((await first.run(task="again")).stop_reason)  # fresh per-run budget
    result = await second.run(task="go")
    assert "max_requests=5 reached" in str(result.stop_reason)  # the shared budget spans both teams
    assert {k: v.requests for k, v in shared.by_agent().items()} == {"first": 4, "second": 1}
    stopped_at_once = await second.run(task="more")
    assert "max_requests=5 reached" in str(stopped_at_once.stop_reason)
    assert shared.totals().requests == 5
