"""Failover accounting: breaker health, usage totals, attempt events, spans and the attempt sink.

A mixin of :class:`~agentkit.models.FailoverChatCompletionClient` (its state is the client's own).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from autogen_core import EVENT_LOGGER_NAME
from autogen_core.models import CreateResult, RequestUsage
from opentelemetry import trace

from .._callinfo import attempt_sink
from .._clock import Clock
from ..events import ModelAttemptEvent, emit
from ..usage import CallRecord
from ._failover_call import Call
from ._policy import ErrorClass

if TYPE_CHECKING:
    from ._failover_member import Member

__all__ = ("FailoverAccounting",)

_tracer = trace.get_tracer("agentkit")
_event_logger = logging.getLogger(EVENT_LOGGER_NAME)
_NOT_HEALTH = frozenset({ErrorClass.CONTEXT_LENGTH, ErrorClass.CONTENT_FILTER, ErrorClass.BAD_REQUEST})


class FailoverAccounting:
    """Accounting methods of the failover client."""

    clock: Clock
    _total_usage: RequestUsage
    _actual_usage: RequestUsage

    def _attempt_span(self, call: Call, member: Member, latency: float, attributes: dict[str, Any]) -> None:
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

    def _record_ok(self, member: Member, call: Call, result: CreateResult, started: float) -> None:
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
        member: Member,
        call: Call,
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

    def _health(self, member: Member, error_class: ErrorClass) -> None:
        if error_class in _NOT_HEALTH:
            member.breaker.release()
        else:
            member.breaker.record_failure()
