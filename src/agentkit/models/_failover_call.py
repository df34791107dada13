"""Per-call state of a failover call, shared by ``create``, streams and hedging."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import CreateResult, LLMMessage
from autogen_core.tools import Tool, ToolSchema
from opentelemetry import trace
from pydantic import BaseModel

from .._clock import Clock
from .._redaction import exception_attributes
from ._policy import ErrorClass, PolicyAction
from ._wire_tap import WireRecord

if TYPE_CHECKING:
    from ._failover_member import Member
    from ._routing import RequestShape
    from ._timers import StreamWatchdog

__all__ = ("Call", "Failure", "Opened", "aclose_quietly", "end_span", "fail_span", "outcome_of", "start_span")

_tracer = trace.get_tracer("agentkit")
_NO_TRACING = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)
_MISSING: Any = object()
_OTEL_FROM_ENV = "OTEL_PYTHON_TRACER_PROVIDER" in os.environ


class Failure:
    """How one member's turn ended when it did not answer."""

    __slots__ = ("action", "error", "error_class")

    def __init__(self, error: Exception, error_class: ErrorClass, action: PolicyAction) -> None:
        self.error = error
        self.error_class = error_class
        self.action = action


class Halt:
    """A flag a cancellation token sets (``token.add_callback(halt)``): a stream reads it between chunks.

    AutoGen's ``CancellationToken.is_cancelled()`` takes a lock (~0.3 µs); reading this flag costs one
    attribute load per chunk.
    """

    __slots__ = ("set",)

    def __init__(self) -> None:
        self.set = False

    def __call__(self) -> None:
        self.set = True


class Served:
    """A ``create`` attempt that answered, not yet recorded (a hedged race records only its winner)."""

    __slots__ = ("member", "result", "slot", "started")

    def __init__(self, member: Member, result: CreateResult, started: float, slot: WireRecord | None) -> None:
        self.member = member
        self.result = result
        self.started = started
        self.slot = slot


class Opened:
    """A stream whose first item arrived."""

    __slots__ = ("agen", "dog", "first", "member", "slot", "started")

    def __init__(
        self,
        member: Member,
        agen: AsyncGenerator[str | CreateResult, None],
        first: Any,
        dog: StreamWatchdog,
        started: float,
        slot: WireRecord | None,
    ) -> None:
        self.member = member
        self.agen = agen
        self.first = first
        self.dog = dog
        self.started = started
        self.slot = slot


class Call:
    """Per-call state: the request, when it started, its deadline, and what happened to each member."""

    __slots__ = (
        "attempts",
        "deadline",
        "errors",
        "extra",
        "halted",
        "json_output",
        "losers",
        "messages",
        "min_window",
        "recovering",
        "shape",
        "skipped",
        "span",
        "started",
        "stream",
        "token",
        "tool_choice",
        "tools",
    )

    def __init__(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Tool | Literal["auto", "required", "none"],
        json_output: bool | type[BaseModel] | None,
        extra: Mapping[str, Any],
        token: CancellationToken | None,
        stream: bool,
        clock: Clock,
        deadline_s: float | None,
    ) -> None:
        self.messages = messages
        self.tools = tools
        self.tool_choice = tool_choice
        self.json_output = json_output
        self.extra = extra
        self.token = token
        self.stream = stream
        started = self.started = clock.monotonic()
        self.deadline = None if deadline_s is None else started + deadline_s
        self.attempts = 0
        self.errors: list[tuple[str, Exception]] = []
        self.skipped: dict[str, str] = {}
        self.min_window: int | None = None
        self.losers: set[str] = set()
        self.recovering = False  # a broken stream is being recovered
        self.halted: Halt | None = None  # streams: set when the cancellation token is cancelled
        self.shape: RequestShape | None = None
        self.span: trace.Span | None = None


def outcome_of(action: PolicyAction) -> str:
    """The ``ModelAttemptEvent.outcome`` of a failed attempt handled with ``action``."""
    return "raise" if action is PolicyAction.RAISE else "failover"


async def aclose_quietly(agen: AsyncGenerator[Any, None]) -> None:
    """Close a member's stream after it failed (its own close error must not mask the failure)."""
    try:
        await agen.aclose()
    except Exception:  # the stream already failed; its close error adds nothing to that failure
        return


def start_span(name: str) -> trace.Span | None:
    """A span for one call, or ``None`` while no OpenTelemetry SDK is configured (the common, free case).

    ``trace.get_tracer_provider()`` reads the environment on every call, so the global provider is looked at
    directly when the installed opentelemetry-api has it (else spans are always started).
    """
    if isinstance(_tracer, trace.ProxyTracer) and not _OTEL_FROM_ENV:
        configured = getattr(trace, "_TRACER_PROVIDER", _MISSING)
        if configured is None or (configured is not _MISSING and isinstance(configured, _NO_TRACING)):
            return None
    return _tracer.start_span(name)


def fail_span(span: trace.Span | None, error: BaseException) -> None:
    """Mark a call's span failed, with the error's message and stack trace redacted."""
    if span is not None:
        span.record_exception(error, attributes=exception_attributes(error))
        span.set_status(trace.StatusCode.ERROR, type(error).__name__)


def end_span(span: trace.Span | None, call: Call) -> None:
    """End a call's span, noting how many attempts the call made."""
    if span is not None:
        span.set_attribute("agentkit.attempts", call.attempts)
        span.end()
