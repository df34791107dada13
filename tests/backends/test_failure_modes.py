"""Redis stopped or hung mid-run: fail-closed refuses with a clear error, fail-open counts locally, never hangs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from agentkit.backends import StoreRecoveredEvent, StoreUnavailableEvent
from agentkit.backends._local_server import RedisServer, find_redis_server, start_redis_server
from agentkit.events import AgentkitEvent
from agentkit.exceptions import StoreUnavailableError
from agentkit.testing import capture_events

from ._workload import MESSAGES, make_client


@pytest.fixture
def own_server(redis_server: RedisServer) -> Iterator[RedisServer]:
    """A server of this test's own, to stop and freeze (the session server stays up for the others)."""
    server = start_redis_server(find_redis_server())
    yield server
    server.close()


@pytest.fixture
def events() -> Iterator[list[AgentkitEvent]]:
    with capture_events() as seen:
        yield seen


async def _eventually(deadline_s: float, attempt: Any) -> Any:
    end = time.monotonic() + deadline_s
    while True:
        try:
            return await attempt()
        except StoreUnavailableError:
            assert time.monotonic() < end, "the store did not come back in time"
            await asyncio.sleep(0.1)


@pytest.mark.parametrize("how", ["stopped", "hung"])
async def test_fail_closed_refuses_with_a_clear_error(own_server: RedisServer, how: str, caplog: Any) -> None:
    client = make_client(own_server.url + "?timeout=0.3", "closed", max_requests=10)
    await client.create(MESSAGES)
    if how == "stopped":
        own_server.stop()
    else:
        own_server.freeze()
    with caplog.at_level(logging.WARNING, logger="agentkit.backends"), pytest.raises(StoreUnavailableError) as caught:
        await asyncio.wait_for(client.create(MESSAGES), 30)  # a guard against a hang, not a speed assertion
    assert caught.value.operation == "admit"
    assert caught.value.mode == "closed"
    assert "Redis store redis://127.0.0.1:" in str(caught.value)
    assert "unavailable" in str(caught.value)
    assert any("refusing calls" in r.getMessage() for r in caplog.records)
    assert client.ledger.totals().requests == 1  # the refused call spent nothing
    assert client.ledger.totals().refused == 1


async def test_fail_open_counts_locally_and_reconciles(
    own_server: RedisServer, events: list[AgentkitEvent], caplog: Any
) -> None:
    client = make_client(own_server.url + "?timeout=0.3&on_unavailable=open", "open", max_requests=10)
    shared = client.budget.store  # type: ignore[union-attr]
    await client.create(MESSAGES)
    own_server.freeze()
    with caplog.at_level(logging.WARNING, logger="agentkit.backends"):
        for _ in range(3):
            result = await asyncio.wait_for(client.create(MESSAGES), 30)
            assert result.content == "one two three"
    down = [e for e in events if isinstance(e, StoreUnavailableEvent)]
    assert down
    assert down[0]["mode"] == "open"
    assert any("counting locally" in r.getMessage() for r in caplog.records)
    assert client.ledger.totals().requests == 4  # local accounting went on
    own_server.thaw()
    await _eventually(20, lambda: client.create(MESSAGES))  # the first call that reaches Redis pushes the backlog
    usage = await _eventually(20, shared.usage)
    assert usage.requests == client.ledger.totals().requests  # every outage call reconciled
    recovered = [e for e in events if isinstance(e, StoreRecoveredEvent)]
    assert recovered
    assert recovered[0]["reconciled_requests"] >= 3


async def test_fail_open_still_enforces_the_local_budget(own_server: RedisServer) -> None:
    client = make_client(own_server.url + "?timeout=0.3&on_unavailable=open", "open-local", max_requests=2)
    own_server.stop()
    await client.create(MESSAGES)
    await client.create(MESSAGES)
    from agentkit.exceptions import BudgetExceededError

    with pytest.raises(BudgetExceededError):  # never a silent unlimited budget
        await client.create(MESSAGES)


async def test_shared_breakers_fail_closed_or_fall_back_to_local(own_server: RedisServer) -> None:
    from ._workload import failover_client

    closed = failover_client(own_server.url + "?timeout=0.3", primary_fails=False)
    opened = failover_client(own_server.url + "?timeout=0.3&on_unavailable=open&namespace=b", primary_fails=False)
    assert (await closed.create(MESSAGES)).content == "from the primary"
    own_server.stop()
    with pytest.raises(StoreUnavailableError) as caught:
        await asyncio.wait_for(closed.create(MESSAGES), 30)
    assert caught.value.operation == "circuit"
    result = await asyncio.wait_for(opened.create(MESSAGES), 30)  # this process's own breakers decide
    assert result.content == "from the primary"
