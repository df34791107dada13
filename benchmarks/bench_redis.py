"""Redis backend benchmark: what a shared budget costs per call, its round trips, and what a fleet sustains.

- per call: ``MeteredChatCompletionClient`` with a shared Redis budget (loopback) against the same client with
  the in-memory budget, interleaved round by round in one run (the ratio is the figure; the in-memory budget is
  measured twice and the gap between its two figures is the run's noise). The inner client is
  ``ScriptedChatCompletionClient`` answering at once: pure overhead, the worst case — a real model call takes
  hundreds of milliseconds.
- round trips: Redis commands per call, counted by the server itself (``INFO commandstats``), for admitted
  calls (target: 2, one ``EVALSHA`` to admit and one to settle) and for refused ones.
- fleet: calls per second that 1, 2 and 4 worker processes sustain together against one shared budget, each
  process running 50 calls concurrently; with the in-memory budget as the reference in the same run.

Needs a ``redis-server`` binary (Debian: ``apt-get install redis-server``); the benchmark starts its own on a
free loopback port. Run from the repository root: ``python benchmarks/bench_redis.py [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from autogen_core.models import UserMessage

from agentkit.backends import local_redis_server
from agentkit.conditions import BudgetTermination
from agentkit.models import MeteredChatCompletionClient
from agentkit.testing import ScriptedChatCompletionClient
from agentkit.usage import UsageLedger

MODEL = "bench-model"
PRICES = {MODEL: {"input_per_mtok": "0.15", "output_per_mtok": "0.6"}}
MESSAGES = [UserMessage(content="Summarise the budget in one line.", source="user")]


def _client(store: str | None, scope: str = "bench", max_requests: int = 10**9) -> MeteredChatCompletionClient:
    ledger = UsageLedger()
    budget = BudgetTermination(
        max_requests=max_requests,
        max_cost_usd=10**6,
        ledger=ledger,
        scope="ledger",
        prices=PRICES,
        store=store,
        store_scope=scope,
    )
    inner = ScriptedChatCompletionClient(["fine"], model=MODEL, when_exhausted="repeat_last")
    return MeteredChatCompletionClient(inner, budget=budget, prices=PRICES, model=MODEL)


async def _time_per_op(op: Callable[[], Awaitable[Any]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await op()
    return (time.perf_counter() - start) / n


async def per_call(url: str, n: int, rounds: int) -> dict[str, Any]:
    """Median seconds per call for each contender, interleaved round by round (order rotating)."""
    contenders = {
        "in-memory": _client(None),
        "in-memory (again)": _client(None),
        "redis": _client(url, scope="per-call"),
    }
    ops = {name: (lambda c=c: c.create(MESSAGES)) for name, c in contenders.items()}
    samples: dict[str, list[float]] = {name: [] for name in ops}
    for op in ops.values():
        await _time_per_op(op, max(n // 10, 1))
    names = list(ops)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            samples[name].append(await _time_per_op(ops[name], n))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    spread = {name: (min(values), max(values)) for name, values in samples.items()}
    return {
        "us_per_call": {k: round(v * 1e6, 1) for k, v in medians.items()},
        "spread_us": {k: [round(a * 1e6, 1), round(b * 1e6, 1)] for k, (a, b) in spread.items()},
        "redis_vs_in_memory": round(medians["redis"] / medians["in-memory"], 2),
        "redis_extra_us_per_call": round((medians["redis"] - medians["in-memory"]) * 1e6, 1),
        "noise_in_memory_twice": round(medians["in-memory (again)"] / medians["in-memory"], 3),
    }


async def _evalsha(client: Any) -> int:
    stats = await client.info("commandstats")
    return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))


async def round_trips(url: str, calls: int) -> dict[str, float]:
    """Round trips per call: commands the client sent (a Lua script is one), and EVALSHA as the server counts."""
    import redis.asyncio as redis_asyncio

    admin = redis_asyncio.from_url(url.split("?")[0], decode_responses=True)
    admitted = _client(url, scope="round-trips")
    shared = admitted.budget.store if admitted.budget is not None else None
    assert shared is not None
    await admitted.create(MESSAGES)  # loads the scripts (SCRIPT LOAD once per connection)
    sent, server = shared.store.round_trips, await _evalsha(admin)
    for _ in range(calls):
        await admitted.create(MESSAGES)
    sent_after, server_after = shared.store.round_trips, await _evalsha(admin)
    await _client(url, scope="round-trips-refused", max_requests=1).create(MESSAGES)  # another worker spent it
    refused = _client(url, scope="round-trips-refused", max_requests=1)  # its own ledger is empty: Redis refuses
    refused_shared = refused.budget.store if refused.budget is not None else None
    assert refused_shared is not None
    before = refused_shared.store.round_trips
    for _ in range(calls):
        with contextlib.suppress(Exception):
            await refused.create(MESSAGES)
    after = refused_shared.store.round_trips
    await admin.aclose()
    return {
        "admitted_client_side": (sent_after - sent) / calls,
        "admitted_evalsha_server_side": (server_after - server) / calls,
        "refused_client_side": (after - before) / calls,
    }


def _fleet_worker(url: str | None, calls: int, concurrency: int, start: Any, out: Any) -> None:
    async def main() -> float:
        client = _client(url, scope="fleet")
        await client.create(MESSAGES)  # connect and load scripts before the clock starts
        out.put("ready")
        start.wait()
        began = time.perf_counter()
        remaining = calls

        async def lane() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await client.create(MESSAGES)

        await asyncio.gather(*(lane() for _ in range(concurrency)))
        return time.perf_counter() - began

    try:
        out.put(asyncio.run(main()))
    except BaseException as error:  # report, so the parent never waits for a worker that died
        out.put(f"error: {error!r}")
        raise


def fleet(url: str | None, processes: int, calls: int, concurrency: int = 50) -> float:
    """Calls per second ``processes`` workers sustain together (each ``calls`` calls, ``concurrency`` at once)."""
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_fleet_worker, args=(url, calls, concurrency, start, out)) for _ in range(processes)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready = out.get(timeout=300)
        assert ready == "ready", ready
    start.set()
    durations = [out.get(timeout=300) for _ in procs]
    errors = [d for d in durations if isinstance(d, str)]
    assert not errors, errors
    for proc in procs:
        proc.join(timeout=60)
    return float(processes * calls / max(durations))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls (a smoke run)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    n, rounds, fleet_calls = (200, 5, 500) if args.quick else (1000, 9, 3000)
    try:
        server_context = local_redis_server()
        server = server_context.__enter__()
        # A generous per-operation timeout: the machine is shared, and fail-closed would refuse calls otherwise.
        url = server.url + "?timeout=30"
    except FileNotFoundError as error:
        print(f"bench_redis: skipped: {error}", file=sys.stderr)
        return 0
    try:
        figures: dict[str, Any] = {"per_call": asyncio.run(per_call(url, n, rounds))}
        figures["round_trips_per_call"] = asyncio.run(round_trips(url, 200))
        figures["fleet_calls_per_s"] = {
            f"{p} processes": {
                "redis": round(fleet(url, p, fleet_calls)),
                "in-memory (each process its own budget)": round(fleet(None, p, fleet_calls)),
            }
            for p in (1, 2, 4)
        }
    finally:
        server_context.__exit__(None, None, None)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    pc = figures["per_call"]
    print("per call (metered client, scripted inner answering at once; medians, us):")
    for name, value in pc["us_per_call"].items():
        print(f"  {name:<20} {value:>8}  spread {pc['spread_us'][name]}")
    print(f"  redis / in-memory: {pc['redis_vs_in_memory']}x  (+{pc['redis_extra_us_per_call']} us per call)")
    print(f"  noise (in-memory measured twice): {pc['noise_in_memory_twice']}")
    rt = figures["round_trips_per_call"]
    print(
        f"round trips per call: admitted {rt['admitted_client_side']:.2f} (server counted "
        f"{rt['admitted_evalsha_server_side']:.2f} EVALSHA), refused {rt['refused_client_side']:.2f}"
    )
    print("fleet throughput (calls/s, 2 cores shared with everything else on the machine):")
    for name, row in figures["fleet_calls_per_s"].items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
