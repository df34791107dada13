"""Failover decisions: the error policy, retry waits, which members a call may try, when to give up.

A mixin of :class:`~agentkit.models.FailoverChatCompletionClient` (its state is the client's own).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .._clock import Clock
from ..exceptions import DeadlineExceededError, FailoverError, NoEligibleMemberError
from ._breaker import CircuitState
from ._failover_call import Call, Failure
from ._policy import ErrorClass, PolicyAction, PolicyHook, classify_error, retry_after_seconds
from ._routing import Router, ineligibility

if TYPE_CHECKING:
    from ._failover_member import Member

__all__ = ("FailoverPlanning",)


class _RetryState:
    """The one field tenacity's wait strategies read."""

    __slots__ = ("attempt_number",)

    def __init__(self, attempt_number: int) -> None:
        self.attempt_number = attempt_number


class FailoverPlanning:
    """Policy and planning methods of the failover client."""

    clock: Clock
    policy: PolicyHook | None
    _policy_table: dict[ErrorClass, PolicyAction]
    _wait: Any
    backoff_initial: float
    backoff_max: float
    backoff_jitter: float
    max_retry_after: float
    route_by_capabilities: bool
    _router: Router
    deadline: float | None
    _members: list[Member]

    def _decide(self, error: Exception) -> tuple[ErrorClass, PolicyAction]:
        error_class = classify_error(error)
        if self.policy is not None:
            chosen = self.policy(error, error_class)
            if chosen is not None:
                return error_class, PolicyAction(chosen)
        return error_class, self._policy_table[error_class]

    def _retry_wait(
        self, member: Member, call: Call, error: Exception, action: PolicyAction, attempt: int
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

    def _plan(self, call: Call) -> Iterator[Member]:
        """Members to try for this call, in order, skipping (with a reason) those that cannot serve it."""
        eligible = self._members
        shape = self._router.shape(call.messages, call.tools, call.json_output) if self.route_by_capabilities else None
        if shape is not None:  # some member may not serve this request: ask each
            call.shape = shape
            eligible = []
            for m in self._members:
                reason = ineligibility(shape, m.info, m.context_window)
                if reason is None:
                    eligible.append(m)
                else:
                    call.skipped[m.name] = reason
            if not eligible:
                raise NoEligibleMemberError(call.skipped)
        token, deadline, clock = call.token, call.deadline, self.clock
        blocked = 0  # members passed over only because their circuit is open
        for m in eligible:
            if call.min_window is not None and (m.context_window is not None and m.context_window <= call.min_window):
                call.skipped[m.name] = f"context window {m.context_window} is not larger than {call.min_window}"
                continue
            if not m.breaker.allows():
                call.skipped[m.name] = "circuit open"
                blocked += 1
                continue
            if token is not None and token.is_cancelled():
                raise asyncio.CancelledError()
            if deadline is not None and clock.monotonic() >= deadline:
                return
            yield m
        if blocked == len(eligible):
            # Every circuit is open: rather than "nothing available", probe the one that recovers soonest.
            soonest = min(eligible, key=lambda m: m.breaker.open_until or 0.0)
            del call.skipped[soonest.name]
            self._check_continue(call)
            yield soonest

    def _check_continue(self, call: Call) -> bool:
        if call.token is not None and call.token.is_cancelled():
            raise asyncio.CancelledError()
        return call.deadline is None or self.clock.monotonic() < call.deadline

    def _after_failure(self, member: Member, call: Call, failure: Failure) -> None:
        if failure.action is PolicyAction.RAISE:
            raise failure.error
        if failure.action is PolicyAction.FAILOVER_LARGER_CONTEXT:
            window = member.context_window
            if window is not None:
                call.min_window = max(window, call.min_window or 0)

    def _all_failed(self, call: Call) -> FailoverError:
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
