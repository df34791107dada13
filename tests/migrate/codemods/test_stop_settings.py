# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK009: agent stop settings move to the team."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import check


def test_settings_without_a_team_are_removed_and_quoted() -> None:
    result = check(
        """
        from autogen import AssistantAgent

        assistant = AssistantAgent("assistant", llm_config=cfg, max_consecutive_auto_reply=5)
        """,
        """
        from autogen import AssistantAgent

        # TODO[agentkit AK009]: v0.2 stop settings dropped from `assistant`: max_consecutive_auto_reply=5 - set max_turns= / termination_condition= on the team that runs it (AK009)
        assistant = AssistantAgent("assistant", llm_config=cfg)
        """,
        ["AK009"],
    )
    assert result.applied == {Rule.AK009: 1}
    assert result.todos == {Rule.AK009: 1}


def test_settings_consumed_by_a_team_go_without_a_todo() -> None:
    result = check(
        """
        from autogen import AssistantAgent, UserProxyAgent

        assistant = AssistantAgent("assistant", llm_config=cfg, max_consecutive_auto_reply=4)
        user = UserProxyAgent("user", code_execution_config=False)
        user.initiate_chat(assistant, message="Hi", silent=True)
        """,
        """
        from autogen import AssistantAgent, UserProxyAgent
        import asyncio
        from autogen_agentchat.conditions import FunctionalTermination
        from autogen_agentchat.messages import BaseTextChatMessage
        from autogen_agentchat.teams import RoundRobinGroupChat

        assistant = AssistantAgent("assistant", llm_config=cfg)
        user = UserProxyAgent("user", code_execution_config=False)
        team = RoundRobinGroupChat(
            [assistant, user],
            termination_condition=(
                FunctionalTermination(lambda messages: any(isinstance(message, BaseTextChatMessage) and message.source == user.name and (message.content == "exit") for message in messages))
                | FunctionalTermination(lambda messages: any(isinstance(message, BaseTextChatMessage) and message.source == user.name and (message.content == "TERMINATE") for message in messages))
            ),
            max_turns=8,
        )
        asyncio.run(team.run(task="Hi"))
        """,
        ["AK008", "AK009"],
    )
    assert Rule.AK009 not in result.todos
