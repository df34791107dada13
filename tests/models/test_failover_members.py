"""How a member is resolved and reported: wrapped clients, its own time limits, who answered, refusal usage.

Real ``OpenAIChatCompletionClient`` / ``AnthropicChatCompletionClient`` members over HTTP against
``FakeProvider``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import openai
import pytest
import pytest_asyncio
from autogen_core import InMemoryStore
from autogen_core.models import ChatCompletionClient, CreateResult
from autogen_ext.models.cache import ChatCompletionCache

from agentkit.exceptions import ContentFilteredError
from agentkit.models import FailoverChatCompletionClient, FailoverMember, MeteredChatCompletionClient, answered_by
from agentkit.testing import FakeProvider, Fault, ManualClock, Reply
from agentkit.usage import UsageLedger

from ._failover_helpers import MESSAGES, answer


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_a_cached_anthropic_member_still_raises_its_refusal(fp: FakeProvider, stream: bool) -> None:
    """migrate wraps members in ChatCompletionCache (cache_seed): the refusal must still be told apart."""
    fp.always("claude-refuses", Fault.content_filter(as_finish_reason=True))
    cached = ChatCompletionCache(
        fp.anthropic_client("claude-refuses"), InMemoryStore[CreateResult | list[str | CreateResult]]()
    )
    client = FailoverChatCompletionClient([FailoverMember(cached, name="primary"), fp.openai_client("backup")])
    try:
        with pytest.raises(ContentFilteredError) as caught:
            await answer(client, stream)
    finally:
        await client.close()
    assert (caught.value.member, caught.value.stop_reason) == ("primary", "refusal")
    assert not fp.requests_for("backup")


async def test_a_cached_anthropic_refusal_is_still_a_refusal_when_replayed(fp: FakeProvider) -> None:
    """The cache answers the second call without a request: the refusal is told from the stored result."""
    fp.always("claude-refuses", Fault.content_filter(as_finish_reason=True))
    cached = ChatCompletionCache(
        fp.anthropic_client("claude-refuses"), InMemoryStore[CreateResult | list[str | CreateResult]]()
    )
    client = FailoverChatCompletionClient([cached, fp.openai_client("backup")])
    try:
        for _ in range(2):
            with pytest.raises(ContentFilteredError):
                await client.create(MESSAGES)
    finally:
        await client.close()
    assert len(fp.requests_for("claude-refuses")) == 1  # the second answer came from the cache
    assert client.member_names == ("claude-refuses", "backup")  # named after the model inside the cache


async def test_a_cached_openai_member_gets_no_sdk_retries_and_stream_usage(fp: FakeProvider) -> None:
    fp.script("gpt-4o", Fault.server_error(503), Reply.text("streamed", usage=(12, 3)))
    cached = ChatCompletionCache(
        fp.openai_client("gpt-4o", max_retries=2), InMemoryStore[CreateResult | list[str | CreateResult]]()
    )
    client = FailoverChatCompletionClient([cached], max_attempts=2, backoff_initial=0, backoff_jitter=0)
    try:
        result = await answer(client, stream=True)
    finally:
        await client.close()
    assert len(fp.requests_for("gpt-4o")) == 2  # one per failover attempt: the SDK's own retries are off
    assert fp.requests_for("gpt-4o")[-1].body["stream_options"] == {"include_usage": True}
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (12, 3)
    assert client.total_usage() == result.usage


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_a_members_own_attempt_timeout_bounds_its_first_chunk(fp: FakeProvider, stream: bool) -> None:
    """The client's first_token_timeout is for the other members; this one set its own limit."""
    fp.always("silent", Fault.hang())
    fp.always("backup", Reply.text("from the backup"))
    clock = ManualClock()
    silent = FailoverMember(fp.openai_client("silent", timeout=30), attempt_timeout=1)
    client = FailoverChatCompletionClient([silent, fp.openai_client("backup")], first_token_timeout=10, clock=clock)
    try:
        task = asyncio.ensure_future(answer(client, stream))
        await fp.wait_for_requests(1)
        await clock.advance(1)
        await fp.wait_until(lambda requests: any(r.model == "backup" for r in requests))  # at t=1, not t=10
        assert (await task).content == "from the backup"
    finally:
        await client.close()


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_answered_by_is_cleared_by_a_call_that_no_member_answered(fp: FakeProvider, stream: bool) -> None:
    fp.script("primary", Fault.invalid_api_key(), Fault.content_filter())
    client = FailoverChatCompletionClient([fp.openai_client("primary"), fp.openai_client("backup")])
    try:
        await answer(client, stream)
        who = answered_by()
        assert who is not None
        assert who.member == "backup"
        with pytest.raises(openai.BadRequestError):
            await answer(client, stream)
        assert answered_by() is None
    finally:
        await client.close()


@pytest.mark.filterwarnings("ignore:No text content or tool calls are available")  # autogen-ext, empty stream
@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_a_streamed_refusal_is_recorded_with_its_usage_like_create(fp: FakeProvider, api: str) -> None:
    fp.always("refuses", Reply.text("", finish_reason="content_filter", usage=(50, 0)))
    make = fp.openai_client if api == "openai" else fp.anthropic_client
    chain = FailoverChatCompletionClient([FailoverMember(make("refuses"), name="primary"), fp.openai_client("b")])
    ledger = UsageLedger()
    metered = MeteredChatCompletionClient(chain, ledger=ledger)
    try:
        for stream in (False, True):
            with pytest.raises(ContentFilteredError):
                await answer(metered, stream)
    finally:
        await metered.close()
    records = [(r.member, r.outcome, r.prompt_tokens, r.stream) for r in ledger.records]
    assert records == [("primary", "error", 50, False), ("primary", "error", 50, True)]


@pytest.mark.parametrize("metered", [False, True], ids=["bare", "metered"])
async def test_stream_options_of_the_callers_still_ask_for_usage(fp: FakeProvider, metered: bool) -> None:
    fp.always("gpt-4o", Reply.text("streamed", usage=(12, 3)))
    chain = FailoverChatCompletionClient([fp.openai_client("gpt-4o")])
    client: ChatCompletionClient = MeteredChatCompletionClient(chain) if metered else chain
    try:
        final = None
        async for item in client.create_stream(MESSAGES, extra_create_args={"stream_options": {}}):
            final = item
    finally:
        await client.close()
    assert fp.requests[-1].body["stream_options"] == {"include_usage": True}
    assert isinstance(final, CreateResult)
    assert (final.usage.prompt_tokens, final.usage.completion_tokens) == (12, 3)
