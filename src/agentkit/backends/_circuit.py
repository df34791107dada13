"""``SharedCircuits``: circuit-breaker state in Redis, shared by every process of a fleet.

Key layout (``{circuit}`` is a Redis Cluster hash tag, so one script can read every member)::

    agentkit:<namespace>:{circuit}:<member>         hash: open_until (server ms), opened_by, failures
    agentkit:<namespace>:{circuit}:<member>:probe   string: the probe lease's holder (SET NX PX)

Per call the owner makes one round trip (:meth:`SharedCircuits.refresh`): it reads every member's state and,
for the first member a call would reach that is half-open, tries to take its probe lease — so exactly one
process probes it. Transitions (open, close, lease given back) and failures (counted in the member's hash,
which opens it at the threshold) are written by background tasks the next refresh waits for, so a breaker's
own writes are never overtaken by a read. A success writes only when the fleet had failures counted.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from ..exceptions import StoreUnavailableError
from ..models._breaker import CircuitBreaker, CircuitState
from ._redis import RedisStore, resolve_store
from ._scripts import CIRCUIT_CLOSE, CIRCUIT_FAIL, CIRCUIT_OPEN, CIRCUIT_REFRESH, CIRCUIT_SUCCESS

__all__ = ("SharedCircuits", "circuit_store")

_STATES = (CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN)


class SharedCircuits:
    """Circuit-breaker state of failover members, shared through a :class:`~agentkit.backends.RedisStore`.

    Built by ``FailoverChatCompletionClient(..., circuit_store="redis://...")``; give the same breaker to every
    process by giving members the same names. With ``on_unavailable="closed"`` a call is refused
    (:class:`~agentkit.exceptions.StoreUnavailableError`) when the state cannot be read; with ``"open"`` each
    process falls back to its own breakers until Redis answers again.

    Args:
        store: The Redis store (a :class:`~agentkit.backends.RedisStore`, URL or client).
        probe_lease: Seconds a half-open probe lease lasts if its holder never reports (e.g. it died).
    """

    def __init__(self, store: RedisStore, *, probe_lease: float = 30.0) -> None:
        """Bind to ``store``; nothing is sent until the first refresh."""
        self.store = store
        self.probe_lease = probe_lease
        self.holder = uuid.uuid4().hex
        self._tasks: set[asyncio.Task[None]] = set()

    def _keys(self, member: str) -> list[str]:
        base = self.store.key("{circuit}", member)
        return [base, base + ":probe"]

    # -- reads -------------------------------------------------------------------------------------------------

    async def refresh(self, breakers: Sequence[CircuitBreaker]) -> None:
        """Adopt the fleet's state for ``breakers`` (in call order), taking a probe lease where one is due.

        Raises:
            StoreUnavailableError: Redis is unreachable and the store is fail-closed.
        """
        await self.flush()
        keys: list[str] = []
        for breaker in breakers:
            keys += self._keys(breaker.member)
        try:
            reply = await self.store.script(
                "circuit", CIRCUIT_REFRESH, keys, [self.holder, int(self.probe_lease * 1000)]
            )
        except StoreUnavailableError as error:
            self.store.note_down("circuit", error)
            if self.store.on_unavailable == "closed":
                raise
            return
        self.store.note_up("circuit")
        for breaker, (state, remaining_ms, _mine, failures) in zip(breakers, reply, strict=True):
            breaker.apply_shared(_STATES[int(state)], max(int(remaining_ms), 0) / 1000, int(failures))

    async def state(self, member: str) -> tuple[CircuitState, float]:
        """The fleet's state of ``member`` and the seconds left of its cooldown (no lease is taken)."""
        raw = await self.store.run("circuit", lambda c: c.hget(self._keys(member)[0], "open_until"))
        if not raw:
            return CircuitState.CLOSED, 0.0
        now_s, now_us = await self.store.run("circuit", lambda c: c.time())
        remaining = (int(raw) - (int(now_s) * 1000 + int(now_us) // 1000)) / 1000
        return (CircuitState.OPEN, remaining) if remaining > 0 else (CircuitState.HALF_OPEN, 0.0)

    # -- writes (CircuitStore protocol: called by breakers on transitions, never block) -----------------------

    def opened(self, breaker: CircuitBreaker) -> None:
        """Open ``breaker``'s member fleet-wide for its cooldown (and give our probe lease back)."""
        self._write(CIRCUIT_OPEN, self._keys(breaker.member), [int(breaker.cooldown_s * 1000), self.holder])

    def closed(self, breaker: CircuitBreaker) -> None:
        """Close ``breaker``'s member fleet-wide."""
        self._write(CIRCUIT_CLOSE, self._keys(breaker.member), [self.holder, "0"])

    def failed(self, breaker: CircuitBreaker) -> None:
        """Count a failure of ``breaker``'s member fleet-wide; at its threshold the member opens for everyone."""
        keys = self._keys(breaker.member)[:1]
        self._write(CIRCUIT_FAIL, keys, [breaker.failure_threshold, int(breaker.cooldown_s * 1000), self.holder])

    def succeeded(self, breaker: CircuitBreaker) -> None:
        """Start the fleet's count of consecutive failures of ``breaker``'s member again."""
        self._write(CIRCUIT_SUCCESS, self._keys(breaker.member)[:1], [])

    def released(self, breaker: CircuitBreaker) -> None:
        """Give the probe lease of ``breaker``'s member back (the probe said nothing about health)."""
        self._write(CIRCUIT_CLOSE, self._keys(breaker.member), [self.holder, "1"])

    def _write(self, script: str, keys: list[str], args: list[Any]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a transition outside any event loop (e.g. reset() in sync code): run it now
            asyncio.run(self._send(script, keys, args))
            return
        task = loop.create_task(self._send(script, keys, args))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, script: str, keys: list[str], args: list[Any]) -> None:
        try:
            await self.store.script("circuit", script, keys, args)
        except StoreUnavailableError as error:
            self.store.note_down("circuit", error)

    async def flush(self) -> None:
        """Wait for this process's pending transitions to reach Redis."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))

    async def reset(self, member: str) -> None:
        """Close ``member`` fleet-wide now."""
        await self.store.script("circuit", CIRCUIT_CLOSE, self._keys(member), [self.holder, "0"])

    def __repr__(self) -> str:
        return f"SharedCircuits(store={self.store.url!r})"


def circuit_store(value: Any) -> SharedCircuits | None:
    """The :class:`SharedCircuits` for a ``circuit_store=`` argument (URL, client, RedisStore), or ``None``."""
    if value is None or isinstance(value, SharedCircuits):
        return value
    return SharedCircuits(resolve_store(value))
