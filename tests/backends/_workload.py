"""A worker's workload: metered calls through a shared Redis budget (run in subprocesses by the tests)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from autogen_core.models import UserMessage

from agentkit.backends import SharedBudget
from agentkit.conditions import BudgetTermination
from agentkit.exceptions import BudgetExceededError
from agentkit.models import MeteredChatCompletionClient
from agentkit.testing import ScriptedChatCompletionClient
from agentkit.usage import UsageLedger

MODEL = "fleet-model"
PRICES = {MODEL: {"input_per_mtok": 1000, "output_per_mtok": 2000}}
MESSAGES = [UserMessage(content="hello fleet", source="user")]


def make_client(url: str, scope: str, *, max_requests: int | None = None, max_cost_usd: Any = None,
                latency: float = 0.0, max_tokens: int = 20) -> MeteredChatCompletionClient:  # fmt: skip
    ledger = UsageLedger()
    budget = BudgetTermination(
        max_requests=max_requests, max_cost_usd=max_cost_usd, ledger=ledger, scope="ledger",
        store=url, store_scope=scope, prices=PRICES,
    )  # fmt: skip
    inner = ScriptedChatCompletionClient(["one two three"], model=MODEL, when_exhausted="repeat_last", latency=latency)
    return MeteredChatCompletionClient(
        inner, budget=budget, prices=PRICES, model=MODEL, default_max_output_tokens=max_tokens
    )


def shared_of(client: MeteredChatCompletionClient) -> SharedBudget:
    """The shared budget behind ``client``."""
    assert client.budget is not None
    shared = client.budget.store
    assert isinstance(shared, SharedBudget)
    return shared


async def run_calls(client: MeteredChatCompletionClient, calls: int) -> dict[str, Any]:
    async def one() -> str:
        try:
            await client.create(MESSAGES)
            return "ok"
        except BudgetExceededError:
            return "refused"

    outcomes = await asyncio.gather(*(one() for _ in range(calls)))
    totals = client.ledger.totals()
    return {
        "ok": outcomes.count("ok"),
        "refused": outcomes.count("refused"),
        "requests": totals.requests,
        "cost": str(totals.cost_usd),
    }


def worker(url: str, scope: str, calls: int, limits: dict[str, Any], start: Any, out: Any) -> None:
    """Process entry point: wait for the start signal, run ``calls`` concurrent calls, report."""
    try:
        client = make_client(url, scope, **limits)
        start.wait()
        out.put(asyncio.run(run_calls(client, calls)))
    except BaseException as error:  # report instead of leaving the test waiting
        out.put({"error": repr(error)})
        raise


def total_cost(results: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(r["cost"]) for r in results), Decimal(0))


def holder(url: str, scope: str, calls: int) -> None:
    """Process entry point: admit ``calls`` calls whose model never answers (the test kills this process)."""

    async def main() -> None:
        client = make_client(url, scope, max_requests=calls, latency=3600.0)
        await asyncio.gather(*(client.create(MESSAGES) for _ in range(calls)))

    asyncio.run(main())


def open_breaker(url: str, member: str, failures: int, out: Any) -> None:
    """Process entry point: fail ``member`` ``failures`` times on a shared breaker, wait for the write, report."""
    from agentkit._clock import SYSTEM_CLOCK
    from agentkit.backends._circuit import circuit_store
    from agentkit.models._breaker import CircuitBreaker

    async def main() -> str:
        shared = circuit_store(url)
        assert shared is not None
        breaker = CircuitBreaker(member, failure_threshold=failures, cooldown_s=60, clock=SYSTEM_CLOCK, store=shared)
        await shared.refresh([breaker])
        for _ in range(failures):
            breaker.record_failure()
        await shared.flush()
        await shared.store.aclose()
        return breaker.state.value

    out.put(asyncio.run(main()))


def try_probe(url: str, member: str, start: Any, out: Any) -> None:
    """Process entry point: refresh a half-open member's breaker and report whether this process may probe it."""
    from agentkit._clock import SYSTEM_CLOCK
    from agentkit.backends._circuit import circuit_store
    from agentkit.models._breaker import CircuitBreaker

    async def main() -> bool:
        shared = circuit_store(url)
        assert shared is not None
        breaker = CircuitBreaker(member, failure_threshold=1, cooldown_s=60, clock=SYSTEM_CLOCK, store=shared)
        start.wait()
        await shared.refresh([breaker])
        await shared.store.aclose()
        return breaker.allows()

    out.put(asyncio.run(main()))


def make_token_client(url: str, scope: str, *, max_total_tokens: int) -> MeteredChatCompletionClient:
    """A client whose shared budget caps tokens only."""
    budget = BudgetTermination(
        max_total_tokens=max_total_tokens, ledger=UsageLedger(), store=url, store_scope=scope, prices=PRICES
    )
    inner = ScriptedChatCompletionClient(["one two three"], model=MODEL, when_exhausted="repeat_last")
    return MeteredChatCompletionClient(inner, budget=budget, prices=PRICES, model=MODEL, default_max_output_tokens=20)


class Unavailable(Exception):
    """A provider's 503 (what a scripted primary raises)."""

    status_code = 503


def failover_client(url: str, *, primary_fails: bool) -> Any:
    """A failover chain ``primary`` → ``backup`` whose breakers are shared through Redis."""
    from agentkit.models import FailoverChatCompletionClient, FailoverMember
    from agentkit.testing import Scripted

    primary_step: Any = Scripted(raises=Unavailable("down")) if primary_fails else "from the primary"
    primary = ScriptedChatCompletionClient([primary_step], model="p-model", when_exhausted="repeat_last")
    backup = ScriptedChatCompletionClient(["from the backup"], model="b-model", when_exhausted="repeat_last")
    return FailoverChatCompletionClient(
        [FailoverMember(primary, name="primary"), FailoverMember(backup, name="backup")],
        max_attempts=1,
        failure_threshold=2,
        cooldown=60,
        circuit_store=url,
    )


def open_with_failover(url: str, out: Any) -> None:
    """Process entry point: two calls whose primary fails open its circuit fleet-wide; report the state here."""

    async def main() -> str:
        client = failover_client(url, primary_fails=True)
        for _ in range(2):
            await client.create(MESSAGES)
        await client.close()  # waits for the breaker's transition to reach Redis
        return str(client.circuit_state("primary").value)

    out.put(asyncio.run(main()))
