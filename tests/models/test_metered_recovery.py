"""What a metered call through a failover client costs when its answer took more than one attempt.

A recovered stream's cut-off attempts are billed apart, each as its own member's model with the usage details
its wire reported; hedged racers never mix their usage details. Real autogen-ext clients over HTTP against
``FakeProvider``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from autogen_core.models import ChatCompletionClient, CreateResult, UserMessage

from agentkit.models import FailoverChatCompletionClient, MeteredChatCompletionClient
from agentkit.models._wire_tap import UsageDetails, _note, close_record, open_record
from agentkit.pricing import PriceTable
from agentkit.testing import FakeProvider, Reply
from agentkit.usage import UsageLedger

MESSAGES = [UserMessage(content="Count to six.", source="user")]
TEXT = "one two three four five six"


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


async def streamed(members: list[ChatCompletionClient]) -> tuple[CreateResult, UsageLedger]:
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(FailoverChatCompletionClient(members, max_attempts=1), ledger=ledger)
    final = None
    async for item in client.create_stream(MESSAGES):
        if isinstance(item, CreateResult):
            final = item
    await client.close()
    assert final is not None
    return final, ledger


def billed(ledger: UsageLedger) -> list[tuple[str, str | None, int, int, int]]:
    return [
        (r.model, r.member, r.prompt_tokens, r.cached_input_tokens, r.completion_tokens)
        for r in ledger.records
        if r.billed
    ]


async def test_a_continued_anthropic_stream_bills_each_attempt_with_its_cache_reads(fp: FakeProvider) -> None:
    fp.script("claude-sonnet-4-5", Reply.text(TEXT, usage=(10000, 60), cached_tokens=9000, cut_after=2))
    fp.script("claude-haiku-4-5", Reply.text(TEXT, usage=(10010, 40), cached_tokens=9000))
    final, ledger = await streamed([fp.anthropic_client("claude-sonnet-4-5"), fp.anthropic_client("claude-haiku-4-5")])
    assert final.content == TEXT
    first, second = billed(ledger)
    # The cut attempt: message_start's input (1,000 uncached + 9,000 read), output estimated from its text.
    assert first[:4] == ("claude-sonnet-4-5", "claude-sonnet-4-5", 10000, 9000)
    assert second == ("claude-haiku-4-5", "claude-haiku-4-5", 10010, 9000, 40)
    prices = PriceTable()
    expected = [
        prices.cost(model, prompt_tokens=p, completion_tokens=c, cached_input_tokens=read)
        for model, _, p, read, c in (first, second)
    ]
    assert [r.cost_usd for r in ledger.records if r.billed] == expected
    # AutoGen's usage still sums every attempt (in its counting: Anthropic input excludes cache reads).
    assert final.usage.prompt_tokens == 1000 + 1010


@pytest.mark.filterwarnings("ignore::agentkit.pricing.UnpricedModelWarning")
@pytest.mark.parametrize(("cut", "answers"), [("gpt-4o", "my-llama"), ("my-llama", "gpt-4o")])
async def test_each_attempt_is_priced_as_its_own_model(fp: FakeProvider, cut: str, answers: str) -> None:
    """An unpriced member's tokens are never charged at a priced member's price, nor the other way round."""
    fp.script(cut, Reply.text(TEXT, usage=(10000, 60), cut_after=2))
    fp.script(answers, Reply.text(TEXT, usage=(10000, 60), cached_tokens=9000))
    final, ledger = await streamed([fp.openai_client(cut), fp.openai_client(answers)])
    assert final.content == TEXT
    records = [r for r in ledger.records if r.billed]
    assert [r.model for r in records] == [cut, answers]
    assert records[1].cached_input_tokens == 9000  # the answer's own usage details, from its wire
    priced = {r.model: r.cost_usd for r in records}
    assert priced["my-llama"] is None
    gpt = next(r for r in records if r.model == "gpt-4o")
    assert priced["gpt-4o"] == PriceTable().cost(
        "gpt-4o",
        prompt_tokens=gpt.prompt_tokens,
        completion_tokens=gpt.completion_tokens,
        cached_input_tokens=gpt.cached_input_tokens,
    )
    totals = ledger.totals()
    assert (totals.cost_usd, totals.unpriced_requests) == (priced["gpt-4o"], 1)


def test_an_isolated_record_passes_its_details_on_only_when_published() -> None:
    """Hedged racers note into records of their own; only the winner's reaches the metered call's record."""
    details = UsageDetails("gpt-4o", 100, 10, 90, 0, 0, (100, 10))
    outer, outer_token = open_record()
    try:
        loser, token = open_record(True)
        _note(loser, UsageDetails("my-llama", 100, 10, 0, 0, 0, (100, 10)), "stop")
        close_record(loser, token)
        assert outer.details is None
        winner, token = open_record(True)
        _note(winner, details, "stop")
        close_record(winner, token)
        assert outer.details is None
        winner.publish()
        published: tuple[object, object] = (outer.details, outer.stop_reason)
        assert published == (details, "stop")
    finally:
        close_record(outer, outer_token)


@pytest.mark.filterwarnings("ignore::agentkit.pricing.UnpricedModelWarning")
async def test_a_recovered_answer_without_reported_usage_bills_its_text_once() -> None:
    """When the answering attempt reports no usage, its estimate leaves out the text earlier attempts billed."""
    from agentkit.testing import Scripted, ScriptedChatCompletionClient

    text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    cut = ScriptedChatCompletionClient(
        [Scripted(text, raises=ConnectionError("reset"), raise_after=6, usage=(0, 0))], model="first"
    )
    restart = ScriptedChatCompletionClient([Scripted(text, usage=(0, 0))], model="second")
    ledger = UsageLedger()
    client = MeteredChatCompletionClient(FailoverChatCompletionClient([cut, restart]), ledger=ledger)
    final = None
    async for item in client.create_stream(MESSAGES):
        final = item
    assert isinstance(final, CreateResult)
    assert final.content == text
    billed = [r for r in ledger.records if r.billed]
    assert [r.model for r in billed] == ["first", "second"]
    whole = -(-len(text.encode()) // 4)  # the metered client's estimate of the whole answer's output
    assert sum(r.completion_tokens for r in billed) == whole
