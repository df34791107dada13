"""client_from_llm_config against the real OpenAI client over HTTP (FakeProvider), and the v0.4 helpers."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TaskResult
from autogen_agentchat.messages import TextMessage, ToolCallRequestEvent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core import FunctionCall
from autogen_core.models import RequestUsage, UserMessage
from autogen_ext.models.cache import ChatCompletionCache

from agentkit.exceptions import ConfigTranslationError, ConfigurationError
from agentkit.migrate.compat import (
    DEFAULT_SUMMARY_PROMPT,
    AutoReplyAgent,
    a_chat_result,
    chat_result,
    client_from_llm_config,
    manual_speaker_selector,
    random_speaker_selector,
    registered_price_table,
    termination_from_v02,
    transition_candidate_func,
    v02_message,
    with_carryover,
)
from agentkit.migrate.compat import _client as compat_client
from agentkit.models import FailoverChatCompletionClient
from agentkit.testing import FAKE_OPENAI_KEY, FakeProvider, Fault, Reply

PROMPT = [UserMessage(content="hi", source="user")]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # v0.2's default disk cache lands under the working directory
    monkeypatch.setattr(compat_client, "_models", [])
    monkeypatch.setattr(compat_client, "_prices", {})


def _entry(fp: FakeProvider, model: str = "gpt-4o", **extra: object) -> dict[str, object]:
    return {"model": model, "api_key": FAKE_OPENAI_KEY, "base_url": fp.openai_base_url, **extra}


async def test_top_level_create_params_reach_every_request(fake_provider: FakeProvider) -> None:
    fake_provider.script("gpt-4o", Reply.text("one"))
    client = client_from_llm_config({"config_list": [_entry(fake_provider)], "temperature": 0.25, "cache_seed": None})
    result = await client.create(PROMPT)
    assert result.content == "one"
    (request,) = fake_provider.requests
    assert request.body["temperature"] == 0.25
    await client.close()


async def test_v02_default_cache_is_on_and_cache_seed_none_turns_it_off(
    fake_provider: FakeProvider, tmp_path: Path
) -> None:
    fake_provider.always("gpt-4o", Reply.text("cached answer"))
    cached = client_from_llm_config({"config_list": [_entry(fake_provider)]})
    assert isinstance(cached, ChatCompletionCache)
    for _ in range(2):
        assert (await cached.create(PROMPT)).content == "cached answer"
    assert len(fake_provider.requests) == 1  # the second call came from the disk cache, as with v0.2's seed 41
    assert (tmp_path / ".cache" / "autogen-v0.4" / "41").is_dir()
    uncached = client_from_llm_config({"config_list": [_entry(fake_provider)], "cache_seed": None})
    for _ in range(2):
        await uncached.create(PROMPT)
    assert len(fake_provider.requests) == 3
    await cached.close()
    await uncached.close()


async def test_a_multi_entry_list_fails_over_in_v02_order(fake_provider: FakeProvider) -> None:
    fake_provider.script("gpt-4o", Fault.server_error(503))
    fake_provider.script("gpt-4o-mini", Reply.text("from the second entry"))
    client = client_from_llm_config(
        {
            "config_list": [_entry(fake_provider, max_retries=0), _entry(fake_provider, "gpt-4o-mini", max_retries=0)],
            "cache_seed": None,
        }
    )
    assert isinstance(client, FailoverChatCompletionClient)
    assert (await client.create(PROMPT)).content == "from the second entry"
    assert [r.model for r in fake_provider.requests] == ["gpt-4o", "gpt-4o-mini"]
    await client.close()


async def test_price_is_registered_and_prices_chat_result_cost(fake_provider: FakeProvider) -> None:
    fake_provider.script("gpt-4o", Reply.text("The answer. TERMINATE", usage=(1000, 500)))
    client = client_from_llm_config({"config_list": [_entry(fake_provider, price=[0.01, 0.03])], "cache_seed": None})
    price = registered_price_table().price_for("gpt-4o")
    assert price is not None
    assert price.input_per_mtok == Decimal("10")
    assistant = AssistantAgent("assistant", model_client=client)
    team = RoundRobinGroupChat([assistant], max_turns=1)
    result = await team.run(task="question")
    chat = chat_result(result, sender="user", recipient="assistant")
    usage = chat.cost["usage_including_cached_inference"]
    assert usage["gpt-4o"]["prompt_tokens"] == 1000
    assert usage["total_cost"] == pytest.approx(0.01 + 0.015)
    assert chat.summary == "The answer. "  # v0.2's last_msg summary drops every TERMINATE
    await client.close()


def test_a_bare_entry_is_accepted(fake_provider: FakeProvider) -> None:
    client = client_from_llm_config({**_entry(fake_provider), "cache_seed": None})
    assert client.model_info["function_calling"] is True


@pytest.mark.parametrize("value", [False, None])
def test_no_llm_is_a_clear_error(value: object) -> None:
    with pytest.raises(ConfigurationError, match="had no LLM"):
        client_from_llm_config(value)


def test_errors_never_echo_the_key() -> None:
    secret = "sk-proj-abcdefghijklmnopqrstuvwxyz012345"
    with pytest.raises(ConfigTranslationError, match="model: is required") as info:
        client_from_llm_config({"config_list": [{"api_key": secret}]})
    assert secret not in str(info.value)
    with pytest.raises(ConfigurationError, match="must be a dict"):
        client_from_llm_config(secret)


# --- termination -----------------------------------------------------------------------------------------------


async def test_termination_uses_v02_default_exact_match_and_skips_the_receiver() -> None:
    condition = termination_from_v02(receiver="user_proxy")
    assert await condition([TextMessage(content="TERMINATE", source="user_proxy")]) is None
    assert await condition([TextMessage(content="Done.\nTERMINATE", source="assistant")]) is None
    stop = await condition([TextMessage(content="TERMINATE", source="assistant")])
    assert stop is not None
    assert stop.content == "v0.2 is_termination_msg of 'user_proxy' matched"
    assert condition.terminated
    await condition.reset()
    assert not condition.terminated


async def test_termination_gives_the_predicate_v02_dicts_including_tool_calls() -> None:
    seen: list[dict[str, object]] = []

    def predicate(message: dict[str, object]) -> bool:
        seen.append(message)
        return message.get("content") == "stop"

    condition = termination_from_v02(predicate, receiver="user_proxy", initiator="user_proxy")
    assert await condition([TextMessage(content="stop", source="user")]) is None  # the initiator's own task
    call = ToolCallRequestEvent(content=[FunctionCall(id="1", name="f", arguments="{}")], source="assistant")
    assert await condition([call]) is None
    assert await condition([TextMessage(content="stop", source="assistant")]) is not None
    assert seen[0]["content"] is None
    assert seen[0]["tool_calls"] == [{"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    assert seen[1] == {"content": "stop", "role": "user", "name": "assistant"}


async def test_a_raising_predicate_propagates_as_in_v02() -> None:
    condition = termination_from_v02(lambda m: m["content"].endswith("X"), receiver="a")
    call = ToolCallRequestEvent(content=[FunctionCall(id="1", name="f", arguments="{}")], source="b")
    with pytest.raises(AttributeError):
        await condition([call])


async def test_auto_reply_agent_and_termination_in_a_team(fake_provider: FakeProvider) -> None:
    fake_provider.script("gpt-4o", Reply.text("first"), Reply.text("TERMINATE"))
    client = client_from_llm_config({"config_list": [_entry(fake_provider)], "cache_seed": None})
    assistant = AssistantAgent("assistant", model_client=client)
    proxy = AutoReplyAgent("user_proxy")
    team = RoundRobinGroupChat(
        [assistant, proxy], termination_condition=termination_from_v02(receiver="user_proxy", initiator="user_proxy")
    )
    result = await team.run(task="go")
    assert [(m.source, m.to_text()) for m in result.messages] == [
        ("user", "go"),
        ("assistant", "first"),
        ("user_proxy", ""),
        ("assistant", "TERMINATE"),
    ]
    assert result.stop_reason == "v0.2 is_termination_msg of 'user_proxy' matched"
    chat = chat_result(result, sender="user_proxy", recipient="assistant")
    assert [(m["role"], m["name"]) for m in chat.chat_history] == [
        ("assistant", "user_proxy"),
        ("user", "assistant"),
        ("assistant", "user_proxy"),
        ("user", "assistant"),
    ]
    assert chat.summary == ""
    await client.close()


def test_v02_message_shape() -> None:
    assert v02_message(TextMessage(content="x", source="a")) == {"content": "x", "role": "user", "name": "a"}


# --- chat results ------------------------------------------------------------------------------------------------


def test_carryover_is_appended_as_v02_did() -> None:
    assert with_carryover("Task.", None) == "Task."
    assert with_carryover("Task.", "ctx") == "Task.\nContext: \nctx"
    assert with_carryover("Task.", ["a", {"content": "b"}, 3]) == "Task.\nContext: \na\nb\n3"
    with pytest.raises(ConfigurationError, match="carryover"):
        with_carryover("Task.", 3.5)


def test_unpriced_usage_counts_zero_and_warns() -> None:
    result = TaskResult(
        messages=[
            TextMessage(content="q", source="user"),
            TextMessage(content="a", source="bot", models_usage=RequestUsage(prompt_tokens=5, completion_tokens=2)),
        ]
    )
    with pytest.warns(UserWarning, match="no price is known for model 'mystery-model'"):
        chat = chat_result(result, sender="user", recipient="bot", model="mystery-model")
    assert chat.cost["usage_excluding_cached_inference"]["mystery-model"]["total_tokens"] == 7
    assert chat.cost["usage_including_cached_inference"]["total_cost"] == 0.0
    with pytest.raises(ConfigurationError, match="reflection_with_llm"):
        chat_result(result, sender="user", recipient="bot", summary_method="reflection_with_llm")


# --- speaker selection -------------------------------------------------------------------------------------------


def _thread(*sources: str) -> list[TextMessage]:
    return [TextMessage(content="m", source=s) for s in sources]


def test_allowed_transitions_follow_the_graph_and_the_initiator() -> None:
    graph = {"user_proxy": ["planner"], "planner": ["engineer", "critic"], "critic": []}
    names = ["user_proxy", "planner", "engineer", "critic"]
    outsider = transition_candidate_func(graph, participants=names)
    member = transition_candidate_func(graph, participants=names, initiator="user_proxy")
    assert outsider(_thread("user")) == names  # an initiator outside the group: everyone is eligible
    assert member(_thread("user")) == ["planner"]  # the task counts as user_proxy's message
    assert member(_thread("user", "planner")) == ["engineer", "critic"]
    assert member(_thread("user", "critic")) == ["critic"]  # a sink keeps the last speaker
    disallowed = transition_candidate_func({"planner": ["critic"]}, kind="disallowed", participants=names)
    assert disallowed(_thread("user", "planner")) == ["user_proxy", "planner", "engineer"]
    with pytest.raises(ConfigurationError, match="kind"):
        transition_candidate_func(graph, kind="maybe", participants=names)


def test_random_selector_draws_like_v02_from_the_global_generator() -> None:
    names = ["alice", "bob", "carol"]
    random.seed(7)
    expected = [random.choice(names) for _ in range(5)]
    random.seed(7)
    select = random_speaker_selector(names)
    assert [select(_thread("user")) for _ in range(5)] == expected


def test_manual_selector_reads_numbers_and_falls_back_to_the_next_agent(capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["2", "q", "9", "x"])
    select = manual_speaker_selector(["a", "b", "c"], input_func=lambda prompt: next(answers))
    assert select(_thread("user")) == "b"
    assert select(_thread("user", "b")) == "c"  # "q": the agent after the last speaker
    assert select(_thread("user", "c")) == "a"  # two invalid answers: v0.2 gives up and takes the next agent
    assert "1: a" in capsys.readouterr().out


async def test_reflection_summary_asks_the_model_like_v02(fake_provider: FakeProvider) -> None:
    fake_provider.script("gpt-4o", Reply.text("Remote work: flexible but lonely."))
    client = client_from_llm_config({"config_list": [_entry(fake_provider)], "cache_seed": None})
    result = TaskResult(
        messages=[TextMessage(content="pros and cons?", source="user"), TextMessage(content="...", source="assistant")]
    )
    chat = await a_chat_result(
        result, sender="user_proxy", recipient="assistant", summary_method="reflection_with_llm", model_client=client
    )
    assert chat.summary == "Remote work: flexible but lonely."
    (request,) = fake_provider.requests
    assert [m["role"] for m in request.body["messages"]] == ["user", "assistant", "system"]
    assert request.body["messages"][-1]["content"] == DEFAULT_SUMMARY_PROMPT
    fake_provider.script("gpt-4o", Fault.status(400))
    empty = await a_chat_result(
        result, sender="user_proxy", recipient="assistant", summary_method="reflection_with_llm", model_client=client
    )
    assert empty.summary == ""  # v0.2: a BadRequestError gives an empty summary
    last = await a_chat_result(result, sender="user_proxy", recipient="assistant")
    assert last.summary == "..."
    with pytest.raises(ConfigurationError, match="model_client"):
        await a_chat_result(result, sender="u", recipient="a", summary_method="reflection_with_llm")
    await client.close()


async def test_a_v02_selection_function_drives_the_selector_and_its_none_ends_the_chat() -> None:
    from autogen_agentchat.base import ChatAgent, Team
    from autogen_agentchat.teams import SelectorGroupChat

    from agentkit.migrate.compat import speaker_selection_from_v02
    from agentkit.testing import ScriptedChatCompletionClient

    init = AutoReplyAgent("Init", reply="go")
    planner = AutoReplyAgent("Planner", reply="plan")
    engineer = AutoReplyAgent("Engineer", reply="built")
    critic = AutoReplyAgent("Critic", reply="Approved.")
    calls: list[tuple[str, int]] = []

    def state_transition(last_speaker: object, groupchat: object) -> object:  # v0.2's documented shape
        messages = groupchat.messages  # type: ignore[attr-defined]
        calls.append((last_speaker.name, len(messages)))  # type: ignore[attr-defined]
        if last_speaker is init:
            return planner
        if last_speaker is planner:
            return engineer
        if last_speaker is engineer:
            return critic
        return None if "approved" in messages[-1]["content"].lower() else "round_robin"

    agents: list[ChatAgent | Team] = [init, planner, engineer, critic]
    select, selection_end = speaker_selection_from_v02(state_transition, agents, initiator="Init")
    model = ScriptedChatCompletionClient([])  # never asked: the function picks every speaker
    team = SelectorGroupChat(agents, model_client=model, selector_func=select, termination_condition=selection_end)
    result = await team.run(task="Compute F(10).")
    assert [m.source for m in result.messages] == ["user", "Planner", "Engineer", "Critic"]
    assert result.stop_reason == "v0.2 speaker selection found no eligible speaker"
    assert calls == [("Init", 1), ("Planner", 2), ("Engineer", 3), ("Critic", 4)]  # once per turn


def test_round_robin_order_starts_after_the_initiator() -> None:
    from agentkit.migrate.compat import round_robin_order

    user, a, b = AutoReplyAgent("user"), AutoReplyAgent("a"), AutoReplyAgent("b")
    assert [x.name for x in round_robin_order([user, a, b], after=user)] == ["a", "b", "user"]
    assert [x.name for x in round_robin_order([a, user, b], after="user")] == ["b", "a", "user"]
    assert round_robin_order(["a", "b"], after="outsider") == ["a", "b"]  # v0.2: agents[0] after an outsider
