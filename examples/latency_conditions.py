"""Latency conditions in a team: a run deadline, a per-turn limit and a per-agent time budget.

Runs offline and instantly: ScriptedChatCompletionClient answers after scripted latencies spent on a
ManualClock, and the conditions read the same clock, so every duration below is exact. In production, drop
``clock=`` (the system clock is the default) and use real model clients.
"""

from __future__ import annotations

import asyncio

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat

from agentkit.conditions import AgentTimeBudgetTermination, DeadlineTermination, TurnLatencyTermination
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient


async def run_team(clock: ManualClock, planner_latency: float, coder_latencies: list[float]) -> str:
    """Run planner/coder turns until a latency condition stops the team."""
    planner = ScriptedChatCompletionClient(
        [Scripted("plan", latency=planner_latency)], clock=clock, when_exhausted="repeat_last"
    )
    coder = ScriptedChatCompletionClient([Scripted("code", latency=s) for s in coder_latencies], clock=clock)
    condition = (
        DeadlineTermination(100, clock=clock)  # the whole run: 100 s from the task
        | TurnLatencyTermination(10, per_agent={"coder": 20}, consecutive=2, clock=clock)  # 2 slow turns in a row
        | AgentTimeBudgetTermination(per_agent={"coder": 60}, clock=clock)  # the coder's total turn time
        | MaxMessageTermination(30)
    )
    team = RoundRobinGroupChat(
        [AssistantAgent("planner", model_client=planner), AssistantAgent("coder", model_client=coder)],
        termination_condition=condition,
    )
    run = asyncio.ensure_future(team.run(task="Build it."))
    while not run.done():  # move the manual clock only while a model call is "thinking"
        if clock.pending_sleepers:
            await clock.advance(1)
        else:
            await asyncio.sleep(0)
    result = run.result()
    assert result.stop_reason is not None
    return result.stop_reason


async def main() -> None:
    """Three runs, three different stops."""
    slow = await run_team(ManualClock(), 2, [25, 25])  # two slow coder turns in a row
    spent = await run_team(ManualClock(), 2, [19] * 4)  # the coder used 76 s of its 60 s
    late = await run_team(ManualClock(), 9, [9] * 10)  # the run passed 100 s
    for reason in (slow, spent, late):
        print(reason)
    assert slow.startswith("Turn latency limit exceeded: agent 'coder' took 25 s")
    assert spent.startswith("Agent time budget exhausted: agent 'coder' used 76 s")
    assert late.startswith("Deadline of 100 s reached")


if __name__ == "__main__":
    asyncio.run(main())
