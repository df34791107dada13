"""Budgets benchmark: what the budget conditions cost per message, and what metering costs per model call.

Every figure is a ratio against a baseline measured in the same run, interleaved round by round:

- conditions: ``BudgetTermination`` (messages mode, with cost; ledger mode) against AutoGen's
  ``TokenUsageTermination``, per message;
- metered client: ``MeteredChatCompletionClient`` against the bare client it wraps, per call — in process
  (``ScriptedChatCompletionClient``: pure overhead, the worst case) and over HTTP (the real
  ``OpenAIChatCompletionClient`` against a stdlib fake server on 127.0.0.1: what an application sees), for
  ``create`` and for a 50-chunk stream (the metered stream reads cached-token usage off the wire). The bare
  client is measured twice; the gap between its two figures is the run's noise.

Run from the repository root: ``python benchmarks/bench_budgets.py [--quick]``. Offline; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
import time
import warnings
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from autogen_agentchat.conditions import TokenUsageTermination
from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient, RequestUsage, UserMessage

from agentkit.conditions import BudgetTermination
from agentkit.models import MeteredChatCompletionClient
from agentkit.pricing import ModelPrice, PriceTable
from agentkit.testing import Scripted, ScriptedChatCompletionClient
from agentkit.usage import CallRecord, UsageLedger

MESSAGES = [UserMessage(content="Summarise the budget in one line.", source="user")]
PRICES = PriceTable({"scripted-model": ModelPrice(input_per_mtok="0.15", output_per_mtok="0.6")})


async def _time_per_op(op: Callable[[], Awaitable[Any]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await op()
    return (time.perf_counter() - start) / n


async def _rounds(contenders: dict[str, Callable[[], Awaitable[Any]]], n: int, rounds: int) -> dict[str, float]:
    """Median seconds per op for each contender, interleaved round by round."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for op in contenders.values():  # warm-up
        await _time_per_op(op, max(n // 10, 1))
    for _ in range(rounds):
        for name, op in contenders.items():
            samples[name].append(await _time_per_op(op, n))
    return {name: statistics.median(values) for name, values in samples.items()}


async def bench_conditions(n: int, rounds: int) -> dict[str, float]:
    """Per-message cost of the conditions (limits never reached)."""
    message = [TextMessage(content="x", source="writer", models_usage=RequestUsage(120, 30))]
    token_usage = TokenUsageTermination(max_total_token=10**15)
    by_messages = BudgetTermination(max_total_tokens=10**15, max_cost_usd=10**9, price_model="gpt-4o-mini")
    ledger = UsageLedger()
    by_ledger = BudgetTermination(
        max_total_tokens=10**15, max_cost_usd=10**9, per_agent={"writer": {"max_requests": 10**12}}, ledger=ledger
    )

    async def ledger_step() -> Any:  # one recorded call per message, as a metered client would add
        ledger.record(CallRecord(model="gpt-4o-mini", agent="writer", prompt_tokens=120, completion_tokens=30))
        return await by_ledger(message)

    return await _rounds(
        {
            "TokenUsageTermination": lambda: token_usage(message),
            "BudgetTermination(messages, cost)": lambda: by_messages(message),
            "BudgetTermination(ledger, per-agent) incl. record": ledger_step,
        },
        n,
        rounds,
    )


async def bench_in_process(n: int, rounds: int) -> dict[str, float]:
    """Per-call cost against an in-process client (no I/O: the overhead alone)."""

    def scripted() -> ScriptedChatCompletionClient:
        return ScriptedChatCompletionClient([Scripted("ok", usage=(120, 30))], when_exhausted="repeat_last")

    bare = scripted()
    metered = MeteredChatCompletionClient(scripted(), agent="writer", prices=PRICES)
    ledger = UsageLedger()
    budget = BudgetTermination(max_cost_usd=10**9, max_requests=10**12, ledger=ledger)
    admitted = MeteredChatCompletionClient(scripted(), agent="writer", prices=PRICES, budget=budget)
    return await _rounds(
        {
            "bare ScriptedChatCompletionClient": lambda: bare.create(MESSAGES),
            "metered": lambda: metered.create(MESSAGES),
            "metered + admission control": lambda: admitted.create(MESSAGES),
        },
        n,
        rounds,
    )


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if body.get("stream"):
            self._stream(body["model"])
            return
        data = json.dumps(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, model: str) -> None:
        def chunk(delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> bytes:
            choices = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
            frame = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": choices}
            frame["usage"] = usage
            return b"data: " + json.dumps(frame).encode() + b"\n\n"

        usage = {
            "prompt_tokens": 120,
            "completion_tokens": 30,
            "total_tokens": 150,
            "prompt_tokens_details": {"cached_tokens": 100},
        }
        frames = [chunk({"role": "assistant", "content": ""})]
        frames += [chunk({"content": f"word{i} "}) for i in range(STREAM_CHUNKS)]
        frames += [chunk({}, "stop"), chunk({}, usage=usage), b"data: [DONE]\n\n"]
        data = b"".join(frames)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


STREAM_CHUNKS = 50


async def _drain(stream: Any) -> None:
    async for _ in stream:
        pass


async def bench_http(n: int, rounds: int) -> dict[str, float]:
    """Per-call cost over HTTP with the real OpenAI client (what an application sees)."""
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/v1"

    def client() -> ChatCompletionClient:
        return OpenAIChatCompletionClient(model="gpt-4o-mini", base_url=url, api_key="sk-bench", max_retries=0)

    bare = client()
    metered = MeteredChatCompletionClient(client(), agent="writer")
    usage = {"stream_options": {"include_usage": True}}  # the bare stream does the same work as the metered one
    try:
        return await _rounds(
            {
                "bare OpenAIChatCompletionClient": lambda: bare.create(MESSAGES),
                "metered": lambda: metered.create(MESSAGES),
                "bare again (noise control)": lambda: bare.create(MESSAGES),
                f"bare stream ({STREAM_CHUNKS} chunks)": lambda: _drain(
                    bare.create_stream(MESSAGES, extra_create_args=usage)
                ),
                "metered stream (usage details read off the wire)": lambda: _drain(metered.create_stream(MESSAGES)),
                "bare stream again (noise control)": lambda: _drain(
                    bare.create_stream(MESSAGES, extra_create_args=usage)
                ),
            },
            n,
            rounds,
        )
    finally:
        await bare.close()
        await metered.close()
        server.shutdown()
        server.server_close()


def _report(title: str, results: dict[str, float]) -> list[str]:
    baseline = next(iter(results.values()))
    lines = [f"## {title}", "", "| contender | per op | ratio vs first |", "| --- | ---: | ---: |"]
    for name, seconds in results.items():
        lines.append(f"| {name} | {seconds * 1e6:.1f} µs | {seconds / baseline:.2f}x |")
    return [*lines, ""]


async def main(quick: bool) -> None:
    """Run every benchmark and print a Markdown report."""
    scale = 1 if quick else 5
    warnings.simplefilter("ignore")  # OpenAI client's resolved-model notices
    lines = ["# Budgets benchmark", ""]
    lines += _report("Conditions, per message", await bench_conditions(2000 * scale, 5))
    lines += _report("Metered client in process, per call", await bench_in_process(500 * scale, 5))
    http = await bench_http(40 * scale, 5)
    creates = dict(list(http.items())[:3])
    streams = dict(list(http.items())[3:])
    lines += _report("Metered client over HTTP, per call", creates)
    lines += _report("Metered client over HTTP, per streamed call", streams)
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer iterations, for a smoke test")
    asyncio.run(main(parser.parse_args().quick))
