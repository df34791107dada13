from __future__ import annotations

from decimal import Decimal

import pytest

from ._workload import make_client, run_calls, shared_of


async def test_one_process_never_exceeds_the_shared_cap(flushed: str) -> None:
    client = make_client(flushed, "smoke", max_requests=7)
    shared = shared_of(client)
    result = await run_calls(client, 20)
    assert result["ok"] == 7
    assert result["refused"] == 13
    usage = await shared.usage()
    assert usage.requests == 7
    assert await shared.in_flight() == (0, Decimal(0))
    await shared.store.aclose()


async def test_token_headroom_is_reserved_by_worst_case(flushed: str) -> None:
    from ._workload import make_token_client

    client = make_token_client(flushed, "tokens", max_total_tokens=200)
    result = await run_calls(client, 30)
    usage = await shared_of(client).usage()
    assert usage.total_tokens <= 200  # never over, although 30 calls raced for it
    assert result["ok"] >= 1
    assert result["refused"] >= 1
    assert usage.total_tokens == client.ledger.totals().total_tokens


async def test_cancelled_and_failed_calls_give_their_reservations_back(flushed: str) -> None:
    import asyncio

    from ._workload import MESSAGES

    client = make_client(flushed, "cancel", max_requests=5, latency=3600.0)
    shared = shared_of(client)
    calls = [asyncio.ensure_future(client.create(MESSAGES)) for _ in range(5)]
    for _ in range(3000):  # poll Redis for the condition (every call admitted), a bounded number of times
        if (await shared.in_flight())[0] == 5:
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the five calls were never all admitted")
    for call in calls:
        call.cancel()
    await asyncio.gather(*calls, return_exceptions=True)
    assert await shared.in_flight() == (0, Decimal(0))
    usage = await shared.usage()
    assert (
        usage.requests == 0
    )  # cancelled calls are never billed (those cancelled while admitted are not even recorded)


async def test_a_failed_call_is_released_and_not_billed(flushed: str) -> None:
    from agentkit.conditions import BudgetTermination
    from agentkit.models import MeteredChatCompletionClient
    from agentkit.testing import Scripted, ScriptedChatCompletionClient
    from agentkit.usage import UsageLedger

    from ._workload import MESSAGES, MODEL, PRICES

    budget = BudgetTermination(max_requests=1, ledger=UsageLedger(), store=flushed, store_scope="fail", prices=PRICES)
    inner = ScriptedChatCompletionClient([Scripted(raises=ConnectionError("down")), "fine"], model=MODEL)
    client = MeteredChatCompletionClient(inner, budget=budget, prices=PRICES, model=MODEL)
    with pytest.raises(ConnectionError):
        await client.create(MESSAGES)
    assert await shared_of(client).in_flight() == (0, Decimal(0))
    result = await client.create(MESSAGES)  # the failed call used no headroom
    assert result.content == "fine"
    assert (await shared_of(client).usage()).requests == 1


async def test_scope_ttl_and_reset(flushed: str) -> None:
    import redis.asyncio as redis_asyncio

    client = make_client(flushed + "?scope_ttl=600", "run:42", max_requests=3)
    shared = shared_of(client)
    await run_calls(client, 3)
    admin = redis_asyncio.from_url(flushed)
    ttl = await admin.pttl(shared.keys[0])
    assert 0 < ttl <= 600_000  # per-run data expires on its own
    assert shared.keys[0] == "agentkit:default:{budget:run:42}:totals"
    other_client = make_client(flushed, "run:43", max_requests=3)
    await run_calls(other_client, 1)
    other = shared_of(other_client)
    await shared.reset()
    assert await admin.exists(shared.keys[0]) == 0
    assert (await other.usage()).requests == 1  # reset() is per scope
    assert (await run_calls(make_client(flushed, "run:42", max_requests=3), 3))["ok"] == 3  # headroom is back
    await admin.aclose()
