"""Peer benchmark: agentkit's failover client against LiteLLM Router and pydantic-ai FallbackModel.

Drives the same scenarios (happy-path overhead and eleven provider faults) through four contenders —
the bare autogen-ext OpenAI client, agentkit's ``FailoverChatCompletionClient``, LiteLLM's ``Router`` and
pydantic-ai's ``FallbackModel`` — against ``agentkit.testing.FakeProvider`` on 127.0.0.1, and writes one table
(Markdown and JSON) plus a chart under ``benchmarks/results/``.

Run from the repository root (needs the ``bench`` dependency group)::

    python benchmarks/run_peers.py                 # full run, a few minutes
    python benchmarks/run_peers.py --quick         # one round of everything, for a smoke test
    python benchmarks/run_peers.py --update-docs   # also refresh docs/benchmarks.md and its chart

Only loopback traffic is allowed while it runs (a socket guard refuses anything else), every call has a
harness deadline, and every loop is bounded in count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # LiteLLM: never fetch the cost map
os.environ.setdefault("LITELLM_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # `_peers` when run as `python -m benchmarks.run_peers`

from _peers.contenders import CONTENDERS, NOISE_FLOOR, Contender
from _peers.fake import FakeProvider
from _peers.measure import RoundResult, run_happy_round, run_round
from _peers.netguard import loopback_only
from _peers.report import (
    machine,
    render_markdown,
    summarise,
    write_chart,
    write_json,
    write_markdown,
)
from _peers.scenarios import HAPPY_CREATE, KNOBS, SCENARIOS, Scenario

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DOCS_PAGE = ROOT / "docs" / "benchmarks.md"
DOCS_CHART = ROOT / "docs" / "assets" / "benchmarks-peers.png"
BEGIN, END = "<!-- peers:begin -->", "<!-- peers:end -->"
MAX_RUN_SECONDS = 900.0  # hard stop for the whole run


def _closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _run(
    scenarios: Sequence[Scenario],
    contenders: Sequence[Contender],
    happy_rounds: int,
    fault_rounds: int,
    happy_calls: int,
) -> list[RoundResult]:
    results: list[RoundResult] = []
    dead_port = _closed_port()
    dead_url = f"http://127.0.0.1:{dead_port}/v1"
    started = time.monotonic()
    async with FakeProvider() as fp:
        for round_no in range(max(happy_rounds, fault_rounds)):
            for scenario in scenarios:
                if round_no >= (happy_rounds if scenario.happy else fault_rounds):
                    continue
                shift = round_no % len(contenders)
                order = [*contenders[shift:], *contenders[:shift]]  # rotate who goes first every round
                if time.monotonic() - started > MAX_RUN_SECONDS:
                    raise TimeoutError(f"benchmark exceeded {MAX_RUN_SECONDS:.0f} s; partial results dropped")
                if scenario.happy:
                    everyone = [*contenders, NOISE_FLOOR] if any(c.name == "bare" for c in contenders) else contenders
                    turn = round_no % len(everyone)
                    happy_order = [*everyone[turn:], *everyone[:turn]]
                    batch = await run_happy_round(fp, scenario, happy_order, KNOBS, round_no, happy_calls)
                else:
                    batch = [
                        await run_round(fp, scenario, c, KNOBS, round_no, dead_url=dead_url, dead_port=dead_port)
                        for c in order
                    ]
                for result in batch:
                    results.append(result)
                    outcomes = ",".join(c.outcome for c in result.calls[:10])
                    _log(
                        f"round {round_no} {scenario.key:<17} {result.contender:<12} {result.wall_s:7.3f} s  "
                        f"P{result.attempts_primary}/F{result.attempts_fallback}  {outcomes}"
                    )
    return results


def _update_docs(markdown: str, chart: Path) -> None:
    page = DOCS_PAGE.read_text(encoding="utf-8")
    if BEGIN not in page or END not in page:
        raise SystemExit(f"{DOCS_PAGE} lacks the {BEGIN} ... {END} markers; not touching it")
    head, rest = page.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{markdown}\n{END}{tail}"
    tmp = DOCS_PAGE.with_name(DOCS_PAGE.name + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, DOCS_PAGE)
    DOCS_CHART.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(chart, DOCS_CHART)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="one round of everything (smoke test)")
    parser.add_argument("--happy-rounds", type=int, default=10, help="interleaved rounds of the happy path")
    parser.add_argument("--happy-calls", type=int, default=HAPPY_CREATE.calls, help="timed calls per happy-path round")
    parser.add_argument("--fault-rounds", type=int, default=3, help="interleaved rounds of each fault scenario")
    parser.add_argument("--only", nargs="*", default=None, help="scenario keys to run (default: all)")
    parser.add_argument("--contenders", nargs="*", default=None, help="contender names (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="output directory")
    parser.add_argument("--update-docs", action="store_true", help="refresh docs/benchmarks.md and its chart")
    args = parser.parse_args(argv)
    happy_rounds, fault_rounds, happy_calls = args.happy_rounds, args.fault_rounds, args.happy_calls
    if args.quick:
        happy_rounds, fault_rounds, happy_calls = 1, 1, 10
    for name, value in (("--happy-rounds", happy_rounds), ("--fault-rounds", fault_rounds)):
        if not 1 <= value <= 50:
            parser.error(f"{name} must be between 1 and 50")
    if not 1 <= happy_calls <= 1000:
        parser.error("--happy-calls must be between 1 and 1000")

    scenarios = [s for s in SCENARIOS if args.only is None or s.key in args.only]
    contenders = [c for c in CONTENDERS if args.contenders is None or c.name in args.contenders]
    if not scenarios or not contenders:
        parser.error(
            f"nothing to run; scenarios: {[s.key for s in SCENARIOS]}, contenders: {[c.name for c in CONTENDERS]}"
        )

    info = machine(ROOT)
    started = time.perf_counter()
    with loopback_only():
        results = asyncio.run(_run(scenarios, contenders, happy_rounds, fault_rounds, happy_calls))
    run_seconds = time.perf_counter() - started

    everyone = [*contenders, NOISE_FLOOR]
    names = [c.name for c in everyone]
    labels = {c.name: c.label for c in everyone}
    configs = {c.name: c.config for c in everyone}
    summaries = summarise(results, scenarios, names)
    markdown = render_markdown(
        info,
        KNOBS,
        scenarios,
        summaries,
        labels,
        configs,
        run_seconds,
        {"happy": happy_rounds, "faults": fault_rounds, "happy_calls": happy_calls},
    )
    out: Path = args.out
    write_markdown(out / "peers.md", "# Peer benchmark: failover and overhead\n\n" + markdown)
    write_json(out / "peers.json", info, KNOBS, scenarios, summaries, results, configs)
    chart = out / "peers.png"
    write_chart(chart, scenarios, summaries, labels, f"Time per call by scenario ({info['date_utc']})")
    if args.update_docs:
        _update_docs(markdown, chart)
    print(markdown)
    _log(f"wrote {out / 'peers.md'}, {out / 'peers.json'}, {chart} in {run_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
