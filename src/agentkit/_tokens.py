"""Offline prompt-size estimates, shared by routing (context-window checks) and admission control.

No tokenizer is loaded: real clients' ``count_tokens`` download tiktoken encodings on first use, and
agentkit's default paths must work offline. The estimate reads UTF-8 bytes, not characters, so
non-Latin text is not underestimated.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from autogen_core.models import LLMMessage
from autogen_core.tools import Tool, ToolSchema

__all__ = ("PromptScan", "estimate_prompt_tokens", "scan_prompt")


class PromptScan(NamedTuple):
    """The size of a prompt, before it is turned into a token estimate (a tuple: cheap to build per call)."""

    text_bytes: int
    messages: int
    images: int


_new_scan = tuple.__new__


def scan_prompt(messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema] = ()) -> PromptScan:
    """Measure the text (messages, tool calls and results, tool schemas), messages and images of a prompt.

    This runs on every call of a routing failover client and of a metered client with admission control, so
    it is kept cheap: an ASCII string's UTF-8 size is its length (``str.isascii`` is O(1) in CPython), and a
    tool's schema size is computed once per tool (see :func:`_tool_bytes`).
    """
    size = 0
    images = 0
    for message in messages:
        content: Any = message.content
        if isinstance(content, str):
            size += len(content) if content.isascii() else len(content.encode("utf-8"))
            continue
        for part in content:
            if isinstance(part, str):
                size += len(part) if part.isascii() else len(part.encode("utf-8"))
            elif hasattr(part, "arguments"):  # FunctionCall
                size += len(f"{getattr(part, 'name', '')}{getattr(part, 'arguments', '')}".encode())
            elif isinstance(getattr(part, "content", None), str):  # FunctionExecutionResult
                size += len(part.content.encode("utf-8"))
            else:  # an Image
                images += 1
    for tool in tools:
        size += _tool_bytes(tool)
    return _new_scan(PromptScan, (size, len(messages), images))  # PromptScan(size, ...) without its Python __new__


# A tool's schema size, computed once: AutoGen hands clients either ``Tool`` objects (whose ``schema`` property
# rebuilds the JSON schema through pydantic on every access, ~0.2 ms) or fresh ``ToolSchema`` dicts on every
# call (a workbench's ``list_tools()``). Tool objects are keyed weakly by identity; schema dicts by their
# name, description and parameter names (an estimate only: two tools sharing all three are the same size to
# within their parameter types' spelling).
_TOOL_SIZES: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
_SCHEMA_SIZES: dict[tuple[object, ...], int] = {}
_SCHEMA_CACHE_MAX = 1024


def _tool_bytes(tool: Tool | ToolSchema) -> int:
    if isinstance(tool, Mapping):
        parameters: Any = tool.get("parameters")
        properties: Any = parameters.get("properties") if isinstance(parameters, Mapping) else None
        try:
            key = (tool.get("name"), tool.get("description"), tuple(properties) if properties else ())
            cached = _SCHEMA_SIZES.get(key)
        except TypeError:  # an unhashable name or description: measure it every time
            return _schema_bytes(tool)
        if cached is None:
            if len(_SCHEMA_SIZES) >= _SCHEMA_CACHE_MAX:
                _SCHEMA_SIZES.clear()
            cached = _SCHEMA_SIZES[key] = _schema_bytes(tool)
        return cached
    try:
        cached = _TOOL_SIZES.get(tool)
    except TypeError:  # not weak-referenceable or not hashable
        return _schema_bytes(tool.schema)
    if cached is None:
        cached = _schema_bytes(tool.schema)
        with contextlib.suppress(TypeError):  # hashable but not weak-referenceable: measured every time
            _TOOL_SIZES[tool] = cached
    return cached


def _schema_bytes(schema: Mapping[str, Any] | ToolSchema) -> int:
    return len(json.dumps(schema, default=str).encode("utf-8"))


def estimate_prompt_tokens(
    scan: PromptScan, *, bytes_per_token: int = 4, tokens_per_message: int = 4, tokens_per_image: int = 765
) -> int:
    """Turn a :class:`PromptScan` into tokens: one per started ``bytes_per_token`` bytes, plus overheads."""
    return -(-scan.text_bytes // bytes_per_token) + tokens_per_message * scan.messages + tokens_per_image * scan.images
