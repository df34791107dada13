"""Shared state for many worker processes: budgets, admission control and circuit breakers in Redis.

Selected by configuration, never by new client classes: ``BudgetTermination(..., store="redis://host:6379/0",
store_scope="tenant:acme")`` and ``FailoverChatCompletionClient(..., circuit_store="redis://host:6379/0")``.
In-memory stays the default. redis-py (``pip install "autogen-agentkit[redis]"``) is imported on first use only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._circuit import SharedCircuits
    from ._local_server import RedisServer, local_redis_server
    from ._redis import RedisStore, StoreRecoveredEvent, StoreUnavailableEvent, redact_store_url
    from ._shared_budget import SharedBudget

__all__ = (
    "RedisServer",
    "RedisStore",
    "SharedBudget",
    "SharedCircuits",
    "StoreRecoveredEvent",
    "StoreUnavailableEvent",
    "local_redis_server",
    "redact_store_url",
)

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "RedisServer": "._local_server",
        "RedisStore": "._redis",
        "SharedBudget": "._shared_budget",
        "SharedCircuits": "._circuit",
        "StoreRecoveredEvent": "._redis",
        "StoreUnavailableEvent": "._redis",
        "local_redis_server": "._local_server",
        "redact_store_url": "._redis",
    },
)
