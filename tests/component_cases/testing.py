"""Round-trip cases for agentkit.testing components."""

from __future__ import annotations

from typing import Any

import pytest
from autogen_core import FunctionCall
from autogen_core.models import ChatCompletionClient, CreateResult, RequestUsage, UserMessage

from agentkit.testing import Scripted, ScriptedChatCompletionClient

from . import ComponentCase

_TOOL_RESULT = CreateResult(
    finish_reason="function_calls",
    content=[FunctionCall(id="call_1", name="lookup", arguments='{"q": "x"}')],
    usage=RequestUsage(prompt_tokens=11, completion_tokens=7),
    cached=False,
)


def _build() -> ScriptedChatCompletionClient:
    return ScriptedChatCompletionClient(
        [
            "hello world",
            _TOOL_RESULT,
            TimeoutError("upstream slow"),
            Scripted("a b c", raises=ConnectionError("cut"), raise_after=2, usage=(9, 3)),
        ],
        model="scripted-x",
        model_info={
            "vision": False,
            "function_calling": True,
            "json_output": False,
            "structured_output": False,
            "family": "unknown",
        },
        when_exhausted="repeat_last",
    )


async def _drain(stream: Any, into: list[object]) -> None:
    async for chunk in stream:
        into.append(chunk)


async def _check(original: Any, loaded: Any) -> None:
    messages = [UserMessage(content="hi", source="user")]
    for client in (original, loaded):
        assert isinstance(client, ChatCompletionClient)
        assert client.model_info["vision"] is False
        first = await client.create(messages)
        assert first.content == "hello world"
        second = await client.create(messages)
        assert second.content == _TOOL_RESULT.content
        assert second.usage == RequestUsage(11, 7)
        with pytest.raises(TimeoutError, match="upstream slow"):
            await client.create(messages)
        chunks: list[object] = []
        with pytest.raises(ConnectionError, match="cut"):
            await _drain(client.create_stream(messages), chunks)
        assert chunks == ["a", " b"]


CASES = [ComponentCase("testing.ScriptedChatCompletionClient", _build, ChatCompletionClient, _check)]
