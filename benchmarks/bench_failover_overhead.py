"""Failover benchmark: what ``FailoverChatCompletionClient`` costs when all is well, and what it buys when not.

All over loopback HTTP with the real ``OpenAIChatCompletionClient`` against ``agentkit.testing.FakeProvider``
(for the overhead figures the fake provider runs in a child process, so it shares no GIL with the client):

1. happy-path overhead: median seconds per call of the failover client over the bare client it wraps (the
   same client object, so the same connection pool), interleaved round by round, for ``create``, ``create``
   with an agent's tool list (five workbench schemas and three handoff tools, rebuilt per call as AutoGen
   does) and ``create_stream`` (goal: ratio <= 1.02), with the bare client measured twice as an A/A control;
2. time to an answer with a dead primary — refused (nothing listens), HTTP 503, silent (never answers) —
   on the first call (circuit closed, default retry policy) and once the circuit is open;
3. p50/p99 latency on a slow-tailed primary (5 % of first tokens take 1 s) without and with hedging;
4. stream recovery: a primary stream cut, stalled or malformed after 4 words, recovered on an Anthropic
   backup (continued from the partial answer), on an Anthropic backup that rejects the prefill (HTTP 400,
   as Claude Sonnet 4.6 and later do: restarted there), on an OpenAI backup giving the same answer
   (restarted, only the new text passed on) or a different one, for each ``stream_recovery`` mode — how
   many calls end with the whole answer, how many raise ``IncompleteStreamError``, and how many show
   truncated or repeated text (must be 0).

Run from the repository root: ``python benchmarks/bench_failover_overhead.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import multiprocessing
import pstats
import random
import socket
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, UserMessage

from agentkit.models import FailoverChatCompletionClient, FailoverMember
from agentkit.testing import FakeProvider, Fault, Reply

MESSAGES = [UserMessage(content="Say hello in five words.", source="user")]


async def _per_call(op: Callable[[], Awaitable[Any]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await op()
    return (time.perf_counter() - start) / n


# The failover client asks its OpenAI members for stream usage (its totals need it); the bare client is
# asked for it too, so both receive the same bytes and the figure is the wrapper's own cost.
STREAM_USAGE: dict[str, Any] = {"stream_options": {"include_usage": True}}


# Both clients get a cancellation token, as AutoGen's agents always pass one (the run's).
_TOKEN = CancellationToken()


async def _stream(client: ChatCompletionClient, extra: dict[str, Any]) -> CreateResult:
    result: CreateResult | None = None
    async for item in client.create_stream(MESSAGES, extra_create_args=extra, cancellation_token=_TOKEN):
        if isinstance(item, CreateResult):
            result = item
    assert result is not None
    return result


_TOOLS: tuple[list[Any], list[Any]] | None = None


def _tools() -> list[Any]:
    """What an AutoGen agent hands its client per call: fresh copies of its workbench's tool schemas (a
    workbench's ``list_tools()`` builds new dicts every time) plus its handoff ``Tool`` objects."""
    global _TOOLS
    if _TOOLS is None:
        from autogen_core.tools import FunctionTool

        def lookup(city: str, days: int = 3) -> str:
            """Look up the forecast for a city."""
            return city

        def transfer() -> str:
            """Hand the conversation over."""
            return "transferred"

        schemas = [FunctionTool(lookup, description=f"Tool {i}.", name=f"tool_{i}").schema for i in range(5)]
        handoffs = [FunctionTool(transfer, description=f"Hand off to {i}.", name=f"transfer_to_{i}") for i in range(3)]
        _TOOLS = (list(schemas), handoffs)
    schemas, handoffs = _TOOLS
    return [*(dict(schema) for schema in schemas), *handoffs]


def _op(client: ChatCompletionClient, method: str) -> Callable[[], Awaitable[Any]]:
    if method == "create":
        return lambda: client.create(MESSAGES)
    if method == "create_tools":  # like AutoGen's AssistantAgent: the tool list is rebuilt for every call
        return lambda: client.create(MESSAGES, tools=_tools())
    extra = {} if isinstance(client, FailoverChatCompletionClient) else STREAM_USAGE
    return lambda: _stream(client, extra)


async def _alternate(
    contenders: dict[str, Callable[[], Awaitable[Any]]], calls: int, seed: int = 0
) -> dict[str, list[float]]:
    """Per-call seconds for each contender: one call each per round, in a new random order every round.

    A fixed alternation (A B, B A, ...) was found to leave a bias of 1-2 % between two *identical* contenders
    on this machine; a shuffled order spreads whatever the previous call leaves behind (a connection being
    released, a collection due) evenly over the contenders.
    """
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders.items())
    shuffle = random.Random(seed).shuffle
    for _ in range(calls):
        shuffle(order)
        for name, op in order:
            start = time.perf_counter()
            await op()
            samples[name].append(time.perf_counter() - start)
    return samples


def _serve(urls: Any, stop: Any) -> None:
    """Child process: a FakeProvider that shares no GIL with the client under test."""
    with FakeProvider() as fp:
        urls.put(fp.openai_base_url)
        stop.wait()


async def bench_overhead(calls: int) -> dict[str, float]:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    context = multiprocessing.get_context("spawn")
    urls, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(urls, stop), daemon=True)
    server.start()
    try:
        base_url = urls.get(timeout=30)
        return await _bench_overhead(OpenAIChatCompletionClient, base_url, calls)
    finally:
        stop.set()
        server.join(timeout=10)


async def _bench_overhead(client_class: Any, base_url: str, calls: int) -> dict[str, float]:
    def make(model: str) -> ChatCompletionClient:
        return client_class(model=model, base_url=base_url, api_key="sk-fake-bench", max_retries=0)  # type: ignore[no-any-return]

    bare = make("gpt-4o-mini")
    failover = FailoverChatCompletionClient([bare, make("gpt-4o")])
    results: dict[str, float] = {}
    for method in ("create", "create_tools", "create_stream"):
        # "bare_again" is the same bare client measured as a third contender: the A/A control. Its ratio to
        # "bare" is the run's noise floor, to read the failover ratio against.
        contenders = {"bare": _op(bare, method), "bare_again": _op(bare, method), "failover": _op(failover, method)}
        await _alternate(contenders, max(calls // 10, 20))  # warm-up: connections, caches
        samples = await _alternate(contenders, calls)
        bare_s = statistics.median(samples["bare"])
        failover_s = statistics.median(samples["failover"])
        # Paired: the median per-round difference cancels the drift of a shared, busy machine.
        paired = statistics.median(f - b for f, b in zip(samples["failover"], samples["bare"], strict=True))
        control = statistics.median(a - b for a, b in zip(samples["bare_again"], samples["bare"], strict=True))
        results[f"{method}.bare_ms"] = bare_s * 1000
        results[f"{method}.failover_ms"] = failover_s * 1000
        results[f"{method}.ratio"] = failover_s / bare_s
        results[f"{method}.paired_overhead_us"] = paired * 1e6
        results[f"{method}.paired_ratio"] = 1 + paired / bare_s
        results[f"{method}.control_ratio"] = statistics.median(samples["bare_again"]) / bare_s
        results[f"{method}.control_paired_us"] = control * 1e6
        # Deterministic companion figure: Python function calls per call (this thread), which a busy machine
        # does not blur. The failover client's share is what it adds to the bare client's.
        for name in ("bare", "failover"):
            op = contenders[name]
            results[f"{method}.{name}_py_calls"] = await _python_calls(op, 200)
        results[f"{method}.py_calls_ratio"] = (
            results[f"{method}.failover_py_calls"] / results[f"{method}.bare_py_calls"]
        )
    await failover.close()
    return results


async def _python_calls(op: Callable[[], Awaitable[Any]], calls: int) -> float:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        await op()
    profiler.disable()
    return float(pstats.Stats(profiler).total_calls) / calls  # type: ignore[attr-defined]


def _dead_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def bench_dead_primary(fp: FakeProvider) -> dict[str, float]:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    results: dict[str, float] = {}
    fp.always("dead-503", Fault.status(503))
    fp.always("dead-silent", Fault.hang())
    primaries: dict[str, Callable[[], ChatCompletionClient]] = {
        "refused": lambda: OpenAIChatCompletionClient(
            model="gpt-4o-mini", base_url=f"http://127.0.0.1:{_dead_port()}/v1", api_key="sk-bench", max_retries=0
        ),
        "503": lambda: fp.openai_client("dead-503"),
        "silent": lambda: fp.openai_client("dead-silent"),
    }
    for kind, make in primaries.items():
        client = FailoverChatCompletionClient(
            [FailoverMember(make(), name="primary"), fp.openai_client("gpt-4o")],
            attempt_timeout=1.0,  # a silent member is given up after one attempt of 1 s
            failure_threshold=3,
            cooldown=60,
        )
        timings = []
        for _ in range(6):
            start = time.perf_counter()
            await client.create(MESSAGES)
            timings.append(time.perf_counter() - start)
        results[f"{kind}.first_call_ms"] = timings[0] * 1000
        results[f"{kind}.circuit_open_ms"] = statistics.median(timings[-3:]) * 1000
        results[f"{kind}.circuit_open"] = 1.0 if client.breaker("primary").state.value == "open" else 0.0
        await client.close()
    return results


async def bench_hedging(fp: FakeProvider, calls: int) -> dict[str, float]:
    rng = random.Random(42)
    clients: dict[str, FailoverChatCompletionClient] = {}
    for label, hedge in (("plain", None), ("hedged", 0.1)):
        model = f"tail-{label}"
        rng.seed(42)  # the same slow tail for both
        delays = [1.0 if rng.random() < 0.05 else 0.005 for _ in range(calls)]
        fp.script(model, *[Reply.text("hello there", first_token_delay=d) for d in delays])
        clients[label] = FailoverChatCompletionClient(
            [fp.openai_client(model), fp.openai_client("gpt-4o")], hedge_after=hedge, attempt_timeout=5
        )
    samples = await _alternate({label: _op(client, "create_stream") for label, client in clients.items()}, calls)
    results: dict[str, float] = {}
    for label, timings in samples.items():
        timings.sort()
        results[f"{label}.p50_ms"] = timings[len(timings) // 2] * 1000
        results[f"{label}.p99_ms"] = timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000
    for client in clients.values():
        await client.close()
    return results


RECOVERY_ANSWER = "The capital of France is Paris, a city on the Seine. [END]"
RECOVERY_OTHER = "Paris is the capital of France. [END]"


async def _recover_once(client: ChatCompletionClient) -> str:
    """``rescued`` / ``raised`` / ``bad`` (a success with truncated or repeated text) for one streamed call."""
    from agentkit.exceptions import IncompleteStreamError

    chunks: list[str] = []
    try:
        async for item in client.create_stream(MESSAGES):
            if isinstance(item, CreateResult):
                whole = item.content == "".join(chunks) and item.content in (RECOVERY_ANSWER, RECOVERY_OTHER)
                return "rescued" if whole else "bad"
            chunks.append(item)
    except IncompleteStreamError as error:
        return "raised" if error.partial_text == "".join(chunks) else "bad"
    return "bad"


async def bench_recovery(fp: FakeProvider, calls: int) -> dict[str, float]:
    faults: dict[str, dict[str, int]] = {
        "cut": {"cut_after": 4},
        "stall": {"stall_after": 4},
        "malformed": {"malformed_at": 4},
    }
    backups = {
        "anthropic": ("claude-haiku-4-5", RECOVERY_ANSWER),
        "anthropic_no_prefill": ("claude-sonnet-4-6", RECOVERY_ANSWER),  # rejects a prefill with HTTP 400
        "openai_same": ("recover-same", RECOVERY_ANSWER),
        "openai_other": ("recover-other", RECOVERY_OTHER),
    }
    results: dict[str, float] = {}
    modes: tuple[Literal["auto", "restart", "off"], ...] = ("auto", "restart", "off")
    for mode in modes:
        for backup_kind, (backup_model, backup_text) in backups.items():
            for fault, breaks in faults.items():
                counts = {"rescued": 0, "raised": 0, "bad": 0}
                timings: list[float] = []
                for _ in range(calls):
                    fp.reset()
                    fp.script("recover-primary", Reply.text(RECOVERY_ANSWER, **breaks))  # type: ignore[arg-type]
                    fp.always(backup_model, Reply.text(backup_text))
                    if backup_kind == "anthropic_no_prefill":
                        fp.reject_prefill(backup_model)
                    backup = (
                        fp.anthropic_client(backup_model)
                        if backup_kind.startswith("anthropic")
                        else fp.openai_client(backup_model)
                    )
                    client = FailoverChatCompletionClient(
                        [fp.openai_client("recover-primary"), backup],
                        stream_idle_timeout=0.2,
                        stream_recovery=mode,
                    )
                    start = time.perf_counter()
                    counts[await _recover_once(client)] += 1
                    timings.append(time.perf_counter() - start)
                    await client.close()
                key = f"{mode}.{backup_kind}.{fault}"
                for outcome, count in counts.items():
                    results[f"{key}.{outcome}"] = float(count)
                results[f"{key}.median_ms"] = statistics.median(timings) * 1000
    return results


async def main(quick: bool, as_json: bool, happy_only: bool = False) -> dict[str, dict[str, float]]:
    report: dict[str, dict[str, float]] = {}
    report["happy_path"] = await bench_overhead(calls=300 if quick else 2000)
    async with FakeProvider() as fp:
        if not happy_only:
            report["dead_primary"] = await bench_dead_primary(fp)
            report["hedging"] = await bench_hedging(fp, calls=100 if quick else 300)
            report["recovery"] = await bench_recovery(fp, calls=2 if quick else 5)
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        for section, values in report.items():
            print(f"\n{section}")
            for key, value in values.items():
                print(f"  {key:<36} {value:10.3f}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer calls (a rough figure in ~20 s)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--happy-only", action="store_true", help="only the happy-path overhead")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.json, args.happy_only))
