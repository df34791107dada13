# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK006: register_function / @register_for_llm / @register_for_execution -> tools=[...]."""

from __future__ import annotations

import textwrap

from agentkit.migrate.codemods import Rule, migrate_source

from ._support import check


def test_register_function_moves_the_agent_below_its_tool() -> None:
    result = check(
        """
        from autogen import AssistantAgent, UserProxyAgent, register_function

        assistant = AssistantAgent("assistant", llm_config=cfg)
        proxy = UserProxyAgent("proxy", human_input_mode="NEVER")


        def add(a: int, b: int) -> int:
            return a + b


        register_function(add, caller=assistant, executor=proxy, description="Add two numbers.")
        """,
        """
        from autogen import AssistantAgent, UserProxyAgent
        from autogen_core.tools import FunctionTool

        proxy = UserProxyAgent("proxy", human_input_mode="NEVER")


        def add(a: int, b: int) -> int:
            return a + b


        # NOTE[agentkit AK006]: v0.4 AssistantAgent runs its own tools (v0.2 sent them to an executor agent); reflect_on_tool_use=True lets the model answer from the results as in v0.2
        assistant = AssistantAgent("assistant", llm_config=cfg, tools=[FunctionTool(add, description="Add two numbers.")], reflect_on_tool_use=True, max_tool_iterations=100)
        """,
        ["AK006"],
    )
    assert result.applied == {Rule.AK006: 1}


def test_agent_read_before_its_tools_is_left_with_a_todo() -> None:
    check(
        """
        from autogen import AssistantAgent

        assistant = AssistantAgent("assistant", llm_config=cfg)
        print(assistant.name)


        @assistant.register_for_llm(description="Add.")
        def add(a: int, b: int) -> int:
            return a + b
        """,
        """
        from autogen import AssistantAgent

        assistant = AssistantAgent("assistant", llm_config=cfg)
        print(assistant.name)


        # TODO[agentkit AK006]: `assistant`: its tools could not be moved to its constructor - pass tools=[...] to it by hand
        @assistant.register_for_llm(description="Add.")
        def add(a: int, b: int) -> int:
            return a + b
        """,
        ["AK006"],
    )


def test_function_map_is_marked() -> None:
    check(
        """
        from autogen import UserProxyAgent

        proxy = UserProxyAgent("proxy", function_map={"add": add})
        """,
        """
        from autogen import UserProxyAgent

        # TODO[agentkit AK006]: function_map of `proxy`: pass its functions as tools=[...] to the AssistantAgent whose model calls them (v0.4 agents run their own tools)
        proxy = UserProxyAgent("proxy", function_map={"add": add})
        """,
        ["AK006"],
    )


def test_function_map_becomes_tools_of_the_chat_partner_with_a_model() -> None:
    result = migrate_source(
        textwrap.dedent(
            """
            import autogen


            def add(a, b):
                return a + b


            analyst = autogen.AssistantAgent("analyst", system_message="Add.", llm_config=cfg)
            proxy = autogen.UserProxyAgent("proxy", human_input_mode="NEVER", code_execution_config=False, function_map={"add": add})
            proxy.initiate_chat(analyst, message="1 + 2?")
            """
        ).lstrip()
    )
    code = result.code
    assert "tools=[add]" in code
    assert "def add(a: Any, b: Any):" in code  # v0.4 FunctionTool needs a hint on every parameter
    assert "function_map" not in code
    assert not result.todos
    assert not migrate_source(code).changed
