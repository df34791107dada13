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


def test_calls_v04_agents_lack_are_commented_out_under_their_todo() -> None:
    """v0.4 raises AttributeError on them: the code stays visible as comments, the rest of the program runs."""
    check(
        """
        import autogen

        critic.register_nested_chats(
            [{"recipient": reviewer, "max_turns": 1}],
            trigger=writer,
        )

        run()


        def setup(counter):
            counter.register_reply([autogen.Agent, None], count_words)
            return counter


        def hooks(agent):
            agent.register_hook("process_last_received_message", fix)


        if ready:
            agent.register_reply(writer, reply, position=2)
        handle = agent.register_reply(writer, reply)
        """,
        """
        import autogen

        # TODO[agentkit AK010]: `register_nested_chats`: commented out below, v0.4 agents have no such method; nested chats have no v0.4 equivalent - run the inner team from a tool, or wrap it in SocietyOfMindAgent
        # critic.register_nested_chats(
        #     [{"recipient": reviewer, "max_turns": 1}],
        #     trigger=writer,
        # )

        run()


        def setup(counter):
            # TODO[agentkit AK010]: `register_reply`: commented out below, v0.4 agents have no such method; custom reply functions have no v0.4 equivalent - subclass BaseChatAgent and implement on_messages()
            # counter.register_reply([autogen.Agent, None], count_words)
            return counter


        def hooks(agent):
            # TODO[agentkit AK010]: `register_hook`: commented out below, v0.4 agents have no such method; hooks have no v0.4 equivalent - subclass the agent, or use model_context= / memory=
            # agent.register_hook("process_last_received_message", fix)
            pass


        if ready:
            # TODO[agentkit AK010]: `register_reply`: commented out below, v0.4 agents have no such method; custom reply functions have no v0.4 equivalent - subclass BaseChatAgent and implement on_messages()
            # agent.register_reply(writer, reply, position=2)
            pass
        # TODO[agentkit AK010]: `register_reply`: custom reply functions have no v0.4 equivalent - subclass BaseChatAgent and implement on_messages()
        handle = agent.register_reply(writer, reply)
        """,
        ["AK010"],
    )


def test_a_commented_out_last_statement_goes_to_the_footer() -> None:
    result = check(
        """
        import autogen

        agent = autogen.AssistantAgent("a", llm_config=cfg)
        agent.register_reply(autogen.Agent, reply)
        """,
        """
        import autogen

        agent = autogen.AssistantAgent("a", llm_config=cfg)
        # TODO[agentkit AK010]: `register_reply`: commented out below, v0.4 agents have no such method; custom reply functions have no v0.4 equivalent - subclass BaseChatAgent and implement on_messages()
        # agent.register_reply(autogen.Agent, reply)
        """,
        ["AK010"],
    )
    assert dict(result.todos) == {"AK010": 1}
