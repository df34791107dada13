"""Soak: thousands of calls with random faults through a three-member chain with one healthy member.

Most calls go through ``ScriptedChatCompletionClient`` members (fast, in process); a real-HTTP portion runs
the OpenAI and Anthropic clients against ``FakeProvider`` (see ``test_failover_http.py``'s soak). Checks:
zero unhandled errors, zero truncated successes, exact usage totals, every failed attempt accounted for,
no leaked tasks.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from autogen_core.models import CreateResult, RequestUsage, UserMessage

from agentkit import _callinfo
from agentkit.exceptions import IncompleteStreamError
from agentkit.models import FailoverChatCompletionClient, FailoverMember
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient
from agentkit.usage import CallRecord

from ._failover_helpers import ALL_INFO, StatusError, capture_events

CALLS = 5_000


def _faulty_script(rng: random.Random, name: str, length: int) -> list[Any]:
    script: list[Any] = []
    for i in range(length):
        roll = rng.random()
        text = f"{name} complete answer number {i}"
        if roll < 0.45:
            script.append(Scripted(text, usage=(11, 5)))
        elif roll < 0.55:
            script.append(StatusError(503, "unavailable"))
        elif roll < 0.62:
            script.append(StatusError(429, "slow down", headers={"retry-after": "0"}))
        elif roll < 0.68:
            script.append(StatusError(401, "bad key"))
        elif roll < 0.76:
            script.append(ConnectionResetError("reset"))
        elif roll < 0.82:
            script.append(ConnectionRefusedError("refused"))
        elif roll < 0.90:
            script.append(Scripted(text, raises=ConnectionResetError("cut mid-stream"), raise_after=2))
        elif roll < 0.95:
            script.append(StatusError(500, "boom"))
        else:
            script.append(RuntimeError("weird"))
    return script


@pytest.mark.slow
async def test_soak_random_faults_three_member_chain() -> None:
    rng = random.Random(20261125)
    clock = ManualClock()
    members = [
        ScriptedChatCompletionClient(
            _faulty_script(rng, name, 997), model=name, clock=clock, model_info=ALL_INFO, when_exhausted="cycle"
        )
        for name in ("flaky-a", "flaky-b")
    ]
    healthy = ScriptedChatCompletionClient(
        [Scripted("healthy complete answer", usage=(13, 3))],
        model="healthy",
        clock=clock,
        model_info=ALL_INFO,
        when_exhausted="repeat_last",
    )
    client = FailoverChatCompletionClient(
        [*members, FailoverMember(healthy, name="healthy")],
        clock=clock,
        backoff_initial=0.0,
        backoff_jitter=0.0,
        failure_threshold=4,
        cooldown=5.0,
    )
    complete_texts = {s.result for m in members for s in m.script if isinstance(s, Scripted)} | {
        "healthy complete answer"
    }
    failed: list[CallRecord] = []
    token = _callinfo.set_attempt_sink(failed.append)
    tasks_before = asyncio.all_tasks()
    expected = RequestUsage(0, 0)
    outcomes = {"ok": 0, "incomplete": 0}
    unhandled: list[BaseException] = []
    partials: list[str] = []
    messages = [UserMessage(content="soak", source="user")]
    try:
        with capture_events() as log:
            for i in range(CALLS):
                if i % 7 == 0:
                    await clock.advance(rng.choice([0.5, 1.0, 3.0]))
                try:
                    if i % 2:
                        result = await client.create(messages)
                    else:
                        chunks: list[str] = []
                        final: CreateResult | None = None
                        async for item in client.create_stream(messages):
                            if isinstance(item, CreateResult):
                                final = item
                            else:
                                chunks.append(item)
                        assert final is not None
                        assert "".join(chunks) == final.content  # no truncated success
                        result = final
                except IncompleteStreamError as error:
                    partials.append(error.partial_text)  # typed, with what was received
                    outcomes["incomplete"] += 1
                    continue
                except Exception as error:  # anything else is an unhandled failure of the chain
                    unhandled.append(error)
                    continue
                assert result.content in complete_texts
                expected.prompt_tokens += result.usage.prompt_tokens
                expected.completion_tokens += result.usage.completion_tokens
                outcomes["ok"] += 1
    finally:
        _callinfo.restore_attempt_sink(token)
    assert unhandled == []
    assert outcomes["ok"] + outcomes["incomplete"] == CALLS
    assert outcomes["incomplete"] > 0
    assert outcomes["ok"] > CALLS * 0.8
    assert all(partials)
    assert client.total_usage() == expected
    attempts = log.attempts
    failed_events = [a for a in attempts if a["outcome"] != "ok"]
    assert len(failed_events) == len(failed) > 0  # every failed attempt reached the sink, none billed
    assert all(not r.billed for r in failed)
    assert sum(1 for a in attempts if a["outcome"] == "ok") == outcomes["ok"]
    await asyncio.sleep(0)
    assert asyncio.all_tasks() - tasks_before == set()  # no leaked tasks
    assert clock.pending_sleepers == 0
