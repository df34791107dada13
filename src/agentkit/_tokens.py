"""Offline prompt-size estimates, shared by routing (context-window checks) and admission control.

No tokenizer is loaded: real clients' ``count_tokens`` download tiktoken encodings on first use, and
agentkit's default paths must work offline. The estimate reads UTF-8 bytes, not characters, so
non-Latin text is not underestimated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autogen_core.models import LLMMessage
from autogen_core.tools import Tool, ToolSchema

__all__ = ("PromptScan", "estimate_prompt_tokens", "scan_prompt")


@dataclass(frozen=True, slots=True)
class PromptScan:
    """The size of a prompt, before it is turned into a token estimate."""

    text_bytes: int
    messages: int
    images: int


def scan_prompt(messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema] = ()) -> PromptScan:
    """Measure the text (messages, tool calls and results, tool schemas), messages and images of a prompt."""
    size = 0
    images = 0
    for message in messages:
        content: Any = message.content
        if isinstance(content, str):
            size += len(content.encode("utf-8"))
            continue
        for part in content:
            if isinstance(part, str):
                size += len(part.encode("utf-8"))
            elif hasattr(part, "arguments"):  # FunctionCall
                size += len(f"{getattr(part, 'name', '')}{getattr(part, 'arguments', '')}".encode())
            elif isinstance(getattr(part, "content", None), str):  # FunctionExecutionResult
                size += len(part.content.encode("utf-8"))
            else:  # an Image
                images += 1
    for tool in tools:
        schema = tool if isinstance(tool, Mapping) else tool.schema
        size += len(json.dumps(schema, default=str).encode("utf-8"))
    return PromptScan(text_bytes=size, messages=len(messages), images=images)


def estimate_prompt_tokens(
    scan: PromptScan, *, bytes_per_token: int = 4, tokens_per_message: int = 4, tokens_per_image: int = 765
) -> int:
    """Turn a :class:`PromptScan` into tokens: one per started ``bytes_per_token`` bytes, plus overheads."""
    return -(-scan.text_bytes // bytes_per_token) + tokens_per_message * scan.messages + tokens_per_image * scan.images
