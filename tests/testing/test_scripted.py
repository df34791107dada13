"""ScriptedChatCompletionClient: results, streams, exceptions, latency on a ManualClock, usage, serialisation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import openai
import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_core import CancellationToken, ComponentModel, FunctionCall
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
)

from agentkit.exceptions import ConfigurationError
from agentkit.testing import (
    ManualClock,
    Scripted,
    ScriptedChatCompletionClient,
    ScriptExhaustedError,
    estimate_tokens,
)

MESSAGES = [UserMessage(content="hello there", source="user")]


async def _drain(stream: Any, into: list[Any]) -> None:
    async for item in stream:
        into.append(item)


async def test_text_results_with_estimated_usage() -> None:
    client = ScriptedChatCompletionClient(["first answer", "second"])
    first = await client.create(MESSAGES)
    assert first.content == "first answer"
    assert first.finish_reason == "stop"
    assert first.cached is False
    assert first.usage == RequestUsage(3 + estimate_tokens("hello there"), estimate_tokens("first answer"))
    second = await client.create(MESSAGES)
    assert client.total_usage() == RequestUsage(
        first.usage.prompt_tokens + second.usage.prompt_tokens,
        first.usage.completion_tokens + second.usage.completion_tokens,
    )
    assert client.actual_usage() == client.total_usage()


async def test_create_result_items_are_returned_as_copies() -> None:
    result = CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="c1", name="lookup", arguments="{}")],
        usage=RequestUsage(50, 5),
        cached=False,
    )
    client = ScriptedChatCompletionClient([result], when_exhausted="repeat_last")
    one = await client.create(MESSAGES)
    two = await client.create(MESSAGES)
    assert one == result
    assert two == result
    assert one is not result
    assert one is not two
    assert client.total_usage() == RequestUsage(100, 10)


async def test_exceptions_are_raised_and_recorded() -> None:
    client = ScriptedChatCompletionClient([TimeoutError("upstream slow"), "recovered"])
    with pytest.raises(TimeoutError, match="upstream slow"):
        await client.create(MESSAGES)
    assert (await client.create(MESSAGES)).content == "recovered"
    assert [c.outcome for c in client.calls] == ["TimeoutError", "ok"]
    assert [c.step for c in client.calls] == [0, 1]
    assert client.total_usage().prompt_tokens > 0  # only the successful call counted
    assert client.calls[0].messages == MESSAGES


async def test_latency_is_spent_on_the_injected_clock() -> None:
    clock = ManualClock()
    client = ScriptedChatCompletionClient(["fast default", Scripted("slow", latency=5.0)], latency=1.0, clock=clock)
    first = asyncio.ensure_future(client.create(MESSAGES))
    await clock.advance(0)
    assert clock.pending_sleepers == 1
    await clock.advance(0.9)
    assert not first.done()
    await clock.advance(0.1)
    assert (await first).content == "fast default"
    second = asyncio.ensure_future(client.create(MESSAGES))
    await clock.advance(0)
    await clock.advance(4.9)
    assert not second.done()
    await clock.advance(0.1)
    assert (await second).content == "slow"
    assert [c.started_at for c in client.calls] == [0.0, 1.0]


async def test_cancellation_token_cancels_scripted_latency() -> None:
    clock = ManualClock()
    client = ScriptedChatCompletionClient([Scripted("never", latency=10)], clock=clock)
    token = CancellationToken()
    call = asyncio.ensure_future(client.create(MESSAGES, cancellation_token=token))
    await clock.advance(0)
    token.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert client.calls[0].outcome == "CancelledError"
    assert client.total_usage() == RequestUsage(0, 0)


async def test_stream_yields_words_then_the_result() -> None:
    client = ScriptedChatCompletionClient(["one two  three"])
    items: list[Any] = []
    await _drain(client.create_stream(MESSAGES), items)
    assert items[:-1] == ["one", " two", "  three"]
    assert isinstance(items[-1], CreateResult)
    assert items[-1].content == "one two  three"
    assert client.calls[0].stream is True


async def test_stream_custom_chunks_with_chunk_latency() -> None:
    clock = ManualClock()
    client = ScriptedChatCompletionClient([Scripted("abc", chunks=["a", "bc"], chunk_latency=2.0)], clock=clock)
    stream = client.create_stream(MESSAGES)
    assert await stream.__anext__() == "a"
    pending = asyncio.ensure_future(stream.__anext__())
    await clock.advance(0)
    await clock.advance(1.9)
    assert not pending.done()
    await clock.advance(0.1)
    assert await pending == "bc"
    final = await stream.__anext__()
    assert isinstance(final, CreateResult)
    assert final.content == "abc"


async def test_stream_fails_after_n_chunks() -> None:
    client = ScriptedChatCompletionClient([Scripted("a b c d", raises=ConnectionError("cut"), raise_after=2)])
    items: list[Any] = []
    with pytest.raises(ConnectionError, match="cut"):
        await _drain(client.create_stream(MESSAGES), items)
    assert items == ["a", " b"]
    assert client.calls[0].outcome == "ConnectionError"


async def test_stream_of_an_exception_raises_before_any_chunk() -> None:
    client = ScriptedChatCompletionClient([ValueError("bad request")])
    items: list[Any] = []
    with pytest.raises(ValueError, match="bad request"):
        await _drain(client.create_stream(MESSAGES), items)
    assert items == []


async def test_scripted_usage_overrides_the_estimate() -> None:
    client = ScriptedChatCompletionClient([Scripted("hi", usage=(1000, 2))])
    assert (await client.create(MESSAGES)).usage == RequestUsage(1000, 2)


async def test_exhaustion_modes() -> None:
    raising = ScriptedChatCompletionClient(["only"])
    await raising.create(MESSAGES)
    with pytest.raises(ScriptExhaustedError, match="exhausted after 1 step"):
        await raising.create(MESSAGES)
    cycling = ScriptedChatCompletionClient(["a", "b"], when_exhausted="cycle")
    assert [(await cycling.create(MESSAGES)).content for _ in range(5)] == ["a", "b", "a", "b", "a"]
    repeating = ScriptedChatCompletionClient(["a", "b"], when_exhausted="repeat_last")
    assert [(await repeating.create(MESSAGES)).content for _ in range(3)] == ["a", "b", "b"]
    repeating.reset()
    assert repeating.calls == []
    assert repeating.total_usage() == RequestUsage(0, 0)
    assert (await repeating.create(MESSAGES)).content == "a"
    repeating.extend("c")
    assert repeating.remaining_steps == 2


def test_count_tokens_is_offline_and_deterministic() -> None:
    client = ScriptedChatCompletionClient([], token_limit=1000)
    messages: list[LLMMessage] = [SystemMessage(content="Be brief."), UserMessage(content="hello there", source="user")]
    expected = (3 + estimate_tokens("Be brief.")) + (3 + estimate_tokens("hello there"))
    assert client.count_tokens(messages) == expected
    assert client.remaining_tokens(messages) == 1000 - expected


def test_default_model_info_declares_every_capability() -> None:
    client = ScriptedChatCompletionClient([])
    info = client.model_info
    assert [info["function_calling"], info["vision"], info["json_output"], info["structured_output"]] == [True] * 4
    assert info["family"] == "unknown"
    assert client.capabilities == {"vision": True, "function_calling": True, "json_output": True}
    assert client.model == "scripted-model"
    assert "scripted-model" in repr(client)


def test_custom_model_info_is_enforced_by_autogen() -> None:
    client = ScriptedChatCompletionClient(
        [],
        model_info={
            "vision": False,
            "function_calling": False,
            "json_output": False,
            "family": "unknown",
            "structured_output": False,
        },
    )

    def tool() -> str:
        """A tool."""
        return "x"

    with pytest.raises(ValueError, match="function calling"):
        AssistantAgent("a", model_client=client, tools=[tool])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"script": "hello"}, "script"),
        ({"script": [42]}, "script[0]"),
        ({"script": ["x"], "latency": -1}, "latency"),
        ({"script": [], "when_exhausted": "cycle"}, "script"),
        ({"script": ["x"], "when_exhausted": "forever"}, "when_exhausted"),
        ({"script": ["x"], "model_info": {"vision": True}}, "model_info"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ScriptedChatCompletionClient(**kwargs)
    assert caught.value.field == field


def test_bad_scripted_steps_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="result or an exception"):
        Scripted()
    with pytest.raises(ConfigurationError, match="raise_after"):
        Scripted("x", raise_after=1)
    with pytest.raises(ConfigurationError, match="concatenate"):
        Scripted("abc", chunks=["a", "b"])


async def test_sdk_errors_round_trip_through_json() -> None:
    request = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    response = httpx2.Response(429, headers={"retry-after": "3"}, request=request)
    error = openai.RateLimitError("Rate limited", response=response, body={"code": "rate_limit_exceeded"})
    client = ScriptedChatCompletionClient([error, KeyError("missing")])
    dumped = json.loads(client.dump_component().model_dump_json())
    assert dumped["config"]["script"][0]["error"]["type"] == "openai.RateLimitError"
    loaded = ChatCompletionClient.load_component(ComponentModel.model_validate(dumped))
    with pytest.raises(openai.RateLimitError) as caught:
        await loaded.create(MESSAGES)
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "3"
    with pytest.raises(KeyError, match="missing"):
        await loaded.create(MESSAGES)


def test_unserialisable_exceptions_are_reported_at_dump_time() -> None:
    class NeedsTwo(Exception):
        def __init__(self, a: str, b: str) -> None:
            super().__init__(f"{a}/{b}")

    client = ScriptedChatCompletionClient([NeedsTwo("x", "y")])
    with pytest.raises(ConfigurationError, match=r"script\[0\]"):
        client.dump_component()
