"""Act 1: a plain AutoGen team over the real OpenAI client, talking to the local fake provider."""

from __future__ import annotations

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat

from ._framework import ActReport, DemoEnv

TITLE = "A real AutoGen team (RoundRobinGroupChat, OpenAIChatCompletionClient over HTTP)"


async def run(env: DemoEnv) -> ActReport:
    """Run a two-agent team to completion and report the exchange."""
    client = env.openai_client("gpt-4o-mini")
    writer = AssistantAgent("writer", model_client=client, system_message="Write one sentence.")
    reviewer = AssistantAgent("reviewer", model_client=client, system_message="Review it in one sentence.")
    team = RoundRobinGroupChat([writer, reviewer], termination_condition=MaxMessageTermination(3))
    where = "the real API" if env.live else "the fake provider"
    env.narrate(f"writer and reviewer take turns, each call an HTTP request to {where}")
    result = await team.run(task="Describe agentkit in one sentence.")
    for message in result.messages[1:]:
        env.narrate(f"{message.source}: {message.to_text()[:70]}")
    await client.close()
    usage = client.total_usage()
    return ActReport(
        name="team",
        title=TITLE,
        outcome=f"{len(result.messages)} messages; stop: {result.stop_reason}",
        facts={"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens},
        ok=len(result.messages) == 3,
    )
