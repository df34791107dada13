"""The offline prompt-size scan behind routing and admission control: exact, and cheap on repeated tools."""

from __future__ import annotations

import json
from typing import Any

import pytest
from autogen_core import FunctionCall
from autogen_core.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import FunctionTool, Tool, ToolSchema
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit._tokens import scan_prompt


def _reference_bytes(messages: list[LLMMessage], tools: list[Tool | ToolSchema]) -> int:
    """The scan's definition, spelled out naively: every string encoded, every schema dumped."""
    size = 0
    for message in messages:
        content: Any = message.content
        parts = [content] if isinstance(content, str) else content
        for part in parts:
            if isinstance(part, str):
                size += len(part.encode("utf-8"))
            elif isinstance(part, FunctionCall):
                size += len((part.name + part.arguments).encode("utf-8"))
            elif isinstance(part, FunctionExecutionResult):
                size += len(part.content.encode("utf-8"))
    for tool in tools:
        schema = tool.schema if isinstance(tool, Tool) else tool
        size += len(json.dumps(schema, default=str).encode("utf-8"))
    return size


def get_weather(city: str, days: int = 3) -> str:
    """Forecast for a city."""
    return city * days


def get_time(zone: str) -> str:
    """Local time in a zone."""
    return zone


TOOLS: list[Tool | ToolSchema] = [
    FunctionTool(get_weather, description="Forecast for a city."),
    FunctionTool(get_time, description="Local time in a zone — überall."),
]


@settings(max_examples=200)
@given(texts=st.lists(st.text(max_size=40), max_size=6), with_tools=st.booleans())
def test_the_scan_counts_utf8_bytes_exactly_for_ascii_and_non_ascii_text(texts: list[str], with_tools: bool) -> None:
    messages: list[LLMMessage] = [SystemMessage(content="sys")]
    messages += [UserMessage(content=text, source="user") for text in texts]
    messages.append(
        AssistantMessage(content=[FunctionCall(id="1", name="get_time", arguments='{"zone":"ü"}')], source="a")
    )
    messages.append(
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(call_id="1", content="12:00 ☀", name="get_time")]
        )
    )
    tools = TOOLS if with_tools else []
    scan = scan_prompt(messages, tools)
    assert scan.text_bytes == _reference_bytes(messages, tools)
    assert scan.messages == len(messages)


def test_tool_objects_and_fresh_schema_dicts_are_measured_once_and_stay_exact() -> None:
    class CountingTool(FunctionTool):
        reads = 0

        @property
        def schema(self) -> ToolSchema:
            CountingTool.reads += 1
            return super().schema

    tool = CountingTool(get_weather, description="Forecast for a city.")
    messages: list[LLMMessage] = [UserMessage(content="hi", source="user")]
    first = scan_prompt(messages, [tool])
    for _ in range(5):
        assert scan_prompt(messages, [tool]) == first
    assert CountingTool.reads == 1  # the pydantic-built schema is read once, not on every call

    # A workbench hands out a fresh dict per call: the same tool is the same size.
    fresh = [dict(tool.schema) for _ in range(3)]
    sizes = {scan_prompt(messages, [schema]).text_bytes for schema in fresh}  # type: ignore[list-item]
    assert sizes == {first.text_bytes}

    # A different tool under another name is measured on its own.
    other = scan_prompt(messages, [TOOLS[1]])
    assert other.text_bytes == _reference_bytes(messages, [TOOLS[1]])


@pytest.mark.parametrize("name", [["not", "hashable"], None])
def test_a_schema_with_an_unusual_name_is_still_measured(name: Any) -> None:
    schema: Any = {"name": name, "description": "d", "parameters": {"type": "object", "properties": {"a": {}}}}
    messages: list[LLMMessage] = [UserMessage(content="hi", source="user")]
    assert scan_prompt(messages, [schema]).text_bytes == _reference_bytes(messages, [schema])
