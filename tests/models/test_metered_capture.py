"""The metered client reads the usage details AutoGen drops off the wire, without touching AutoGen's event logger."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from autogen_core import EVENT_LOGGER_NAME
from autogen_core.models import UserMessage

from agentkit.models import MeteredChatCompletionClient
from agentkit.models._wire_tap import usage_details
from agentkit.testing import FakeProvider, Reply
from agentkit.usage import UsageLedger


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest_asyncio.fixture
async def fp() -> AsyncIterator[FakeProvider]:
    async with FakeProvider() as provider:
        yield provider


async def _call(fp: FakeProvider, ledger: UsageLedger) -> None:
    fp.script("gpt-4o", Reply.text("ok", usage=(100, 10), cached_tokens=40, reasoning_tokens=4))
    inner = fp.openai_client("gpt-4o")
    client = MeteredChatCompletionClient(inner, ledger=ledger)
    await client.create([UserMessage(content="hi", source="user")])
    await client.close()


async def test_details_captured_and_hidden_from_handlers(fp: FakeProvider) -> None:
    events = logging.getLogger(EVENT_LOGGER_NAME)
    collect = _Collect()
    logging.getLogger().addHandler(collect)
    try:
        ledger = UsageLedger()
        await _call(fp, ledger)
    finally:
        logging.getLogger().removeHandler(collect)
    (record,) = ledger.records
    assert (record.cached_input_tokens, record.reasoning_tokens) == (40, 4)
    if events.getEffectiveLevel() > logging.INFO:  # the capture leaves the logger alone: nothing new may show
        assert [r for r in collect.records if r.name == EVENT_LOGGER_NAME] == []
    assert events.level != logging.INFO - 1


async def test_a_level_you_set_shows_every_event(fp: FakeProvider, caplog: pytest.LogCaptureFixture) -> None:
    ledger = UsageLedger()
    with caplog.at_level(logging.INFO, logger=EVENT_LOGGER_NAME):
        await _call(fp, ledger)
    assert any(getattr(r.msg, "kwargs", {}).get("type") == "LLMCall" for r in caplog.records)
    assert ledger.records[0].cached_input_tokens == 40


def test_usage_details_shapes() -> None:
    from anthropic.types import Usage
    from openai.types import CompletionUsage

    anthropic = usage_details(
        "claude-haiku-4-5",
        Usage.model_validate(
            {"input_tokens": 10, "output_tokens": 3, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 20}
        ),
    )
    assert anthropic is not None
    assert (anthropic.prompt_tokens, anthropic.cached_input_tokens, anthropic.cache_write_tokens) == (130, 100, 20)
    openai = usage_details("gpt-4o", CompletionUsage(prompt_tokens=7, completion_tokens=2, total_tokens=9))
    assert openai is not None
    assert (openai.prompt_tokens, openai.cached_input_tokens, openai.reasoning_tokens) == (7, 0, 0)
    assert usage_details(3, None) is None
    unnamed = usage_details(3, CompletionUsage(prompt_tokens=1, completion_tokens=1, total_tokens=2))
    assert unnamed is not None
    assert unnamed.model is None


async def test_anthropic_stream_usage_with_cache_writes_is_read_off_the_events() -> None:
    """FakeProvider has no cache-write tokens to send, so feed the tap the SDK's own event types directly."""
    from anthropic.types import RawMessageDeltaEvent, RawMessageStartEvent, RawMessageStopEvent

    from agentkit.models import _wire_tap as wire

    usage = {"input_tokens": 100, "output_tokens": 1, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 900}
    message = {"id": "m", "type": "message", "role": "assistant", "model": "claude-haiku-4-5", "content": []}
    events = [
        RawMessageStartEvent.model_validate({"type": "message_start", "message": {**message, "usage": usage}}),
        RawMessageDeltaEvent.model_validate(
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 40}}
        ),
        RawMessageStopEvent.model_validate({"type": "message_stop"}),
    ]

    class SdkStream:
        def __init__(self) -> None:
            self._events = iter(events)

        async def __anext__(self) -> Any:
            try:
                return next(self._events)
            except StopIteration:
                raise StopAsyncIteration from None

    record, token = wire.open_record()
    try:
        seen = [event async for event in wire._AnthropicStream(SdkStream(), record)]
    finally:
        wire.close_record(record, token)
    assert seen == events  # passed through untouched
    details = record.details
    assert details is not None
    assert (details.prompt_tokens, details.cache_write_tokens, details.completion_tokens) == (1000, 900, 40)
    assert record.stop_reason == "end_turn"
    assert details.matches(100, 40)  # what AutoGen reports for this stream: uncached input, final output
