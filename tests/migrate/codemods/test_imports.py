"""AK001: v0.2 imports -> v0.4 modules."""

from __future__ import annotations

from ._support import check


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
