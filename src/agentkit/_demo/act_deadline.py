"""Act: a hard deadline interrupts a team whose second agent's model call hangs, and keeps the partial work."""

from __future__ import annotations

import time

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core.models import ChatCompletionClient

from ..deadlines import run_with_deadline
from ._framework import ActReport, DemoEnv

TITLE = "Hard deadline (run_with_deadline: a hung model call is cancelled, partial messages kept)"

HARD_S = 1.5
WRITER_MODEL = "gpt-4o-mini"
REVIEWER_MODEL = "gpt-4o"


async def run(env: DemoEnv) -> ActReport:
    """Run writer -> reviewer under a 1.5 s hard deadline while the reviewer's provider hangs."""
    writer_client: ChatCompletionClient
    reviewer_client: ChatCompletionClient
    task = "Write one sentence about the sea."
    if env.scripted:
        from ..testing import Scripted, ScriptedChatCompletionClient

        writer_client = ScriptedChatCompletionClient(
            ["The sea keeps every secret the shore forgets.", "The sea, briefly: vast."], model=WRITER_MODEL
        )
        reviewer_client = ScriptedChatCompletionClient(
            [Scripted("(never arrives)", latency=3600), "Good."], model=REVIEWER_MODEL
        )
        env.narrate(f"the reviewer's model ({REVIEWER_MODEL}) takes the request and never answers")
    elif env.provider is not None:
        from ..testing import Fault

        env.provider.always(REVIEWER_MODEL, Fault.hang())
        env.narrate(f"the reviewer's provider ({REVIEWER_MODEL}) accepts the request and never answers")
        writer_client = env.openai_client(WRITER_MODEL)
        reviewer_client = env.openai_client(REVIEWER_MODEL)
    else:
        env.narrate("live: the reviewer is asked for a long essay, which cannot finish in time")
        task = "Write one sentence about the sea. Reviewer: answer with a 3000-word essay on it."
        writer_client = env.openai_client(WRITER_MODEL)
        reviewer_client = env.openai_client(REVIEWER_MODEL)
    team = RoundRobinGroupChat(
        [
            AssistantAgent("writer", model_client=writer_client, system_message="Write one sentence."),
            AssistantAgent("reviewer", model_client=reviewer_client, system_message="Review it."),
        ],
        termination_condition=MaxMessageTermination(3),
    )
    env.narrate(f"run_with_deadline(team, hard={HARD_S}) -- AutoGen alone would wait for the reviewer forever")
    started = time.monotonic()
    result = await run_with_deadline(team, task=task, hard=HARD_S)
    elapsed = time.monotonic() - started
    for message in result.messages:
        env.narrate(f"kept  {message.source}: {env.excerpt(message.to_text())}")
    env.narrate(f"returned after {elapsed:.2f} s: {result.stop_reason}")
    hard_stop = bool(result.stop_reason and result.stop_reason.startswith("Hard deadline"))

    reused = "skipped (live)"
    if not env.live:
        if env.provider is not None:
            env.provider.reset()  # the provider recovers
        again = await team.run(task="Once more, briefly.")
        reused = f"{len(again.messages)} messages"
        env.narrate(f"the restored team runs again: {[m.source for m in again.messages]}")
    await writer_client.close()
    await reviewer_client.close()
    return ActReport(
        name="deadline",
        title=TITLE,
        outcome=f"stopped after {elapsed:.2f} s (hard {HARD_S} s); {len(result.messages)} messages kept",
        facts={
            "hard_deadline_s": HARD_S,
            "returned_after_s": round(elapsed, 2),
            "messages_kept": len(result.messages),
            "next_run": reused,
        },
        ok=hard_stop and elapsed < HARD_S + 1.0,
    )
