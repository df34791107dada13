# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK010: features without a safe rewrite are kept and marked."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import check


def test_nested_chats_reply_functions_teachability_and_conversable_agent() -> None:
    result = check(
        """
        from autogen import ConversableAgent
        from autogen.agentchat.contrib.capabilities.teachability import Teachability

        writer = ConversableAgent("writer", llm_config=cfg)
        writer.register_nested_chats([{"recipient": critic}], trigger=user)
        teachability = Teachability(verbosity=0)
        writer.register_reply([ConversableAgent], reply_func)
        """,
        """
        from autogen import ConversableAgent
        from autogen.agentchat.contrib.capabilities.teachability import Teachability

        # TODO[agentkit AK010]: ConversableAgent has no v0.4 equivalent - use AssistantAgent (model), CodeExecutorAgent (code) or UserProxyAgent (human), or subclass BaseChatAgent
        writer = ConversableAgent("writer", llm_config=cfg)
        # TODO[agentkit AK010]: `register_nested_chats`: nested chats have no v0.4 equivalent - run the inner team from a tool, or wrap it in SocietyOfMindAgent
        writer.register_nested_chats([{"recipient": critic}], trigger=user)
        # TODO[agentkit AK010]: teachability has no v0.4 equivalent - give the AssistantAgent memory=[...] (autogen_core.memory / autogen_ext.memory)
        teachability = Teachability(verbosity=0)
        # TODO[agentkit AK010]: `register_reply`: custom reply functions have no v0.4 equivalent - subclass BaseChatAgent and implement on_messages()
        writer.register_reply([ConversableAgent], reply_func)
        """,
        ["AK010"],
    )
    assert result.todos == {Rule.AK010: 4}
    assert result.applied == {}


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
