"""The Anthropic messages wire format (``POST /v1/messages``) of the fake provider."""

from __future__ import annotations

import json
from typing import Any

from ._steps import Fault, Reply
from ._wire_common import PREFILL_REJECTED, Rendered, assistant_prefill, dumps, split_arguments, split_text

PREFILL_WHITESPACE = "messages: final assistant content cannot end with trailing whitespace"
"""What Anthropic's API answers, with HTTP 400, to a prefill that ends in whitespace."""

__all__ = ("error_response", "json_body", "prefill_text", "prompt_messages", "stream_frames")

_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use", "content_filter": "refusal"}


def prefill_text(body: dict[str, Any]) -> str | None:
    """The text of a trailing assistant message (a prefill the reply continues), if any."""
    return assistant_prefill(body)


def prompt_messages(body: dict[str, Any]) -> tuple[list[Any], Any]:
    """The messages (system prompt first) and tools that count as prompt."""
    messages = body.get("messages")
    found: list[Any] = list(messages) if isinstance(messages, list) else []
    if body.get("system"):
        found.insert(0, {"role": "system", "content": body["system"]})
    return found, body.get("tools")


def _input(arguments: str) -> Any:
    try:
        value = json.loads(arguments)
    except ValueError:
        return {"_raw": arguments}
    return value if isinstance(value, dict) else {"_value": value}


def _usage(prompt: int, completion: int, reply: Reply) -> dict[str, Any]:
    cached = min(reply.cached_tokens, prompt)
    return {
        "input_tokens": prompt - cached,
        "output_tokens": completion,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": cached,
    }


def _tool_id(seq: int, index: int) -> str:
    return f"toolu_fake{seq}_{index}"


def json_body(reply: Reply, model: str, seq: int, prompt: int, completion: int) -> bytes:
    """A ``message`` JSON body."""
    content: list[dict[str, Any]] = []
    if reply.content or not reply.calls:
        content.append({"type": "text", "text": reply.content})
    content.extend(
        {"type": "tool_use", "id": _tool_id(seq, i), "name": name, "input": _input(arguments)}
        for i, (name, arguments) in enumerate(reply.calls)
    )
    return dumps(
        {
            "id": f"msg_fake{seq}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": _STOP_REASONS.get(reply.finish_reason, "end_turn"),
            "stop_sequence": None,
            "usage": _usage(prompt, completion, reply),
        }
    )


def _event(name: str, data: dict[str, Any]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + dumps(data) + b"\n\n"


def stream_frames(reply: Reply, model: str, seq: int, prompt: int, completion: int, include_usage: bool) -> Rendered:
    """The SSE events of a messages stream (``include_usage`` is ignored: Anthropic always sends usage)."""
    del include_usage
    start_usage = _usage(prompt, 1, reply)
    rendered = Rendered(
        head=[
            _event(
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": f"msg_fake{seq}",
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": start_usage,
                    },
                },
            )
        ]
    )
    # Each content item is one delta; a block's start (and the ping) travel with its first delta and its
    # stop with its last, so cut_after / stall_after / malformed_at count deltas as they do for OpenAI.
    blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    if reply.content or not reply.calls:
        blocks.append(
            ({"type": "text", "text": ""}, [{"type": "text_delta", "text": p} for p in split_text(reply.content)])
        )
    blocks.extend(
        (
            {"type": "tool_use", "id": _tool_id(seq, number), "name": name, "input": {}},
            [{"type": "input_json_delta", "partial_json": p} for p in split_arguments(arguments)],
        )
        for number, (name, arguments) in enumerate(reply.calls)
    )
    for index, (block, deltas) in enumerate(blocks):
        start = _event("content_block_start", {"type": "content_block_start", "index": index, "content_block": block})
        if index == 0:
            start += _event("ping", {"type": "ping"})
        stop = _event("content_block_stop", {"type": "content_block_stop", "index": index})
        items = [
            _event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            for delta in deltas
        ]
        if not items:
            rendered.head.append(start + stop)
            continue
        items[0] = start + items[0]
        items[-1] = items[-1] + stop
        rendered.content.extend(items)
    rendered.tail = [
        _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": _STOP_REASONS.get(reply.finish_reason, "end_turn"), "stop_sequence": None},
                "usage": {"output_tokens": completion},
            },
        )
    ]
    rendered.terminator = _event("message_stop", {"type": "message_stop"})
    rendered.malformed = b'event: content_block_delta\ndata: {"type":"content_block_delta","index\n\n'
    return rendered


_STATUS_TYPES: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "Your API key does not have permission to use the specified resource."),
    404: ("not_found_error", "Not found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


def error_response(fault: Fault, model: str) -> tuple[int, bytes]:
    """Status and JSON body of an Anthropic error for ``fault``."""
    status = fault.http_status or 500
    kind = fault.kind
    if kind == "quota_exhausted":
        status, etype, message = (
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade "
            "or purchase credits.",
        )
    elif kind == "overloaded":
        status, etype, message = 529, "overloaded_error", "Overloaded"
    elif kind == "context_length_exceeded":
        etype, message = "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"
    elif kind == "content_filter":
        etype, message = "invalid_request_error", "Output blocked by content filtering policy"
    elif kind == "invalid_api_key":
        etype, message = "authentication_error", "invalid x-api-key"
    elif kind == "model_not_found":
        etype, message = "not_found_error", f"model: {model}"
    elif kind == "prefill_rejected":
        etype, message = "invalid_request_error", PREFILL_REJECTED
    elif kind == "prefill_whitespace":
        etype, message = "invalid_request_error", PREFILL_WHITESPACE
    elif status in _STATUS_TYPES:
        etype, message = _STATUS_TYPES[status]
    else:
        etype, message = ("api_error", "Internal server error") if status >= 500 else ("invalid_request_error", "Error")
    return status, dumps({"type": "error", "error": {"type": etype, "message": message}})
