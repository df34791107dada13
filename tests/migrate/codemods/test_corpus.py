# ruff: noqa: E501 - expected outputs are real migrated lines
"""Whole-pipeline properties on every sample in the tests: compiles, imports resolve, idempotent."""

from __future__ import annotations

import textwrap

import pytest

from agentkit.migrate.codemods import migrate_source

from ._project import AGENTS, TEAM
from ._support import assert_resolves

SAMPLES = {
    "two_agents": AGENTS,
    "group_chat": TEAM,
    "round_robin_human": """
        from autogen import AssistantAgent, GroupChat, GroupChatManager, UserProxyAgent

        human = UserProxyAgent("human", code_execution_config=False)
        writer = AssistantAgent("writer", system_message="Write.", llm_config={"config_list": [{"model": "gpt-4o"}]})
        chat = GroupChat(agents=[human, writer], messages=[], max_round=4, speaker_selection_method="round_robin")
        manager = GroupChatManager(groupchat=chat)
        human.initiate_chat(manager, message="A poem.")
        """,
    "tools": """
        import autogen

        assistant = autogen.AssistantAgent("assistant", system_message="Use tools.", llm_config={"config_list": []})
        executor = autogen.UserProxyAgent("executor", human_input_mode="NEVER", code_execution_config={"use_docker": True})


        def weather(city: str) -> str:
            return "sunny"


        autogen.register_function(weather, caller=assistant, executor=executor, description="Weather.")
        executor.initiate_chat(assistant, message="Weather in Paris?", max_turns=2)
        """,
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_migrated_sample_compiles_resolves_and_is_stable(name: str) -> None:
    source = textwrap.dedent(SAMPLES[name]).lstrip("\n")
    result = migrate_source(source)
    assert result.changed
    assert not result.todos, result.code
    assert_resolves(result.code)
    assert not migrate_source(result.code).changed
