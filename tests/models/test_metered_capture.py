"""The metered client reads AutoGen's LLMCallEvent without showing your log handlers anything new."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from autogen_core import EVENT_LOGGER_NAME
from autogen_core.models import UserMessage

from agentkit.models import MeteredChatCompletionClient
from agentkit.models._metered_capture import parse_response
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
    if events.level == logging.INFO - 1:  # the capture enabled the logger itself: nothing new may show
        assert [r for r in collect.records if r.name == EVENT_LOGGER_NAME] == []


async def test_a_level_you_set_shows_every_event(fp: FakeProvider, caplog: pytest.LogCaptureFixture) -> None:
    ledger = UsageLedger()
    with caplog.at_level(logging.INFO, logger=EVENT_LOGGER_NAME):
        await _call(fp, ledger)
    assert any(getattr(r.msg, "kwargs", {}).get("type") == "LLMCall" for r in caplog.records)
    assert ledger.records[0].cached_input_tokens == 40


def test_parse_response_shapes() -> None:
    anthropic = parse_response(
        {
            "model": "claude-haiku-4-5",
            "usage": {
                "input_tokens": 10,
                "output_tokens": 3,
                "cache_read_input_tokens": 100,
                "cache_creation_input_tokens": 20,
            },
        }
    )
    assert (anthropic.prompt_tokens, anthropic.cached_input_tokens, anthropic.cache_write_tokens) == (130, 100, 20)
    openai = parse_response({"model": "gpt-4o", "usage": {"prompt_tokens": 7, "completion_tokens": 2}})
    assert (openai.prompt_tokens, openai.cached_input_tokens, openai.reasoning_tokens) == (7, 0, 0)
    bare = parse_response({"model": 3})
    assert bare.model is None
    assert bare.prompt_tokens is None


async def test_anthropic_stream_usage_with_cache_writes_is_read_off_the_events() -> None:
    """FakeProvider has no cache-write tokens to send, so feed the tap the SDK's own event types directly."""
    from anthropic.types import RawMessageDeltaEvent, RawMessageStartEvent, RawMessageStopEvent

    from agentkit.models import _metered_capture as capture

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

    slot, token = capture.begin()
    try:
        seen = [event async for event in capture._AnthropicStream(SdkStream(), slot)]
    finally:
        capture.end(token)
    assert seen == events  # passed through untouched
    assert slot.response is not None
    details = capture.parse_response(slot.response)
    assert (details.prompt_tokens, details.cache_write_tokens, details.completion_tokens) == (1000, 900, 40)
    assert details.matches(100, 40)  # what AutoGen reports for this stream: uncached input, final output
