"""Several worker processes share one budget and one circuit breaker through Redis.

Three workers (think ``uvicorn --workers 3``) each serve 20 concurrent requests for tenant "acme", whose budget
allows 30 model calls in total. Every worker has the same failover chain: a primary that is down (503) and a
backup. What the run shows:

- the fleet makes exactly 30 model calls: admission control reserves each call in Redis atomically, so the
  workers never overshoot the shared cap; the other 30 requests are refused before spending;
- the primary's circuit, opened by whichever worker saw it fail twice first, is open for every worker: calls
  that start after that skip the primary (only calls already under way when it opened still try it).

Runs offline: ``ScriptedChatCompletionClient`` stands in for the models, and the example starts its own throwaway
``redis-server`` on a free loopback port (Debian: ``apt-get install redis-server``); without one it says so and
exits. In production, point ``REDIS`` at your Redis and run the worker part in each of your processes.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from autogen_core.models import UserMessage

from agentkit.backends import RedisStore, SharedCircuits, local_redis_server
from agentkit.conditions import BudgetTermination
from agentkit.exceptions import BudgetExceededError
from agentkit.models import FailoverChatCompletionClient, MeteredChatCompletionClient
from agentkit.testing import Scripted, ScriptedChatCompletionClient
from agentkit.usage import UsageLedger

PRICES = {
    "primary-model": {"input_per_mtok": 2.5, "output_per_mtok": 10},
    "backup-model": {"input_per_mtok": 0.5, "output_per_mtok": 1.5},
}
WORKERS = 3
REQUESTS_PER_WORKER = 20


class ServiceUnavailable(Exception):
    """What the primary raises (a real client raises the SDK's 503 error)."""

    status_code = 503


def build_client(redis: str) -> MeteredChatCompletionClient:
    """What every worker builds at startup: the same objects, pointed at the same Redis."""
    primary = ScriptedChatCompletionClient(
        [Scripted(raises=ServiceUnavailable("primary is down"))], model="primary-model", when_exhausted="repeat_last"
    )
    backup = ScriptedChatCompletionClient(
        ["answer from the backup"], model="backup-model", when_exhausted="repeat_last"
    )
    model = FailoverChatCompletionClient([primary, backup], max_attempts=1, failure_threshold=2, circuit_store=redis)
    budget = BudgetTermination(
        max_requests=30, ledger=UsageLedger(), prices=PRICES, store=redis, store_scope="tenant:acme"
    )
    return MeteredChatCompletionClient(model, budget=budget, prices=PRICES)


async def worker(redis: str) -> dict[str, object]:
    """One worker process: serve its requests concurrently and report what happened."""
    client = build_client(redis)

    async def handle(request: int) -> str:
        try:
            await client.create([UserMessage(content=f"request {request}", source="user")])
            return "answered"
        except BudgetExceededError:
            return "refused"

    outcomes = await asyncio.gather(*(handle(i) for i in range(REQUESTS_PER_WORKER)))
    await client.close()  # lets the breaker's last transition reach Redis before the worker exits
    return {
        "answered": outcomes.count("answered"),
        "refused before spending": outcomes.count("refused"),
        "calls that tried the primary": client.ledger.totals().errors,
    }


async def fleet_view(redis: str) -> tuple[int, str]:
    """What the whole fleet spent in the tenant's scope, and the primary's circuit, read from Redis."""
    store = RedisStore(redis)
    budget = BudgetTermination(max_requests=30, ledger=UsageLedger(), store=store, store_scope="tenant:acme")
    assert budget.store is not None
    usage = await budget.store.usage()
    state, _ = await SharedCircuits(store).state("primary-model")
    await store.aclose()
    return usage.requests, state.value


def main() -> None:
    """Start Redis, run the workers as separate processes, print what each did and what the fleet spent."""
    try:
        server = local_redis_server()
        redis = server.__enter__().url
    except FileNotFoundError as error:
        print(f"This example needs a redis-server binary: {error}")
        return
    try:
        workers = [
            subprocess.Popen([sys.executable, __file__, "--worker", redis], stdout=subprocess.PIPE, text=True)
            for _ in range(WORKERS)
        ]
        reports = [json.loads(proc.communicate(timeout=120)[0]) for proc in workers]
        for index, report in enumerate(reports, 1):
            print(f"worker {index}: {report}")
        answered = sum(int(r["answered"]) for r in reports)
        paid, circuit = asyncio.run(fleet_view(redis))
        print(f"answered across the fleet: {answered} (budget: 30 model calls for tenant:acme)")
        print(f"model calls the fleet paid for, read from Redis: {paid}")
        print(f"the primary's circuit, shared by every worker: {circuit}")
    finally:
        server.__exit__(None, None, None)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        print(json.dumps(asyncio.run(worker(sys.argv[2]))))
    else:
        main()
