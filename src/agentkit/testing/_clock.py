"""A manual clock for deterministic tests of timers."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import datetime, timedelta, timezone

__all__ = ("ManualClock",)


class ManualClock:
    """A :class:`agentkit.Clock` that moves only when the test calls :meth:`advance`.

    ``sleep()`` waits until the clock has been advanced past its wake-up time, so code that races a
    timer against work can be driven step by step without real sleeps::

        clock = ManualClock()
        task = asyncio.create_task(clock.sleep(5))
        await clock.advance(4.9)   # task still pending
        await clock.advance(0.1)   # task done

    Args:
        start: Initial monotonic reading in seconds.
        wall_start: Initial wall-clock time (UTC); defaults to 2026-01-01T00:00:00Z.
    """

    def __init__(self, start: float = 0.0, wall_start: datetime | None = None) -> None:
        self._now = float(start)
        self._start = float(start)
        self._wall_start = wall_start or datetime(2026, 1, 1, tzinfo=timezone.utc)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def monotonic(self) -> float:
        """Return the current reading."""
        return self._now

    def now(self) -> datetime:
        """Return the wall-clock time that corresponds to the current reading."""
        return self._wall_start + timedelta(seconds=self._now - self._start)

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock is advanced by at least ``seconds``."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), future))
        await future

    @property
    def pending_sleepers(self) -> int:
        """How many ``sleep()`` calls are waiting (cancelled ones excluded)."""
        return sum(1 for _, _, f in self._sleepers if not f.done())

    async def advance(self, seconds: float) -> None:
        """Move the clock forward and wake every sleeper whose time has come.

        Yields to the event loop after waking sleepers so that their continuations run before
        ``advance`` returns.
        """
        if seconds < 0:
            raise ValueError("ManualClock cannot go backwards")
        self._now += seconds
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        for _ in range(5):
            await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"ManualClock(monotonic={self._now})"
