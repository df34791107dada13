"""The OpenAI chat-completions wire format (``POST /v1/chat/completions``) of the fake provider."""

from __future__ import annotations

from typing import Any

from ._steps import Fault, Reply
from ._wire_common import CREATED, PREFILL_REJECTED, Rendered, assistant_prefill, dumps, split_arguments, split_text

__all__ = ("error_response", "json_body", "prefill_text", "prompt_messages", "stream_frames")


def prefill_text(body: dict[str, Any]) -> str | None:
    """The text of a trailing assistant message (a prefill the reply continues), if any."""
    return assistant_prefill(body)


def prompt_messages(body: dict[str, Any]) -> tuple[list[Any], Any]:
    """The messages and tools that count as prompt."""
    messages = body.get("messages")
    return (messages if isinstance(messages, list) else []), body.get("tools")


def _usage(prompt: int, completion: int, reply: Reply) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": reply.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reply.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _call_id(seq: int, index: int) -> str:
    return f"call_fake{seq}_{index}"


def json_body(reply: Reply, model: str, seq: int, prompt: int, completion: int) -> bytes:
    """A ``chat.completion`` JSON body."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None, "refusal": None}
    if reply.calls:
        message["tool_calls"] = [
            {"id": _call_id(seq, i), "type": "function", "function": {"name": name, "arguments": arguments}}
            for i, (name, arguments) in enumerate(reply.calls)
        ]
    return dumps(
        {
            "id": f"chatcmpl-fake{seq}",
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_agentkit",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}],
            "usage": _usage(prompt, completion, reply),
        }
    )


def stream_frames(reply: Reply, model: str, seq: int, prompt: int, completion: int, include_usage: bool) -> Rendered:
    """The SSE frames of a ``chat.completion.chunk`` stream."""
    prefix = (
        b'data: {"id":"chatcmpl-fake%d","object":"chat.completion.chunk","created":%d,"model":%s,'
        b'"system_fingerprint":"fp_agentkit","choices":[{"index":0,"delta":' % (seq, CREATED, dumps(model))
    )
    suffix = b',"usage":null}\n\n' if include_usage else b"}\n\n"

    def frame(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        return prefix + dumps(delta) + b',"logprobs":null,"finish_reason":' + dumps(finish_reason) + b"}]" + suffix

    rendered = Rendered(head=[frame({"role": "assistant", "content": "", "refusal": None})])
    rendered.content = [frame({"content": piece}) for piece in split_text(reply.content)]
    for index, (name, arguments) in enumerate(reply.calls):
        header = frame(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": _call_id(seq, index),
                        "type": "function",
                        "function": {"name": name, "arguments": ""},
                    }
                ]
            }
        )
        pieces = [
            frame({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            for piece in split_arguments(arguments)
        ]
        pieces[0] = header + pieces[0]  # the call's header travels with its first argument fragment
        rendered.content.extend(pieces)
    rendered.tail = [frame({}, reply.finish_reason)]
    if include_usage:
        rendered.tail.append(
            b'data: {"id":"chatcmpl-fake%d","object":"chat.completion.chunk","created":%d,"model":%s,'
            b'"system_fingerprint":"fp_agentkit","choices":[],"usage":%s}\n\n'
            % (seq, CREATED, dumps(model), dumps(_usage(prompt, completion, reply)))
        )
    rendered.terminator = b"data: [DONE]\n\n"
    rendered.malformed = b'data: {"id":"chatcmpl-fake%d","choices":[{"index":0,"delta":{"content":"brok\n\n' % seq
    return rendered


_STATUS_DEFAULTS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: (
        "invalid_request_error",
        "unsupported_country_region_territory",
        "Country, region, or territory not supported.",
    ),
    404: ("invalid_request_error", "not_found", "Not found."),
    408: ("timeout", None, "Request timed out."),
    409: ("invalid_request_error", "conflict", "Conflict."),
    422: ("invalid_request_error", None, "Unprocessable entity."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached. Please try again later."),
    500: ("server_error", None, "The server had an error while processing your request. Sorry about that!"),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The server is overloaded or not ready yet."),
    504: ("server_error", None, "Gateway timeout."),
}


def error_response(fault: Fault, model: str) -> tuple[int, bytes]:
    """Status and JSON body of an OpenAI error for ``fault``."""
    status = fault.http_status or 500
    param: str | None = None
    kind = fault.kind
    if kind == "rate_limit":
        etype, code, message = (
            "requests",
            "rate_limit_exceeded",
            f"Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1. "
            "Please try again later.",
        )
    elif kind == "quota_exhausted":
        etype, code, message = (
            "insufficient_quota",
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
        )
    elif kind == "overloaded":
        status = 503
        etype, code, message = ("server_error", None, "The engine is currently overloaded, please try again later.")
    elif kind == "context_length_exceeded":
        param = "messages"
        etype, code, message = (
            "invalid_request_error",
            "context_length_exceeded",
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 "
            "tokens. Please reduce the length of the messages.",
        )
    elif kind == "content_filter":
        param = "prompt"
        etype, code, message = (
            "invalid_request_error",
            "content_filter",
            "The response was filtered due to the prompt triggering OpenAI's content management policy.",
        )
    elif kind == "invalid_api_key":
        etype, code, message = (
            "invalid_request_error",
            "invalid_api_key",
            "Incorrect API key provided: sk-fake***. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
        )
    elif kind == "prefill_rejected":
        param = "messages"
        etype, code, message = "invalid_request_error", None, PREFILL_REJECTED
    elif kind == "model_not_found":
        etype, code, message = (
            "invalid_request_error",
            "model_not_found",
            f"The model `{model}` does not exist or you do not have access to it.",
        )
    else:
        etype, code, message = _STATUS_DEFAULTS.get(
            status,
            ("server_error", None, "Server error.") if status >= 500 else ("invalid_request_error", None, "Error."),
        )
    return status, dumps({"error": {"message": message, "type": etype, "param": param, "code": code}})
