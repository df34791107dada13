# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK003: v0.2 AssistantAgent -> v0.4 AssistantAgent(name, model_client=...)."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import check


def test_positional_arguments_become_keywords_and_code_execution_false_goes() -> None:
    result = check(
        """
        from autogen import AssistantAgent

        a = AssistantAgent("writer", "You write.", model_client, code_execution_config=False)
        """,
        """
        from autogen import AssistantAgent

        # TODO[agentkit AK003]: llm_config -> model_client=agentkit.migrate.translate_config(llm_config).client (AK002)
        a = AssistantAgent("writer", system_message="You write.", llm_config=model_client)
        """,
        ["AK003"],
    )
    assert result.applied == {Rule.AK003: 1}


def test_invalid_name_and_default_prompt_are_flagged() -> None:
    check(
        """
        from autogen import AssistantAgent

        b = AssistantAgent("the critic", model_client=client)
        """,
        """
        from autogen import AssistantAgent

        # TODO[agentkit AK003]: v0.4 agent names must be Python identifiers: rename 'the critic'
        # NOTE[agentkit AK003]: v0.2's default system message (a coding assistant told to reply TERMINATE when done) is not v0.4's default - pass system_message= if you relied on it
        b = AssistantAgent("the critic", model_client=client)
        """,
        ["AK003"],
    )


def test_with_ak002_the_agent_gets_its_client() -> None:
    check(
        """
        from autogen import AssistantAgent

        a = AssistantAgent("writer", "You write.", cfg)
        """,
        """
        from agentkit.migrate import translate_config
        from autogen_agentchat.agents import AssistantAgent

        a = AssistantAgent("writer", system_message="You write.", model_client=translate_config(cfg).client)
        """,
        None,
    )
