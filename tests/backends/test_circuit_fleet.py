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
