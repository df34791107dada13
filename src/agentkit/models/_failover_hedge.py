"""Hedging: race the next eligible member when the one in flight is slow to answer.

One member is in flight at first. When it has not answered ``hedge_after`` seconds after the last start, the
next eligible member of the plan is started beside it; when a member fails, the next one is started at
once (and the hedge timer restarts). The first to answer wins and every other racer is cancelled. So after
a fast 401 on the primary the second member is raced against the third, not served alone.

Hedging changes when members are asked, never the answer a member before another in the plan would give:
a racer's failure that the policy raises (a refusal, a member-specific 400) is raised at once unless a
member before it in the plan is still in flight — then that member may still answer (as it would have
without hedging), and no member after it may. Only the winner's answer is recorded as the call's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ._failover_call import Call, Failure, Opened, Served
from ._policy import PolicyAction

if TYPE_CHECKING:
    from ._failover import FailoverChatCompletionClient
    from ._failover_member import Member

__all__ = ("create_hedged", "open_hedged")

T = TypeVar("T")


async def _race(
    client: FailoverChatCompletionClient,
    call: Call,
    plan: Iterator[Member],
    attempt: Callable[[Member], Awaitable[T | Failure]],
    drop: Callable[[T], Awaitable[None]],
) -> tuple[Member, T] | None:
    """The first member of ``plan`` to answer, with its answer; ``None`` when the plan ran out.

    ``drop`` settles an answer that lost (it arrived in the same tick as the winner's, or while cancelling).

    Raises:
        Exception: the first racer failure the policy raises, when no racer answered.
    """
    assert client.hedge_after is not None
    racers: dict[asyncio.Future[Any], tuple[int, Member]] = {}  # in flight, with their place in the plan
    dropped: list[asyncio.Future[Any]] = []  # cancelled mid-race: awaited on the way out
    timer: asyncio.Future[Any] | None = None
    winner: tuple[Member, T] | None = None
    held: tuple[int, Failure] | None = None  # the earliest failure the policy raises, and its place
    started = 0

    def start_next() -> None:
        nonlocal timer, started
        member = next(plan, None)
        if timer is not None:
            timer.cancel()
            timer = None
        if member is None:
            return
        racers[asyncio.ensure_future(attempt(member))] = (started, member)
        started += 1
        timer = asyncio.ensure_future(client.clock.sleep(client.hedge_after or 0.0))

    try:
        start_next()
        while racers:
            waiting: list[asyncio.Future[Any]] = [*racers, *([timer] if timer is not None else [])]
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            failed = False
            for task in sorted((t for t in done if t in racers), key=lambda t: racers[t][0]):
                index, member = racers.pop(task)
                outcome: T | Failure = task.result()
                if isinstance(outcome, Failure):
                    failed = True
                    if outcome.action is not PolicyAction.RAISE:
                        client._after_failure(member, call, outcome)
                    elif held is None or index < held[0]:
                        held = (index, outcome)
                elif winner is None and (held is None or index < held[0]):
                    winner = (member, outcome)
                else:  # answered in the same tick as the winner, or after an earlier member failed for good
                    await drop(outcome)
            if winner is not None:
                for other, (_, member) in racers.items():
                    call.losers.add(member.name)
                    other.cancel()
                return winner
            if held is not None:
                # As without hedging: only a member before the failed one in the plan may still answer.
                if timer is not None:
                    timer.cancel()
                    timer = None
                for other, (index, member) in list(racers.items()):
                    if index > held[0]:
                        del racers[other]
                        call.losers.add(member.name)
                        other.cancel()
                        dropped.append(other)
                if not racers:
                    raise held[1].error
            elif failed or not racers or (timer is not None and timer in done):
                start_next()
        return None
    finally:
        if timer is not None:
            timer.cancel()
        for task in racers:
            if not task.done():
                task.cancel()
        for result in await asyncio.gather(*racers, *dropped, return_exceptions=True):
            if not isinstance(result, (BaseException, Failure)) and result is not _value(winner):
                await drop(result)


def _value(winner: tuple[Member, Any] | None) -> Any:
    return None if winner is None else winner[1]


async def create_hedged(client: FailoverChatCompletionClient, call: Call, plan: Iterator[Member]) -> Served | None:
    """Race ``create`` over the plan's members (see the module docstring); the winner's answer is recorded."""

    async def drop(served: Served) -> None:  # answered, but lost: spent, not the call's answer
        served.member.breaker.release()
        usage = served.result.usage
        client._record_failed(served.member, call, asyncio.CancelledError(), None, "hedge_lost", served.started, usage)

    won = await _race(client, call, plan, lambda member: client._serve_create(member, call), drop)
    if won is None:
        return None
    served = won[1]
    client._record_ok(served.member, call, served.result, served.started)
    if served.slot is not None:
        served.slot.publish()  # only the winner's usage details reach a metered client outside
    return served


async def open_hedged(client: FailoverChatCompletionClient, call: Call, plan: Iterator[Member]) -> Opened | None:
    """Race the first chunk of the plan's members' streams (see the module docstring)."""

    async def drop(opened: Opened) -> None:
        if not opened.dog.closed:
            await client._drop_opened(opened, call)

    won = await _race(client, call, plan, lambda member: client._open_stream(member, call, call.messages), drop)
    return None if won is None else won[1]
