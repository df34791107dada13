# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK010: features without a safe rewrite are kept and marked."""

from __future__ import annotations

from ._support import check


def test_filter_func_and_subclassing_are_marked() -> None:
    check(
        """
        import autogen


        class Critic(autogen.ConversableAgent):
            pass


        llm_config = {"config_list": config_list, "filter_func": only_json}
        """,
        """
        import autogen


        # TODO[agentkit AK010]: subclassing v0.2 `ConversableAgent`: subclass autogen_agentchat.agents.BaseChatAgent instead
        class Critic(autogen.ConversableAgent):
            pass


        # TODO[agentkit AK010]: filter_func (reply filtering) has no v0.4 equivalent - validate the model's reply in your own code
        llm_config = {"config_list": config_list, "filter_func": only_json}
        """,
        ["AK010"],
    )
