# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK001: v0.2 imports -> v0.4 modules."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import check


def test_from_imports_move_to_v04_modules_keeping_local_names() -> None:
    check(
        """
        from autogen import AssistantAgent, UserProxyAgent as UPA, Agent

        def f(a: Agent) -> AssistantAgent: ...
        """,
        """
        from autogen_agentchat.agents import AssistantAgent, UserProxyAgent as UPA
        from autogen_agentchat.base import ChatAgent as Agent

        def f(a: Agent) -> AssistantAgent: ...
        """,
        ["AK001"],
    )


def test_attribute_access_through_import_autogen() -> None:
    check(
        """
        import autogen

        agent_cls = autogen.AssistantAgent
        """,
        """
        from autogen_agentchat.agents import AssistantAgent

        agent_cls = AssistantAgent
        """,
        ["AK001"],
    )


def test_names_without_equivalent_keep_their_import_with_a_todo() -> None:
    result = check(
        """
        from autogen import AssistantAgent, GroupChat
        from autogen.agentchat.contrib.capabilities.teachability import Teachability
        """,
        """
        # TODO[agentkit AK001]: no automatic v0.4 equivalent for GroupChat (see the TODOs at their uses)
        from autogen import GroupChat
        # TODO[agentkit AK001]: no automatic v0.4 equivalent for Teachability (see the TODOs at their uses)
        from autogen.agentchat.contrib.capabilities.teachability import Teachability
        from autogen_agentchat.agents import AssistantAgent
        """,
        ["AK001"],
    )
    assert result.todos == {Rule.AK001: 2}


def test_v04_code_is_left_alone() -> None:
    check(
        """
        from autogen_agentchat.agents import AssistantAgent
        import autogen_core
        """,
        """
        from autogen_agentchat.agents import AssistantAgent
        import autogen_core
        """,
        None,
    )


def test_star_import_is_marked() -> None:
    check(
        """
        from autogen import *
        """,
        """
        # TODO[agentkit AK001]: `from autogen import *`: import the v0.4 names explicitly (autogen_agentchat.agents, ...)
        from autogen import *
        """,
        ["AK001"],
    )
