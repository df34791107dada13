"""The wire tap: per client instance, never an SDK class; a no-op for clients nobody tapped and calls nobody records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from anthropic.resources.messages import AsyncMessages
from autogen_core.models import ChatCompletionClient, CreateResult, UserMessage
from openai import AsyncStream
from openai.resources.chat.completions import AsyncCompletions

from agentkit.exceptions import ContentFilteredError
from agentkit.models import FailoverChatCompletionClient, FailoverMember, MeteredChatCompletionClient
from agentkit.models import _wire_tap as wire
from agentkit.testing import FakeProvider, Fault, Reply
from agentkit.usage import UsageLedger

MESSAGES = [UserMessage(content="hi", source="user")]
SDK_MESSAGES = [{"role": "user", "content": "hi"}]


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


async def _use(client: ChatCompletionClient) -> list[CreateResult]:
    results = [await client.create(MESSAGES)]
    async for item in client.create_stream(MESSAGES):
        if isinstance(item, CreateResult):
            results.append(item)
    return results


def _is_sdk_own(function: Any, package: str) -> bool:
    """Defined in the SDK's own files (a wrapper copies ``__qualname__`` and ``__module__``, not ``__code__``)."""
    return package in Path(function.__code__.co_filename).parts and "agentkit" not in function.__code__.co_filename


async def test_no_sdk_class_is_patched_and_an_unrelated_client_is_unaffected(fp: FakeProvider) -> None:
    openai_create, anthropic_create = AsyncCompletions.__dict__["create"], AsyncMessages.__dict__["create"]
    fp.always("gpt-4o", Reply.text("ok", usage=(100, 10), cached_tokens=40))
    fp.always("claude-haiku-4-5", Reply.text("ok", usage=(100, 10), cached_tokens=60))
    ledger = UsageLedger()
    metered_openai = fp.openai_client("gpt-4o")
    anthropic = fp.anthropic_client("claude-haiku-4-5")
    failover_openai = fp.openai_client("gpt-4o")
    unrelated = fp.openai_client("gpt-4o")
    clients = [metered_openai, anthropic, failover_openai, unrelated]
    try:
        metered = MeteredChatCompletionClient(metered_openai, ledger=ledger)
        failover = FailoverChatCompletionClient([anthropic, failover_openai])
        await _use(metered)
        await _use(failover)
        await _use(MeteredChatCompletionClient(failover, ledger=ledger))

        # The SDK classes still have their own methods.
        assert AsyncCompletions.__dict__["create"] is openai_create
        assert AsyncMessages.__dict__["create"] is anthropic_create
        assert _is_sdk_own(AsyncCompletions.create, "openai")
        assert _is_sdk_own(AsyncMessages.create, "anthropic")
        # The tapped clients are the ones handed to agentkit, and the tap reads what AutoGen drops.
        assert [wire.is_tapped(c) for c in clients] == [True, True, True, False]
        assert [r.cached_input_tokens for r in ledger.records] == [40, 40, 60, 60]

        # The unrelated client: its SDK resource has no instance attribute, and even called while a record is
        # open (say, from inside a metered call), it notes nothing and hands back the SDK's own stream.
        resource: Any = unrelated._client.chat.completions
        assert "create" not in vars(resource)
        record, token = wire.open_record()
        try:
            assert len(await _use(unrelated)) == 2
            stream = await resource.create(model="gpt-4o", messages=SDK_MESSAGES, stream=True)
            assert type(stream) is AsyncStream
            async for _ in stream:
                pass
        finally:
            wire.close_record(record, token)
        assert (record.details, record.stop_reason) == (None, None)
    finally:
        for client in clients:
            await client.close()


async def test_tap_is_per_instance_idempotent_and_free_without_a_record(fp: FakeProvider) -> None:
    fp.always("gpt-4o", Reply.text("ok", usage=(100, 10), cached_tokens=40, reasoning_tokens=4))
    client, other = fp.openai_client("gpt-4o"), fp.openai_client("gpt-4o")
    try:
        assert wire.tap(client) == "openai"
        resource: Any = client._client.chat.completions
        tapped = vars(resource)["create"]
        assert wire.tap(client) == "openai"
        assert vars(resource)["create"] is tapped  # once
        assert not wire.is_tapped(other)
        assert wire.tap(object()) is None  # not an autogen-ext SDK client: left alone

        # No record open: the SDK's own stream, no per-chunk work.
        stream = await resource.create(model="gpt-4o", messages=SDK_MESSAGES, stream=True)
        assert type(stream) is AsyncStream
        plain = [chunk async for chunk in stream]

        record, token = wire.open_record()
        try:
            stream = await resource.create(
                model="gpt-4o", messages=SDK_MESSAGES, stream=True, stream_options={"include_usage": True}
            )
            assert type(stream) is not AsyncStream
            chunks = [chunk async for chunk in stream]
        finally:
            wire.close_record(record, token)
        assert [c.choices[0].delta.content for c in chunks if c.choices] == [
            c.choices[0].delta.content for c in plain if c.choices
        ]
        details = record.details
        assert details is not None
        assert details.model == "gpt-4o-2024-08-06"  # the snapshot that served it, not the name asked for
        assert (details.cached_input_tokens, details.reasoning_tokens) == (40, 4)
        assert details.matches(100, 10)
    finally:
        await client.close()
        await other.close()


async def test_concurrent_calls_each_read_their_own_answer(fp: FakeProvider) -> None:
    fp.always("gpt-4o", Reply.text("a", usage=(100, 10), cached_tokens=10))
    fp.always("gpt-4o-mini", Reply.text("b", usage=(200, 20), cached_tokens=150))
    inner = [fp.openai_client("gpt-4o"), fp.openai_client("gpt-4o-mini")]
    ledgers = [UsageLedger(), UsageLedger()]
    try:
        metered = [MeteredChatCompletionClient(c, ledger=ledger) for c, ledger in zip(inner, ledgers, strict=True)]

        async def stream(client: ChatCompletionClient) -> None:
            async for _ in client.create_stream(MESSAGES):
                pass

        async def create(client: ChatCompletionClient) -> None:
            await client.create(MESSAGES)

        await asyncio.gather(*(op(m) for _ in range(3) for m in metered for op in (stream, create)))
        assert {r.cached_input_tokens for r in ledgers[0].records} == {10}
        assert {r.cached_input_tokens for r in ledgers[1].records} == {150}
        assert len(ledgers[0].records) == len(ledgers[1].records) == 6
    finally:
        for client in inner:
            await client.close()


@pytest.mark.filterwarnings("ignore:No text content or tool calls are available")
async def test_nested_records_give_the_stop_reason_to_failover_and_usage_to_the_meter(fp: FakeProvider) -> None:
    fp.always("refuses", Fault.content_filter(as_finish_reason=True))
    fp.always("claude-haiku-4-5", Reply.text("fine", usage=(1000, 10), cached_tokens=900))
    members = [fp.anthropic_client("refuses"), fp.anthropic_client("claude-haiku-4-5")]
    ledger = UsageLedger()
    try:
        failover = FailoverChatCompletionClient(
            [FailoverMember(members[0], name="primary"), members[1]], error_policy={"content_filter": "failover"}
        )
        metered = MeteredChatCompletionClient(failover, ledger=ledger)
        results = await _use(metered)
        assert [r.content for r in results] == ["fine", "fine"]
        answered = [r for r in ledger.records if r.outcome == "ok"]
        assert [(r.prompt_tokens, r.cached_input_tokens) for r in answered] == [(1000, 900), (1000, 900)]
        strict = FailoverChatCompletionClient([members[0], members[1]])  # default policy: a refusal raises
        with pytest.raises(ContentFilteredError) as refused:
            await strict.create(MESSAGES)
        assert refused.value.stop_reason == "refusal"
        with pytest.raises(ContentFilteredError) as refused:  # a stream raises while it is consumed
            async for _ in strict.create_stream(MESSAGES):
                pass
        assert refused.value.stop_reason == "refusal"
    finally:
        for client in members:
            await client.close()
