"""Latency-conditions benchmark: what the deadline/latency conditions cost per turn, against AutoGen's own.

Every figure is a ratio against AutoGen's ``TimeoutTermination`` measured in the same run, the contenders
interleaved round by round (order rotating), medians over rounds:

1. per call: one ``__call__`` with a two-message turn delta (a ``ToolCallRequestEvent`` and a ``TextMessage``)
   — the condition's whole per-turn work; limits are huge so nothing ever fires;
2. per team run: a ``RoundRobinGroupChat`` of two agents on ``ScriptedChatCompletionClient`` (no latency)
   running 20 turns, with each condition as the team's termination condition (OR'd with
   ``MaxMessageTermination``) — what an application sees.

Run from the repository root: ``python benchmarks/bench_conditions_latency.py [--quick]``. Offline.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TerminationCondition
from autogen_agentchat.conditions import MaxMessageTermination, TimeoutTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, TextMessage, ToolCallRequestEvent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core import FunctionCall

from agentkit.conditions import AgentTimeBudgetTermination, DeadlineTermination, TurnLatencyTermination
from agentkit.testing import ScriptedChatCompletionClient
from agentkit.usage import CallRecord, UsageLedger

BIG = 1e9
DELTA: list[BaseAgentEvent | BaseChatMessage] = [
    ToolCallRequestEvent(source="writer", content=[FunctionCall(id="1", name="f", arguments="{}")]),
    TextMessage(source="writer", content="draft"),
]


def _contenders() -> dict[str, Callable[[], TerminationCondition]]:
    ledger = UsageLedger()
    for _ in range(3):
        ledger.record(CallRecord(model="m", agent="writer", latency_s=0.5))
    return {
        "TimeoutTermination (AutoGen)": lambda: TimeoutTermination(BIG),
        "DeadlineTermination": lambda: DeadlineTermination(BIG),
        "TurnLatencyTermination": lambda: TurnLatencyTermination(BIG, per_agent={"critic": BIG}, consecutive=2),
        "AgentTimeBudgetTermination (turn)": lambda: AgentTimeBudgetTermination(BIG),
        "AgentTimeBudgetTermination (ledger)": lambda: AgentTimeBudgetTermination(BIG, ledger=ledger),
        "3 x TimeoutTermination OR'd (AutoGen)": lambda: (
            TimeoutTermination(BIG) | TimeoutTermination(BIG) | TimeoutTermination(BIG)
        ),
        "the 3 agentkit conditions OR'd": lambda: (
            DeadlineTermination(BIG) | TurnLatencyTermination(BIG) | AgentTimeBudgetTermination(BIG)
        ),
    }


async def _per_call(make: Callable[[], TerminationCondition], n: int) -> float:
    condition = make()
    await condition(DELTA)  # the run's start
    start = time.perf_counter()
    for _ in range(n):
        await condition(DELTA)
    return (time.perf_counter() - start) / n


async def _per_run(make: Callable[[], TerminationCondition], turns: int) -> float:
    clients = [ScriptedChatCompletionClient(["ok"], when_exhausted="repeat_last") for _ in range(2)]
    team = RoundRobinGroupChat(
        [AssistantAgent(f"agent{i}", model_client=c) for i, c in enumerate(clients)],
        termination_condition=make() | MaxMessageTermination(turns + 1),
    )
    start = time.perf_counter()
    result = await team.run(task="go")
    elapsed = time.perf_counter() - start
    assert len(result.messages) == turns + 1, result.stop_reason
    return elapsed


async def _rounds(
    measure: Callable[[Callable[[], TerminationCondition]], Awaitable[float]], rounds: int
) -> dict[str, list[float]]:
    contenders = _contenders()
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            samples[name].append(await measure(contenders[name]))
    return samples


def _report(title: str, unit: str, scale: float, samples: dict[str, list[float]]) -> list[str]:
    baseline = statistics.median(next(iter(samples.values())))
    lines = [
        f"### {title}",
        "",
        f"| condition | median ({unit}) | spread (IQR) | ratio vs TimeoutTermination |",
        "| --- | --- | --- | --- |",
    ]
    for name, values in samples.items():
        median = statistics.median(values)
        q = statistics.quantiles(values, n=4) if len(values) >= 4 else [median, median, median]
        lines.append(f"| {name} | {median * scale:.2f} | {(q[2] - q[0]) * scale:.2f} | {median / baseline:.2f} |")
    return [*lines, ""]


async def main(quick: bool) -> dict[str, Any]:
    """Run both measurements and print a Markdown report."""
    per_call = await _rounds(lambda make: _per_call(make, 2_000 if quick else 20_000), 5 if quick else 15)
    per_run = await _rounds(lambda make: _per_run(make, 20), 3 if quick else 9)
    lines = [
        *_report("Per call (one turn, 2-message delta)", "µs", 1e6, per_call),
        *_report("Per team run (20 turns, RoundRobinGroupChat, scripted clients)", "ms", 1e3, per_run),
    ]
    print("\n".join(lines))
    return {"per_call": per_call, "per_run": per_run}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    asyncio.run(main(parser.parse_args().quick))
