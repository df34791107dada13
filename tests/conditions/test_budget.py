"""BudgetTermination: validation, messages mode, ledger mode, per-agent limits, thresholds, reset semantics."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from autogen_agentchat.base import TerminatedException
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import TextMessage, ToolCallRequestEvent
from autogen_core import EVENT_LOGGER_NAME, FunctionCall
from autogen_core.models import RequestUsage

from agentkit.conditions import BudgetTermination
from agentkit.events import AgentkitEvent, BudgetThresholdEvent
from agentkit.exceptions import BudgetExceededError, ConfigurationError
from agentkit.pricing import ModelPrice, PriceTable
from agentkit.usage import CallRecord, UsageLedger

DOLLAR_PER_TOKEN = PriceTable({"m": ModelPrice(input_per_mtok=1_000_000, output_per_mtok=1_000_000)})


def _msg(source: str, prompt: int, completion: int) -> TextMessage:
    return TextMessage(content="x", source=source, models_usage=RequestUsage(prompt, completion))


def _terminated(condition: BudgetTermination) -> bool:
    return condition.terminated


def _rec(agent: str | None = None, cost: str = "1", **kw: Any) -> CallRecord:
    return CallRecord(model="m", agent=agent, prompt_tokens=1, completion_tokens=1, cost_usd=Decimal(cost), **kw)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "BudgetTermination"),
        ({"max_requests": -1}, "max_requests"),
        ({"max_total_tokens": 1.5}, "max_total_tokens"),
        ({"max_tool_calls": True}, "max_tool_calls"),
        ({"max_cost_usd": -0.01, "ledger": UsageLedger()}, "max_cost_usd"),
        ({"max_cost_usd": "abc", "ledger": UsageLedger()}, "max_cost_usd"),
        ({"max_cost_usd": float("nan"), "ledger": UsageLedger()}, "max_cost_usd"),
        ({"max_requests": 3, "soft_threshold": 1.0}, "soft_threshold"),
        ({"max_requests": 3, "soft_threshold": 0}, "soft_threshold"),
        ({"per_agent": {"coder": {}}}, "per_agent['coder']"),
        ({"per_agent": {"coder": {"max_dollars": 1}}}, "per_agent['coder'].max_dollars"),
        ({"per_agent": {"coder": 3}}, "per_agent['coder']"),
        ({"max_cost_usd": 1}, "price_model"),
        ({"max_cost_usd": 1, "price_model": "no-such-model-xyz"}, "price_model"),
        ({"max_requests": 1, "scope": "ledger"}, "scope"),
        ({"max_requests": 1, "scope": "forever"}, "scope"),
    ],
)
def test_bad_input_is_rejected_at_construction(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        BudgetTermination(**kwargs)
    assert info.value.field == field


async def test_messages_mode_tokens_requests_and_tool_calls() -> None:
    cond = BudgetTermination(max_total_tokens=100)
    assert await cond([TextMessage(content="task", source="user")]) is None
    assert await cond([_msg("a", 40, 10)]) is None
    stop = await cond([_msg("b", 45, 5)])
    assert stop is not None
    assert cond.terminated
    assert stop.content == "Budget reached: max_total_tokens=100 reached (observed 100 tokens) after 2 requests."
    with pytest.raises(TerminatedException):
        await cond([])
    await cond.reset()
    assert not _terminated(cond)
    assert cond.usage().requests == 0

    tools = BudgetTermination(max_tool_calls=2)
    call = ToolCallRequestEvent(
        content=[FunctionCall(id="1", name="f", arguments="{}"), FunctionCall(id="2", name="g", arguments="{}")],
        source="a",
        models_usage=RequestUsage(1, 1),
    )
    stop = await tools([call])
    assert stop is not None
    assert "max_tool_calls=2" in stop.content

    requests = BudgetTermination(max_requests=2)
    assert await requests([_msg("a", 1, 1), TextMessage(content="no usage", source="user")]) is None
    assert await requests([_msg("a", 1, 1)]) is not None


async def test_messages_mode_prices_by_configured_model() -> None:
    cond = BudgetTermination(max_cost_usd="0.01", price_model="gpt-4o")  # $2.5 / $10 per MTok
    assert await cond([_msg("a", 1000, 500)]) is None  # 0.0025 + 0.005
    assert cond.usage().cost_usd == Decimal("0.0075")
    stop = await cond([_msg("a", 1000, 0)])
    assert stop is not None
    assert "max_cost_usd=0.01 reached (observed 0.0100 USD)" in stop.content


async def test_per_agent_limit_inside_team_limit() -> None:
    ledger = UsageLedger()
    cond = BudgetTermination(max_cost_usd=10, per_agent={"coder": {"max_cost_usd": "2.5"}}, ledger=ledger)
    assert await cond([]) is None  # the run starts: the team checks the task messages first
    for _ in range(2):
        ledger.record(_rec("coder"))
        ledger.record(_rec("writer"))
    assert await cond([]) is None
    ledger.record(_rec("coder", cost="0.5"))
    stop = await cond([])
    assert stop is not None
    assert "max_cost_usd=2.5 for agent 'coder' reached (observed 2.5 USD)" in stop.content
    assert cond.per_agent_limits == {"coder": {"max_cost_usd": Decimal("2.5")}}


async def test_ledger_run_scope_resets_baseline_but_not_ledger() -> None:
    ledger = UsageLedger()
    ledger.record(_rec())  # before the condition existed: not counted in run scope
    cond = BudgetTermination(max_requests=2, ledger=ledger)
    ledger.record(_rec())  # before the run started (e.g. another team's call): not counted either
    assert await cond([]) is None  # the run starts
    ledger.record(_rec())
    assert await cond([]) is None
    ledger.record(_rec())
    assert await cond([]) is not None
    await cond.reset()  # what the team does after every stop
    assert len(ledger.records) == 4
    assert ledger.totals().requests == 4
    assert cond.usage().requests == 0
    ledger.record(_rec())  # between runs: not counted
    assert await cond([]) is None  # the next run starts
    ledger.record(_rec())
    assert await cond([]) is None
    ledger.record(_rec())
    assert await cond([]) is not None


async def test_ledger_scope_spans_runs_and_teams() -> None:
    ledger = UsageLedger()
    team_a = BudgetTermination(max_cost_usd=3, ledger=ledger, scope="ledger")
    team_b = BudgetTermination(max_cost_usd=3, ledger=ledger, scope="ledger")
    ledger.record(_rec("a", cost="2"))
    assert await team_a([]) is None
    ledger.record(_rec("b", cost="1"))
    assert await team_b([]) is not None
    await team_b.reset()
    assert await team_b([]) is not None  # still over budget: the next run stops at its first check
    assert await team_a([]) is not None


async def test_soft_threshold_fires_once_with_event(caplog: pytest.LogCaptureFixture) -> None:
    ledger = UsageLedger()
    seen: list[BudgetThresholdEvent] = []
    cond = BudgetTermination(max_requests=10, soft_threshold=0.8, on_threshold=seen.append, ledger=ledger)
    with caplog.at_level(logging.INFO, logger=EVENT_LOGGER_NAME):
        assert await cond([]) is None  # the run starts
        for _ in range(7):
            ledger.record(_rec())
        assert await cond([]) is None
        assert seen == []
        ledger.record(_rec())
        assert await cond([]) is None
        ledger.record(_rec())
        assert await cond([]) is None
    assert len(seen) == 1
    assert seen[0]["limit"] == "max_requests"
    assert seen[0]["observed"] == 8
    assert seen[0]["fraction"] == 0.8
    emitted = [r.msg for r in caplog.records if isinstance(r.msg, AgentkitEvent)]
    assert [e["type"] for e in emitted] == ["agentkit.BudgetThreshold"]
    await cond.reset()
    assert await cond([]) is None  # the next run starts
    for _ in range(8):
        ledger.record(_rec())
    assert await cond([]) is None
    assert len(seen) == 2  # re-armed by reset in run scope


async def test_composes_with_or_and_and() -> None:
    either = BudgetTermination(max_requests=1) | MaxMessageTermination(100)
    assert await either([_msg("a", 1, 1)]) is not None
    both = BudgetTermination(max_requests=1) & MaxMessageTermination(3)
    assert await both([_msg("a", 1, 1)]) is None
    stop = await both([_msg("a", 1, 1), _msg("b", 1, 1)])
    assert stop is not None
    assert "max_requests=1" in stop.content


async def test_unpriced_calls_are_named_in_stop_message() -> None:
    ledger = UsageLedger()
    cond = BudgetTermination(max_cost_usd=1, ledger=ledger)
    assert await cond([]) is None
    ledger.record(CallRecord(model="mystery", cost_usd=None))
    ledger.record(_rec(cost="1"))
    stop = await cond([])
    assert stop is not None
    assert "1 unpriced requests are not in the cost" in stop.content


def test_admission_reserves_worst_case_and_releases() -> None:
    ledger = UsageLedger()
    cond = BudgetTermination(max_cost_usd=1, max_requests=3, ledger=ledger)
    first = cond.admit(agent=None, worst_cost=Decimal("0.6"), model="m")
    with pytest.raises(BudgetExceededError) as info:
        cond.admit(agent=None, worst_cost=Decimal("0.5"), model="m")  # 0.6 in flight + 0.5 > 1
    assert info.value.limit == "max_cost_usd"
    assert info.value.observed == Decimal("1.1")
    cond.release(first)
    second = cond.admit(agent=None, worst_cost=Decimal("0.5"), model="m")
    cond.release(second)
    with pytest.raises(BudgetExceededError, match="has no price"):
        cond.admit(agent=None, worst_cost=None, model="mystery")
    with pytest.raises(ConfigurationError):
        BudgetTermination(max_requests=1).admit(agent=None, worst_cost=None, model="m")


def test_admission_per_agent_and_token_limits() -> None:
    ledger = UsageLedger()
    cond = BudgetTermination(max_total_tokens=10, per_agent={"coder": {"max_requests": 1}}, ledger=ledger)
    cond.release(cond.admit(agent="coder", worst_cost=None, model="m"))
    ledger.record(_rec("coder"))
    with pytest.raises(BudgetExceededError) as info:
        cond.admit(agent="coder", worst_cost=None, model="m")
    assert info.value.agent == "coder"
    assert info.value.limit == "max_requests"
    cond.release(cond.admit(agent="writer", worst_cost=None, model="m"))
    ledger.record(CallRecord(model="m", prompt_tokens=8, completion_tokens=2))
    with pytest.raises(BudgetExceededError, match=r"max_total_tokens=10 reached"):
        cond.admit(agent="writer", worst_cost=None, model="m")


async def test_loaded_ledger_mode_config_needs_a_ledger() -> None:
    ledger = UsageLedger()
    original = BudgetTermination(max_cost_usd=1, ledger=ledger, scope="ledger")
    loaded = BudgetTermination.load_component(original.dump_component())
    assert isinstance(loaded, BudgetTermination)
    with pytest.raises(ConfigurationError, match="use_ledger"):
        await loaded([])
    loaded.use_ledger(ledger)
    ledger.record(_rec(cost="1"))
    assert loaded.scope == "ledger"
    assert await loaded([]) is not None
