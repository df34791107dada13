"""Real AutoGen teams over FakeProvider and ScriptedChatCompletionClient."""

from __future__ import annotations

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import TextMessage, ToolCallSummaryMessage
from autogen_agentchat.teams import RoundRobinGroupChat

from agentkit.testing import FakeProvider, Reply, ScriptedChatCompletionClient, tiktoken_offline

from .conftest import ANTHROPIC_MODEL


def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"sunny in {city}"


async def test_round_robin_team_over_both_real_clients(fake_provider: FakeProvider) -> None:
    writer_client = fake_provider.openai_client("gpt-4o-mini")
    reviewer_client = fake_provider.anthropic_client(ANTHROPIC_MODEL)
    fake_provider.script("gpt-4o-mini", Reply.text("agentkit makes AutoGen production-ready.", usage=(40, 8)))
    fake_provider.script(ANTHROPIC_MODEL, Reply.text("Clear and short. Approved.", usage=(60, 6)))
    writer = AssistantAgent("writer", model_client=writer_client, system_message="Write one sentence.")
    reviewer = AssistantAgent("reviewer", model_client=reviewer_client, system_message="Review it.")
    team = RoundRobinGroupChat([writer, reviewer], termination_condition=MaxMessageTermination(3))
    with tiktoken_offline():  # AutoGen's default agent path never needs a tokenizer download
        result = await team.run(task="Describe agentkit.")
    assert [(m.source, m.to_text()) for m in result.messages[1:]] == [
        ("writer", "agentkit makes AutoGen production-ready."),
        ("reviewer", "Clear and short. Approved."),
    ]
    usage = [m.models_usage for m in result.messages[1:]]
    assert [(u.prompt_tokens, u.completion_tokens) for u in usage if u is not None] == [(40, 8), (60, 6)]
    openai_request, anthropic_request = fake_provider.requests
    assert openai_request.body["messages"][0] == {"role": "system", "content": "Write one sentence."}
    assert anthropic_request.body["system"] == "Review it."
    # the reviewer saw the writer's answer
    assert "production-ready" in str(anthropic_request.body["messages"])
    await writer_client.close()
    await reviewer_client.close()


async def test_agent_tool_call_round_trip_over_http(fake_provider: FakeProvider) -> None:
    client = fake_provider.openai_client("gpt-4o-mini")
    fake_provider.script(
        "gpt-4o-mini",
        Reply.tool_calls([("get_weather", {"city": "Paris"})]),
        Reply.text("It is sunny in Paris."),
    )
    agent = AssistantAgent("assistant", model_client=client, tools=[get_weather], reflect_on_tool_use=True)
    result = await agent.run(task="Weather in Paris?")
    assert isinstance(result.messages[-1], TextMessage)
    assert result.messages[-1].content == "It is sunny in Paris."
    first, second = fake_provider.requests
    assert first.body["tools"][0]["function"]["name"] == "get_weather"
    tool_messages = [m for m in second.body["messages"] if m["role"] == "tool"]
    assert tool_messages[0]["content"] == "sunny in Paris"
    await client.close()


async def test_team_over_scripted_clients() -> None:
    writer = AssistantAgent("writer", model_client=ScriptedChatCompletionClient(["draft"]))
    tool_user = AssistantAgent(
        "checker",
        model_client=ScriptedChatCompletionClient(["checked"]),
        tools=[get_weather],
    )
    team = RoundRobinGroupChat([writer, tool_user], termination_condition=MaxMessageTermination(3))
    result = await team.run(task="go")
    assert [m.to_text() for m in result.messages[1:]] == ["draft", "checked"]
    assert not any(isinstance(m, ToolCallSummaryMessage) for m in result.messages)
