"""``FailoverChatCompletionClient``: one ``ChatCompletionClient`` over an ordered chain of members.

Retries with backoff, fails over by error class, guards streams, breaks circuits, routes by capability and
(opt-in) hedges. The happy path calls the first member directly: no retry machinery, no task, one timer
handle; everything else is built only once something fails.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncGenerator, Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any, Literal

from autogen_core import EVENT_LOGGER_NAME, CancellationToken, Component, ComponentModel
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from opentelemetry import trace
from pydantic import BaseModel, Field
from typing_extensions import Self

from .._callinfo import AnsweredBy, attempt_sink, set_answered_by
from .._clock import SYSTEM_CLOCK, Clock, SystemClock
from .._redaction import redact_component, reject_redacted
from .._utils import to_seconds
from ..events import ModelAttemptEvent, emit
from ..exceptions import (
    ConfigurationError,
    DeadlineExceededError,
    FailoverError,
    IncompleteStreamError,
    ModelClientError,
    NoEligibleMemberError,
)
from ..usage import CallRecord
from ._breaker import CircuitBreaker, CircuitState
from ._policy import (
    ErrorClass,
    PolicyAction,
    PolicyHook,
    classify_error,
    resolve_policy,
    retry_after_seconds,
)
from ._routing import (
    RequestShape,
    context_window_of,
    estimate_tokens,
    ineligibility,
    model_name_of,
    provider_of,
    shape_of,
)
from ._timers import StreamWatchdog, TimeoutScope

__all__ = (
    "FailoverChatCompletionClient",
    "FailoverChatCompletionClientConfig",
    "FailoverMember",
    "FailoverMemberConfig",
)

_tracer = trace.get_tracer("agentkit")
_NO_TRACING = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)
_MISSING: Any = object()
_event_logger = logging.getLogger(EVENT_LOGGER_NAME)
_NOT_HEALTH = frozenset({ErrorClass.CONTEXT_LENGTH, ErrorClass.CONTENT_FILTER, ErrorClass.BAD_REQUEST})
_SDK_PROVIDERS = ("openai", "anthropic")  # provider paths and AutoGen's short names of SDK-backed clients
_END: Any = object()

HedgePredicate = Callable[[Sequence[LLMMessage], Mapping[str, Any]], bool]
"""``(messages, extra_create_args) -> bool``: whether a request is safe to send twice."""


_OTEL_FROM_ENV = "OTEL_PYTHON_TRACER_PROVIDER" in os.environ


def _start_span(name: str) -> trace.Span | None:
    """A span for one call, or ``None`` while no OpenTelemetry SDK is configured (the common, free case).

    ``trace.get_tracer_provider()`` reads the environment on every call, so the global provider is looked at
    directly when the installed opentelemetry-api has it (else spans are always started).
    """
    if isinstance(_tracer, trace.ProxyTracer) and not _OTEL_FROM_ENV:
        configured = getattr(trace, "_TRACER_PROVIDER", _MISSING)
        if configured is None or (configured is not _MISSING and isinstance(configured, _NO_TRACING)):
            return None
    return _tracer.start_span(name)


class FailoverMemberConfig(BaseModel):
    """Serialised form of a :class:`FailoverMember` (``None`` fields inherit the client's defaults)."""

    client: ComponentModel
    name: str | None = None
    max_attempts: int | None = None
    attempt_timeout: float | None = None
    first_token_timeout: float | None = None
    stream_idle_timeout: float | None = None
    context_window: int | None = None
    disable_sdk_retries: bool = True


class FailoverMember:
    """A member client with its own settings, for :class:`FailoverChatCompletionClient`.

    Plain clients can be passed to the failover client directly; wrap one in ``FailoverMember`` to name it or
    to override a setting for it alone.

    Args:
        client: Any ``ChatCompletionClient`` (OpenAI, Azure, Anthropic, Ollama, agentkit's own…).
        name: Name used in events, errors and ``answered_by`` (default: the model name, made unique).
        max_attempts: Attempts on this member for retryable errors, first one included.
        attempt_timeout: Seconds one ``create`` attempt may take (streams: until the first chunk).
        first_token_timeout: Seconds a stream may take to produce its first chunk.
        stream_idle_timeout: Seconds a stream may stay silent between chunks.
        context_window: The model's context window in tokens (default: AutoGen's table for known
            OpenAI/Anthropic models, else unknown).
        disable_sdk_retries: For OpenAI/Azure/Anthropic members: set the SDK's own ``max_retries`` to 0 so its
            retries do not multiply with the failover client's, and the SDK's timeout to ``attempt_timeout``
            so the attempt timeout costs nothing per call (the client object is changed in place). Default
            ``True``; with ``False`` the SDK is left alone and agentkit's timer enforces the attempt timeout.
    """

    def __init__(
        self,
        client: ChatCompletionClient,
        *,
        name: str | None = None,
        max_attempts: int | None = None,
        attempt_timeout: float | timedelta | None = None,
        first_token_timeout: float | timedelta | None = None,
        stream_idle_timeout: float | timedelta | None = None,
        context_window: int | None = None,
        disable_sdk_retries: bool = True,
    ) -> None:
        if not isinstance(client, ChatCompletionClient):
            raise ConfigurationError(
                "members", f"expected a ChatCompletionClient, got {type(client).__name__}.", "Pass model clients."
            )
        if max_attempts is not None and (isinstance(max_attempts, bool) or max_attempts < 1):
            raise ConfigurationError("max_attempts", f"must be >= 1, got {max_attempts!r}.", "Use 1 for no retry.")
        if context_window is not None and context_window < 1:
            raise ConfigurationError("context_window", f"must be >= 1, got {context_window!r}.")
        self.client = client
        self.name = name
        self.max_attempts = max_attempts
        self.attempt_timeout = _opt_seconds(attempt_timeout, "attempt_timeout")
        self.first_token_timeout = _opt_seconds(first_token_timeout, "first_token_timeout")
        self.stream_idle_timeout = _opt_seconds(stream_idle_timeout, "stream_idle_timeout")
        self.context_window = context_window
        self.disable_sdk_retries = disable_sdk_retries

    def __repr__(self) -> str:
        return f"FailoverMember({type(self.client).__name__}, name={self.name!r})"


def _opt_seconds(value: float | timedelta | None, field: str) -> float | None:
    return None if value is None else to_seconds(value, field=field)


class _Member:
    """A member resolved against the client's defaults, with its breaker."""

    __slots__ = (
        "attempt_timeout",
        "breaker",
        "client",
        "context_window",
        "first_token_timeout",
        "info",
        "max_attempts",
        "model",
        "name",
        "provider",
        "spec",
        "stream_idle_timeout",
        "timer_first_token",
        "timer_timeout",
    )

    def __init__(self, spec: FailoverMember, name: str, owner: FailoverChatCompletionClient) -> None:
        self.spec = spec
        self.client = spec.client
        self.name = name
        self.model = model_name_of(spec.client)
        self.provider = provider_of(spec.client)
        self.max_attempts = spec.max_attempts if spec.max_attempts is not None else owner.max_attempts
        self.attempt_timeout = spec.attempt_timeout if spec.attempt_timeout is not None else owner.attempt_timeout
        first = spec.first_token_timeout if spec.first_token_timeout is not None else owner.first_token_timeout
        self.first_token_timeout = first if first is not None else self.attempt_timeout
        idle = spec.stream_idle_timeout
        self.stream_idle_timeout = idle if idle is not None else owner.stream_idle_timeout
        self.context_window = (
            spec.context_window if spec.context_window is not None else context_window_of(spec.client, self.model)
        )
        self.info: ModelInfo = spec.client.model_info
        # With the system clock, an SDK-backed member's attempt timeout is its SDK's own HTTP timeout (set here,
        # free per call); agentkit's timers then only run for the limits the SDK cannot enforce.
        sdk_timed = spec.disable_sdk_retries and _adopt_sdk(
            spec.client, self.attempt_timeout if isinstance(owner.clock, SystemClock) else None
        )
        self.timer_timeout = None if sdk_timed else self.attempt_timeout
        explicit_first = spec.first_token_timeout is not None or owner.first_token_timeout is not None
        self.timer_first_token = self.first_token_timeout if explicit_first or not sdk_timed else None
        self.breaker = CircuitBreaker(
            name, failure_threshold=owner.failure_threshold, cooldown_s=owner.cooldown, clock=owner.clock
        )


class _Failure:
    """How one member's turn ended when it did not answer."""

    __slots__ = ("action", "error", "error_class")

    def __init__(self, error: Exception, error_class: ErrorClass, action: PolicyAction) -> None:
        self.error = error
        self.error_class = error_class
        self.action = action


class _Opened:
    """A stream whose first item arrived."""

    __slots__ = ("agen", "dog", "first", "member", "started")

    def __init__(
        self,
        member: _Member,
        agen: AsyncGenerator[str | CreateResult, None],
        first: Any,
        dog: StreamWatchdog,
        started: float,
    ) -> None:
        self.member = member
        self.agen = agen
        self.first = first
        self.dog = dog
        self.started = started


class _Call:
    """Per-call state."""

    __slots__ = (
        "attempts",
        "deadline",
        "errors",
        "extra",
        "json_output",
        "losers",
        "messages",
        "min_window",
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
        started: float,
        deadline: float | None,
    ) -> None:
        self.messages = messages
        self.tools = tools
        self.tool_choice = tool_choice
        self.json_output = json_output
        self.extra = extra
        self.token = token
        self.stream = stream
        self.started = started
        self.deadline = deadline
        self.attempts = 0
        self.errors: list[tuple[str, Exception]] = []
        self.skipped: dict[str, str] = {}
        self.min_window: int | None = None
        self.losers: set[str] = set()
        self.shape: RequestShape | None = None
        self.span: trace.Span | None = None


class FailoverChatCompletionClientConfig(BaseModel):
    """Serialised form of :class:`FailoverChatCompletionClient`.

    ``clock``, ``policy`` (a callable) and ``hedge_if`` (a callable) are not serialised.
    """

    members: list[FailoverMemberConfig]
    max_attempts: int = 3
    attempt_timeout: float | None = 120.0
    first_token_timeout: float | None = None
    stream_idle_timeout: float | None = 60.0
    deadline: float | None = None
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    backoff_jitter: float = 0.5
    max_retry_after: float = 20.0
    error_policy: dict[str, str] = Field(default_factory=dict)
    failure_threshold: int = 5
    cooldown: float = 30.0
    hedge_after: float | None = None
    restart_incomplete_streams: bool = False
    route_by_capabilities: bool = True
    strict_stream_finish: bool = True
    token_counting: Literal["estimate", "primary"] = "estimate"


class FailoverChatCompletionClient(ChatCompletionClient, Component[FailoverChatCompletionClientConfig]):
    """A ``ChatCompletionClient`` that tries an ordered chain of member clients until one answers.

    Drop it in wherever AutoGen takes a ``model_client``. Each failure is classified by HTTP status and
    provider error code (:func:`~agentkit.models.classify_error`) and handled by the error policy: retry the
    same member with backoff and jitter, fail over to the next member, go to a member with a larger context
    window, or raise. Streams fail over freely until their first chunk reaches the caller; after that a
    cut, stalled or malformed stream raises :class:`~agentkit.exceptions.IncompleteStreamError` (or, opt-in,
    restarts on the next member). Each member has a circuit breaker; members whose ``model_info`` cannot
    serve a request are skipped. When every member fails, :class:`~agentkit.exceptions.FailoverError` holds
    every attempt's error, the primary's first.

    Example::

        client = FailoverChatCompletionClient(
            [OpenAIChatCompletionClient(model="gpt-4o"), AnthropicChatCompletionClient(model="claude-sonnet-4-0")],
            attempt_timeout=30,
        )

    Args:
        members: The member clients in order of preference (plain clients or :class:`FailoverMember`).
        max_attempts: Attempts per member for retryable errors, the first included (default 3).
        attempt_timeout: Seconds one ``create`` attempt may take; for streams, the default first-token limit.
            A member silent for this long is failed over at once, never retried. ``None``: no limit. For
            OpenAI/Azure/Anthropic members it is applied as the SDK's own (read) timeout.
        first_token_timeout: Seconds a stream may take to yield its first chunk (default: ``attempt_timeout``).
        stream_idle_timeout: Seconds a stream may stay silent between chunks (default 60). ``None``: no limit.
        deadline: Seconds for the whole call across the chain, retries and backoff included. ``None``: none.
        backoff_initial: First backoff in seconds (exponential, doubled per retry).
        backoff_max: Largest backoff in seconds.
        backoff_jitter: Up to this many seconds of random jitter added to each backoff.
        max_retry_after: Largest ``Retry-After`` honoured, in seconds (a longer one waits this long).
        error_policy: Overrides of the error policy table, ``{error_class: action}``,
            e.g. ``{"content_filter": "failover"}``.
        policy: A callable ``(error, error_class) -> action | None`` consulted before the table (not serialised).
        failure_threshold: Consecutive failed attempts that open a member's circuit (``0`` disables breakers).
        cooldown: Seconds a circuit stays open before a probe call is let through.
        hedge_after: Opt-in hedging: if the first member has not produced a first token (or a result) after
            this many seconds, the next member is raced against it; the first to answer wins, the other is
            cancelled. ``None`` (default) disables hedging.
        hedge_if: Which requests are safe to send twice (not serialised). Default: all except those with
            ``extra_create_args["store"]`` truthy.
        restart_incomplete_streams: Opt-in: when a stream breaks after its first chunk and no tool-call delta
            was seen, restart the request on the next member instead of raising ``IncompleteStreamError``.
        route_by_capabilities: Skip members whose ``model_info`` cannot serve a request (default ``True``).
        strict_stream_finish: Treat a stream whose final result has ``finish_reason == "unknown"`` as cut
            (the OpenAI client reports that when the connection closed before a finish reason arrived).
        token_counting: ``"estimate"`` (default, offline) or ``"primary"`` (the first member's own
            ``count_tokens``, which may download tiktoken encodings).
        clock: Where time is read and slept (tests inject ``ManualClock``; not serialised).
    """

    component_type = "model"
    component_version = 1
    component_config_schema = FailoverChatCompletionClientConfig
    component_provider_override = "agentkit.models.FailoverChatCompletionClient"

    def __init__(
        self,
        members: Sequence[ChatCompletionClient | FailoverMember],
        *,
        max_attempts: int = 3,
        attempt_timeout: float | timedelta | None = 120.0,
        first_token_timeout: float | timedelta | None = None,
        stream_idle_timeout: float | timedelta | None = 60.0,
        deadline: float | timedelta | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 8.0,
        backoff_jitter: float = 0.5,
        max_retry_after: float | timedelta = 20.0,
        error_policy: Mapping[str, str] | None = None,
        policy: PolicyHook | None = None,
        failure_threshold: int = 5,
        cooldown: float | timedelta = 30.0,
        hedge_after: float | timedelta | None = None,
        hedge_if: HedgePredicate | None = None,
        restart_incomplete_streams: bool = False,
        route_by_capabilities: bool = True,
        strict_stream_finish: bool = True,
        token_counting: Literal["estimate", "primary"] = "estimate",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if isinstance(members, (ChatCompletionClient, FailoverMember)) or not members:
            raise ConfigurationError(
                "members", "needs a non-empty sequence of model clients.", "Pass e.g. [primary, backup]."
            )
        if isinstance(max_attempts, bool) or max_attempts < 1:
            raise ConfigurationError("max_attempts", f"must be >= 1, got {max_attempts!r}.", "Use 1 for no retry.")
        if isinstance(failure_threshold, bool) or failure_threshold < 0:
            raise ConfigurationError("failure_threshold", f"must be >= 0, got {failure_threshold!r}.")
        for field_name, value in (("backoff_initial", backoff_initial), ("backoff_max", backoff_max)):
            to_seconds(value, field=field_name, allow_zero=True)
        to_seconds(backoff_jitter, field="backoff_jitter", allow_zero=True)
        if token_counting not in ("estimate", "primary"):
            raise ConfigurationError("token_counting", f"must be 'estimate' or 'primary', got {token_counting!r}.")
        self.clock = clock
        self.max_attempts = max_attempts
        self.attempt_timeout = _opt_seconds(attempt_timeout, "attempt_timeout")
        self.first_token_timeout = _opt_seconds(first_token_timeout, "first_token_timeout")
        self.stream_idle_timeout = _opt_seconds(stream_idle_timeout, "stream_idle_timeout")
        self.deadline = _opt_seconds(deadline, "deadline")
        self.backoff_initial = float(backoff_initial)
        self.backoff_max = float(backoff_max)
        self.backoff_jitter = float(backoff_jitter)
        self.max_retry_after = to_seconds(max_retry_after, field="max_retry_after", allow_zero=True)
        self.error_policy: dict[str, str] = {
            str(getattr(k, "value", k)): str(getattr(v, "value", v)) for k, v in (error_policy or {}).items()
        }
        self._policy_table = resolve_policy(self.error_policy)
        self._filter_fails_over = self._policy_table[ErrorClass.CONTENT_FILTER] is not PolicyAction.RAISE
        self.policy = policy
        self.failure_threshold = failure_threshold
        self.cooldown = to_seconds(cooldown, field="cooldown", allow_zero=True)
        self.hedge_after = _opt_seconds(hedge_after, "hedge_after")
        self.hedge_if = hedge_if
        self.restart_incomplete_streams = restart_incomplete_streams
        self.route_by_capabilities = route_by_capabilities
        self.strict_stream_finish = strict_stream_finish
        self.token_counting = token_counting
        self._members: list[_Member] = []
        used: set[str] = set()
        for index, item in enumerate(members):
            spec = item if isinstance(item, FailoverMember) else FailoverMember(item)
            name = spec.name or model_name_of(spec.client)
            if name == "unknown":
                name = f"member{index}"
            if name in used:
                if spec.name:
                    raise ConfigurationError(
                        f"members[{index}].name", f"{name!r} is used twice.", "Give every member a unique name."
                    )
                suffix = 2
                while f"{name}#{suffix}" in used:
                    suffix += 1
                name = f"{name}#{suffix}"
            used.add(name)
            self._members.append(_Member(spec, name, self))
        self._by_name = {m.name: m for m in self._members}
        self._total_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._actual_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._wait: Any = None  # tenacity wait strategy, built on the first retry
        self._model_info = _merged_info([m.info for m in self._members])

    # ------------------------------------------------------------------ observability

    @property
    def members(self) -> tuple[ChatCompletionClient, ...]:
        """The member clients, in order."""
        return tuple(m.client for m in self._members)

    @property
    def member_names(self) -> tuple[str, ...]:
        """The members' names, in order."""
        return tuple(m.name for m in self._members)

    def circuit_state(self, member: str | None = None) -> CircuitState | dict[str, CircuitState]:
        """A member's circuit state, or every member's (``{name: state}``) when ``member`` is ``None``."""
        if member is None:
            return {m.name: m.breaker.state for m in self._members}
        return self._member(member).breaker.state

    def breaker(self, member: str) -> CircuitBreaker:
        """The :class:`CircuitBreaker` of ``member`` (read its state, failures, cooldown; ``reset()`` it)."""
        return self._member(member).breaker

    def _member(self, name: str) -> _Member:
        try:
            return self._by_name[name]
        except KeyError:
            raise ConfigurationError(
                "member", f"no member named {name!r}.", f"Use one of {self.member_names}."
            ) from None

    # ------------------------------------------------------------------ policy

    def _decide(self, error: Exception) -> tuple[ErrorClass, PolicyAction]:
        error_class = classify_error(error)
        if self.policy is not None:
            chosen = self.policy(error, error_class)
            if chosen is not None:
                return error_class, PolicyAction(chosen)
        return error_class, self._policy_table[error_class]

    def _retry_wait(
        self, member: _Member, call: _Call, error: Exception, action: PolicyAction, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying ``member``, or ``None`` when it must not be retried."""
        if action is not PolicyAction.RETRY or attempt >= member.max_attempts:
            return None
        if member.breaker.state is CircuitState.OPEN:
            return None
        if call.token is not None and call.token.is_cancelled():
            return None
        if self._wait is None:
            from tenacity import wait_exponential, wait_random

            self._wait = wait_exponential(multiplier=self.backoff_initial, max=self.backoff_max) + wait_random(
                0, self.backoff_jitter
            )
        wait = float(self._wait(_RetryState(attempt)))
        asked = retry_after_seconds(error, now=self.clock.now())
        if asked is not None:
            wait = max(wait, min(asked, self.max_retry_after))
        if call.deadline is not None and self.clock.monotonic() + wait >= call.deadline:
            return None
        return wait

    # ------------------------------------------------------------------ planning

    def _plan(self, call: _Call) -> Iterator[_Member]:
        """Members to try for this call, in order, skipping (with a reason) those that cannot serve it."""
        eligible: list[_Member] = []
        if self.route_by_capabilities:
            shape = call.shape = shape_of(call.messages, call.tools, call.json_output)
            for m in self._members:
                reason = ineligibility(shape, m.info, m.context_window)
                if reason is None:
                    eligible.append(m)
                else:
                    call.skipped[m.name] = reason
            if not eligible:
                raise NoEligibleMemberError(call.skipped)
        else:
            eligible = self._members
        for m in eligible:
            if m.breaker.allows():
                break
        else:
            # Every circuit is open: rather than "nothing available", probe the one that recovers soonest.
            soonest = min(eligible, key=lambda m: m.breaker.open_until or 0.0)
            for m in eligible:
                if m is not soonest:
                    call.skipped[m.name] = "circuit open"
            self._check_continue(call)
            yield soonest
            return
        for m in eligible:
            if call.min_window is not None and (m.context_window is not None and m.context_window <= call.min_window):
                call.skipped[m.name] = f"context window {m.context_window} is not larger than {call.min_window}"
                continue
            if not m.breaker.allows():
                call.skipped[m.name] = "circuit open"
                continue
            if not self._check_continue(call):
                return
            yield m

    def _check_continue(self, call: _Call) -> bool:
        if call.token is not None and call.token.is_cancelled():
            raise asyncio.CancelledError()
        return call.deadline is None or self.clock.monotonic() < call.deadline

    def _after_failure(self, member: _Member, call: _Call, failure: _Failure) -> None:
        if failure.action is PolicyAction.RAISE:
            raise failure.error
        if failure.action is PolicyAction.FAILOVER_LARGER_CONTEXT:
            window = member.context_window
            if window is not None:
                call.min_window = max(window, call.min_window or 0)

    def _all_failed(self, call: _Call) -> FailoverError:
        errors = [e for _, e in call.errors]
        attempts = list(call.errors)
        deadline_passed = call.deadline is not None and self.clock.monotonic() >= call.deadline
        if deadline_passed:
            elapsed = self.clock.monotonic() - call.started
            late = DeadlineExceededError(
                f"failover deadline of {self.deadline:g}s passed", deadline_s=self.deadline, elapsed_s=elapsed
            )
            errors.append(late)
            attempts.append(("deadline", late))
        if not errors:
            reasons = call.skipped or {m.name: "not tried" for m in self._members}
            return FailoverError(
                "No member could be tried: " + "; ".join(f"{k}: {v}" for k, v in reasons.items()),
                [NoEligibleMemberError(reasons)],
                [("(all)", NoEligibleMemberError(reasons))],
            )
        tried = len({name for name, _ in call.errors})
        what = "the deadline passed" if deadline_passed else f"all {tried} member(s) tried failed"
        message = f"FailoverChatCompletionClient: {what} ({len(call.errors)} attempt(s))"
        if call.skipped:
            message += "; skipped: " + "; ".join(f"{k}: {v}" for k, v in call.skipped.items())
        return FailoverError(message, errors, attempts)

    # ------------------------------------------------------------------ accounting

    def _attempt_span(self, call: _Call, member: _Member, latency: float, attributes: dict[str, Any]) -> None:
        """A child span for one attempt, only when the call's span is recorded (free otherwise)."""
        if call.span is None or not call.span.is_recording():
            return
        end = time.time_ns()
        span = _tracer.start_span(
            f"agentkit.failover.attempt {member.name}",
            context=trace.set_span_in_context(call.span),
            attributes={f"agentkit.{k}": v for k, v in attributes.items()},
            start_time=end - int(latency * 1e9),
        )
        if attributes.get("error"):
            span.set_status(trace.StatusCode.ERROR, str(attributes["error"]))
        span.end(end_time=end)

    def _record_ok(self, member: _Member, call: _Call, result: CreateResult, started: float) -> None:
        member.breaker.record_success()
        if call.span is not None and call.span.is_recording():
            latency = self.clock.monotonic() - started
            call.span.set_attribute("agentkit.answered_by", member.name)
            attributes: dict[str, Any] = {
                "member": member.name,
                "model": member.model,
                "attempt": call.attempts,
                "outcome": "ok",
            }
            self._attempt_span(call, member, latency, attributes)
        usage = result.usage
        self._total_usage.prompt_tokens += usage.prompt_tokens
        self._total_usage.completion_tokens += usage.completion_tokens
        if not result.cached:
            self._actual_usage.prompt_tokens += usage.prompt_tokens
            self._actual_usage.completion_tokens += usage.completion_tokens
        set_answered_by(AnsweredBy(member.name, member.model, member.provider))
        if _event_logger.isEnabledFor(logging.INFO):
            emit(
                ModelAttemptEvent(
                    member=member.name,
                    model=member.model,
                    attempt=call.attempts,
                    outcome="ok",
                    error_class=None,
                    error=None,
                    latency_s=self.clock.monotonic() - started,
                    stream=call.stream,
                )
            )

    def _record_failed(
        self,
        member: _Member,
        call: _Call,
        error: BaseException,
        error_class: ErrorClass | None,
        outcome: str,
        started: float,
        usage: RequestUsage | None = None,
    ) -> None:
        latency = self.clock.monotonic() - started
        if isinstance(error, Exception):
            call.errors.append((member.name, error))
        emit(
            ModelAttemptEvent(
                member=member.name,
                model=member.model,
                attempt=call.attempts,
                outcome=outcome,
                error_class=None if error_class is None else error_class.value,
                error=type(error).__name__,
                latency_s=latency,
                stream=call.stream,
            )
        )
        if call.span is not None:
            attributes: dict[str, Any] = {
                "member": member.name,
                "model": member.model,
                "attempt": call.attempts,
                "outcome": outcome,
                "error_class": "" if error_class is None else error_class.value,
                "error": type(error).__name__,
            }
            call.span.add_event("agentkit.failover.attempt_failed", attributes)
            self._attempt_span(call, member, latency, attributes)
        sink = attempt_sink()
        if sink is not None:
            sink(
                CallRecord(
                    model=member.model,
                    provider=member.provider,
                    member=member.name,
                    prompt_tokens=usage.prompt_tokens if usage is not None else 0,
                    completion_tokens=usage.completion_tokens if usage is not None else 0,
                    latency_s=latency,
                    stream=call.stream,
                    outcome="cancelled" if outcome in ("cancelled", "hedge_lost") else "error",
                    error=type(error).__name__,
                )
            )

    def _health(self, member: _Member, error_class: ErrorClass) -> None:
        if error_class in _NOT_HEALTH:
            member.breaker.release()
        else:
            member.breaker.record_failure()

    # ------------------------------------------------------------------ create

    def _new_call(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: Tool | Literal["auto", "required", "none"],
        json_output: bool | type[BaseModel] | None,
        extra_create_args: Mapping[str, Any],
        cancellation_token: CancellationToken | None,
        stream: bool,
    ) -> _Call:
        started = self.clock.monotonic()
        deadline = None if self.deadline is None else started + self.deadline
        return _Call(
            messages, tools, tool_choice, json_output, extra_create_args, cancellation_token, stream, started, deadline
        )

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """Create a completion on the first member that can answer (see the class docstring)."""
        call = self._new_call(messages, tools, tool_choice, json_output, extra_create_args, cancellation_token, False)
        span = call.span = _start_span("agentkit.failover.create")
        try:
            plan = self._plan(call)
            if self._hedging(call):
                result = await self._create_hedged(call, plan)
                if result is not None:
                    return result
            for member in plan:
                outcome = await self._serve_create(member, call)
                if isinstance(outcome, _Failure):
                    self._after_failure(member, call, outcome)
                    continue
                return outcome
            raise self._all_failed(call)
        except BaseException as error:
            if span is not None:
                span.record_exception(error)
                span.set_status(trace.StatusCode.ERROR, type(error).__name__)
            raise
        finally:
            if span is not None:
                span.set_attribute("agentkit.attempts", call.attempts)
                span.end()

    async def _serve_create(self, member: _Member, call: _Call) -> CreateResult | _Failure:
        """One member's turn: the first attempt directly, retries with backoff only after a failure."""
        attempt = 0
        while True:
            attempt += 1
            call.attempts += 1
            started = self.clock.monotonic()
            member.breaker.begin()
            timeout = member.timer_timeout
            expires = None if timeout is None else started + timeout
            limit = "attempt_timeout"
            if call.deadline is not None and (expires is None or call.deadline < expires):
                expires, limit, timeout = call.deadline, "deadline", call.deadline - started
            try:
                with TimeoutScope(self.clock, expires, limit, timeout or 0.0):
                    result = await member.client.create(
                        call.messages,
                        tools=call.tools,
                        tool_choice=call.tool_choice,
                        json_output=call.json_output,
                        extra_create_args=call.extra,
                        cancellation_token=call.token,
                    )
            except Exception as error:
                error_class, action = self._decide(error)
                self._health(member, error_class)
                wait = self._retry_wait(member, call, error, action, attempt)
                outcome = "retry" if wait is not None else _outcome(action)
                self._record_failed(member, call, error, error_class, outcome, started)
                if wait is None:
                    return _Failure(
                        error, error_class, PolicyAction.FAILOVER if action is PolicyAction.RETRY else action
                    )
                await self.clock.sleep(wait)
                continue
            except BaseException as error:  # cancelled: stop here, start nothing else
                member.breaker.release()
                lost = member.name in call.losers
                self._record_failed(member, call, error, None, "hedge_lost" if lost else "cancelled", started)
                raise
            if result.finish_reason == "content_filter" and self._filter_fails_over:
                filtered = ModelClientError(f"{member.name} answered with finish_reason='content_filter'")
                member.breaker.release()
                self._record_failed(member, call, filtered, ErrorClass.CONTENT_FILTER, "failover", started)
                return _Failure(filtered, ErrorClass.CONTENT_FILTER, PolicyAction.FAILOVER)
            self._record_ok(member, call, result, started)
            return result

    # ------------------------------------------------------------------ hedging

    def _hedging(self, call: _Call) -> bool:
        if self.hedge_after is None or len(self._members) < 2:
            return False
        if call.extra.get("store"):
            return False
        return self.hedge_if is None or bool(self.hedge_if(call.messages, call.extra))

    async def _create_hedged(self, call: _Call, plan: Iterator[_Member]) -> CreateResult | None:
        """Race the first two members (the second only after ``hedge_after``); ``None`` to go on with the plan."""
        assert self.hedge_after is not None
        first = next(plan, None)
        if first is None:
            return None
        racers: dict[asyncio.Future[Any], _Member] = {asyncio.ensure_future(self._serve_create(first, call)): first}
        timer: asyncio.Future[Any] = asyncio.ensure_future(self.clock.sleep(self.hedge_after))
        try:
            done, _ = await asyncio.wait([*racers, timer], return_when=asyncio.FIRST_COMPLETED)
            if timer in done and not any(t in done for t in racers):
                second = next(plan, None)
                if second is not None:
                    racers[asyncio.ensure_future(self._serve_create(second, call))] = second
            pending = set(racers)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    outcome: CreateResult | _Failure = task.result()
                    if not isinstance(outcome, _Failure):
                        for other in pending:
                            call.losers.add(racers[other].name)
                            other.cancel()
                        await asyncio.gather(*pending, return_exceptions=True)
                        return outcome
                    self._after_failure(racers[task], call, outcome)
            return None
        finally:
            timer.cancel()
            for task in racers:
                if not task.done():
                    task.cancel()
            await asyncio.gather(*racers, return_exceptions=True)

    # ------------------------------------------------------------------ streams

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Stream a completion: chunks pass straight through; the streaming contract is in the class docstring."""
        call = self._new_call(messages, tools, tool_choice, json_output, extra_create_args, cancellation_token, True)
        span = call.span = _start_span("agentkit.failover.create_stream")
        try:
            plan = self._plan(call)
            opened: _Opened | None = None
            if self._hedging(call):
                opened = await self._open_hedged(call, plan)
            while True:
                if opened is None:
                    for member in plan:
                        outcome = await self._open_stream(member, call)
                        if isinstance(outcome, _Failure):
                            self._after_failure(member, call, outcome)
                            continue
                        opened = outcome
                        break
                    else:
                        raise self._all_failed(call)
                # Pass chunks straight through; only the watchdog runs per chunk.
                member, agen, dog, started = opened.member, opened.agen, opened.dog, opened.started
                chunk: Any = opened.first
                opened = None
                dog.passthrough()
                partial: list[str] = []
                result: CreateResult | None = None
                error: Exception | None = None
                tool_started = False
                finished = False
                try:
                    while True:
                        if type(chunk) is str:
                            partial.append(chunk)
                            yield chunk
                        elif isinstance(chunk, CreateResult):
                            result = chunk
                            break
                        elif chunk is _END:
                            error = IncompleteStreamError("the stream ended without a final result")
                            break
                        elif isinstance(chunk, str):
                            partial.append(chunk)
                            yield chunk
                        else:  # malformed: skipped (a tool-call-like delta forbids a restart)
                            tool_started = tool_started or hasattr(chunk, "arguments") or isinstance(chunk, Mapping)
                        dog.busy = True
                        try:
                            chunk = await agen.__anext__()
                        except StopAsyncIteration:
                            chunk = _END
                        except asyncio.CancelledError as cancelled:
                            timed_out = dog.check(cancelled)
                            if timed_out is None:
                                raise
                            error = timed_out
                            break
                        except Exception as failure:
                            error = failure
                            break
                        dog.busy = False
                        dog.count += 1
                    finished = True
                finally:
                    dog.close()
                    if not finished:  # cancelled or closed by the caller: stop the attempt in flight
                        member.breaker.release()
                        self._record_failed(member, call, asyncio.CancelledError(), None, "cancelled", started)
                    await agen.aclose()
                if result is not None and error is None:
                    if self.strict_stream_finish and result.finish_reason == "unknown":
                        error = IncompleteStreamError("the stream ended before a finish reason arrived")
                    elif result.finish_reason == "content_filter" and self._filter_fails_over:
                        error = ModelClientError(f"{member.name} answered with finish_reason='content_filter'")
                        if partial:
                            result = None  # the filtered text reached the caller: a broken stream
                    else:
                        self._record_ok(member, call, result, started)
                        yield result
                        return
                assert error is not None
                if not partial:
                    # Nothing reached the caller from this attempt: the ordinary failover rules apply.
                    error_class, action = self._decide(error)
                    self._health(member, error_class)
                    action = PolicyAction.FAILOVER if action is PolicyAction.RETRY else action
                    self._record_failed(member, call, error, error_class, _outcome(action), started)
                    self._after_failure(member, call, _Failure(error, error_class, action))
                    continue
                usage = result.usage if result is not None else self._partial_usage(call, partial)
                broken = IncompleteStreamError(
                    f"stream from {member.name} broke after {len(partial)} chunk(s): {type(error).__name__}: {error}",
                    partial_text="".join(partial),
                    usage=usage,
                    member=member.name,
                    model=member.model,
                    tool_call_started=tool_started,
                )
                broken.__cause__ = error
                member.breaker.record_failure()
                restart = self.restart_incomplete_streams and not tool_started
                self._record_failed(
                    member, call, broken, ErrorClass.STREAM_BROKEN, "failover" if restart else "raise", started, usage
                )
                if not restart:
                    raise broken
        except BaseException as error:
            if span is not None:
                span.record_exception(error)
                span.set_status(trace.StatusCode.ERROR, type(error).__name__)
            raise
        finally:
            if span is not None:
                span.set_attribute("agentkit.attempts", call.attempts)
                span.end()

    def _partial_usage(self, call: _Call, partial: list[str]) -> RequestUsage:
        prompt = call.shape.prompt_tokens if call.shape is not None else estimate_tokens(call.messages, call.tools)
        return RequestUsage(prompt_tokens=prompt, completion_tokens=sum(len(p) for p in partial) // 4)

    async def _open_stream(self, member: _Member, call: _Call) -> _Opened | _Failure:
        """Open a stream on ``member`` and wait for its first item (retrying with backoff only after failures)."""
        attempt = 0
        while True:
            attempt += 1
            call.attempts += 1
            started = self.clock.monotonic()
            member.breaker.begin()
            agen = member.client.create_stream(
                call.messages,
                tools=call.tools,
                tool_choice=call.tool_choice,
                json_output=call.json_output,
                extra_create_args=call.extra,
                cancellation_token=call.token,
            )
            dog = StreamWatchdog(self.clock, member.timer_first_token, member.stream_idle_timeout, call.deadline)
            dog.waiting()
            error: Exception
            try:
                first = await agen.__anext__()
            except StopAsyncIteration:
                error = IncompleteStreamError("the stream ended before its first chunk")
            except asyncio.CancelledError as cancelled:
                timed_out = dog.check(cancelled)
                if timed_out is None:
                    dog.close()
                    member.breaker.release()
                    lost = member.name in call.losers
                    self._record_failed(member, call, cancelled, None, "hedge_lost" if lost else "cancelled", started)
                    await _aclose_quietly(agen)
                    raise
                error = timed_out
            except Exception as failure:
                error = failure
            else:
                dog.arrived()
                return _Opened(member, agen, first, dog, started)
            dog.close()
            await _aclose_quietly(agen)
            error_class, action = self._decide(error)
            self._health(member, error_class)
            wait = self._retry_wait(member, call, error, action, attempt)
            outcome = "retry" if wait is not None else _outcome(action)
            self._record_failed(member, call, error, error_class, outcome, started)
            if wait is None:
                return _Failure(error, error_class, PolicyAction.FAILOVER if action is PolicyAction.RETRY else action)
            await self.clock.sleep(wait)

    async def _open_hedged(self, call: _Call, plan: Iterator[_Member]) -> _Opened | None:
        """Race the first chunk of the first two members (the second after ``hedge_after``)."""
        assert self.hedge_after is not None
        first = next(plan, None)
        if first is None:
            return None
        racers: dict[asyncio.Future[Any], _Member] = {asyncio.ensure_future(self._open_stream(first, call)): first}
        timer: asyncio.Future[Any] = asyncio.ensure_future(self.clock.sleep(self.hedge_after))
        winner: _Opened | None = None
        try:
            done, _ = await asyncio.wait([*racers, timer], return_when=asyncio.FIRST_COMPLETED)
            if timer in done and not any(t in done for t in racers):
                second = next(plan, None)
                if second is not None:
                    racers[asyncio.ensure_future(self._open_stream(second, call))] = second
            pending = set(racers)
            while pending and winner is None:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    opened: _Opened | _Failure = task.result()
                    if isinstance(opened, _Failure):
                        self._after_failure(racers[task], call, opened)
                    elif winner is None:
                        winner = opened
                    else:  # both opened in the same tick: the later one loses
                        await self._drop_opened(opened, call)
            for other in pending:
                call.losers.add(racers[other].name)
                other.cancel()
            return winner
        finally:
            timer.cancel()
            for task in racers:
                if not task.done():
                    task.cancel()
            for result in await asyncio.gather(*racers, return_exceptions=True):
                if isinstance(result, _Opened) and result is not winner and not result.dog.closed:
                    await self._drop_opened(result, call)

    async def _drop_opened(self, opened: _Opened, call: _Call) -> None:
        opened.dog.close()
        opened.member.breaker.release()
        self._record_failed(opened.member, call, asyncio.CancelledError(), None, "hedge_lost", opened.started)
        await _aclose_quietly(opened.agen)

    # ------------------------------------------------------------------ the rest of ChatCompletionClient

    async def close(self) -> None:
        """Close every member (all are closed even if one fails; the first error is then raised)."""
        errors: list[Exception] = []
        for member in self._members:
            try:
                await member.client.close()
            except Exception as error:
                errors.append(error)
        if errors:
            raise errors[0]

    def actual_usage(self) -> RequestUsage:
        """Usage of successful, non-cached calls through this client (failed attempts are not included)."""
        return RequestUsage(self._actual_usage.prompt_tokens, self._actual_usage.completion_tokens)

    def total_usage(self) -> RequestUsage:
        """Usage of every successful call through this client, cached ones included (failed attempts are not)."""
        return RequestUsage(self._total_usage.prompt_tokens, self._total_usage.completion_tokens)

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Tokens in a prompt: an offline estimate by default (``token_counting="primary"`` asks the primary).

        The estimate never downloads anything (real clients' ``count_tokens`` load tiktoken encodings).
        """
        if self.token_counting == "primary":
            return self._members[0].client.count_tokens(messages, tools=tools)
        return estimate_tokens(messages, tools)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Tokens left in the largest known member context window (128k when none is known) after the prompt."""
        windows = [m.context_window for m in self._members if m.context_window is not None]
        window = max(windows) if windows else 128_000
        return window - self.count_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:
        """Deprecated AutoGen view of :attr:`model_info` (vision, function calling, JSON output)."""
        info = self._model_info
        return ModelCapabilities(
            vision=info["vision"], function_calling=info["function_calling"], json_output=info["json_output"]
        )

    @property
    def model_info(self) -> ModelInfo:
        """The primary's ``model_info`` with each capability true if any member has it.

        Routing sends a request only to members that can serve it, so an agent may use any capability that
        some member offers (``family`` and ``multiple_system_messages`` are the primary's).
        """
        return self._model_info

    # ------------------------------------------------------------------ serialisation

    def _to_config(self) -> FailoverChatCompletionClientConfig:
        return FailoverChatCompletionClientConfig(
            members=[
                FailoverMemberConfig(
                    client=redact_component(m.client.dump_component()),
                    name=m.spec.name,
                    max_attempts=m.spec.max_attempts,
                    attempt_timeout=m.spec.attempt_timeout,
                    first_token_timeout=m.spec.first_token_timeout,
                    stream_idle_timeout=m.spec.stream_idle_timeout,
                    context_window=m.spec.context_window,
                    disable_sdk_retries=m.spec.disable_sdk_retries,
                )
                for m in self._members
            ],
            max_attempts=self.max_attempts,
            attempt_timeout=self.attempt_timeout,
            first_token_timeout=self.first_token_timeout,
            stream_idle_timeout=self.stream_idle_timeout,
            deadline=self.deadline,
            backoff_initial=self.backoff_initial,
            backoff_max=self.backoff_max,
            backoff_jitter=self.backoff_jitter,
            max_retry_after=self.max_retry_after,
            error_policy=dict(self.error_policy),
            failure_threshold=self.failure_threshold,
            cooldown=self.cooldown,
            hedge_after=self.hedge_after,
            restart_incomplete_streams=self.restart_incomplete_streams,
            route_by_capabilities=self.route_by_capabilities,
            strict_stream_finish=self.strict_stream_finish,
            token_counting=self.token_counting,
        )

    @classmethod
    def _from_config(cls, config: FailoverChatCompletionClientConfig) -> Self:
        return cls._from_config_with(config, lambda component, _index: ChatCompletionClient.load_component(component))

    @classmethod
    def _from_config_with(
        cls,
        config: FailoverChatCompletionClientConfig,
        load_member: Callable[[ComponentModel, int], ChatCompletionClient],
    ) -> Self:
        """Build from ``config``, loading each member's component with ``load_member(component, index)``.

        ``_from_config`` uses ``ChatCompletionClient.load_component``; agentkit's migration loader passes its
        own, which resolves environment-variable references in the members' configs.
        """
        members = []
        for index, m in enumerate(config.members):
            component = m.client
            reject_redacted(component.config, f"members[{index}].client.config")
            if (
                m.disable_sdk_retries
                and any(sdk in component.provider.lower() for sdk in _SDK_PROVIDERS)
                and "max_retries" not in component.config
            ):
                component = component.model_copy(update={"config": {**component.config, "max_retries": 0}})
            members.append(
                FailoverMember(
                    load_member(component, index),
                    name=m.name,
                    max_attempts=m.max_attempts,
                    attempt_timeout=m.attempt_timeout,
                    first_token_timeout=m.first_token_timeout,
                    stream_idle_timeout=m.stream_idle_timeout,
                    context_window=m.context_window,
                    disable_sdk_retries=m.disable_sdk_retries,
                )
            )
        return cls(
            members,
            max_attempts=config.max_attempts,
            attempt_timeout=config.attempt_timeout,
            first_token_timeout=config.first_token_timeout,
            stream_idle_timeout=config.stream_idle_timeout,
            deadline=config.deadline,
            backoff_initial=config.backoff_initial,
            backoff_max=config.backoff_max,
            backoff_jitter=config.backoff_jitter,
            max_retry_after=config.max_retry_after,
            error_policy=config.error_policy,
            failure_threshold=config.failure_threshold,
            cooldown=config.cooldown,
            hedge_after=config.hedge_after,
            restart_incomplete_streams=config.restart_incomplete_streams,
            route_by_capabilities=config.route_by_capabilities,
            strict_stream_finish=config.strict_stream_finish,
            token_counting=config.token_counting,
        )

    def __repr__(self) -> str:
        return f"FailoverChatCompletionClient(members={list(self.member_names)!r})"


class _RetryState:
    """The one field tenacity's wait strategies read."""

    __slots__ = ("attempt_number",)

    def __init__(self, attempt_number: int) -> None:
        self.attempt_number = attempt_number


def _outcome(action: PolicyAction) -> str:
    return "raise" if action is PolicyAction.RAISE else "failover"


async def _aclose_quietly(agen: AsyncGenerator[Any, None]) -> None:
    """Close a member's stream after it failed (its own close error must not mask the failure)."""
    try:
        await agen.aclose()
    except Exception:  # the stream already failed; its close error adds nothing to that failure
        return


def _merged_info(infos: Sequence[ModelInfo]) -> ModelInfo:
    primary = dict(infos[0])
    for flag in ("vision", "function_calling", "json_output", "structured_output"):
        primary[flag] = any(bool(info.get(flag, False)) for info in infos)
    return primary  # type: ignore[return-value]


def _adopt_sdk(client: ChatCompletionClient, timeout: float | None) -> bool:
    """Set an OpenAI/Azure/Anthropic member's SDK ``max_retries`` to 0 (and its timeout), in place.

    Returns whether the SDK's own timeout now enforces ``timeout``.
    """
    sdk = getattr(client, "_client", None)
    with_options = getattr(sdk, "with_options", None)
    if with_options is None or not isinstance(getattr(sdk, "max_retries", None), int):
        return False
    options: dict[str, Any] = {}
    if sdk.max_retries != 0:  # type: ignore[union-attr]
        options["max_retries"] = 0
    if timeout is not None:
        options["timeout"] = timeout
    if options:
        client._client = with_options(**options)  # type: ignore[attr-defined]
    raw = getattr(client, "_raw_config", None)
    if isinstance(raw, dict) and "max_retries" in options:
        raw["max_retries"] = 0
    return timeout is not None
