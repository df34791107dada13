"""Cap a team's spend in USD, per agent and overall, and print where the money went.

Runs offline: ScriptedChatCompletionClient stands in for the model. Swap in a real client
(e.g. ``OpenAIChatCompletionClient(model="gpt-4o-mini")``) and drop the price override to use it for real.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.teams import RoundRobinGroupChat

from agentkit.conditions import BudgetTermination
from agentkit.models import MeteredChatCompletionClient
from agentkit.pricing import ModelPrice, PriceTable
from agentkit.testing import Scripted, ScriptedChatCompletionClient
from agentkit.usage import UsageLedger


async def main() -> None:
    """Run a writer/coder team under $0.60, the coder capped at $0.30; refuse calls that could cross a cap."""
    prices = PriceTable({"scripted-model": ModelPrice.per_1k(input_per_1k="0.5", output_per_1k="1.5")})
    ledger = UsageLedger()
    budget_seen: list[str] = []
    budget = BudgetTermination(
        max_cost_usd="0.60",
        per_agent={"coder": {"max_cost_usd": "0.30"}},
        soft_threshold=0.8,
        on_threshold=lambda e: budget_seen.append(f"{e['limit']} of {e['agent'] or 'the team'} at {e['fraction']:.0%}"),
        ledger=ledger,
    )

    def client() -> MeteredChatCompletionClient:
        model = ScriptedChatCompletionClient([Scripted("Working on it.", usage=(120, 40))] * 50)
        return MeteredChatCompletionClient(
            model, budget=budget, prices=prices, on_refusal="stop", default_max_output_tokens=60
        )

    team = RoundRobinGroupChat(
        [AssistantAgent("writer", model_client=client()), AssistantAgent("coder", model_client=client())],
        termination_condition=budget,
    )
    result = await team.run(task="Build a tiny CLI and document it.")
    print("stop:", result.stop_reason)
    print("soft threshold:", ", ".join(budget_seen) or "not reached")
    print(ledger.snapshot().table())
    assert ledger.totals(agent="coder").cost_usd <= Decimal("0.30")


if __name__ == "__main__":
    asyncio.run(main())
