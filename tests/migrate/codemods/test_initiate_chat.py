# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK008: initiate_chat -> a v0.4 team run; the migrated program really runs (FakeProvider on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from agentkit.migrate.codemods import Rule, migrate_source
from agentkit.testing import FakeProvider, Reply

from ._support import assert_resolves, check, dedent


def test_async_silent_chat_computes_turns_and_termination() -> None:
    result = check(
        """
        from autogen import AssistantAgent, UserProxyAgent

        assistant = AssistantAgent("assistant", system_message="Help.", llm_config=cfg)
        proxy = UserProxyAgent(
            "proxy",
            human_input_mode="NEVER",
            max_consecutive_auto_reply=2,
            is_termination_msg=lambda x: "TERMINATE" in x.get("content", ""),
            code_execution_config={"use_docker": False, "work_dir": "work"},
        )


        async def main() -> None:
            await proxy.a_initiate_chat(assistant, message="Hi.", silent=True)
        """,
        """
        from agentkit.migrate import translate_config
        from autogen_agentchat.agents import CodeExecutorAgent, AssistantAgent
        from autogen_agentchat.conditions import FunctionalTermination, TextMentionTermination
        from autogen_agentchat.messages import BaseTextChatMessage
        from autogen_agentchat.teams import RoundRobinGroupChat
        from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

        assistant = AssistantAgent("assistant", system_message="Help.", model_client=translate_config(cfg).client)
        # NOTE[agentkit AK004]: v0.4 warns that code runs without approval (as v0.2 NEVER did): pass approval_func= to review
        proxy = CodeExecutorAgent("proxy", code_executor=LocalCommandLineCodeExecutor(work_dir="work", timeout=600))


        async def main() -> None:
            team = RoundRobinGroupChat(
                [assistant, proxy],
                termination_condition=(
                    TextMentionTermination("TERMINATE", sources=[assistant.name])
                    | FunctionalTermination(lambda messages: any(isinstance(message, BaseTextChatMessage) and message.source == proxy.name and (message.content == "TERMINATE") for message in messages))
                ),
                max_turns=5,
            )
            await team.run(task="Hi.")
        """,
        None,
    )
    assert result.applied[Rule.AK008] == 1
    assert_resolves(result.code)


def test_non_simple_predicate_is_left_with_a_todo() -> None:
    check(
        """
        from autogen import AssistantAgent, UserProxyAgent

        assistant = AssistantAgent("assistant", llm_config=cfg)
        proxy = UserProxyAgent("proxy", is_termination_msg=is_done, human_input_mode="NEVER")
        proxy.initiate_chat(assistant, message="Hi.")
        """,
        """
        from autogen import AssistantAgent, UserProxyAgent

        assistant = AssistantAgent("assistant", llm_config=cfg)
        proxy = UserProxyAgent("proxy", is_termination_msg=is_done, human_input_mode="NEVER")
        # TODO[agentkit AK008]: `proxy`: is_termination_msg is not a simple content check - write a termination condition
        proxy.initiate_chat(assistant, message="Hi.")
        """,
        ["AK008"],
    )


def test_agents_in_several_chats_are_left_with_a_todo() -> None:
    result = migrate_source(
        dedent(
            """
            from autogen import AssistantAgent, UserProxyAgent

            assistant = AssistantAgent("assistant", llm_config=cfg)
            user = UserProxyAgent("user", code_execution_config=False)
            user.initiate_chat(assistant, message="One.")
            user.initiate_chat(assistant, message="Two.", clear_history=False)
            """
        ),
        only=["AK008"],
    )
    assert result.todos == {Rule.AK008: 2}
    assert "initiate_chat" in result.code


def test_result_assignment_is_flagged() -> None:
    result = migrate_source(
        dedent(
            """
            from autogen import AssistantAgent, UserProxyAgent

            assistant = AssistantAgent("assistant", llm_config=cfg)
            user = UserProxyAgent("user", code_execution_config=False)
            chat = user.initiate_chat(assistant, message="Hi.", max_turns=1)
            """
        )
    )
    assert 'chat = asyncio.run(Console(team.run_stream(task="Hi.")))' in result.code
    assert "`chat` is now a TaskResult" in result.code
    assert "max_turns=1," in result.code  # 2 * 1 - 1: the recipient answers once


V02_PROGRAM = """
import autogen

llm_config = {{
    "config_list": [{{"model": "gpt-4o", "api_key": "sk-fake", "base_url": "{base_url}", "max_retries": 0}}],
    "cache_seed": None,
}}
assistant = autogen.AssistantAgent("assistant", system_message="You are terse.", llm_config=llm_config)
worker = autogen.UserProxyAgent(
    "worker",
    human_input_mode="NEVER",
    max_consecutive_auto_reply={limit},
    is_termination_msg=lambda x: x.get("content", "").rstrip().endswith("DONE"),
    code_execution_config={{"work_dir": "{work_dir}", "use_docker": False}},
)
worker.initiate_chat(assistant, message="Print 42 in Python.", silent=True)
"""


# The migrated program runs v0.4's CodeExecutorAgent with a local executor; AutoGen warns (by design) that code
# runs unsandboxed and unapproved. That is the behaviour being migrated, so these two warnings are expected here.
@pytest.mark.filterwarnings("ignore:No approval function set:UserWarning")
@pytest.mark.filterwarnings("ignore:Using LocalCommandLineCodeExecutor:UserWarning")
def test_migrated_two_agent_program_runs_and_stops_like_v02(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Migrate a v0.2 script, run it on v0.4 against the fake provider: code runs, the chat stops on DONE."""
    monkeypatch.chdir(tmp_path)
    with FakeProvider() as fp:
        fp.script(
            "gpt-4o",
            Reply.text("```python\nprint(6 * 7)\n```"),
            Reply.text("The answer is 42. DONE"),
        )
        source = textwrap.dedent(V02_PROGRAM).format(base_url=fp.openai_base_url, limit=5, work_dir=tmp_path / "work")
        migrated = migrate_source(source)
        assert migrated.todos == {}
        assert_resolves(migrated.code)
        namespace: dict[str, Any] = {"__name__": "migrated"}

        def run(main: Any) -> Any:
            async def and_close() -> Any:
                try:
                    return await main
                finally:  # the v0.2 script never closed its client; close it in the same loop
                    await namespace["assistant"]._model_client.close()

            return asyncio.run(and_close())

        code = migrated.code.replace("asyncio.run(", "_result = _run(", 1)
        assert code != migrated.code
        namespace["_run"] = run
        exec(compile(code, "<migrated>", "exec"), namespace)
        result = namespace["_result"]
        texts = [getattr(message, "content", None) for message in result.messages]
        assert texts[0] == "Print 42 in Python."
        assert any(isinstance(text, str) and "42" in text and text != texts[0] for text in texts[2:3])  # executed
        assert texts[-1] == "The answer is 42. DONE"
        assert len(fp.requests_for("gpt-4o")) == 2
    assert sys.modules.get("autogen") is None
