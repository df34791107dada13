"""The clock seam: every timer in agentkit reads time and sleeps through a ``Clock``.

Production code uses :data:`SYSTEM_CLOCK` (``time.monotonic`` / ``asyncio.sleep``). Tests inject
:class:`agentkit.testing.ManualClock`, which only moves when the test advances it, so no test needs
real sleeps to synchronise.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

__all__ = ("SYSTEM_CLOCK", "Clock", "SystemClock")


@runtime_checkable
class Clock(Protocol):
    """What agentkit needs from a clock."""

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (only differences are meaningful)."""
        ...

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware (UTC)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait until ``seconds`` have passed on this clock."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic()``, ``datetime.now(timezone.utc)`` and ``asyncio.sleep``."""

    __slots__ = ()

    monotonic = staticmethod(time.monotonic)
    """Return ``time.monotonic()`` (the builtin itself: timers read it on every call's hot path)."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(timezone.utc)

    async def sleep(self, seconds: float) -> None:
        """Sleep with ``asyncio.sleep``."""
        import asyncio  # imported here: `import agentkit` stays light until something sleeps

        await asyncio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK: Clock = SystemClock()
"""The process-wide real clock; the default wherever a ``clock=`` parameter is accepted."""
