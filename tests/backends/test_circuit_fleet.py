"""Circuit-breaker state shared through a real redis-server by several processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from agentkit._clock import SYSTEM_CLOCK
from agentkit.backends._circuit import SharedCircuits, circuit_store
from agentkit.events import CircuitStateEvent
from agentkit.models._breaker import CircuitBreaker, CircuitState
from agentkit.testing import capture_events

from ._procs import context
from ._workload import open_breaker, try_probe


@pytest.fixture
def circuit_events() -> Iterator[list[CircuitStateEvent]]:
    with capture_events(CircuitStateEvent) as seen:
        yield seen


def _shared(url: str) -> SharedCircuits:
    shared = circuit_store(url)
    assert shared is not None
    return shared


def _open_elsewhere(url: str, member: str) -> None:
    ctx = context()
    out = ctx.Queue()
    proc = ctx.Process(target=open_breaker, args=(url, member, 3, out))
    proc.start()
    assert out.get(timeout=60) == "open"
    proc.join(timeout=30)
    assert proc.exitcode == 0


async def test_a_breaker_opened_in_one_process_is_open_in_another(
    flushed: str, circuit_events: list[CircuitStateEvent]
) -> None:
    shared = _shared(flushed)
    here = CircuitBreaker("primary", failure_threshold=3, cooldown_s=60, clock=SYSTEM_CLOCK, store=shared)
    await shared.refresh([here])
    assert here.allows()
    await asyncio.to_thread(_open_elsewhere, flushed, "primary")
    await shared.refresh([here])  # what the failover client does before its next call
    assert not here.allows()
    assert here.state is CircuitState.OPEN
    assert here.open_until is not None
    assert 0 < here.open_until - SYSTEM_CLOCK.monotonic() <= 60  # the other process's cooldown, honoured here
    assert [(e["member"], e["state"]) for e in circuit_events] == [("primary", "open")]  # the event, in this process


async def test_exactly_one_probe_across_the_fleet(flushed: str) -> None:
    shared = _shared(flushed)
    opener = CircuitBreaker("flaky", failure_threshold=1, cooldown_s=0.2, clock=SYSTEM_CLOCK, store=shared)
    opener.record_failure()
    await shared.flush()
    end = time.monotonic() + 30
    while (await shared.state("flaky"))[0] is not CircuitState.HALF_OPEN:  # poll the condition, bounded
        assert time.monotonic() < end
        await asyncio.sleep(0.05)

    def race() -> list[bool]:
        ctx = context()
        start, out = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=try_probe, args=(flushed, "flaky", start, out)) for _ in range(6)]
        for proc in procs:
            proc.start()
        start.set()
        answers = [out.get(timeout=60) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        return answers

    answers = await asyncio.to_thread(race)
    assert sorted(answers) == [False] * 5 + [True]


async def test_a_successful_probe_closes_the_member_for_everyone(flushed: str) -> None:
    shared = _shared(flushed)
    other = SharedCircuits(shared.store)  # a second "process": its own holder id and breakers
    prober = CircuitBreaker("svc", failure_threshold=1, cooldown_s=0.1, clock=SYSTEM_CLOCK, store=shared)
    watcher = CircuitBreaker("svc", failure_threshold=1, cooldown_s=0.1, clock=SYSTEM_CLOCK, store=other)
    prober.record_failure()
    await shared.flush()
    end = time.monotonic() + 30
    while (await shared.state("svc"))[0] is not CircuitState.HALF_OPEN:
        assert time.monotonic() < end
        await asyncio.sleep(0.05)
    await shared.refresh([prober])
    await other.refresh([watcher])
    assert prober.allows()  # the lease is the prober's
    assert not watcher.allows()
    prober.begin()
    prober.record_success()
    await shared.flush()  # in separate processes: the close lands within one round trip
    await other.refresh([watcher])
    assert watcher.allows()
    assert watcher.state is CircuitState.CLOSED
    assert (await shared.state("svc"))[0] is CircuitState.CLOSED


class _Spy:
    """A circuit store that records what a breaker tells it (the breaker's side of the protocol)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def opened(self, breaker: CircuitBreaker) -> None:
        self.calls.append("opened")

    def closed(self, breaker: CircuitBreaker) -> None:
        self.calls.append("closed")

    def released(self, breaker: CircuitBreaker) -> None:
        self.calls.append("released")

    def failed(self, breaker: CircuitBreaker) -> None:
        self.calls.append("failed")

    def succeeded(self, breaker: CircuitBreaker) -> None:
        self.calls.append("succeeded")


def test_a_success_tells_the_store_only_when_the_fleet_had_failures_counted() -> None:
    spy = _Spy()
    breaker = CircuitBreaker("m", failure_threshold=3, cooldown_s=60, clock=SYSTEM_CLOCK, store=spy)
    breaker.record_success()
    assert spy.calls == []  # the happy path writes nothing
    breaker.record_failure()
    breaker.record_success()
    assert spy.calls == ["failed", "succeeded"]
    breaker.apply_shared(CircuitState.CLOSED, 0.0, 2)  # failures counted elsewhere in the fleet
    breaker.record_success()
    breaker.record_success()
    assert spy.calls == ["failed", "succeeded", "succeeded"]


async def test_failures_in_several_processes_add_up_to_open_the_member_for_all(
    flushed: str, circuit_events: list[CircuitStateEvent]
) -> None:
    here = _shared(flushed)
    there = SharedCircuits(here.store)  # a second "process": its own holder id and breakers
    a = CircuitBreaker("api", failure_threshold=3, cooldown_s=60, clock=SYSTEM_CLOCK, store=here)
    b = CircuitBreaker("api", failure_threshold=3, cooldown_s=60, clock=SYSTEM_CLOCK, store=there)
    a.record_failure()
    a.record_failure()
    await here.flush()
    b.record_failure()  # the third failure in a row, fleet-wide: no process saw three on its own
    await there.flush()
    await here.refresh([a])
    await there.refresh([b])
    assert (a.state, b.state) == (CircuitState.OPEN, CircuitState.OPEN)
    assert (await here.state("api"))[0] is CircuitState.OPEN
    assert [(e["member"], e["state"]) for e in circuit_events] == [("api", "open"), ("api", "open")]


async def test_a_success_anywhere_starts_the_fleets_count_again(flushed: str) -> None:
    here = _shared(flushed)
    there = SharedCircuits(here.store)
    a = CircuitBreaker("api", failure_threshold=3, cooldown_s=60, clock=SYSTEM_CLOCK, store=here)
    b = CircuitBreaker("api", failure_threshold=3, cooldown_s=60, clock=SYSTEM_CLOCK, store=there)
    a.record_failure()
    a.record_failure()
    await here.flush()
    await there.refresh([b])  # b's next call: it sees the two failures counted...
    b.record_success()  # ...and its success starts the count again
    await there.flush()
    await here.refresh([a])  # a's next call (its own count of 2 follows the fleet's)
    a.record_failure()
    await here.flush()
    await there.refresh([b])
    assert b.state is CircuitState.CLOSED
    assert (await here.state("api"))[0] is CircuitState.CLOSED
