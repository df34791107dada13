"""Round-trip cases for the Redis backend: a shared budget's store URL survives dump/load, secrets never do."""

from __future__ import annotations

from typing import Any

from autogen_agentchat.base import TerminationCondition
from autogen_core.models import ChatCompletionClient

from agentkit.backends import SharedBudget
from agentkit.conditions import BudgetTermination
from agentkit.models import FailoverChatCompletionClient
from agentkit.testing import ScriptedChatCompletionClient
from agentkit.usage import UsageLedger

from . import ComponentCase

URL = "redis://127.0.0.1:6390/2?namespace=prod&on_unavailable=open&reservation_ttl=30&password_env=REDIS_PASSWORD"


def _shared_budget() -> BudgetTermination:
    return BudgetTermination(
        max_cost_usd="5", max_requests=100, ledger=UsageLedger(), store=URL, store_scope="tenant:acme"
    )


async def _check_shared_budget(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        shared = condition.store
        assert isinstance(shared, SharedBudget)
        assert shared.scope == "tenant:acme"
        assert shared.store.namespace == "prod"
        assert shared.store.on_unavailable == "open"
        assert shared.store.reservation_ttl == 30
        assert shared.store.password_env == "REDIS_PASSWORD"
        assert shared.keys[0] == "agentkit:prod:{budget:tenant:acme}:totals"


CASES = [ComponentCase("budget-termination-redis-store", _shared_budget, TerminationCondition, _check_shared_budget)]


def _shared_breakers() -> FailoverChatCompletionClient:
    primary = ScriptedChatCompletionClient(["fine"], model="p-model", when_exhausted="repeat_last")
    backup = ScriptedChatCompletionClient(["fine"], model="b-model", when_exhausted="repeat_last")
    return FailoverChatCompletionClient([primary, backup], circuit_store="redis://127.0.0.1:6390/0?namespace=prod")


async def _check_shared_breakers(original: Any, loaded: Any) -> None:
    for client in (original, loaded):
        assert client.dump_component().config["circuit_store"] == "redis://127.0.0.1:6390/0?namespace=prod"
        assert all(client.breaker(name).store is not None for name in client.member_names)


CASES.append(
    ComponentCase("failover-redis-circuit-store", _shared_breakers, ChatCompletionClient, _check_shared_breakers)
)
