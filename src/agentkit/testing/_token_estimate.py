"""The offline token estimate the testing fakes report: no tokenizer, no download, the same count every run.

:func:`estimate_tokens` counts text; :func:`estimate_prompt_tokens` counts AutoGen messages and tools (the
:class:`~agentkit.testing.ScriptedChatCompletionClient` uses it; the fake provider counts its wire JSON with
the same rule, see ``_wire_common.message_tokens``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from autogen_core import FunctionCall
from autogen_core.models import LLMMessage
from autogen_core.tools import Tool, ToolSchema

__all__ = ("estimate_prompt_tokens", "estimate_tokens")


def estimate_tokens(text: str) -> int:
    """Deterministic, offline token estimate: one token per started 4 characters (0 for empty text)."""
    return (len(text) + 3) // 4


def estimate_prompt_tokens(messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema]) -> int:
    """Prompt estimate: per message 3 + :func:`estimate_tokens` of its text; tools by their JSON schema."""
    return sum(3 + estimate_tokens(_message_text(m)) for m in messages) + sum(
        estimate_tokens(_tool_text(t)) for t in tools
    )


def _message_text(message: LLMMessage) -> str:
    content: Any = getattr(message, "content", "")
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for item in content:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, FunctionCall):
            parts.append(item.name + item.arguments)
        elif hasattr(item, "content") and isinstance(item.content, str):
            parts.append(item.content)
        else:
            parts.append("[image]")
    return " ".join(parts)


def _tool_text(tool: Tool | ToolSchema) -> str:
    schema: Any = tool.schema if isinstance(tool, Tool) else tool
    return json.dumps(schema, sort_keys=True, default=str)
