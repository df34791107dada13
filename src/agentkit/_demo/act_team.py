"""Act 1: a plain AutoGen team, its model calls going through a real client (or agentkit's scripted one)."""

from __future__ import annotations

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core.models import ChatCompletionClient

from ._framework import ActReport, DemoEnv

TITLE = "A real AutoGen team (RoundRobinGroupChat, two AssistantAgents sharing one model client)"


def _client(env: DemoEnv) -> ChatCompletionClient:
    if env.scripted:
        from ..testing import ScriptedChatCompletionClient

        return ScriptedChatCompletionClient(
            [
                "agentkit adds budgets, deadlines, failover and tool policies to AutoGen teams.",
                "Clear and accurate; it could name the migration tools too.",
            ],
            model="gpt-4o-mini",
        )
    return env.openai_client("gpt-4o-mini")


async def run(env: DemoEnv) -> ActReport:
    """Run a two-agent team to completion and report the exchange."""
    client = _client(env)
    writer = AssistantAgent("writer", model_client=client, system_message="Write one sentence.")
    reviewer = AssistantAgent("reviewer", model_client=client, system_message="Review it in one sentence.")
    team = RoundRobinGroupChat([writer, reviewer], termination_condition=MaxMessageTermination(3))
    where = {
        "live": "an HTTP request to the real API",
        "http": "an HTTP request through the OpenAI SDK to the local fake provider",
        "scripted": "answered in process by agentkit's ScriptedChatCompletionClient",
    }[env.backend]
    env.narrate(f"writer and reviewer take turns, each call {where}")
    result = await team.run(task="Describe agentkit in one sentence.")
    for message in result.messages[1:]:
        env.narrate(f"{message.source}: {env.excerpt(message.to_text())}")
    await client.close()
    usage = client.total_usage()
    return ActReport(
        name="team",
        title=TITLE,
        outcome=f"{len(result.messages)} messages; stop: {result.stop_reason}",
        facts={"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens},
        ok=len(result.messages) == 3,
    )
