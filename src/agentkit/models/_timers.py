"""Cheap time limits for one attempt: cancel the current task when a limit passes, without creating a task.

With the system clock, limits are entries in one per-loop sweeper that keeps a single ``call_later``
handle at the earliest expiry: arming and disarming a limit is a dict write, so the happy path pays no
timer-heap work (no task, no ``wait_for``). With any other clock (tests' ``ManualClock``) a small helper
task sleeps on that clock. When a limit fires, the task is cancelled and the ``CancelledError`` is turned
into :class:`AttemptTimeoutError` at the scope's exit; a cancellation from outside still propagates.
"""

from __future__ import annotations

import asyncio
import sys
import weakref
from collections.abc import AsyncGenerator, Callable
from types import AsyncGeneratorType, TracebackType
from typing import Any, Protocol, cast

from .._clock import Clock, SystemClock
from ._policy import AttemptTimeoutError

__all__ = ("StreamWatchdog", "TimeoutScope")

_INF = float("inf")


class _Rings(Protocol):
    """What the sweeper calls when an alarm is due."""

    def ring(self) -> None: ...


class _Sweeper:
    """All system-clock alarms of one event loop, served by one timer handle at the earliest expiry."""

    __slots__ = ("_at", "_clock", "_handle", "active")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock  # no reference to the loop: it is this sweeper's weak key
        self.active: dict[_Rings, float] = {}
        # Weak: the loop's timer heap keeps the handle alive; a strong reference would keep the loop (this
        # sweeper's weak key) alive through the handle.
        self._handle: weakref.ref[asyncio.TimerHandle] | None = None
        self._at = _INF

    def add(self, alarm: _Rings, when: float) -> None:
        self.active[alarm] = when
        if when < self._at:
            handle = self._handle() if self._handle is not None else None
            if handle is not None:
                handle.cancel()
            self._at = when
            delay = max(0.0, when - self._clock.monotonic())
            self._handle = weakref.ref(asyncio.get_running_loop().call_later(delay, self._sweep))

    def _sweep(self) -> None:
        self._handle = None
        self._at = _INF
        now = self._clock.monotonic()
        due = [alarm for alarm, when in self.active.items() if when <= now + 0.0005]
        for alarm in due:
            del self.active[alarm]
        for alarm in due:
            alarm.ring()
        if self.active:
            self.add(*min(self.active.items(), key=lambda item: item[1]))


_SWEEPERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper] = weakref.WeakKeyDictionary()


_LAST: tuple[weakref.ref[asyncio.AbstractEventLoop], _Sweeper] | None = None


def _sweeper(clock: Clock, loop: asyncio.AbstractEventLoop | None = None) -> _Sweeper:
    global _LAST
    if loop is None:
        loop = asyncio.get_running_loop()
    last = _LAST
    if last is not None and last[0]() is loop:
        return last[1]
    sweeper = _SWEEPERS.get(loop)
    if sweeper is None:
        sweeper = _SWEEPERS[loop] = _Sweeper(clock)
    _LAST = (weakref.ref(loop), sweeper)
    return sweeper


# asyncio.current_task() is a Python function before 3.12; the mapping it reads is looked up directly when the
# interpreter has it (it costs a third of an armed limit otherwise).
_CURRENT_TASKS: dict[asyncio.AbstractEventLoop, asyncio.Task[object]] | None = getattr(
    asyncio.tasks, "_current_tasks", None
)
if not isinstance(_CURRENT_TASKS, dict):  # pragma: no cover - depends on the interpreter
    _CURRENT_TASKS = None


def _current_task(loop: asyncio.AbstractEventLoop) -> asyncio.Task[object] | None:
    if _CURRENT_TASKS is not None:
        return _CURRENT_TASKS.get(loop)
    return asyncio.current_task(loop)  # pragma: no cover - depends on the interpreter


class _Alarm:
    """Calls ``callback`` at monotonic time ``when`` on ``clock``; cancellable; re-armable."""

    __slots__ = ("_callback", "_clock", "_sweeper", "_task", "when")

    def __init__(self, clock: Clock, callback: object) -> None:
        self._clock = clock
        self._callback = callback
        self._sweeper = _sweeper(clock) if isinstance(clock, SystemClock) else None
        self._task: asyncio.Task[None] | None = None
        self.when = _INF

    def arm(self, when: float) -> None:
        if self._sweeper is not None:
            self.when = when
            self._sweeper.add(self, when)
            return
        self.cancel()
        self.when = when
        self._task = asyncio.ensure_future(self._sleep_then_fire(max(0.0, when - self._clock.monotonic())))

    async def _sleep_then_fire(self, delay: float) -> None:
        await self._clock.sleep(delay)
        self._task = None
        self.ring()

    def ring(self) -> None:
        self.when = _INF
        self._callback()  # type: ignore[operator]

    def cancel(self) -> None:
        self.when = _INF
        if self._sweeper is not None:
            self._sweeper.active.pop(self, None)
        elif self._task is not None:
            self._task.cancel()
            self._task = None


_HAS_CANCELLING = sys.version_info >= (3, 11)  # Python 3.10 has no cancellation counter


def _timed_out(task: asyncio.Task[object], base: int) -> bool:
    """After our own cancel fired: whether the CancelledError was ours alone (then undo the cancel request)."""
    uncancel = getattr(task, "uncancel", None)  # Python >= 3.11; 3.10 cannot tell, so treat it as ours
    return uncancel is None or int(uncancel()) <= base


class TimeoutScope:
    """``with TimeoutScope(clock, expires_at, limit, seconds):`` cancels the current task at ``expires_at``.

    Raises :class:`AttemptTimeoutError` out of the block when it fired. ``expires_at=None`` arms nothing.
    """

    __slots__ = ("_alarm", "_base", "_clock", "_expires_at", "_sweeper", "_task", "fired", "limit", "seconds", "when")

    def __init__(self, clock: Clock, expires_at: float | None, limit: str, seconds: float) -> None:
        self._clock = clock
        self._expires_at = expires_at
        self.limit = limit
        self.seconds = seconds
        self.fired = False
        self._task: asyncio.Task[object] | None = None
        self._alarm: _Alarm | None = None
        self._sweeper: _Sweeper | None = None
        self._base = 0
        self.when = _INF

    def _fire(self) -> None:
        if self._task is not None and not self._task.done():
            self.fired = True
            self._task.cancel()

    def ring(self) -> None:
        """The sweeper's callback (with the system clock the scope is its own alarm: one object per attempt)."""
        self._fire()

    def __enter__(self) -> TimeoutScope:
        expires_at = self._expires_at
        if expires_at is None:
            return self
        loop = asyncio.get_running_loop()
        task = self._task = _CURRENT_TASKS.get(loop) if _CURRENT_TASKS is not None else _current_task(loop)
        if task is None:  # pragma: no cover - always inside a task
            return self
        self._base = task.cancelling() if _HAS_CANCELLING else 0
        if type(self._clock) is SystemClock or isinstance(self._clock, SystemClock):
            last = _LAST
            sweeper = self._sweeper = last[1] if last is not None and last[0]() is loop else _sweeper(self._clock, loop)
            self.when = expires_at
            if expires_at >= sweeper._at:  # the sweeper's handle rings first anyway: a dict write
                sweeper.active[self] = expires_at
            else:
                sweeper.add(self, expires_at)
        else:
            alarm = self._alarm = _Alarm(self._clock, self._fire)
            alarm.arm(expires_at)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._sweeper is not None:
            self._sweeper.active.pop(self, None)
        elif self._alarm is not None:
            self._alarm.cancel()
        if self.fired and self._task is not None:
            if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
                if _timed_out(self._task, self._base):
                    raise AttemptTimeoutError(self.limit, self.seconds) from exc
            else:  # pragma: no cover - the block swallowed our cancellation; undo the request
                _timed_out(self._task, self._base)


class StreamWatchdog:
    """One alarm per streamed attempt: the first-token limit until the first chunk, then the idle limit.

    Phase 1 (first chunk): :meth:`waiting` arms a precise alarm at the first-token limit (or the call's
    deadline). Phase 2 (:meth:`passthrough`) costs nothing per chunk: the watchdog is given the async generator
    that reads the member's stream and looks at what it awaits (``ag_await``) only when its alarm rings —
    ``None`` while the caller holds a chunk, else the member's pending ``__anext__()``, a new object per
    chunk. The alarm ticks every quarter of the idle limit and cancels the task only if it is waiting and no chunk
    arrived for the whole idle limit, so a stall is detected between 1 and 1.25 idle limits after the last
    chunk, and never while the caller holds a chunk.

    With the system clock the watchdog is its own entry in the loop's sweeper for both phases (arming is a
    dict write; no alarm object, no task); any other clock gets one :class:`_Alarm` for the stream.

    Args:
        clock: Where time is read.
        first_token_s: Limit for the first chunk (``None``: none).
        idle_s: Limit between later chunks (``None``: none).
        hard_deadline: Absolute monotonic time after which any wait is cut (the call's deadline), or ``None``.
    """

    __slots__ = (
        "_alarm",
        "_armed",
        "_base",
        "_clock",
        "_closed",
        "_pending",
        "_phase2",
        "_quiet_since",
        "_reader",
        "_since",
        "_sweeper",
        "_task",
        "busy",
        "fired",
        "first_token_s",
        "hard_deadline",
        "idle_s",
    )

    def __init__(
        self, clock: Clock, first_token_s: float | None, idle_s: float | None, hard_deadline: float | None
    ) -> None:
        self._clock = clock
        self.first_token_s = first_token_s
        self.idle_s = idle_s
        self.hard_deadline = hard_deadline
        self._alarm: _Alarm | None = None
        self._sweeper: _Sweeper | None = None
        self._armed = False
        self._phase2 = False
        self._task: asyncio.Task[object] | None = None
        self._since = 0.0
        self._base = 0
        self._closed = False
        self._reader: Callable[[], AsyncGenerator[Any, Any] | None] | None = None
        self._pending: object = None
        self._quiet_since = 0.0
        self.busy = False
        """Set while the first chunk is awaited (phase 1)."""
        self.fired: str | None = None

    # --- the one alarm ----------------------------------------------------------------------------

    def _arm(self, when: float, loop: asyncio.AbstractEventLoop | None) -> None:
        self._armed = True
        sweeper = self._sweeper
        if sweeper is None and isinstance(self._clock, SystemClock):
            sweeper = self._sweeper = _sweeper(self._clock, loop)
        if sweeper is not None:
            if when >= sweeper._at:  # the sweeper's handle rings first anyway: a dict write
                sweeper.active[self] = when
            else:
                sweeper.add(self, when)
            return
        alarm = self._alarm
        if alarm is None:
            alarm = self._alarm = _Alarm(self._clock, self.ring)
        alarm.arm(when)

    def _disarm(self) -> None:
        if self._armed:
            self._armed = False
            if self._sweeper is not None:
                self._sweeper.active.pop(self, None)
            elif self._alarm is not None:
                self._alarm.cancel()

    def ring(self) -> None:
        """The alarm's callback: the current phase's check."""
        self._armed = False
        if self._phase2:
            self._tick()
        else:
            self._fire_first()

    # --- phase 1: the first chunk -----------------------------------------------------------------

    def waiting(self, since: float | None = None) -> None:
        """Call right before awaiting the first chunk (``since``: the attempt's start, if just read)."""
        since = self._since = self._clock.monotonic() if since is None else since
        first = self.first_token_s
        expiry = None if first is None else since + first
        hard = self.hard_deadline
        if hard is not None and (expiry is None or hard < expiry):
            expiry = hard
        if expiry is None:
            return
        loop = asyncio.get_running_loop()
        task = self._task = _CURRENT_TASKS.get(loop) if _CURRENT_TASKS is not None else _current_task(loop)
        if task is None:  # pragma: no cover - always inside a task
            return
        self.busy = True
        self._base = task.cancelling() if _HAS_CANCELLING else 0
        if type(self._clock) is SystemClock:  # _arm()'s common case, inline: the loop's sweeper, a dict write
            last = _LAST
            sweeper = self._sweeper = last[1] if last is not None and last[0]() is loop else _sweeper(self._clock, loop)
            self._armed = True
            if expiry >= sweeper._at:
                sweeper.active[self] = expiry
            else:
                sweeper.add(self, expiry)
            return
        self._arm(expiry, loop)

    def arrived(self) -> None:
        """Call right after the first chunk arrived."""
        self.busy = False
        if self._armed and self._sweeper is None:
            self._disarm()
        # With the sweeper the entry may stay until passthrough() re-arms it or close() drops it: a ring in
        # between finds the watchdog not busy and does nothing.

    def _fire_first(self) -> None:
        if not self.busy or self._task is None or self._task.done():
            return
        first_limit = None if self.first_token_s is None else self._since + self.first_token_s
        self.fired = (
            "first_token_timeout"
            if first_limit is not None and (self.hard_deadline is None or first_limit <= self.hard_deadline)
            else "deadline"
        )
        self._task.cancel()

    # --- phase 2: the rest of the stream ----------------------------------------------------------

    def passthrough(self, reader: Callable[[], AsyncGenerator[Any, Any] | None]) -> None:
        """Enter phase 2 in the current task (the first chunk may have arrived in a hedging helper task).

        Args:
            reader: A weak reference to the async generator that awaits the member's next chunk (its
                ``ag_await`` tells a wait on the member from a chunk held by the caller).
        """
        self.busy = False
        self._phase2 = True
        self._reader = reader
        loop = asyncio.get_running_loop()
        task = self._task = _CURRENT_TASKS.get(loop) if _CURRENT_TASKS is not None else _current_task(loop)
        idle = self.idle_s
        hard = self.hard_deadline
        if task is None or (idle is None and hard is None):
            self._disarm()
            return
        self._base = task.cancelling() if _HAS_CANCELLING else 0
        self._pending = None
        now = self._quiet_since = self._clock.monotonic()
        when = now + idle / 4 if idle is not None else _INF
        if hard is not None and hard < when:
            when = hard
        sweeper = self._sweeper
        if sweeper is not None and when >= sweeper._at:  # _arm()'s common case, inline: one dict write
            self._armed = True
            sweeper.active[self] = when
        else:
            self._arm(when, loop)

    def _next_tick(self, now: float) -> float:
        when = now + self.idle_s / 4 if self.idle_s is not None else _INF
        return min(when, self.hard_deadline) if self.hard_deadline is not None else when

    def _tick(self) -> None:
        if self._closed or self._task is None or self._task.done():
            return
        reader = self._reader() if self._reader is not None else None
        if reader is None:  # the stream was dropped
            return
        # The member's pending __anext__(), or None while the caller holds a chunk (readers are async generators).
        pending = cast("AsyncGeneratorType[Any, Any]", reader).ag_await
        now = self._clock.monotonic()
        if pending is not None and self.hard_deadline is not None and now >= self.hard_deadline:
            self.fired = "deadline"
            self._task.cancel()
            return
        if pending is None or pending is not self._pending:  # not waiting, or a chunk arrived since the last tick
            self._pending = pending  # held, so that a new __anext__() can never reuse its identity
            self._quiet_since = now
        elif self.idle_s is not None and now - self._quiet_since >= self.idle_s:
            self.fired = "stream_idle_timeout"
            self._task.cancel()
            return
        self._arm(self._next_tick(now), None)

    # --- both phases -----------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def check(self, error: BaseException) -> AttemptTimeoutError | None:
        """After a ``CancelledError`` while waiting: the timeout it stands for, or ``None`` if not ours."""
        if self.fired is None or self._task is None:
            return None
        if not isinstance(error, asyncio.CancelledError) or not _timed_out(self._task, self._base):
            return None
        seconds = {"first_token_timeout": self.first_token_s, "stream_idle_timeout": self.idle_s}.get(self.fired)
        if seconds is None:
            seconds = max(0.0, (self.hard_deadline or 0.0) - self._since)
        return AttemptTimeoutError(self.fired, seconds)

    def close(self) -> None:
        """Disarm."""
        self._closed = True
        if self._armed:
            self._disarm()
