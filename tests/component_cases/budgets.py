"""Round-trip cases for the budgets building block: BudgetTermination and MeteredChatCompletionClient."""

from __future__ import annotations

from typing import Any

from autogen_agentchat.base import TerminationCondition
from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient, RequestUsage, UserMessage

from agentkit.conditions import BudgetTermination
from agentkit.models import MeteredChatCompletionClient
from agentkit.pricing import ModelPrice, PriceTable
from agentkit.testing import ScriptedChatCompletionClient
from agentkit.usage import CallRecord, UsageLedger

from . import ComponentCase

PRICES = PriceTable({"scripted-model": ModelPrice(input_per_mtok=3, output_per_mtok=15, cached_input_per_mtok="0.3")})


def _messages_budget() -> BudgetTermination:
    return BudgetTermination(
        max_total_tokens=10_000,
        max_cost_usd="0.004",
        per_agent={"coder": {"max_requests": 2}},
        soft_threshold=0.8,
        price_model="gpt-4o",
    )


async def _check_messages_budget(original: Any, loaded: Any) -> None:
    stops = []
    for condition in (original, loaded):
        assert await condition([TextMessage(content="task", source="user")]) is None
        usage = RequestUsage(prompt_tokens=1000, completion_tokens=100)
        assert await condition([TextMessage(content="a", source="coder", models_usage=usage)]) is None
        stop = await condition([TextMessage(content="b", source="writer", models_usage=usage)])
        assert stop is not None
        stops.append(stop.content)
    assert stops[0] == stops[1]
    assert "max_cost_usd=0.004" in stops[0]


def _ledger_budget() -> BudgetTermination:
    return BudgetTermination(max_requests=2, ledger=UsageLedger(), scope="ledger", prices=PRICES)


async def _check_ledger_budget(original: Any, loaded: Any) -> None:
    assert isinstance(loaded, BudgetTermination)
    assert loaded.scope == "ledger"
    loaded.use_ledger(UsageLedger())
    for condition in (original, loaded):
        ledger = condition.ledger
        assert ledger is not None
        ledger.record(CallRecord(model="scripted-model"))
        assert await condition([]) is None
        ledger.record(CallRecord(model="scripted-model"))
        stop = await condition([])
        assert stop is not None
        assert "max_requests=2 reached" in stop.content


def _metered() -> MeteredChatCompletionClient:
    return MeteredChatCompletionClient(
        ScriptedChatCompletionClient(["hello there", "second answer"]),
        agent="writer",
        prices=PRICES,
        on_refusal="stop",
        default_max_output_tokens=1000,
    )


async def _check_metered(original: Any, loaded: Any) -> None:
    costs = []
    for client in (original, loaded):
        result = await client.create([UserMessage(content="hi", source="user")])
        assert result.content == "hello there"
        (record,) = client.ledger.records
        assert record.agent == "writer"
        assert record.model == "scripted-model"
        costs.append(record.cost_usd)
    assert costs[0] == costs[1] is not None
    assert costs[0] > 0


CASES = [
    ComponentCase("budget-termination-messages", _messages_budget, TerminationCondition, _check_messages_budget),
    ComponentCase("budget-termination-ledger", _ledger_budget, TerminationCondition, _check_ledger_budget),
    ComponentCase("metered-client", _metered, ChatCompletionClient, _check_metered),
]
