"""A real ``redis-server`` for the backend tests, started once per session on a free loopback port.

Skipped (with the reason printed) only when no ``redis-server`` binary exists; under CI (``CI=true`` or
``AGENTKIT_REQUIRE_REDIS=1``) a missing binary fails the run instead.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from agentkit.backends._local_server import RedisServer, find_redis_server, start_redis_server

_REQUIRED = os.environ.get("AGENTKIT_REQUIRE_REDIS") == "1" or os.environ.get("CI", "").lower() in ("1", "true")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    binary = find_redis_server()
    if binary is None:
        reason = "no redis-server binary on PATH (apt-get install redis-server, or set REDIS_SERVER)"
        if _REQUIRED:
            pytest.fail(f"CI must run the Redis backend tests: {reason}", pytrace=False)
        pytest.skip(reason)
    server = start_redis_server(binary)
    yield server
    server.close()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    if redis_server.process is None or redis_server.process.poll() is not None:
        redis_server.start()  # a test stopped it
    return redis_server.url


@pytest.fixture
async def flushed(redis_url: str) -> str:
    """``redis_url`` on an emptied database."""
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.from_url(redis_url)
    await client.flushdb()
    await client.aclose()
    return redis_url


@pytest.fixture(autouse=True)
async def _close_stores() -> AsyncIterator[None]:
    """Close the connections the per-URL stores opened on this test's event loop."""
    yield
    from agentkit.backends import _redis

    for store in list(_redis._stores.values()):
        await store.aclose()
