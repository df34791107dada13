# ruff: noqa: E501 - expected outputs are real migrated lines
"""The codemod emits runnable v0.4 code: v0.2 constructs map to v0.4 / ``agentkit.migrate.compat`` calls."""

from __future__ import annotations

import ast
import textwrap

import pytest

from agentkit.migrate.codemods import migrate_source


def _migrate(code: str, *, notebook: bool = False) -> str:
    result = migrate_source(textwrap.dedent(code).lstrip("\n"), top_level_await=notebook)
    again = migrate_source(result.code, top_level_await=notebook)
    assert not again.changed, again.diff()  # idempotent
    compile(result.code, "<migrated>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if notebook else 0)
    return result.code


def _no_v02_import(code: str) -> None:
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            assert all(a.name.partition(".")[0] != "autogen" for a in node.names), code
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").partition(".")[0] != "autogen", code


COMMON = """
import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
llm_config = {"config_list": config_list, "temperature": 0, "cache_seed": 42}
assistant = autogen.AssistantAgent(name="assistant", llm_config=llm_config)
user_proxy = autogen.UserProxyAgent(
    name="user_proxy",
    human_input_mode="NEVER",
    max_consecutive_auto_reply=5,
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("TERMINATE"),
    code_execution_config={"work_dir": "coding", "use_docker": False},
)
res = user_proxy.initiate_chat(assistant, message="Plot a chart.", max_turns=4)
print(res.summary, res.cost)
"""


def test_the_most_common_v02_shape_becomes_runnable_v04() -> None:
    code = _migrate(COMMON)
    _no_v02_import(code)
    assert "from agentkit.migrate.compat import" in code
    assert 'config_list = config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})' in code
    assert "model_client=client_from_llm_config(llm_config)" in code  # top-level params kept in llm_config
    assert "system_message=DEFAULT_ASSISTANT_SYSTEM_MESSAGE" in code  # v0.2's implicit default
    assert "CodeExecutorAgent(" in code
    assert 'LocalCommandLineCodeExecutor(work_dir="coding", timeout=600, cleanup_temp_files=False)' in code
    assert "[assistant, user_proxy]," in code  # the recipient speaks first
    assert (
        'termination_from_v02(lambda x: x.get("content", "").rstrip().endswith("TERMINATE"), receiver=user_proxy.name)'
        in code
    )
    assert "termination_from_v02(None, receiver=assistant.name)" in code
    assert "max_turns=7" in code  # max_turns=4 -> 2 * 4 - 1 (the proxy's 5 replies allowed 11)
    assert "sender=user_proxy.name, recipient=assistant.name)" in code  # res.summary / res.cost keep working
    assert "llm_config=" not in code.replace("llm_config = ", "")


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (
            'autogen.ConversableAgent("a", llm_config=cfg)',
            'AssistantAgent(\n    "a",\n    model_client=client_from_llm_config(cfg),\n    system_message="You are a helpful AI Assistant.",\n)',
        ),
        ('autogen.UserProxyAgent("h", code_execution_config=False)', 'UserProxyAgent("h")'),
        (
            'autogen.ConversableAgent("n", llm_config=False, human_input_mode="NEVER", default_auto_reply="ok")',
            'AutoReplyAgent("n", reply="ok")',
        ),
        ('autogen.AssistantAgent("a", llm_config=None)', 'AutoReplyAgent("a")'),
        ('autogen.UserProxyAgent("d", human_input_mode="NEVER")', "v02_default_executor(timeout=600)"),
        (
            'autogen.UserProxyAgent("w", code_execution_config={"work_dir": "w", "use_docker": None})',
            'v02_default_executor(work_dir="w", timeout=600)',
        ),
        (
            'autogen.UserProxyAgent("x", code_execution_config={"work_dir": "w", "use_docker": True})',
            'DockerCommandLineCodeExecutor(work_dir="w", timeout=600)',
        ),
        (
            'autogen.UserProxyAgent("e", human_input_mode="NEVER", code_execution_config={"executor": ex})',
            "code_executor=ex",
        ),
        ('autogen.AssistantAgent("the critic", llm_config=cfg, system_message="S")', '"the_critic"'),
    ],
)
def test_agents_become_the_v04_class_their_settings_describe(agent: str, expected: str) -> None:
    code = _migrate(f"import autogen\n\nagent = {agent}\n")
    _no_v02_import(code)
    assert expected in code


def test_group_chat_auto_maps_every_v02_default() -> None:
    code = _migrate(
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager, UserProxyAgent

        a = AssistantAgent("a", system_message="A.", llm_config=cfg)
        b = AssistantAgent("b", system_message="B.", llm_config=cfg)
        user = UserProxyAgent("user", code_execution_config=False)
        gc = GroupChat(agents=[user, a, b], messages=[], max_round=6, max_retries_for_selecting_speaker=4)
        manager = GroupChatManager(groupchat=gc, llm_config=cfg)
        user.initiate_chat(manager, message="Go.")
        """
    )
    _no_v02_import(code)
    assert "SelectorGroupChat(" in code
    assert "gc = " not in code
    assert "model_client=client_from_llm_config(cfg)" in code
    assert "allow_repeated_speaker=True" in code
    assert "max_selector_attempts=5" in code
    assert "max_turns=5" in code  # max_round counts the task
    assert 'termination_from_v02(None, receiver="chat_manager")' in code
    assert 'description="A."' in code  # v0.2 described an agent by its system message (selector roles)
    assert 'asyncio.run(Console(manager.run_stream(task=TextMessage(content="Go.", source=user.name))))' in code


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ('"round_robin"', "RoundRobinGroupChat(\n    [a, b, user],"),  # v0.2 starts after the initiator
        ('"random"', "selector_func=random_speaker_selector([user, a, b])"),
        ('"manual"', "selector_func=manual_speaker_selector("),
    ],
)
def test_group_chat_selection_methods(method: str, expected: str) -> None:
    code = _migrate(
        f"""
        from autogen import AssistantAgent, GroupChat, GroupChatManager, UserProxyAgent

        a = AssistantAgent("a", system_message="A.", llm_config=cfg)
        b = AssistantAgent("b", system_message="B.", llm_config=cfg)
        user = UserProxyAgent("user", code_execution_config=False)
        gc = GroupChat(agents=[user, a, b], messages=[], speaker_selection_method={method})
        manager = GroupChatManager(groupchat=gc, llm_config=cfg)
        user.initiate_chat(manager, message="Go.")
        """
    )
    _no_v02_import(code)
    assert expected in code


def test_transitions_become_a_candidate_func() -> None:
    code = _migrate(
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager

        a = AssistantAgent("a", system_message="A.", llm_config=cfg)
        b = AssistantAgent("b", system_message="B.", llm_config=cfg)
        gc = GroupChat(
            agents=[a, b], messages=[], allowed_or_disallowed_speaker_transitions={a: [b], b: [a]},
            speaker_transitions_type="allowed",
        )
        manager = GroupChatManager(groupchat=gc, llm_config=cfg)
        """
    )
    _no_v02_import(code)
    assert "candidate_func=transition_candidate_func(" in code
    assert 'kind="allowed"' in code


def test_sequential_chats_carry_the_summaries_and_reset_history() -> None:
    code = _migrate(
        """
        import asyncio
        from autogen import AssistantAgent, UserProxyAgent

        a = AssistantAgent("a", system_message="A.", llm_config=cfg)
        b = AssistantAgent("b", system_message="B.", llm_config=cfg)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        results = user.initiate_chats([
            {"recipient": a, "message": "First.", "max_turns": 1},
            {"recipient": b, "message": "Second.", "max_turns": 1, "carryover": "Extra."},
        ])
        """,
    )
    _no_v02_import(code)
    assert 'with_carryover("Second.", ["Extra.", result.summary])' in code
    assert "loop.run_until_complete(team_2.reset())" in code  # v0.2 cleared the sender's history between chats
    assert "loop = asyncio.new_event_loop()" in code  # one loop: the chats share model clients
    assert "results = [result, result_2]" in code


def test_async_chats_in_notebooks_are_awaited_and_count_replies_twice() -> None:
    code = _migrate(
        """
        import autogen as ag

        a = ag.AssistantAgent("a", system_message="A.", llm_config=cfg, max_consecutive_auto_reply=4)
        u = ag.UserProxyAgent("u", human_input_mode="NEVER", code_execution_config=False)
        await u.a_initiate_chat(a, message="Hi.")
        """,
        notebook=True,
    )
    _no_v02_import(code)
    assert 'await Console(team.run_stream(task=TextMessage(content="Hi.", source=u.name)))' in code
    assert "max_turns=4" in code  # a's limit 4 counted twice per reply -> 2 replies -> 4 turns


def test_cache_star_import_and_names_without_counterpart() -> None:
    code = _migrate(
        """
        from autogen import *
        from autogen.agentchat.contrib.retrieve_user_proxy_agent import RetrieveUserProxyAgent

        a = AssistantAgent("a", system_message="A.", llm_config=cfg)
        r = RetrieveUserProxyAgent("r")
        with Cache.disk(cache_seed=7) as cache:
            r.initiate_chat(a, message="Hi.", cache=cache)
        """
    )
    assert "from autogen import *" not in code
    assert "with contextlib.nullcontext() as cache:" in code
    assert "from autogen.agentchat.contrib.retrieve_user_proxy_agent import RetrieveUserProxyAgent" in code
    assert "# TODO[agentkit AK" in code  # the one name left is marked


def test_import_autogen_attribute_without_counterpart_keeps_a_minimal_import() -> None:
    code = _migrate(
        """
        import autogen

        session = autogen.runtime_logging.start(config={"dbname": "logs.db"})
        blocks = autogen.code_utils.extract_code(text)
        a = autogen.AssistantAgent("a", system_message="A.", llm_config=cfg)
        autogen.runtime_logging.stop()
        """
    )
    assert "import autogen\n" not in code
    assert "session = None" in code  # v0.4 logs through autogen_core's loggers
    assert "runtime_logging" not in code
    assert "from autogen import code_utils" in code  # the smallest v0.2 import, for that name only
    assert "blocks = code_utils.extract_code(text)" in code


def test_registrations_inside_a_function_and_a_result_named_like_the_helper() -> None:
    code = _migrate(
        """
        from autogen import ConversableAgent, register_function


        def add(a: int, b: int) -> int:
            return a + b


        def main():
            assistant = ConversableAgent(name="Assistant", system_message="Add.", llm_config=cfg)
            proxy = ConversableAgent(name="Proxy", llm_config=False, human_input_mode="NEVER")
            register_function(add, caller=assistant, executor=proxy, description="Add two numbers.")
            chat_result = proxy.initiate_chat(recipient=assistant, message="1 + 2?", max_turns=1)
            print(chat_result.summary)
        """
    )
    _no_v02_import(code)
    assert 'tools=[FunctionTool(add, description="Add two numbers.")]' in code
    assert "chat_result as chat_result_v04" in code  # no UnboundLocalError in main()
    assert "chat_result = chat_result_v04(" in code
    assert "max_turns=1" in code
    assert 'AutoReplyAgent("Proxy")' in code


def test_callable_speaker_selection_and_reflection_summary() -> None:
    code = _migrate(
        """
        from autogen import AssistantAgent, GroupChat, GroupChatManager, UserProxyAgent

        a = AssistantAgent("a", system_message="A.", llm_config=cfg)
        b = AssistantAgent("b", system_message="B.", llm_config=cfg)
        init = UserProxyAgent("init", human_input_mode="NEVER", code_execution_config=False)


        def pick(last_speaker, groupchat):
            return b if last_speaker is a else a


        gc = GroupChat(agents=[init, a, b], messages=[], speaker_selection_method=pick)
        manager = GroupChatManager(groupchat=gc, llm_config=cfg)
        init.initiate_chat(manager, message="Go.")
        res = init.initiate_chat(a, message="Sum up.", summary_method="reflection_with_llm")
        print(res.summary)
        """
    )
    _no_v02_import(code)
    assert "select_speaker, selection_end = speaker_selection_from_v02(pick, [init, a, b], initiator=init.name)" in code
    assert "selector_func=select_speaker" in code
    assert "termination_condition=selection_end | " in code
    assert 'summary_method="reflection_with_llm", model_client=client_from_llm_config(cfg))' in code
    assert "loop.run_until_complete(summarised_chat())" in code  # two chats in a sync script: one loop


def test_agents_held_in_attributes_keep_their_stop_settings() -> None:
    code = _migrate(
        """
        import autogen as ag


        class Bot:
            def __init__(self, cfg):
                self.a = ag.AssistantAgent("a", llm_config=cfg)
                self.u = ag.UserProxyAgent("u", human_input_mode="NEVER", code_execution_config=False, max_consecutive_auto_reply=2)

            def run(self, q):
                return self.u.initiate_chat(self.a, message=q).summary
        """
    )
    _no_v02_import(code)
    assert "max_turns=5" in code  # u may auto-reply twice: 2 x 2 + 1 turns
    assert "NOTE[agentkit AK009]" not in code  # the team took the settings over
    assert ").summary" in code


def test_register_for_llm_written_as_calls() -> None:
    code = _migrate(
        """
        import autogen

        assistant = autogen.AssistantAgent("assistant", system_message="Calc.", llm_config=cfg)
        user_proxy = autogen.UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)


        def calculator(a: int, b: int) -> int:
            return a + b


        assistant.register_for_llm(name="calculator", description="A simple calculator")(calculator)
        user_proxy.register_for_execution(name="calculator")(calculator)
        user_proxy.initiate_chat(assistant, message="1+2?")
        """
    )
    _no_v02_import(code)
    assert 'tools=[FunctionTool(calculator, description="A simple calculator")]' in code
    assert "register_for" not in code
