"""``FailoverChatCompletionClient``: one ``ChatCompletionClient`` over an ordered chain of members.

Retries with backoff, fails over by error class, recovers broken streams, breaks circuits, routes by
capability and (opt-in) hedges. The happy path calls the first member directly: no retry machinery, no task,
one armed time limit; everything else is built only once something fails.

The client is split by idea: members (``_failover_member``), per-call state (``_failover_call``), policy and
planning (``_failover_plan``), accounting (``_failover_accounting``), streams and their recovery
(``_failover_stream``), hedging (``_failover_hedge``), refusals (``_failover_refusal``, read off the wire
by ``_wire_tap``), the serialised config (``_failover_config``).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from contextvars import Token
from datetime import timedelta
from typing import Any, Literal

from autogen_core import CancellationToken, Component, ComponentModel
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel
from typing_extensions import Self

from .._callinfo import set_answered_by
from .._clock import SYSTEM_CLOCK, Clock
from .._utils import to_seconds
from ..exceptions import ConfigurationError, IncompleteStreamError
from ._breaker import CircuitBreaker, CircuitState
from ._failover_call import (
    Call,
    Failure,
    Opened,
    Served,
    aclose_quietly,
    end_span,
    fail_span,
    outcome_of,
    start_span,
)
from ._failover_config import FailoverChatCompletionClientConfig, StreamRecovery, client_arguments, config_of
from ._failover_hedge import create_hedged
from ._failover_member import FailoverMember, FailoverMemberConfig, Member, merged_info, model_of, opt_seconds
from ._failover_refusal import FailoverRefusals
from ._failover_stream import stream_completion
from ._metered_inner import with_stream_usage
from ._policy import ErrorClass, PolicyAction, PolicyHook, resolve_policy
from ._routing import Router, estimate_tokens
from ._timers import StreamWatchdog, TimeoutScope
from ._wire_tap import WireRecord, close_record, current_record, open_record

__all__ = (
    "FailoverChatCompletionClient",
    "FailoverChatCompletionClientConfig",
    "FailoverMember",
    "FailoverMemberConfig",
)


_NO_RECORD: tuple[WireRecord | None, Token[WireRecord | None] | None] = (None, None)

HedgePredicate = Callable[[Sequence[LLMMessage], Mapping[str, Any]], bool]
"""``(messages, extra_create_args) -> bool``: whether a request is safe to send twice."""


class FailoverChatCompletionClient(
    FailoverRefusals, ChatCompletionClient, Component[FailoverChatCompletionClientConfig]
):
    """A ``ChatCompletionClient`` that tries an ordered chain of member clients until one answers.

    Drop it in wherever AutoGen takes a ``model_client``. Each failure is classified by HTTP status and
    provider error code (:func:`~agentkit.models.classify_error`) and handled by the error policy: retry the
    same member with backoff and jitter, fail over to the next member, go to a member with a larger context
    window, or raise. Streams fail over freely until their first chunk reaches the caller; after that a
    cut, stalled or malformed stream is recovered on the next member without repeating text (see
    ``stream_recovery``), else raises :class:`~agentkit.exceptions.IncompleteStreamError`. Refusals
    (``finish_reason="content_filter"``, Anthropic ``stop_reason="refusal"``) follow the ``content_filter``
    policy in ``create`` and streams alike. Each member has a circuit breaker; members whose ``model_info``
    cannot serve a request are skipped. When every member fails, :class:`~agentkit.exceptions.FailoverError`
    holds every attempt's error, the primary's first. Who answered a call: :func:`agentkit.models.answered_by`.

    Example::

        client = FailoverChatCompletionClient(
            [OpenAIChatCompletionClient(model="gpt-4o"), AnthropicChatCompletionClient(model="claude-sonnet-4-0")],
            attempt_timeout=30,
        )

    Args:
        members: The member clients in order of preference (plain clients or :class:`FailoverMember`).
        max_attempts: Attempts per member for retryable errors, the first included (default 3).
        attempt_timeout: Seconds one ``create`` attempt may take; for streams, the default first-token limit.
            A member silent for this long is failed over at once, never retried. ``None``: no limit. Enforced
            by agentkit's own timer, whatever ``timeout`` the member client was built with.
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
        hedge_after: Opt-in hedging: if the member in flight has not produced a first token (or a result)
            after this many seconds, the next eligible member is raced against it (a member that fails starts
            the next at once); the first to answer wins, the others are cancelled. ``None`` (default): off.
        hedge_if: Which requests are safe to send twice (not serialised). Default: all except those with
            ``extra_create_args["store"]`` truthy.
        stream_recovery: What happens when a stream breaks after text reached the caller (no tool-call delta
            seen). ``"auto"`` (default): continue on the next member from the partial answer where the member
            accepts an assistant prefill, else restart there and stream only what goes beyond the text already
            delivered when the new answer begins with it; ``"restart"``: only the latter; ``"off"``: raise
            ``IncompleteStreamError``. The caller never sees text twice.
        restart_incomplete_streams: Deprecated alias: ``True`` means ``stream_recovery="auto"``.
        route_by_capabilities: Skip members whose ``model_info`` cannot serve a request (default ``True``).
        strict_stream_finish: Treat a stream whose final result has ``finish_reason == "unknown"`` as cut
            (the OpenAI client reports that when the connection closed before a finish reason arrived).
        token_counting: ``"estimate"`` (default, offline) or ``"primary"`` (the first member's own
            ``count_tokens``, which may download tiktoken encodings).
        clock: Where time is read and slept (tests inject ``ManualClock``; not serialised).
        circuit_store: Share the members' circuit breakers with every worker process through Redis: a URL
            (``"redis://host:6379/0"``), a ``redis.asyncio.Redis`` client or an ``agentkit.backends.RedisStore``
            (see docs/scale-out.md). One round trip per call; ``None`` keeps breakers in this process.
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
        stream_recovery: StreamRecovery = "auto",
        restart_incomplete_streams: bool | None = None,
        route_by_capabilities: bool = True,
        strict_stream_finish: bool = True,
        token_counting: Literal["estimate", "primary"] = "estimate",
        circuit_store: Any = None,
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
        if stream_recovery not in ("auto", "restart", "off"):
            raise ConfigurationError(
                "stream_recovery", f"must be 'auto', 'restart' or 'off', got {stream_recovery!r}.", "Use 'auto'."
            )
        if token_counting not in ("estimate", "primary"):
            raise ConfigurationError("token_counting", f"must be 'estimate' or 'primary', got {token_counting!r}.")
        self.clock = clock
        self.max_attempts = max_attempts
        self.attempt_timeout = opt_seconds(attempt_timeout, "attempt_timeout")
        self.first_token_timeout = opt_seconds(first_token_timeout, "first_token_timeout")
        self.stream_idle_timeout = opt_seconds(stream_idle_timeout, "stream_idle_timeout")
        self.deadline = opt_seconds(deadline, "deadline")
        self.backoff_initial = float(backoff_initial)
        self.backoff_max = float(backoff_max)
        self.backoff_jitter = float(backoff_jitter)
        self.max_retry_after = to_seconds(max_retry_after, field="max_retry_after", allow_zero=True)
        self.error_policy: dict[str, str] = {
            str(getattr(k, "value", k)): str(getattr(v, "value", v)) for k, v in (error_policy or {}).items()
        }
        self._policy_table = resolve_policy(self.error_policy)
        self.policy = policy
        self.failure_threshold = failure_threshold
        self.cooldown = to_seconds(cooldown, field="cooldown", allow_zero=True)
        self.hedge_after = opt_seconds(hedge_after, "hedge_after")
        self.hedge_if = hedge_if
        self.stream_recovery: StreamRecovery = "auto" if restart_incomplete_streams else stream_recovery
        self.route_by_capabilities = route_by_capabilities
        self.strict_stream_finish = strict_stream_finish
        self.token_counting = token_counting
        self._circuits: Any = None  # agentkit.backends.SharedCircuits: breakers shared by every process
        if circuit_store is not None:
            from ..backends._circuit import circuit_store as _shared_circuits

            self._circuits = _shared_circuits(circuit_store)
        self._members: list[Member] = []
        used: set[str] = set()
        for index, item in enumerate(members):
            spec = item if isinstance(item, FailoverMember) else FailoverMember(item)
            name = spec.name or model_of(spec.client)
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
            self._members.append(Member(spec, name, self))
        self._by_name = {m.name: m for m in self._members}
        self._total_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._actual_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._wait: Any = None  # tenacity wait strategy, built on the first retry
        self._model_info = merged_info([m.info for m in self._members])
        self._router = Router([(m.info, m.context_window) for m in self._members])

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

    def _member(self, name: str) -> Member:
        try:
            return self._by_name[name]
        except KeyError:
            raise ConfigurationError(
                "member", f"no member named {name!r}.", f"Use one of {self.member_names}."
            ) from None

    # ------------------------------------------------------------------ create

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
        call = Call(
            messages,
            tools,
            tool_choice,
            json_output,
            extra_create_args,
            cancellation_token,
            False,
            self.clock,
            self.deadline,
        )
        span = call.span = start_span("agentkit.failover.create")
        set_answered_by(None)  # until this call answers: never the previous call's member
        try:
            if self._circuits is not None:  # one round trip: the fleet's breaker state, a probe lease if due
                await self._circuits.refresh([m.breaker for m in self._members])
            plan = self._plan(call)
            if self.hedge_after is not None and self._hedging(call):
                won = await create_hedged(self, call, plan)
                if won is not None:
                    set_answered_by(won.member.answer)  # in the caller's context, not the racer task's
                    return won.result
            for member in plan:
                outcome = await self._serve_create(member, call)
                if isinstance(outcome, Failure):
                    self._after_failure(member, call, outcome)
                    continue
                self._record_ok(member, call, outcome.result, outcome.started)
                if outcome.slot is not None:
                    outcome.slot.publish()
                set_answered_by(member.answer)
                return outcome.result
            raise self._all_failed(call)
        except BaseException as error:
            fail_span(span, error)
            raise
        finally:
            if span is not None:
                end_span(span, call)

    async def _serve_create(self, member: Member, call: Call) -> Served | Failure:
        """One member's turn: the first attempt directly, retries with backoff only after a failure.

        The answer is returned unrecorded (the caller records the one it returns: a hedged race has one).
        """
        attempt = 0
        while True:
            attempt += 1
            call.attempts += 1
            started = self.clock.monotonic()
            member.breaker.begin()
            # agentkit's own timer bounds the attempt, whatever timeout the member client sends per request.
            timeout = member.attempt_timeout
            expires = None if timeout is None else started + timeout
            limit = "attempt_timeout"
            if call.deadline is not None and (expires is None or call.deadline < expires):
                expires, limit, timeout = call.deadline, "deadline", call.deadline - started
            # A record of its own: Anthropic refusals are read off it, and a metered call outside gets the
            # usage details of the attempt that answered only (published when it is the answer).
            slot, slot_token = open_record(True) if member.anthropic or current_record() is not None else _NO_RECORD
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
                failure = await self._attempt_failed(member, call, error, attempt, started)
                if failure is not None:
                    return failure
                continue  # retry after the wait
            except BaseException as error:  # cancelled: stop here, start nothing else
                member.breaker.release()
                lost = member.name in call.losers
                self._record_failed(member, call, error, None, "hedge_lost" if lost else "cancelled", started)
                raise
            finally:
                if slot is not None and slot_token is not None:
                    close_record(slot, slot_token)
            if result.finish_reason == "content_filter" or slot is not None:  # a refusal? (free otherwise)
                refused = self._refusal(member, result, slot, ())
                if refused is not None:
                    return self._refused(member, call, refused, started)
            return Served(member, result, started, slot)

    # ------------------------------------------------------------------ hedging

    def _hedging(self, call: Call) -> bool:
        if self.hedge_after is None or len(self._members) < 2:
            return False
        if call.extra.get("store"):
            return False
        return self.hedge_if is None or bool(self.hedge_if(call.messages, call.extra))

    # ------------------------------------------------------------------ streams

    def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Stream a completion: chunks pass straight through; broken streams are recovered (class docstring)."""
        this: list[weakref.ref[AsyncGenerator[str | CreateResult, None]]] = []
        stream = stream_completion(
            self, this, messages, tools, tool_choice, json_output, extra_create_args, cancellation_token
        )
        this.append(weakref.ref(stream))  # the stream's idle watchdog looks at what it awaits
        return stream

    async def _open_stream(
        self, member: Member, call: Call, messages: Sequence[LLMMessage], more: Mapping[str, Any] | None = None
    ) -> Opened | Failure:
        """Open a stream on ``member`` and wait for its first item (retrying with backoff only after failures).

        ``more``: create args for this request only (a prefilled request's ``prefill_create_args``).
        """
        extra = call.extra
        if member.stream_usage:
            extra = with_stream_usage(extra)
        if more:
            extra = {**extra, **more}
        attempt = 0
        while True:
            attempt += 1
            call.attempts += 1
            started = self.clock.monotonic()
            member.breaker.begin()
            # Open until the SDK call (as in create); the tapped stream keeps noting into it.
            slot, slot_token = open_record(True) if member.anthropic or current_record() is not None else _NO_RECORD
            agen = member.client.create_stream(
                messages,
                tools=call.tools,
                tool_choice=call.tool_choice,
                json_output=call.json_output,
                extra_create_args=extra,
                cancellation_token=call.token,
            )
            dog = StreamWatchdog(self.clock, member.first_token_timeout, member.stream_idle_timeout, call.deadline)
            dog.waiting(started)
            raised: BaseException | None = None
            try:
                first = await agen.__anext__()
            except (asyncio.CancelledError, Exception) as error:
                raised = error
            finally:
                if slot is not None and slot_token is not None:
                    close_record(slot, slot_token)
            if raised is None:
                if isinstance(first, CreateResult) and (first.finish_reason == "content_filter" or slot is not None):
                    refused = self._refusal(member, first, slot, ())  # refused before any text: like create
                    if refused is not None:
                        dog.close()
                        await aclose_quietly(agen)
                        return self._refused(member, call, refused, started)
                dog.arrived()
                return Opened(member, agen, first, dog, started, slot)
            failure = await self._stream_open_failed(member, call, agen, dog, started, raised, attempt)
            if failure is not None:
                return failure
            # else: retry after the wait

    async def _stream_open_failed(
        self,
        member: Member,
        call: Call,
        agen: AsyncGenerator[str | CreateResult, None],
        dog: StreamWatchdog,
        started: float,
        raised: BaseException,
        attempt: int,
    ) -> Failure | None:
        """A streamed attempt failed before its first item: record it; ``None`` after waiting to retry.

        A cancellation that is not the watchdog's own is re-raised (after closing the attempt).
        """
        error: Exception
        if isinstance(raised, StopAsyncIteration):
            error = IncompleteStreamError("the stream ended before its first chunk")
        elif isinstance(raised, asyncio.CancelledError):
            timed_out = dog.check(raised)
            if timed_out is None:
                dog.close()
                member.breaker.release()
                lost = member.name in call.losers
                self._record_failed(member, call, raised, None, "hedge_lost" if lost else "cancelled", started)
                await aclose_quietly(agen)
                raise raised
            error = timed_out
        else:
            assert isinstance(raised, Exception)
            error = raised
        dog.close()
        await aclose_quietly(agen)
        return await self._attempt_failed(member, call, error, attempt, started)

    async def _attempt_failed(
        self, member: Member, call: Call, error: Exception, attempt: int, started: float
    ) -> Failure | None:
        """Record a failed attempt; return the member's ``Failure``, or ``None`` after the backoff wait (retry it)."""
        error_class, action = self._decide(error)
        self._health(member, error_class)
        wait = self._retry_wait(member, call, error, action, attempt)
        # While a stream is recovered every failure moves on to the next member, except a refusal the policy raises.
        recovering = call.recovering and not (error_class is ErrorClass.CONTENT_FILTER and action is PolicyAction.RAISE)
        outcome = "retry" if wait is not None else "failover" if recovering else outcome_of(action)
        self._record_failed(member, call, error, error_class, outcome, started)
        if wait is None:
            return Failure(error, error_class, PolicyAction.FAILOVER if action is PolicyAction.RETRY else action)
        await self.clock.sleep(wait)
        return None

    async def _drop_opened(self, opened: Opened, call: Call) -> None:
        opened.dog.close()
        opened.member.breaker.release()
        self._record_failed(opened.member, call, asyncio.CancelledError(), None, "hedge_lost", opened.started)
        await aclose_quietly(opened.agen)

    # ------------------------------------------------------------------ the rest of ChatCompletionClient

    async def close(self) -> None:
        """Close every member (all are closed even if one fails; the first error is then raised)."""
        if self._circuits is not None:
            await self._circuits.flush()  # breaker transitions still on their way to Redis
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

    # ------------------------------------------------------------------ serialisation (_failover_config)

    def _to_config(self) -> FailoverChatCompletionClientConfig:
        return config_of(self)

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
        members, options = client_arguments(config, load_member)
        return cls(members, **options)

    def __repr__(self) -> str:
        return f"FailoverChatCompletionClient(members={list(self.member_names)!r})"
