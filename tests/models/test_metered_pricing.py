"""What a metered call costs does not depend on how it was made: streamed or not, and whichever failover member
answered. Real OpenAI and Anthropic clients over HTTP against FakeProvider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from autogen_core.models import ChatCompletionClient, CreateResult, UserMessage

from agentkit.exceptions import ConfigurationError
from agentkit.models import FailoverChatCompletionClient, MeteredChatCompletionClient
from agentkit.pricing import PriceTable, UnpricedModelWarning
from agentkit.testing import FakeProvider, Fault, Reply
from agentkit.usage import CallRecord, UsageLedger

MESSAGES = [UserMessage(content="Summarise the report.", source="user")]


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


async def _call(client: MeteredChatCompletionClient, stream: bool) -> CreateResult:
    if not stream:
        return await client.create(MESSAGES)
    items = [item async for item in client.create_stream(MESSAGES)]
    assert isinstance(items[-1], CreateResult)
    return items[-1]


def _client(fp: FakeProvider, provider: str, model: str) -> ChatCompletionClient:
    return fp.openai_client(model) if provider == "openai" else fp.anthropic_client(model)


@pytest.mark.parametrize(
    ("provider", "model"), [("openai", "gpt-4o"), ("anthropic", "claude-haiku-4-5")], ids=["openai", "anthropic"]
)
async def test_streamed_and_non_streamed_calls_cost_exactly_the_same(
    fp: FakeProvider, provider: str, model: str
) -> None:
    """10,000 prompt tokens of which 9,000 were read from the provider's prompt cache, 300 completion tokens."""
    fp.script(model, *[Reply.text("The report, in one line.", usage=(10_000, 300), cached_tokens=9_000)] * 2)
    records: dict[bool, CallRecord] = {}
    for stream in (False, True):
        ledger = UsageLedger()
        inner = _client(fp, provider, model)
        try:
            await _call(MeteredChatCompletionClient(inner, ledger=ledger, agent="writer"), stream)
        finally:
            await inner.close()
        (records[stream],) = ledger.records
    plain, streamed = records[False], records[True]
    assert streamed.stream
    assert not plain.stream
    assert (streamed.prompt_tokens, streamed.cached_input_tokens, streamed.completion_tokens) == (10_000, 9_000, 300)
    assert (plain.prompt_tokens, plain.cached_input_tokens, plain.completion_tokens) == (10_000, 9_000, 300)
    assert plain.cost_usd is not None
    assert streamed.cost_usd is not None
    assert streamed.cost_usd - plain.cost_usd == 0
    assert streamed.model == plain.model  # the served model, read from the wire in both cases
    uncached = PriceTable().cost(model, prompt_tokens=10_000, completion_tokens=300)
    assert uncached is not None
    assert streamed.cost_usd < uncached  # the cached input was discounted in the stream too


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_an_unpriced_fallback_is_not_charged_at_the_primarys_price(fp: FakeProvider, stream: bool) -> None:
    fp.always("gpt-4o", Fault.status(503))
    fp.script("my-llama", Reply.text("answer from the fallback", usage=(1_000, 100)))
    primary, fallback = fp.openai_client("gpt-4o"), fp.openai_client("my-llama")
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(FailoverChatCompletionClient([primary, fallback]), ledger=ledger)
    try:
        with pytest.warns(UnpricedModelWarning, match="my-llama"):
            result = await _call(client, stream)
    finally:
        await primary.close()
        await fallback.close()
    assert result.content == "answer from the fallback"
    (answered,) = [r for r in ledger.records if r.outcome == "ok"]
    assert answered.model == "my-llama"
    assert answered.cost_usd is None  # unpriced, as for any unknown model — not gpt-4o's price
    totals = ledger.totals()
    assert (totals.requests, totals.unpriced_requests, totals.cost_usd) == (1, 1, Decimal(0))


async def test_a_priced_fallback_is_charged_at_its_own_price(fp: FakeProvider) -> None:
    fp.always("gpt-4o", Fault.status(503))
    fp.script("my-llama", Reply.text("answer", usage=(1_000_000, 0)))
    primary, fallback = fp.openai_client("gpt-4o"), fp.openai_client("my-llama")
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(
        FailoverChatCompletionClient([primary, fallback]),
        ledger=ledger,
        prices={"my-llama": {"input_per_mtok": "0.2", "output_per_mtok": "0.6"}},
    )
    try:
        await client.create(MESSAGES)
    finally:
        await primary.close()
        await fallback.close()
    assert ledger.totals().cost_usd == Decimal("0.2")


@pytest.mark.parametrize(
    ("prices", "field"),
    [
        ({"my-llama": {"input_per_1m": 1, "output_per_mtok": 2}}, "prices['my-llama']['input_per_1m']"),
        ({"my-llama": {"input_per_mtok": 1}}, "prices['my-llama']"),
        ({"my-llama": {"input_per_mtok": "cheap", "output_per_mtok": 2}}, "prices['my-llama'].input_per_mtok"),
        ({"my-llama": [0.001, 0.002]}, "prices['my-llama']"),
        ({"my-llama": 0.5}, "prices['my-llama']"),
        ([("my-llama", 1)], "prices"),
    ],
)
def test_a_plain_prices_dict_is_validated_at_construction(prices: Any, field: str) -> None:
    from agentkit.testing import ScriptedChatCompletionClient

    with pytest.raises(ConfigurationError) as info:
        MeteredChatCompletionClient(ScriptedChatCompletionClient(["hi"]), prices=prices)
    assert info.value.field == field
    assert "\n" not in str(info.value)
    assert info.value.fix


async def test_a_plain_prices_dict_prices_calls() -> None:
    from agentkit.conditions import BudgetTermination
    from agentkit.testing import ScriptedChatCompletionClient

    prices = {"scripted-model": {"input_per_mtok": 1_000_000, "output_per_mtok": 0}}
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(ScriptedChatCompletionClient(["hi"]), ledger=ledger, prices=prices)
    await client.create(MESSAGES)
    (record,) = ledger.records
    assert record.cost_usd == Decimal(record.prompt_tokens)
    budget = BudgetTermination(max_cost_usd=1, price_model="scripted-model", prices=prices)
    assert budget.prices.is_priced("scripted-model")


@pytest.mark.filterwarnings("ignore:Resolved model mismatch")  # autogen-ext notices the alias: so it should
@pytest.mark.parametrize("failover", [False, True], ids=["direct", "failover"])
async def test_a_price_of_the_users_wins_over_the_list_price_of_the_served_name(
    fp: FakeProvider, monkeypatch: pytest.MonkeyPatch, failover: bool
) -> None:
    """A gateway alias ("my-llama") that reports a listed model as served is billed at the user's price."""
    from agentkit.testing import _fake_provider_answer as answer

    served = answer._served_openai_model
    monkeypatch.setattr(
        answer, "_served_openai_model", lambda m: "gpt-4o-mini-2024-07-18" if m == "my-llama" else served(m)
    )
    fp.script("gpt-4o", Fault.server_error(503))
    fp.script("my-llama", Reply.text("x", usage=(1_000_000, 0)))
    inner: ChatCompletionClient = fp.openai_client("my-llama")
    if failover:
        inner = FailoverChatCompletionClient([fp.openai_client("gpt-4o"), inner], max_attempts=1)
    ledger = UsageLedger()
    prices = {"my-llama": {"input_per_mtok": 5, "output_per_mtok": 5}}
    client = MeteredChatCompletionClient(inner, ledger=ledger, prices=prices)
    try:
        await client.create(MESSAGES)
    finally:
        await client.close()
    assert ledger.records[-1].cost_usd == Decimal(5)
