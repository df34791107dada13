"""AK004: a code-executing ``UserProxyAgent`` -> ``CodeExecutorAgent`` with a local or Docker executor.

Handled: ``UserProxyAgent(name, human_input_mode="NEVER", code_execution_config={...})`` (or the default
``code_execution_config``, which ran code) without ``llm_config``. The user's choice of executor is kept:
``use_docker=False`` -> ``LocalCommandLineCodeExecutor``; ``use_docker`` true, an image name, or absent (v0.2's
default was Docker) -> ``DockerCommandLineCodeExecutor``. ``work_dir`` is kept. ``timeout`` is kept, and set
to v0.2's default 600 s when absent, because v0.4's default is 60 s. A NOTE lists the defaults that still
differ (work dir, approval warning, Docker start-up).

TODO: ``executor=`` objects, non-literal or unknown ``code_execution_config`` keys, a ``use_docker`` list, and
the human-plus-code modes (``ALWAYS``/``TERMINATE`` with code execution - split into ``UserProxyAgent`` +
``CodeExecutorAgent``).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import (
    SIGNATURES,
    AgentConstructorCodemod,
    AgentInfo,
    bind_args,
    classify,
    code_of,
    literal_str,
    stop_settings_todo,
)
from ._rules import Rule

__all__ = ("CodeExecutorCodemod",)

PARAMS = SIGNATURES["UserProxyAgent"]
KNOWN_KEYS = frozenset({"work_dir", "use_docker", "timeout", "last_n_messages"})
V02_TIMEOUT = "600"
LOCAL = ("autogen_ext.code_executors.local", "LocalCommandLineCodeExecutor")
DOCKER = ("autogen_ext.code_executors.docker", "DockerCommandLineCodeExecutor")


class CodeExecutorCodemod(AgentConstructorCodemod):
    """AK004 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK004
    DESCRIPTION: str = Rule.AK004.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("UserProxyAgent",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.v02(original_node.func) != "UserProxyAgent":
            return updated_node
        args = bind_args(updated_node, PARAMS)
        if args is None or "name" not in args:
            return updated_node
        info = AgentInfo(self.assigned_name(original_node), "UserProxyAgent", args, None)
        kind, _ = classify(info)
        if kind != "executor":
            if info.executes_code() is not False and info.human_input_mode() != "NEVER":
                self.todo(
                    "v0.2 asked a human and ran code in one agent: use a UserProxyAgent (human) and a "
                    "CodeExecutorAgent (code, approval_func=) in the team"
                )
            return updated_node
        config = info.value("code_execution_config")
        entries: dict[str, cst.BaseExpression] = {}
        if isinstance(config, cst.Dict):
            for element in config.elements:
                key = literal_str(element.key) if isinstance(element, cst.DictElement) else None
                if key is None or key not in KNOWN_KEYS:
                    shown = key if key is not None else code_of(element)
                    self.todo(f"code_execution_config {shown!r} has no automatic mapping: configure the executor")
                    return updated_node
                assert isinstance(element, cst.DictElement)
                entries[key] = element.value
        use_docker = entries.get("use_docker")
        image: str | None = None
        if use_docker is None or (isinstance(use_docker, cst.Name) and use_docker.value == "True"):
            executor = DOCKER
        elif isinstance(use_docker, cst.Name) and use_docker.value == "False":
            executor = LOCAL
        elif isinstance(use_docker, cst.SimpleString):
            executor, image = DOCKER, code_of(use_docker)
        else:
            self.todo(
                f"use_docker={code_of(use_docker)}: pick LocalCommandLineCodeExecutor or "
                "DockerCommandLineCodeExecutor(image=...)"
            )
            return updated_node
        executor_args = []
        if image is not None:
            executor_args.append(f"image={image}")
        if "work_dir" in entries:
            executor_args.append(f"work_dir={code_of(entries['work_dir'])}")
        executor_args.append(f"timeout={code_of(entries['timeout']) if 'timeout' in entries else V02_TIMEOUT}")
        call_args = [code_of(args["name"].value), f"code_executor={executor[1]}({', '.join(executor_args)})"]
        if "description" in args:
            call_args.append(f"description={code_of(args['description'].value)}")
        defaults = []
        if "work_dir" not in entries:
            defaults.append("work_dir: v0.4 uses a temporary directory (v0.2: autogen's 'extensions' directory)")
        if executor is DOCKER:
            defaults.append(
                "Docker needs `pip install autogen-ext[docker]` and `await executor.start()` (or `async with`) "
                "before the team runs"
            )
        defaults.append("v0.4 warns that code runs without approval (as v0.2 NEVER did): pass approval_func= to review")
        if "last_n_messages" in entries and literal_str(entries["last_n_messages"]) != "auto":
            defaults.append("last_n_messages: v0.4 reads the messages since the executor's last turn")
        self.note("; ".join(defaults))
        if info.var not in self.analysis.consumed:
            todo = stop_settings_todo(info)
            if todo is not None:
                self.todo(todo)
        self.add_import(*executor)
        self.add_import("autogen_agentchat.agents", "CodeExecutorAgent")
        self.remove_v02_import("UserProxyAgent")
        self.applied()
        new = cst.parse_expression(f"CodeExecutorAgent({', '.join(call_args)})")
        assert isinstance(new, cst.Call)
        return new
