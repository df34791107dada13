"""Helpers shared by the fake provider's OpenAI and Anthropic wire formats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ._token_estimate import estimate_tokens

__all__ = (
    "CREATED",
    "PREFILL_REJECTED",
    "Rendered",
    "assistant_prefill",
    "continuation",
    "default_content",
    "dumps",
    "last_user_text",
    "message_tokens",
    "split_arguments",
    "split_text",
    "strings_in",
)

CREATED = 1767225600
"""The ``created`` timestamp of every fake response (2026-01-01T00:00:00Z): responses are deterministic."""

PREFILL_REJECTED = (
    "This model does not support assistant message prefill. The conversation must end with a user message."
)
"""What Anthropic's API (Claude Sonnet 4.6, Opus 4.6 and later) answers, with HTTP 400, to a prefill."""

_WORDS = re.compile(r"\s*\S+|\s+$")
_SKIP_KEYS = frozenset({"role", "type", "id", "name", "tool_call_id", "tool_use_id", "cache_control"})


def dumps(value: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def strings_in(value: Any, skip: frozenset[str] = _SKIP_KEYS) -> Iterator[str]:
    """Every string leaf of a JSON value, except under structural keys (role, type, name, ids)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from strings_in(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item, skip)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def message_tokens(messages: list[Any], tools: Any) -> int:
    """The default prompt-token count: per message 3 + estimate of its text; tools by their JSON."""
    total = sum(3 + estimate_tokens("".join(strings_in(m))) for m in messages)
    if tools:
        total += estimate_tokens(json.dumps(tools, sort_keys=True, separators=(",", ":")))
    return total


def last_user_text(body: dict[str, Any]) -> str:
    """Text of the last user message (both wire formats keep messages under ``messages``)."""
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                return " ".join(strings_in(message.get("content")))
    return ""


def default_content(model: str, last_user_text: str) -> str:
    """The default answer: ``"Fake answer from MODEL to: SNIPPET"`` (snippet = last user text, <= 60 chars)."""
    snippet = " ".join(last_user_text.split())
    if not snippet:
        return f"Fake answer from {model}."
    if len(snippet) > 60:
        snippet = snippet[:57] + "..."
    return f"Fake answer from {model} to: {snippet}"


def split_text(text: str) -> list[str]:
    """Stream pieces of a text: one per word, leading whitespace attached; joining them gives the text."""
    return _WORDS.findall(text)


def continuation(content: str, prefill: str) -> str:
    """What a model continuing the assistant ``prefill`` sends, when its whole answer would be ``content``.

    The rest of ``content`` when it begins with the prefill (trailing whitespace ignored, as the providers
    strip it), else the words of ``content`` after as many words as the prefill has.
    """
    stem = prefill.rstrip()
    if content.startswith(stem):
        return content[len(stem) :]
    return "".join(split_text(content)[len(split_text(stem)) :])


def assistant_prefill(body: dict[str, Any]) -> str | None:
    """The text of a trailing assistant message (both wire formats keep messages under ``messages``)."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return None
    last = messages[-1]
    if not isinstance(last, dict) or last.get("role") != "assistant":
        return None
    content = last.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text")
    return None


def split_arguments(arguments: str, size: int = 16) -> list[str]:
    """Stream pieces of a tool call's JSON arguments."""
    return [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]


@dataclass
class Rendered:
    """A stream ready to send: frames before, during and after the content, and the terminator.

    ``content`` frames are what ``cut_after`` / ``stall_after`` / ``malformed_at`` count.
    """

    head: list[bytes] = field(default_factory=list)
    content: list[bytes] = field(default_factory=list)
    tail: list[bytes] = field(default_factory=list)
    terminator: bytes = b""
    malformed: bytes = b""
