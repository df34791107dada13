"""Tool-policy benchmark: what ``PolicyWorkbench`` adds per tool call over the bare workbench it wraps.

Contenders, interleaved round by round (order rotating), each a ``call_tool`` of a trivial async function tool:

- ``bare``: ``StaticStreamWorkbench.call_tool`` (measured twice: the gap between its two figures is the noise);
- ``policy: names``: a ``PolicyWorkbench`` with allow/deny lists only;
- ``policy: rules``: plus argument rules (type, range, pattern) and call limits;
- ``policy: path+url``: plus a path rule (``realpath`` per call) and a URL rule;
- ``policy: + jsonl audit``: names policy plus a JSON-lines audit sink (one ``write(2)`` per decision);
- ``policy: + event listener``: names policy with a handler on AutoGen's event logger.

Figures are median seconds per call and the ratio to the first bare run, then the cost of the policy decision
alone (``PolicyWorkbench._admit``: name, arguments, limits, audit hook) per policy - including one call whose
path argument is a JSON list inside a string (judged decoded, as FastMCP would decode it) and whose URL has an
internationalised host (IDNA 2008 conversion, cached). Run from the repository root:
``python benchmarks/bench_tools.py [--quick]``. Offline; no network at all.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from autogen_core import EVENT_LOGGER_NAME
from autogen_core.tools import FunctionTool, StaticStreamWorkbench

from agentkit.tools import PolicyWorkbench


async def lookup(key: str, url: str, limit: int) -> str:
    """A trivial tool: the cost measured is the machinery around it."""
    return key


def _workbench() -> StaticStreamWorkbench:
    return StaticStreamWorkbench([FunctionTool(lookup, description="Look up a key.")])


ARGS = {"key": "data/report.txt", "url": "https://api.example.com/v1/items?q=1", "limit": 10}
# what the hardened checks do extra: a JSON list inside a string (decoded as FastMCP would) and an IDN host
ARGS_IDN_JSON = {"key": '["data/a.txt", "data/b.txt"]', "url": "https://bücher.example.org/v1", "limit": 10}

NAMES = {"allow": ["lookup", "read_*"], "deny": ["delete_*", "shell"]}
RULES = {
    **NAMES,
    "max_calls": 10**9,
    "tools": {
        "lookup": {
            "args": {
                "key": {"type": "string", "max_length": 200, "pattern": r"[a-z/._-]+"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
            },
            "max_calls": 10**9,
        }
    },
}


def _path_url(root: str) -> dict[str, Any]:
    return {
        **NAMES,
        "tools": {
            "lookup": {
                "args": {
                    "key": {"path": {"within": [root], "relative_to": root}},
                    "url": {"url": {"hosts": ["api.example.com", "*.example.org"]}},
                }
            }
        },
    }


async def _time_per_op(op: Callable[[], Awaitable[Any]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await op()
    return (time.perf_counter() - start) / n


async def _rounds(contenders: dict[str, Callable[[], Awaitable[Any]]], n: int, rounds: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            samples[name].append(await _time_per_op(contenders[name], n))
    return samples


class _Null(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        pass


async def main(quick: bool) -> None:
    n, rounds = (200, 5) if quick else (2000, 15)
    with tempfile.TemporaryDirectory() as tmp:
        bare = _workbench()
        names = PolicyWorkbench(_workbench(), NAMES)
        rules = PolicyWorkbench(_workbench(), RULES)
        path_url = PolicyWorkbench(_workbench(), _path_url(tmp))
        audited = PolicyWorkbench(_workbench(), NAMES, audit_path=Path(tmp) / "audit.jsonl")
        listened = PolicyWorkbench(_workbench(), NAMES)
        logger = logging.getLogger(EVENT_LOGGER_NAME)
        handler = _Null()

        async def with_listener() -> Any:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            try:
                return await listened.call_tool("lookup", ARGS)
            finally:
                logger.removeHandler(handler)
                logger.setLevel(logging.NOTSET)

        for wb in (names, rules, path_url, audited, listened):
            await wb.list_tools()
            result = await wb.call_tool("lookup", ARGS)
            assert not result.is_error, result
        contenders: dict[str, Callable[[], Awaitable[Any]]] = {
            "bare": lambda: bare.call_tool("lookup", ARGS),
            "policy: names": lambda: names.call_tool("lookup", ARGS),
            "policy: rules": lambda: rules.call_tool("lookup", ARGS),
            "policy: path+url": lambda: path_url.call_tool("lookup", ARGS),
            "policy: + jsonl audit": lambda: audited.call_tool("lookup", ARGS),
            "policy: + event listener": with_listener,
            "bare (again)": lambda: bare.call_tool("lookup", ARGS),
        }
        samples = await _rounds(contenders, n, rounds)
        decisions: dict[str, Callable[[], Awaitable[Any]]] = {
            "names": lambda: names._admit("lookup", ARGS, None),
            "rules": lambda: rules._admit("lookup", ARGS, None),
            "path+url": lambda: path_url._admit("lookup", ARGS, None),
            "path+url, JSON list + IDN host": lambda: path_url._admit("lookup", ARGS_IDN_JSON, None),
        }
        for wb in (names, rules, path_url):
            wb.reset_limits()
        decision_samples = await _rounds(decisions, n, rounds)
    baseline = statistics.median(samples["bare"])
    print(f"PolicyWorkbench per-call overhead ({n} calls x {rounds} rounds, median, interleaved)\n")
    print(f"{'contender':<26} {'us/call':>9} {'spread':>9} {'ratio':>7}")
    for name, values in samples.items():
        median = statistics.median(values)
        spread = (max(values) - min(values)) * 1e6
        print(f"{name:<26} {median * 1e6:9.1f} {spread:9.1f} {median / baseline:7.3f}")
    print("\nthe policy decision alone (no tool call), us per decision:")
    for name, values in decision_samples.items():
        print(f"  {name:<32} {statistics.median(values) * 1e6:7.1f}  (min {min(values) * 1e6:.1f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    asyncio.run(main(parser.parse_args().quick))
