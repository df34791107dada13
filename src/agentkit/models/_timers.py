"""Cheap time limits for one attempt: cancel the current task when a limit passes, without creating a task.

With the system clock, limits are entries in one per-loop sweeper that keeps a single ``call_later``
handle at the earliest expiry: arming and disarming a limit is a dict write, so the happy path pays no
timer-heap work (no task, no ``wait_for``). With any other clock (tests' ``ManualClock``) a small helper
task sleeps on that clock. When a limit fires, the task is cancelled and the ``CancelledError`` is turned
into :class:`AttemptTimeoutError` at the scope's exit; a cancellation from outside still propagates.
"""

from __future__ import annotations

import asyncio
import weakref
from types import TracebackType

from .._clock import Clock, SystemClock
from ._policy import AttemptTimeoutError

__all__ = ("StreamWatchdog", "TimeoutScope")

_INF = float("inf")


class _Sweeper:
    """All system-clock alarms of one event loop, served by one timer handle at the earliest expiry."""

    __slots__ = ("_at", "_clock", "_handle", "active")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock  # no reference to the loop: it is this sweeper's weak key
        self.active: dict[_Alarm, float] = {}
        # Weak: the loop's timer heap keeps the handle alive; a strong reference would keep the loop (this
        # sweeper's weak key) alive through the handle.
        self._handle: weakref.ref[asyncio.TimerHandle] | None = None
        self._at = _INF

    def add(self, alarm: _Alarm, when: float) -> None:
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


def _sweeper(clock: Clock) -> _Sweeper:
    global _LAST
    loop = asyncio.get_running_loop()
    last = _LAST
    if last is not None and last[0]() is loop:
        return last[1]
    sweeper = _SWEEPERS.get(loop)
    if sweeper is None:
        sweeper = _SWEEPERS[loop] = _Sweeper(clock)
    _LAST = (weakref.ref(loop), sweeper)
    return sweeper


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


def _cancelling(task: asyncio.Task[object]) -> int:
    counter = getattr(task, "cancelling", None)  # Python >= 3.11
    return int(counter()) if counter is not None else 0


def _timed_out(task: asyncio.Task[object], base: int) -> bool:
    """After our own cancel fired: whether the CancelledError was ours alone (then undo the cancel request)."""
    uncancel = getattr(task, "uncancel", None)  # Python >= 3.11; 3.10 cannot tell, so treat it as ours
    return uncancel is None or int(uncancel()) <= base


class TimeoutScope:
    """``with TimeoutScope(clock, expires_at, limit, seconds):`` cancels the current task at ``expires_at``.

    Raises :class:`AttemptTimeoutError` out of the block when it fired. ``expires_at=None`` arms nothing.
    """

    __slots__ = ("_alarm", "_base", "_expires_at", "_task", "fired", "limit", "seconds")

    def __init__(self, clock: Clock, expires_at: float | None, limit: str, seconds: float) -> None:
        self._expires_at = expires_at
        self.limit = limit
        self.seconds = seconds
        self.fired = False
        self._task: asyncio.Task[object] | None = None
        self._alarm = _Alarm(clock, self._fire) if expires_at is not None else None
        self._base = 0

    def _fire(self) -> None:
        if self._task is not None and not self._task.done():
            self.fired = True
            self._task.cancel()

    def __enter__(self) -> TimeoutScope:
        if self._alarm is not None and self._expires_at is not None:
            self._task = asyncio.current_task()
            if self._task is not None:
                self._base = _cancelling(self._task)
                self._alarm.arm(self._expires_at)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
        if self.fired and self._task is not None:
            if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
                if _timed_out(self._task, self._base):
                    raise AttemptTimeoutError(self.limit, self.seconds) from exc
            else:  # pragma: no cover - the block swallowed our cancellation; undo the request
                _timed_out(self._task, self._base)


class StreamWatchdog:
    """One alarm per streamed attempt: the first-token limit until the first chunk, then the idle limit.

    The alarm only cancels while the stream is being awaited (between :meth:`waiting` and :meth:`arrived`),
    never while the caller handles a chunk. Per chunk it costs two attribute writes and a clock read.

    Args:
        clock: Where time is read.
        first_token_s: Limit for the first chunk (``None``: none).
        idle_s: Limit between later chunks (``None``: none).
        hard_deadline: Absolute monotonic time after which any wait is cut (the call's deadline), or ``None``.
    """

    __slots__ = (
        "_alarm",
        "_base",
        "_clock",
        "_closed",
        "_first",
        "_since",
        "_task",
        "_waiting",
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
        self._task: asyncio.Task[object] | None = None
        self._waiting = False
        self._first = True
        self._since = 0.0
        self._base = 0
        self.fired: str | None = None
        self._closed = False

    def _limit(self) -> tuple[float | None, str, float]:
        """(expiry for the current wait, limit name, seconds)."""
        seconds = self.first_token_s if self._first else self.idle_s
        name = "first_token_timeout" if self._first else "stream_idle_timeout"
        expiry = None if seconds is None else self._since + seconds
        if self.hard_deadline is not None and (expiry is None or self.hard_deadline < expiry):
            return self.hard_deadline, "deadline", max(0.0, self.hard_deadline - self._since)
        return expiry, name, seconds or 0.0

    def waiting(self) -> None:
        """Call right before awaiting the next chunk."""
        self._since = self._clock.monotonic()
        self._waiting = True
        if self._alarm is not None:
            if not self._first and self.idle_s is not None and self._since + self.idle_s < self._alarm.when:
                self._alarm.arm(self._since + self.idle_s)  # the idle limit is shorter than the first-token one
            return
        if self._alarm is None:
            expiry, _, _ = self._limit()
            if expiry is None:
                return
            self._task = asyncio.current_task()
            if self._task is None:  # pragma: no cover - always inside a task
                return
            self._base = _cancelling(self._task)
            self._alarm = _Alarm(self._clock, self._fire)
            self._alarm.arm(expiry)

    def rebind(self) -> None:
        """Attach to the current task (a hedged stream's first chunk arrived in a helper task)."""
        task = asyncio.current_task()
        if self._alarm is not None and task is not None and task is not self._task:
            self._task = task
            self._base = _cancelling(task)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def arrived(self) -> None:
        """Call right after a chunk arrived."""
        self._waiting = False
        self._first = False

    def _fire(self) -> None:
        if self._alarm is None:
            return
        expiry, name, _ = self._limit()
        if expiry is None:
            return
        if self._waiting and self._clock.monotonic() >= expiry and self._task is not None and not self._task.done():
            self.fired = name
            self._task.cancel()
            return
        if self._waiting:
            self._alarm.arm(expiry)
            return
        # The caller holds a chunk: look again one idle period after now (or at the hard deadline).
        later = self._clock.monotonic() + self.idle_s if self.idle_s is not None else self.hard_deadline
        if later is not None and self.hard_deadline is not None:
            later = min(later, self.hard_deadline)
        if later is not None:
            self._alarm.arm(later)

    def check(self, error: BaseException) -> AttemptTimeoutError | None:
        """After a ``CancelledError`` while waiting: the timeout it stands for, or ``None`` if not ours."""
        if self.fired is None or self._task is None:
            return None
        if not isinstance(error, asyncio.CancelledError) or not _timed_out(self._task, self._base):
            return None
        _, name, seconds = self._limit()
        if name != self.fired:
            name = self.fired
        return AttemptTimeoutError(name, seconds)

    def close(self) -> None:
        """Disarm."""
        self._closed = True
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
