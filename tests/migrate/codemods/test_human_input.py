# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK005: human_input_mode -> v0.4 UserProxyAgent / handoffs."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import check


def test_always_human_becomes_v04_user_proxy_never_is_dropped_terminate_is_marked() -> None:
    result = check(
        """
        from autogen import AssistantAgent, UserProxyAgent

        human = UserProxyAgent("human", code_execution_config=False, description="The user.")
        helper = AssistantAgent("helper", llm_config=cfg, human_input_mode="NEVER")
        reviewer = AssistantAgent("reviewer", llm_config=cfg, human_input_mode="TERMINATE")
        """,
        """
        from autogen import AssistantAgent, UserProxyAgent

        human = UserProxyAgent("human", description="The user.")
        helper = AssistantAgent("helper", llm_config=cfg)
        # TODO[agentkit AK005]: human_input_mode="TERMINATE": v0.4 agents never ask a human - add a UserProxyAgent to the team, or give the agent handoffs=['user'] and stop with HandoffTermination('user')
        reviewer = AssistantAgent("reviewer", llm_config=cfg, human_input_mode="TERMINATE")
        """,
        ["AK005"],
    )
    assert result.applied == {Rule.AK005: 2}
    assert result.todos == {Rule.AK005: 1}


def test_positional_mode_keeps_later_arguments_meaning() -> None:
    check(
        """
        from autogen import AssistantAgent

        helper = AssistantAgent("helper", "Be brief.", cfg, None, 3, "NEVER", "A helper.")
        """,
        """
        from autogen import AssistantAgent

        helper = AssistantAgent("helper", system_message="Be brief.", llm_config=cfg, is_termination_msg=None, max_consecutive_auto_reply=3, description="A helper.")
        """,
        ["AK005"],
    )


def test_an_agent_that_neither_asks_nor_runs_code_is_marked() -> None:
    check(
        """
        from autogen import UserProxyAgent

        relay = UserProxyAgent("relay", human_input_mode="NEVER", code_execution_config=False)
        """,
        """
        from autogen import UserProxyAgent

        # TODO[agentkit AK005]: a UserProxyAgent that neither asks a human nor runs code (it sent empty auto-replies): drop it, or make it an AssistantAgent / CodeExecutorAgent
        relay = UserProxyAgent("relay", human_input_mode="NEVER", code_execution_config=False)
        """,
        ["AK005"],
    )
