from __future__ import annotations

from decimal import Decimal

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
