# ruff: noqa: E501 - expected outputs are real migrated lines
"""AK004: code-executing UserProxyAgent -> CodeExecutorAgent with the user's executor choice."""

from __future__ import annotations

from agentkit.migrate.codemods import Rule

from ._support import assert_resolves, check


def test_local_executor_keeps_work_dir_and_timeout() -> None:
    result = check(
        """
        from autogen import UserProxyAgent

        executor = UserProxyAgent(
            "executor",
            human_input_mode="NEVER",
            code_execution_config={"work_dir": "coding", "use_docker": False, "timeout": 120},
        )
        """,
        """
        from autogen_agentchat.agents import CodeExecutorAgent
        from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

        # NOTE[agentkit AK004]: v0.4 warns that code runs without approval (as v0.2 NEVER did): pass approval_func= to review
        executor = CodeExecutorAgent("executor", code_executor=LocalCommandLineCodeExecutor(work_dir="coding", timeout=120))
        """,
        ["AK004"],
    )
    assert result.applied == {Rule.AK004: 1}
    assert_resolves(result.code)


def test_docker_image_is_kept_and_v02_timeout_default_is_explicit() -> None:
    result = check(
        """
        from autogen import UserProxyAgent

        executor = UserProxyAgent("executor", human_input_mode="NEVER", code_execution_config={"use_docker": "python:3.11-slim"})
        """,
        """
        from autogen_agentchat.agents import CodeExecutorAgent
        from autogen_ext.code_executors.docker import DockerCommandLineCodeExecutor

        # NOTE[agentkit AK004]: work_dir: v0.4 uses a temporary directory (v0.2: autogen's 'extensions' directory); Docker needs `pip install autogen-ext[docker]` and `await executor.start()` (or `async with`) before the team runs; v0.4 warns that code runs without approval (as v0.2 NEVER did): pass approval_func= to review
        executor = CodeExecutorAgent("executor", code_executor=DockerCommandLineCodeExecutor(image="python:3.11-slim", timeout=600))
        """,
        ["AK004"],
    )
    assert_resolves(result.code)


def test_default_code_execution_config_was_docker_in_v02() -> None:
    result = check(
        """
        from autogen import UserProxyAgent

        executor = UserProxyAgent("executor", human_input_mode="NEVER")
        """,
        """
        from autogen_agentchat.agents import CodeExecutorAgent
        from autogen_ext.code_executors.docker import DockerCommandLineCodeExecutor

        # NOTE[agentkit AK004]: work_dir: v0.4 uses a temporary directory (v0.2: autogen's 'extensions' directory); Docker needs `pip install autogen-ext[docker]` and `await executor.start()` (or `async with`) before the team runs; v0.4 warns that code runs without approval (as v0.2 NEVER did): pass approval_func= to review
        executor = CodeExecutorAgent("executor", code_executor=DockerCommandLineCodeExecutor(timeout=600))
        """,
        ["AK004"],
    )
    assert result.applied == {Rule.AK004: 1}


def test_executor_objects_are_left_for_a_human() -> None:
    check(
        """
        from autogen import UserProxyAgent

        executor = UserProxyAgent("executor", human_input_mode="NEVER", code_execution_config={"executor": my_executor})
        """,
        """
        from autogen import UserProxyAgent

        # TODO[agentkit AK004]: code_execution_config 'executor' has no automatic mapping: configure the executor
        executor = UserProxyAgent("executor", human_input_mode="NEVER", code_execution_config={"executor": my_executor})
        """,
        ["AK004"],
    )


def test_human_plus_code_is_split_by_hand() -> None:
    check(
        """
        from autogen import UserProxyAgent

        proxy = UserProxyAgent("proxy")
        """,
        """
        from autogen import UserProxyAgent

        # TODO[agentkit AK004]: v0.2 asked a human and ran code in one agent: use a UserProxyAgent (human) and a CodeExecutorAgent (code, approval_func=) in the team
        proxy = UserProxyAgent("proxy")
        """,
        ["AK004"],
    )


def test_stop_settings_without_a_team_are_quoted_in_a_todo() -> None:
    result = check(
        """
        from autogen import UserProxyAgent

        executor = UserProxyAgent("executor", human_input_mode="NEVER", max_consecutive_auto_reply=3, code_execution_config={"use_docker": False, "work_dir": "w"})
        """,
        """
        from autogen_agentchat.agents import CodeExecutorAgent
        from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

        # NOTE[agentkit AK004]: v0.4 warns that code runs without approval (as v0.2 NEVER did): pass approval_func= to review
        # TODO[agentkit AK004]: v0.2 stop settings dropped from `executor`: max_consecutive_auto_reply=3 - set max_turns= / termination_condition= on the team that runs it (AK009)
        executor = CodeExecutorAgent("executor", code_executor=LocalCommandLineCodeExecutor(work_dir="w", timeout=600))
        """,
        ["AK004"],
    )
    assert result.todos == {Rule.AK004: 1}
