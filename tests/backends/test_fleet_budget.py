"""Many worker processes, one budget in a real redis-server: never a request or a cent over the cap."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from decimal import Decimal
from typing import Any

import pytest

from agentkit.backends import RedisStore
from agentkit.exceptions import BudgetExceededError

from ._procs import context
from ._workload import MESSAGES, holder, make_client, shared_of, total_cost, worker

WORKERS = 8
# The CI machine is small and shared: a generous per-operation timeout keeps fail-closed from refusing calls there.
_SLOW_MACHINE = "?timeout=10"
CALLS = 200


def _run_fleet(url: str, scope: str, limits: dict[str, Any]) -> list[dict[str, Any]]:
    ctx = context()
    start = ctx.Event()
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, scope, CALLS, limits, start, out)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    start.set()
    results = [out.get(timeout=120) for _ in procs]
    assert not [r["error"] for r in results if "error" in r]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    return results


async def _fleet_usage(url: str, scope: str) -> tuple[int, Decimal, int]:
    shared = shared_of(make_client(url, scope, max_requests=1))
    usage = await shared.usage()
    in_flight, _ = await shared.in_flight()
    return usage.requests, usage.cost_usd, in_flight


async def test_eight_processes_never_exceed_max_requests(flushed: str) -> None:
    results = await asyncio.to_thread(_run_fleet, flushed + _SLOW_MACHINE, "fleet-requests", {"max_requests": 500})
    assert sum(r["ok"] for r in results) == 500
    assert sum(r["requests"] for r in results) == 500  # billed across every process's ledger
    assert sum(r["refused"] for r in results) == WORKERS * CALLS - 500
    requests, _, in_flight = await _fleet_usage(flushed, "fleet-requests")
    assert (requests, in_flight) == (500, 0)


async def test_eight_processes_never_exceed_max_cost_usd(flushed: str) -> None:
    cap = Decimal("3.5")
    results = await asyncio.to_thread(_run_fleet, flushed + _SLOW_MACHINE, "fleet-cost", {"max_cost_usd": cap})
    spent = total_cost(results)
    assert Decimal(0) < spent <= cap  # 0 USD over the cap
    assert sum(r["refused"] for r in results) > 0
    requests, fleet_cost, in_flight = await _fleet_usage(flushed, "fleet-cost")
    assert requests == sum(r["requests"] for r in results)
    assert fleet_cost == spent
    assert in_flight == 0


async def _poll(deadline_s: float, check: Any) -> Any:
    """Wait for ``check()`` to return a truthy value, polling Redis; fail after ``deadline_s`` (a bound, not a sync)."""
    end = time.monotonic() + deadline_s
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < end, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_killed_worker_gives_its_reservations_back_after_the_ttl(flushed: str) -> None:
    url = flushed + "?reservation_ttl=1"
    scope = "kill-9"
    store = RedisStore(url)
    ctx = context()
    proc = ctx.Process(target=holder, args=(url, scope, 5))
    proc.start()
    client = make_client(url, scope, max_requests=5)
    shared = shared_of(client)

    async def held() -> bool:
        count, _ = await shared.in_flight()
        return count == 5

    await _poll(30, held)  # the worker holds all five requests in flight
    with pytest.raises(BudgetExceededError):
        await client.create(MESSAGES)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=10)
    assert proc.exitcode == -signal.SIGKILL

    async def recovered() -> bool:
        count, _ = await shared.in_flight()
        return count == 0

    await _poll(10, recovered)  # headroom back within the TTL (plus the polling bound)
    result = await client.create(MESSAGES)
    assert result.content == "one two three"
    await store.aclose()
