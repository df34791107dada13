"""Hedging changes when members are asked, never the answer: raised failures, failed racers, ties."""

from __future__ import annotations

from typing import Any

import pytest
from autogen_core.models import CreateResult, RequestUsage

from agentkit.models import FailoverChatCompletionClient
from agentkit.testing import ManualClock, Scripted, ScriptedChatCompletionClient

from ._failover_helpers import ALL_INFO, MESSAGES, StatusError, answer, capture_events, drive


def scripted(model: str, *steps: Any, clock: ManualClock) -> ScriptedChatCompletionClient:
    return ScriptedChatCompletionClient(list(steps), model=model, clock=clock, model_info=ALL_INFO)


def chain(*members: Any, clock: ManualClock, **kwargs: Any) -> FailoverChatCompletionClient:
    return FailoverChatCompletionClient(list(members), clock=clock, backoff_jitter=0.0, **kwargs)


REFUSAL = CreateResult(
    finish_reason="content_filter", content="", usage=RequestUsage(prompt_tokens=5, completion_tokens=0), cached=False
)


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize(
    "raising",
    [Scripted(raises=StatusError(400, "unsupported parameter: seed")), Scripted(REFUSAL)],
    ids=["bad_request", "refusal"],
)
async def test_a_racer_failure_the_policy_raises_waits_for_the_racer_still_in_flight(
    raising: Scripted, stream: bool
) -> None:
    """Without hedging the primary answers; a hedged racer's member-specific 400 or refusal must not hide that."""
    clock = ManualClock()
    primary = scripted("primary", Scripted("primary answer", latency=3), clock=clock)
    second = scripted("second", raising, clock=clock)
    third = scripted("third", "never", clock=clock)
    result = await drive(clock, answer(chain(primary, second, third, clock=clock, hedge_after=1), stream))
    assert result.content == "primary answer"
    assert not third.calls  # a raised failure starts no one else


async def test_a_raised_racer_failure_is_raised_when_no_racer_answers() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted(raises=StatusError(503, "overloaded"), latency=3), clock=clock)
    second = scripted("second", Scripted(raises=StatusError(400, "unsupported parameter: seed")), clock=clock)
    third = scripted("third", "never", clock=clock)
    client = chain(primary, second, third, clock=clock, hedge_after=1, max_attempts=1)
    with pytest.raises(StatusError, match="unsupported parameter"):
        await drive(clock, client.create(MESSAGES))
    assert not third.calls


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_a_racer_that_fails_starts_the_next_member_at_once(stream: bool) -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("late", latency=100), clock=clock)
    second = scripted("second", Scripted(raises=StatusError(401, "bad key")), clock=clock)
    third = scripted("third", Scripted("third answer", latency=0.25), clock=clock)
    result = await drive(clock, answer(chain(primary, second, third, clock=clock, hedge_after=1), stream), step=0.25)
    assert result.content == "third answer"
    started = primary.calls[0].started_at
    assert second.calls[0].started_at == started + 1  # the hedge timer
    assert third.calls[0].started_at < started + 2  # when the second failed, not at the next hedge tick


async def test_racers_that_answer_in_the_same_tick_count_only_the_winner() -> None:
    clock = ManualClock()
    primary = scripted("primary", Scripted("from primary", latency=2, usage=(10, 1)), clock=clock)
    second = scripted("second", Scripted("from second", latency=1, usage=(100, 10)), clock=clock)
    client = chain(primary, second, clock=clock, hedge_after=1)
    with capture_events() as log:
        result = await drive(clock, client.create(MESSAGES), step=1.0)  # both answer at t=2
    winner = "primary" if result.content == "from primary" else "second"
    outcomes = sorted((a["member"], a["outcome"]) for a in log.attempts)
    assert outcomes == sorted([(winner, "ok"), ({"primary": "second", "second": "primary"}[winner], "hedge_lost")])
    assert client.total_usage() == result.usage


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
async def test_a_refusal_by_the_first_member_is_raised_though_a_later_racer_answers(stream: bool) -> None:
    """Without hedging the primary's refusal is raised; a hedged racer answering later must not hide it."""
    from agentkit.exceptions import ContentFilteredError

    clock = ManualClock()
    primary = scripted("primary", Scripted(REFUSAL, latency=2), clock=clock)
    second = scripted("second", Scripted("second answer", latency=1.5), clock=clock)
    third = scripted("third", "never", clock=clock)
    client = chain(primary, second, third, clock=clock, hedge_after=1)
    with pytest.raises(ContentFilteredError):
        await drive(clock, answer(client, stream))
    assert [c.outcome for c in second.calls] == ["CancelledError"]  # cut off once the refusal was final


async def test_a_raised_failure_stops_the_hedge_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """While waiting for an earlier racer after a raised failure, the race does not wake up for nothing."""
    import asyncio

    waits = [0]
    wait = asyncio.wait

    async def counted(*args: Any, **kwargs: Any) -> Any:
        waits[0] += 1
        return await wait(*args, **kwargs)

    monkeypatch.setattr(asyncio, "wait", counted)
    clock = ManualClock()
    primary = scripted("primary", Scripted("primary answer", latency=5), clock=clock)
    second = scripted("second", Scripted(raises=StatusError(400, "unsupported parameter: seed")), clock=clock)
    client = chain(primary, second, clock=clock, hedge_after=1)
    result = await drive(clock, client.create(MESSAGES))
    assert result.content == "primary answer"
    assert waits[0] <= 4  # the hedge tick, the failure, the answer: no spinning on a fired timer
