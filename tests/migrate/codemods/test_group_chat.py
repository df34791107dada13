# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK007: GroupChat + GroupChatManager -> RoundRobinGroupChat / SelectorGroupChat."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import assert_resolves, check


def test_round_robin_rotates_after_the_starter_and_keeps_termination() -> None:
    result = check(
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager, UserProxyAgent

        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config={"use_docker": False})
        a = AssistantAgent("a", llm_config=cfg)
        b = AssistantAgent("b", llm_config=cfg)
        groupchat = GroupChat(agents=[user, a, b], messages=[], max_round=6, speaker_selection_method="round_robin")
        manager = GroupChatManager(groupchat=groupchat, is_termination_msg=lambda m: "DONE" in m["content"])
        user.initiate_chat(manager, message="Go.")
        """,
        """
        from autogen import AssistantAgent, UserProxyAgent
        from autogen_agentchat.conditions import FunctionalTermination, MaxMessageTermination, TextMentionTermination
        from autogen_agentchat.messages import BaseTextChatMessage
        from autogen_agentchat.teams import RoundRobinGroupChat

        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config={"use_docker": False})
        a = AssistantAgent("a", llm_config=cfg)
        b = AssistantAgent("b", llm_config=cfg)
        manager = RoundRobinGroupChat(
            [a, b, user],
            termination_condition=(
                MaxMessageTermination(6)
                | FunctionalTermination(lambda messages: any(isinstance(message, BaseTextChatMessage) and (message.content == "TERMINATE") for message in messages))
                | TextMentionTermination("DONE")
            ),
        )
        user.initiate_chat(manager, message="Go.")
        """,
        ["AK007"],
    )
    assert result.applied == {Rule.AK007: 1}


def test_auto_selection_becomes_a_selector_group_chat_run_by_ak008() -> None:
    result = check(
        """
        import autogen

        llm_config = {"config_list": [{"model": "gpt-4o"}]}
        coder = autogen.AssistantAgent(name="Coder", system_message="Code.", llm_config=llm_config)
        pm = autogen.AssistantAgent(name="PM", system_message="Plan.", llm_config=llm_config)
        groupchat = autogen.GroupChat(agents=[coder, pm], messages=[], max_round=12)
        manager = autogen.GroupChatManager(groupchat=groupchat, llm_config=llm_config)
        coder.initiate_chat(manager, message="Build a CLI.")
        """,
        """
        import asyncio
        from agentkit.migrate import translate_config
        from autogen_agentchat.conditions import FunctionalTermination, MaxMessageTermination
        from autogen_agentchat.messages import BaseTextChatMessage
        from autogen_agentchat.teams import SelectorGroupChat
        from autogen_agentchat.ui import Console
        from autogen_agentchat.agents import AssistantAgent

        llm_config = {"config_list": [{"model": "gpt-4o"}]}
        coder = AssistantAgent(name="Coder", system_message="Code.", model_client=translate_config(llm_config).client)
        pm = AssistantAgent(name="PM", system_message="Plan.", model_client=translate_config(llm_config).client)
        # NOTE[agentkit AK007]: v0.4's selector prompt differs from v0.2's; pass selector_prompt= to tune speaker selection
        manager = SelectorGroupChat(
            [coder, pm],
            model_client=translate_config(llm_config).client,
            termination_condition=(
                MaxMessageTermination(12)
                | FunctionalTermination(lambda messages: any(isinstance(message, BaseTextChatMessage) and (message.content == "TERMINATE") for message in messages))
            ),
            allow_repeated_speaker=True,
        )
        asyncio.run(Console(manager.run_stream(task="Build a CLI.")))
        """,
        None,
    )
    assert_resolves(result.code)


def test_unsupported_selection_is_marked() -> None:
    check(
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager

        a = AssistantAgent("a", llm_config=cfg)
        b = AssistantAgent("b", llm_config=cfg)
        groupchat = GroupChat(agents=[a, b], messages=[], speaker_selection_method="random")
        manager = GroupChatManager(groupchat=groupchat, llm_config=cfg)
        """,
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager

        a = AssistantAgent("a", llm_config=cfg)
        b = AssistantAgent("b", llm_config=cfg)
        groupchat = GroupChat(agents=[a, b], messages=[], speaker_selection_method="random")
        # TODO[agentkit AK007]: speaker_selection_method="random": use SelectorGroupChat(selector_func=...) by hand
        manager = GroupChatManager(groupchat=groupchat, llm_config=cfg)
        """,
        ["AK007"],
    )


def test_participant_with_own_stop_settings_is_marked() -> None:
    result = check(
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager

        a = AssistantAgent("a", llm_config=cfg, max_consecutive_auto_reply=2)
        manager = GroupChatManager(groupchat=GroupChat(agents=[a], messages=[]), llm_config=cfg)
        """,
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager

        a = AssistantAgent("a", llm_config=cfg, max_consecutive_auto_reply=2)
        # TODO[agentkit AK007]: participant `a` has its own stop settings (in v0.2 a speaker ended the group chat by not replying): express them as termination_condition= by hand
        manager = GroupChatManager(groupchat=GroupChat(agents=[a], messages=[]), llm_config=cfg)
        """,
        ["AK007"],
    )
    assert result.todos == {Rule.AK007: 1}
