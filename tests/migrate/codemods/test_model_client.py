# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK002: llm_config / config_list / config_list_from_json -> model_client=translate_config(...).client."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule, migrate_source

from ._support import check, dedent


def test_llm_config_variable_becomes_a_translated_client() -> None:
    result = check(
        """
        from autogen import AssistantAgent

        llm_config = {"config_list": [{"model": "gpt-4o"}], "temperature": 0}
        assistant = AssistantAgent("assistant", llm_config=llm_config)
        """,
        """
        from autogen import AssistantAgent
        from agentkit.migrate import translate_config

        llm_config = {"config_list": [{"model": "gpt-4o"}], "temperature": 0}
        assistant = AssistantAgent("assistant", model_client=translate_config(llm_config).client)
        """,
        ["AK002"],
    )
    assert result.applied == {Rule.AK002: 1}


def test_config_list_from_json_folds_into_translate_config_and_dead_assignments_go() -> None:
    check(
        """
        import autogen

        config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
        llm_config = {"config_list": config_list}
        assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
        """,
        """
        import autogen
        from agentkit.migrate import translate_config

        assistant = autogen.AssistantAgent("assistant", model_client=translate_config("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]}).client)
        """,
        ["AK002"],
    )


def test_file_location_is_passed_through() -> None:
    result = migrate_source(
        dedent(
            """
            from autogen import AssistantAgent, config_list_from_json

            assistant = AssistantAgent(
                "assistant",
                llm_config={"config_list": config_list_from_json("OAI_CONFIG_LIST", file_location="conf")},
            )
            """
        ),
        only=["AK002"],
    )
    assert 'translate_config("OAI_CONFIG_LIST", file_location="conf").client' in result.code


def test_loader_with_top_level_parameters_is_kept_with_todos() -> None:
    result = check(
        """
        from autogen import AssistantAgent, config_list_from_json

        config_list = config_list_from_json("OAI_CONFIG_LIST")
        assistant = AssistantAgent("assistant", llm_config={"config_list": config_list, "temperature": 0})
        """,
        """
        from autogen import AssistantAgent, config_list_from_json

        # TODO[agentkit AK002]: config_list_from_json has no v0.4 equivalent - pass its file or variable name to agentkit.migrate.translate_config(name, filter_dict=...) and move top-level create parameters (temperature, cache_seed, ...) into the OAI_CONFIG_LIST entries
        config_list = config_list_from_json("OAI_CONFIG_LIST")
        # TODO[agentkit AK002]: llm_config: v0.2 merged its top-level create parameters into every entry loaded by config_list_from_json; move them into the OAI_CONFIG_LIST entries, then pass model_client=translate_config(<name>).client
        assistant = AssistantAgent("assistant", llm_config={"config_list": config_list, "temperature": 0})
        """,
        ["AK002"],
    )
    assert result.applied == {}
    assert result.todos == {Rule.AK002: 2}


def test_llm_config_false_on_an_assistant_needs_a_human() -> None:
    check(
        """
        from autogen import AssistantAgent

        assistant = AssistantAgent("assistant", llm_config=False)
        """,
        """
        from autogen import AssistantAgent

        # TODO[agentkit AK002]: llm_config=False: a v0.4 AssistantAgent needs a model client - use another agent type
        assistant = AssistantAgent("assistant", llm_config=False)
        """,
        ["AK002"],
    )


def test_translated_client_is_live(monkeypatch: object, tmp_path: object) -> None:
    """The emitted expression really builds a v0.4 client (Migration I's runtime helper)."""
    from autogen_core.models import ChatCompletionClient

    from agentkit.migrate import translate_config

    client = translate_config({"config_list": [{"model": "gpt-4o", "api_key": "sk-fake"}], "cache_seed": None}).client
    assert isinstance(client, ChatCompletionClient)
