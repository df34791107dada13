"""Redaction benchmark: what agentkit's redaction layer costs per audit record, against encoding the record.

Every audit record is redacted once when it is built (``ToolDecision``) and then JSON-encoded by the sink, so
the honest baseline is that encoding. Contenders, interleaved round by round (order rotating), each over the
same corpus of audit-record dicts (ordinary tool calls, and calls carrying secrets in URLs, headers, tokens
and secret-named keys):

- ``json.dumps``: encoding the record, what ``JsonlAuditSink`` does anyway (measured twice: the gap between
  its two figures is the noise);
- ``redact_value``: the redaction of the whole record (keys too);
- ``ToolDecision``: building the audit record, redaction included.

Figures are median microseconds per record, their spread, and the ratio to the first ``json.dumps`` run. Run
from the repository root: ``python benchmarks/bench_redaction.py [--quick]``. Offline; pure CPU.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from agentkit._redaction import redact_value
from agentkit.tools import ToolDecision

ORDINARY: list[dict[str, Any]] = [
    {"path": "/srv/data/reports/2026-01.csv", "mode": "r", "limit": 100},
    {"query": "quarterly revenue by region", "top_k": 5, "filters": {"year": 2026, "region": ["emea", "apac"]}},
    {"url": "https://api.example.com/v1/items?page=2&per_page=50", "method": "GET"},
    {"to": "ops@example.com", "subject": "Nightly run finished", "body": "All 42 jobs succeeded in 3m12s."},
    {"a": 17, "b": 25},
]
WITH_SECRETS: list[dict[str, Any]] = [
    {"url": "https://alice:pa55word@db.example.com/x?access_token=tok-0123456789", "method": "GET"},
    {"headers": {"Authorization": "Bearer abc+def/ghi=jkl==", "X-Api-Key": "xk-0123"}, "body": "{}"},
    {"note": "use sk-proj-AbCdEfGhIjKlMnOp0123456789 and ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
    {"config": {"password": "hunter2", "private_key": "pk", "nested": [{"cookie": "sid=1"}]}},
]
CORPUS = ORDINARY * 4 + WITH_SECRETS  # mostly ordinary calls, as in a real audit trail


def _decision(arguments: dict[str, Any]) -> ToolDecision:
    return ToolDecision(
        tool="read_file",
        arguments=arguments,
        decision="allow",
        rule="allow",
        reason="",
        agent="ops",
        call_id="call_0123",
        time="2026-01-01T00:00:00+00:00",
    )


CONTENDERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "json.dumps": lambda record: json.dumps(record, ensure_ascii=False, sort_keys=True),
    "redact_value": redact_value,
    "ToolDecision (redaction included)": _decision,
    "json.dumps (again)": lambda record: json.dumps(record, ensure_ascii=False, sort_keys=True),
}


def _run(fn: Callable[[dict[str, Any]], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for record in CORPUS:
            fn(record)
    return (time.perf_counter() - start) / (repeat * len(CORPUS)) * 1e6


def main(quick: bool) -> None:
    """Measure every contender, interleaved, and print medians and ratios."""
    rounds, repeat = (3, 50) if quick else (9, 400)
    samples: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    names = list(CONTENDERS)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            samples[name].append(_run(CONTENDERS[name], repeat))
    base = statistics.median(samples["json.dumps"])
    print(f"Redaction cost per audit record ({len(CORPUS)} records x {repeat} x {rounds} rounds, median)\n")
    print(f"{'contender':<36}{'us/record':>10}{'spread':>10}{'ratio':>8}")
    for name in names:
        values = samples[name]
        median = statistics.median(values)
        spread = max(values) - min(values)
        print(f"{name:<36}{median:>10.1f}{spread:>10.1f}{median / base:>8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    main(parser.parse_args().quick)
