"""Act: a real team stops on a USD budget, refusing the call that could cross it, and shows its spend table."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core.models import ChatCompletionClient

from ..conditions import BudgetTermination
from ..models import MeteredChatCompletionClient
from ..usage import UsageLedger
from ._framework import ActReport, DemoEnv

TITLE = "A USD budget stops a team before it overspends (MeteredChatCompletionClient + BudgetTermination)"

LIMIT_USD = Decimal("0.0005")


async def run(env: DemoEnv) -> ActReport:
    """Run writer and critic on gpt-4o-mini under a $0.0005 budget with admission control."""
    ledger = UsageLedger()
    budget = BudgetTermination(
        max_cost_usd=LIMIT_USD,
        max_requests=40,  # a backstop; the dollar limit should fire first
        soft_threshold=0.8,
        on_threshold=lambda e: env.narrate(f"soft threshold: {e['limit']} at {e['fraction']:.0%} — time to wrap up"),
        ledger=ledger,
    )
    if env.scripted:
        from ..testing import ScriptedChatCompletionClient

        inner: ChatCompletionClient = ScriptedChatCompletionClient(
            [
                "Budget your agents like you budget your cloud.",
                "Too generic; say what it stops.",
                "Stop runaway agents before they spend your money.",
                "Better; 'runaway' carries it.",
            ],
            model="gpt-4o-mini",
            when_exhausted="cycle",
        )
    else:
        inner = env.openai_client("gpt-4o-mini", max_tokens=300)
    client = MeteredChatCompletionClient(inner, budget=budget, on_refusal="stop", default_max_output_tokens=300)
    writer = AssistantAgent("writer", model_client=client, system_message="Improve the draft in one sentence.")
    critic = AssistantAgent("critic", model_client=client, system_message="Criticise the draft in one sentence.")
    team = RoundRobinGroupChat([writer, critic], termination_condition=budget)
    env.narrate(f"writer and critic share one metered gpt-4o-mini client; team budget ${LIMIT_USD}")
    env.narrate("before each call the client checks spent + worst case (prompt estimate + 300 output tokens)")
    result = await team.run(task="Draft a slogan for a budgeting library.")
    await client.close()
    snapshot = ledger.snapshot(records=False)
    env.narrate(f"stop: {result.stop_reason}")
    agents = sorted(snapshot.by_agent.items())
    rows = [(name, t.requests, t.total_tokens, t.cost_usd) for name, t in agents if t.requests]
    rows.append(("total", snapshot.totals.requests, snapshot.totals.total_tokens, snapshot.totals.cost_usd))
    env.narrate_table(_table(("agent", "calls", "tokens", "cost USD"), rows))
    for model, t in sorted(snapshot.by_model.items()):
        if t.requests:
            env.narrate(f"model {model}: {t.requests} calls, {t.total_tokens} tokens, ${t.cost_usd}")
    env.narrate(f"refused by admission control before spending: {snapshot.totals.refused} call(s)")
    totals = snapshot.totals
    facts: dict[str, object] = {"limit_usd": str(LIMIT_USD), "spent_usd": str(totals.cost_usd)}
    for agent, t in sorted(snapshot.by_agent.items()):
        facts[f"agent {agent}"] = f"{t.requests} calls, {t.total_tokens} tokens, ${t.cost_usd}"
    for model, t in sorted(snapshot.by_model.items()):
        if t.requests:
            facts[f"model {model}"] = f"{t.requests} calls, ${t.cost_usd}"
    facts["refused_calls"] = totals.refused
    stop = result.stop_reason or ""
    return ActReport(
        name="budget",
        title=TITLE,
        outcome=f"stopped at ${totals.cost_usd} of ${LIMIT_USD} after {totals.requests} calls",
        facts=facts,
        ok=stop.startswith("Budget reached") and totals.cost_usd <= LIMIT_USD and totals.unpriced_requests == 0,
    )


def _table(header: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> list[str]:
    cells = [header, *[tuple(str(c) for c in row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for index, row in enumerate(cells):
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        lines.append("  ".join([row[0].ljust(widths[0]), *rest]))
        if index in (0, len(cells) - 2):
            lines.append("  ".join("-" * w for w in widths))
    return lines
