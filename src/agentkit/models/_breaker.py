"""A per-member circuit breaker: stop sending traffic to a member that keeps failing, then probe it."""

from __future__ import annotations

from enum import Enum
from typing import Any, Protocol

from .._clock import Clock
from ..events import CircuitStateEvent, emit

__all__ = ("CircuitBreaker", "CircuitState", "CircuitStore")


class CircuitState(str, Enum):
    """The state of a member's circuit breaker."""

    CLOSED = "closed"
    """Healthy: calls go through."""
    OPEN = "open"
    """Failing: the member is skipped until its cooldown ends."""
    HALF_OPEN = "half_open"
    """Cooldown over: one probe call may go through; success closes, failure opens again."""


class CircuitStore(Protocol):
    """Where a breaker shares its state with other processes (``agentkit.backends``' Redis store).

    The breaker calls these on its transitions and failures, never on a success unless the fleet has counted
    failures; they must not block: a store schedules its round trip and returns. Before each call the owner
    refreshes its breakers from the store.
    """

    def failed(self, breaker: CircuitBreaker) -> None:
        """A call failed here without opening the breaker: count it fleet-wide (the fleet may open it)."""

    def succeeded(self, breaker: CircuitBreaker) -> None:
        """A call succeeded here while the fleet had failures counted: start the count again."""

    def opened(self, breaker: CircuitBreaker) -> None:
        """The breaker opened here (its cooldown starts now)."""

    def closed(self, breaker: CircuitBreaker) -> None:
        """The breaker closed here (a probe succeeded, or ``reset()``)."""

    def released(self, breaker: CircuitBreaker) -> None:
        """A probe ended without a verdict: give the fleet's probe lease back."""


class CircuitBreaker:
    """Counts consecutive failures of one member and opens after ``failure_threshold`` of them.

    While open the member is skipped; after ``cooldown_s`` one probe call is let through (half-open).
    A success closes the breaker, a failure opens it for another cooldown. Every transition emits a
    :class:`~agentkit.events.CircuitStateEvent`.

    With a ``store`` (e.g. ``FailoverChatCompletionClient(..., circuit_store="redis://...")``) the state is
    shared by every process: a breaker opened in one is open in all (after their next refresh, which the
    failover client does before every call), its cooldown runs on the store's clock, and exactly one process
    probes a half-open member. Consecutive failures are counted fleet-wide too: the member opens for everyone
    once ``failure_threshold`` calls in a row failed anywhere in the fleet (a success anywhere starts the
    count again); transitions seen from the store emit the same events here.

    Args:
        member: Name of the member (for events).
        failure_threshold: Consecutive failures that open the breaker; ``0`` disables it.
        cooldown_s: Seconds the breaker stays open before a probe is allowed.
        clock: Where time is read.
        store: Share the state with other processes (see above); ``None`` keeps it in this process.
    """

    __slots__ = (
        "_clock",
        "_failures",
        "_fleet_failures",
        "_open_until",
        "_probing",
        "_store",
        "cooldown_s",
        "failure_threshold",
        "member",
    )

    def __init__(
        self, member: str, *, failure_threshold: int, cooldown_s: float, clock: Clock, store: Any = None
    ) -> None:
        self._store: CircuitStore | None = store
        self.member = member
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._fleet_failures = 0  # as read from the store at the last refresh
        self._open_until: float | None = None
        self._probing = False

    @property
    def state(self) -> CircuitState:
        """The current state (``OPEN`` turns into ``HALF_OPEN`` once the cooldown has passed)."""
        if self._open_until is None:
            return CircuitState.CLOSED
        if self._clock.monotonic() >= self._open_until:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        return self._failures

    @property
    def open_until(self) -> float | None:
        """Monotonic time at which the cooldown ends, or ``None`` when closed."""
        return self._open_until

    def allows(self) -> bool:
        """Whether a call may go to this member now (closed, or half-open with no probe in flight)."""
        if self._open_until is None:
            return True
        return self._clock.monotonic() >= self._open_until and not self._probing

    def begin(self) -> None:
        """Mark the start of a call; when half-open this call is the probe."""
        if self._open_until is not None and not self._probing:
            self._probing = True
            emit(CircuitStateEvent(member=self.member, state=CircuitState.HALF_OPEN.value, until_s=None))

    @property
    def store(self) -> CircuitStore | None:
        """Where the state is shared, if anywhere."""
        return self._store

    def record_success(self) -> None:
        """A call succeeded: close the breaker."""
        self._failures = 0
        if self._fleet_failures:
            self._fleet_failures = 0
            if self._store is not None:
                self._store.succeeded(self)
        if self._open_until is not None:
            self._open_until = None
            self._probing = False
            emit(CircuitStateEvent(member=self.member, state=CircuitState.CLOSED.value, until_s=None))
            if self._store is not None:
                self._store.closed(self)

    def record_failure(self) -> None:
        """A call failed in a way that says something about the member's health."""
        self._failures += 1
        if self.failure_threshold <= 0:
            return
        if self._probing or self._failures >= self.failure_threshold:
            self._probing = False
            self._open_until = self._clock.monotonic() + self.cooldown_s
            emit(CircuitStateEvent(member=self.member, state=CircuitState.OPEN.value, until_s=self.cooldown_s))
            if self._store is not None:
                self._store.opened(self)
        elif self._store is not None:
            self._fleet_failures += 1
            self._store.failed(self)

    def release(self) -> None:
        """A call ended without saying anything about health (cancelled, our own bad request)."""
        if self._probing and self._store is not None:
            self._store.released(self)
        self._probing = False

    def reset(self) -> None:
        """Close the breaker and forget failures."""
        was_open = self._open_until is not None
        self._failures = 0
        self._open_until = None
        self._probing = False
        if was_open:
            emit(CircuitStateEvent(member=self.member, state=CircuitState.CLOSED.value, until_s=None))
        if self._store is not None:
            self._store.closed(self)

    def apply_shared(self, state: CircuitState, remaining_s: float, failures: int = 0) -> None:
        """Adopt the fleet's state read from the store (emitting the transition here, as a local one would).

        ``HALF_OPEN`` means this process holds the fleet's probe lease; a member half-open elsewhere (or whose
        lease another process holds) arrives as ``OPEN`` for ``remaining_s``. ``failures``: the consecutive
        failures the fleet has counted for a closed member.
        """
        self._fleet_failures = failures
        if failures < self._failures:  # a success elsewhere started the fleet's count again
            self._failures = failures
        now = self._clock.monotonic()
        if state is CircuitState.CLOSED:
            if self._open_until is not None and not self._probing:
                self._open_until = None
                self._failures = 0
                emit(CircuitStateEvent(member=self.member, state=CircuitState.CLOSED.value, until_s=None))
            return
        if self._probing:
            return  # our own probe is in flight; its outcome decides
        was_open = self._open_until is not None and now < self._open_until
        if state is CircuitState.OPEN:
            self._open_until = now + remaining_s
            if not was_open:
                emit(CircuitStateEvent(member=self.member, state=CircuitState.OPEN.value, until_s=remaining_s))
        else:
            self._open_until = now  # cooldown over, and the probe is ours: allows() lets one call through

    def __repr__(self) -> str:
        return f"CircuitBreaker(member={self.member!r}, state={self.state.value}, failures={self._failures})"
