"""What a :class:`~agentkit.testing.FakeProvider` can be scripted to do: :class:`Reply` and :class:`Fault`."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Literal

from ..exceptions import ConfigurationError

__all__ = ("Fault", "FaultKind", "Reply", "Step")


def _seconds(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
        raise ConfigurationError(name, f"must be a number of seconds >= 0, got {value!r}.", "Pass e.g. 0.2.")
    return float(value)


def _index(value: int | None, name: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ConfigurationError(name, f"must be a chunk index >= 0 or None, got {value!r}.", "Pass e.g. 2.")
    return value


@dataclass(frozen=True)
class Reply:
    """A successful answer from the fake provider; build it with :meth:`text` or :meth:`tool_calls`.

    Streams are cut into one chunk per word (text) or per argument fragment (tool calls); the chunk
    indices used by ``cut_after`` / ``stall_after`` / ``malformed_at`` count those content chunks.

    Attributes:
        content: The answer text (``""`` for tool calls without text).
        calls: Tool calls as ``(name, arguments)`` pairs.
        usage: ``(prompt_tokens, completion_tokens)``; ``None`` derives them from the request (see docs).
        cached_tokens: Cached input tokens (OpenAI ``prompt_tokens_details.cached_tokens``, part of
            ``prompt_tokens``; Anthropic ``cache_read_input_tokens``, reported apart from ``input_tokens``).
        reasoning_tokens: Reasoning tokens (OpenAI ``completion_tokens_details.reasoning_tokens``, part of
            ``completion_tokens``; Anthropic has no such field and ignores it).
        first_token_delay: Seconds before the response headers (JSON) or the first content chunk (streams).
        chunk_delay: Seconds between stream chunks.
        finish_reason: OpenAI finish reason (``"stop"``, ``"length"``, ``"content_filter"``, ``"tool_calls"``);
            mapped to Anthropic's ``stop_reason`` (``end_turn``, ``max_tokens``, ``refusal``, ``tool_use``).
        cut_after: Streams only: close the connection after this many content chunks, with no terminator.
        stall_after: Streams only: send this many content chunks, then nothing more (until the client gives
            up or the provider stops).
        malformed_at: Streams only: replace content chunk number ``malformed_at`` (0-based) with invalid JSON.
        omit_done: Streams only: end the stream without OpenAI's ``data: [DONE]`` / Anthropic's ``message_stop``.
    """

    content: str = ""
    calls: tuple[tuple[str, str], ...] = ()
    usage: tuple[int, int] | None = None
    cached_tokens: int = 0
    reasoning_tokens: int = 0
    first_token_delay: float = 0.0
    chunk_delay: float = 0.0
    finish_reason: str = "stop"
    cut_after: int | None = None
    stall_after: int | None = None
    malformed_at: int | None = None
    omit_done: bool = False

    @classmethod
    def text(
        cls,
        content: str,
        *,
        usage: tuple[int, int] | None = None,
        cached_tokens: int = 0,
        reasoning_tokens: int = 0,
        first_token_delay: float = 0.0,
        chunk_delay: float = 0.0,
        finish_reason: Literal["stop", "length", "content_filter"] = "stop",
        cut_after: int | None = None,
        stall_after: int | None = None,
        malformed_at: int | None = None,
        omit_done: bool = False,
    ) -> Reply:
        """A text answer (see the class attributes for each option)."""
        if not isinstance(content, str):
            raise ConfigurationError("content", f"must be a str, got {type(content).__name__}.", "Pass text.")
        return cls._build(
            content=content,
            calls=(),
            usage=usage,
            cached_tokens=cached_tokens,
            reasoning_tokens=reasoning_tokens,
            first_token_delay=first_token_delay,
            chunk_delay=chunk_delay,
            finish_reason=finish_reason,
            cut_after=cut_after,
            stall_after=stall_after,
            malformed_at=malformed_at,
            omit_done=omit_done,
        )

    @classmethod
    def tool_calls(
        cls,
        calls: Sequence[tuple[str, Mapping[str, Any] | str]],
        *,
        content: str = "",
        usage: tuple[int, int] | None = None,
        cached_tokens: int = 0,
        first_token_delay: float = 0.0,
        chunk_delay: float = 0.0,
        cut_after: int | None = None,
        stall_after: int | None = None,
        malformed_at: int | None = None,
        omit_done: bool = False,
    ) -> Reply:
        """An answer that calls tools: ``[("get_weather", {"city": "Paris"}), ...]``.

        Arguments may be a mapping (JSON-encoded) or a raw string (sent as-is, e.g. to model invalid JSON).
        """
        if not isinstance(calls, (list, tuple)) or not calls:
            raise ConfigurationError("calls", "needs at least one (name, arguments) pair.", 'Pass [("f", {})].')
        encoded: list[tuple[str, str]] = []
        for position, call in enumerate(calls):
            if not (isinstance(call, tuple) and len(call) == 2 and isinstance(call[0], str) and call[0]):
                raise ConfigurationError(
                    f"calls[{position}]", f"must be a (name, arguments) pair, got {call!r}.", 'Pass ("f", {"a": 1}).'
                )
            name, arguments = call
            encoded.append((name, arguments if isinstance(arguments, str) else json.dumps(dict(arguments))))
        return cls._build(
            content=content,
            calls=tuple(encoded),
            usage=usage,
            cached_tokens=cached_tokens,
            reasoning_tokens=0,
            first_token_delay=first_token_delay,
            chunk_delay=chunk_delay,
            finish_reason="tool_calls",
            cut_after=cut_after,
            stall_after=stall_after,
            malformed_at=malformed_at,
            omit_done=omit_done,
        )

    @classmethod
    def _build(cls, **values: Any) -> Reply:
        usage = values["usage"]
        if usage is not None and not (
            isinstance(usage, tuple)
            and len(usage) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in usage)
        ):
            raise ConfigurationError("usage", f"must be (prompt_tokens, completion_tokens), got {usage!r}.", "")
        for name in ("cached_tokens", "reasoning_tokens"):
            if not isinstance(values[name], int) or values[name] < 0:
                raise ConfigurationError(name, f"must be an int >= 0, got {values[name]!r}.", "")
        for name in ("first_token_delay", "chunk_delay"):
            values[name] = _seconds(values[name], name)
        for name in ("cut_after", "stall_after", "malformed_at"):
            values[name] = _index(values[name], name)
        if values["finish_reason"] not in ("stop", "length", "content_filter", "tool_calls"):
            raise ConfigurationError(
                "finish_reason",
                f"unknown finish reason {values['finish_reason']!r}.",
                "Use stop/length/content_filter.",
            )
        return cls(**values)

    @property
    def streams_only(self) -> bool:
        """Whether this reply sets stream-only faults (cut, stall, malformed chunk, missing terminator)."""
        return (
            self.cut_after is not None
            or self.stall_after is not None
            or self.malformed_at is not None
            or self.omit_done
        )


FaultKind = Literal[
    "status",
    "rate_limit",
    "quota_exhausted",
    "server_error",
    "overloaded",
    "context_length_exceeded",
    "content_filter",
    "invalid_api_key",
    "model_not_found",
    "prefill_rejected",
    "prefill_whitespace",
    "connection_reset",
    "hang",
]
"""The kinds of :class:`Fault`."""


@dataclass(frozen=True)
class Fault:
    """A failure the fake provider injects; build it with one of the class methods.

    Error bodies are each provider's own (OpenAI ``{"error": {"message", "type", "param", "code"}}``,
    Anthropic ``{"type": "error", "error": {"type", "message"}}``) unless ``body`` is given.

    Attributes:
        kind: What fails.
        http_status: HTTP status (``None`` for connection-level faults).
        headers: Extra response headers.
        body: Replacement response body (a JSON-able value, or ``str`` / ``bytes`` sent raw); ``None`` = the
            provider's own error JSON.
        delay: Seconds before the failure is delivered.
        as_finish_reason: ``content_filter`` only: answer 200 with ``finish_reason="content_filter"``
            (Anthropic: ``stop_reason="refusal"``) instead of an error status.
    """

    kind: FaultKind
    http_status: int | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())
    body: Any = None
    delay: float = 0.0
    as_finish_reason: bool = False

    @classmethod
    def status(
        cls, code: int, *, headers: Mapping[str, str] | None = None, body: Any = None, delay: float = 0.0
    ) -> Fault:
        """Answer with HTTP status ``code`` (400-599) and the provider's error body for it (or ``body``)."""
        if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code <= 599:
            raise ConfigurationError("code", f"must be an HTTP error status 400-599, got {code!r}.", "Pass e.g. 503.")
        return cls("status", code, _headers(headers), body, _seconds(delay, "delay"))

    @classmethod
    def rate_limit(
        cls, retry_after: float | datetime | None = None, *, headers: Mapping[str, str] | None = None
    ) -> Fault:
        """429 rate limited; ``retry_after`` becomes a ``Retry-After`` header (seconds, or HTTP-date for datetimes)."""
        extra = dict(_headers(headers))
        if retry_after is not None:
            if isinstance(retry_after, datetime):
                moment = retry_after if retry_after.tzinfo else retry_after.replace(tzinfo=timezone.utc)
                extra["retry-after"] = format_datetime(moment.astimezone(timezone.utc), usegmt=True)
            else:
                seconds = _seconds(retry_after, "retry_after")
                extra["retry-after"] = str(int(seconds)) if seconds.is_integer() else repr(seconds)
        return cls("rate_limit", 429, tuple(extra.items()))

    @classmethod
    def quota_exhausted(cls) -> Fault:
        """Out of credit: OpenAI 429 ``insufficient_quota``; Anthropic 400 "credit balance is too low"."""
        return cls("quota_exhausted", 429)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx server error (500, 502, 503, 504, ...)."""
        if isinstance(status, bool) or not isinstance(status, int) or not 500 <= status <= 599:
            raise ConfigurationError("status", f"must be 500-599, got {status!r}.", "Pass e.g. 503.")
        return cls("server_error", status)

    @classmethod
    def overloaded(cls) -> Fault:
        """Provider overloaded: Anthropic 529 ``overloaded_error``; OpenAI 503 "engine is currently overloaded"."""
        return cls("overloaded", 529)

    @classmethod
    def context_length_exceeded(cls) -> Fault:
        """400: OpenAI code ``context_length_exceeded``; Anthropic "prompt is too long: N tokens > M maximum"."""
        return cls("context_length_exceeded", 400)

    @classmethod
    def content_filter(cls, *, as_finish_reason: bool = False) -> Fault:
        """Content policy: OpenAI 400 code ``content_filter``; Anthropic 400 "Output blocked by content filtering".

        With ``as_finish_reason=True`` the request succeeds (200) with an empty answer and
        ``finish_reason="content_filter"`` (Anthropic ``stop_reason="refusal"``).
        """
        return cls("content_filter", 200 if as_finish_reason else 400, as_finish_reason=as_finish_reason)

    @classmethod
    def invalid_api_key(cls) -> Fault:
        """401: OpenAI code ``invalid_api_key``; Anthropic ``authentication_error``."""
        return cls("invalid_api_key", 401)

    @classmethod
    def model_not_found(cls) -> Fault:
        """404: OpenAI code ``model_not_found``; Anthropic ``not_found_error``."""
        return cls("model_not_found", 404)

    @classmethod
    def prefill_rejected(cls) -> Fault:
        """400 ``invalid_request_error`` "This model does not support assistant message prefill. …".

        What Claude Sonnet 4.6, Opus 4.6 and later models answer (and proxies in front of them) when the
        conversation ends with an assistant message; see :meth:`FakeProvider.reject_prefill`.
        """
        return cls("prefill_rejected", 400)

    @classmethod
    def connection_reset(cls) -> Fault:
        """Reset the TCP connection (RST) after reading the request, before any response byte."""
        return cls("connection_reset")

    @classmethod
    def hang(cls) -> Fault:
        """Accept the request and never answer (released when the provider stops)."""
        return cls("hang")

    def retry_after_header(self) -> str | None:
        """The ``Retry-After`` header value this fault sends, if any."""
        for key, value in self.headers:
            if key.lower() == "retry-after":
                return value
        return None


def _headers(headers: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    pairs: list[tuple[str, str]] = []
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str) or "\n" in key + value or "\r" in key + value:
            raise ConfigurationError("headers", f"must map str to str without newlines, got {key!r}.", "")
        pairs.append((key.lower(), value))
    return tuple(pairs)


Step = Reply | Fault
"""One scripted answer of the fake provider."""
