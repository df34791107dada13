"""AK003 / AK004 / AK005: a v0.2 agent becomes the v0.4 agent its *settings* describe.

In v0.2 ``ConversableAgent``, ``AssistantAgent`` and ``UserProxyAgent`` are one class with different defaults;
what an agent does depends on its settings, so the v0.4 class is chosen from them:

=============================================================  ==============================================  =====
v0.2 settings                                                  v0.4                                            rule
=============================================================  ==============================================  =====
a model (``llm_config`` not ``False``/``None``), no code        ``AssistantAgent(name, model_client=...)``       AK003
code execution (explicit, or ``UserProxyAgent``'s default)     ``CodeExecutorAgent(name, code_executor=...)``   AK004
no model, no code, ``human_input_mode="ALWAYS"``                ``UserProxyAgent(name)``                         AK005
no model, no code, ``"NEVER"`` / ``"TERMINATE"``                ``AutoReplyAgent(name, reply=...)`` (compat)     AK005
=============================================================  ==============================================  =====

``llm_config=X`` always becomes ``model_client=client_from_llm_config(X)`` (v0.2 resolved ``X`` at run time;
so does the helper). v0.2's implicit defaults that matter are written out: the AssistantAgent's default system
message, the description v0.2 derived from the system message (for selector group chats), the legacy
executor's 600 s timeout, and v0.2's languages. The stop settings and ``human_input_mode`` go to the team
(AK007/AK008/AK009).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from ._base import (
    AGENT_CLASSES,
    SIGNATURES,
    AgentConstructorCodemod,
    bind_args,
    code_of,
    format_call,
    is_false_or_none,
    literal_str,
    mapping_get,
)
from ._rules import Rule

__all__ = (
    "COMPAT",
    "AgentPlan",
    "AssistantAgentCodemod",
    "CodeExecutorCodemod",
    "HumanInputCodemod",
    "executor_code",
    "kind_of",
    "plan_agent",
)

COMPAT = "agentkit.migrate.compat"
LOCAL = ("autogen_ext.code_executors.local", "LocalCommandLineCodeExecutor")
DOCKER = ("autogen_ext.code_executors.docker", "DockerCommandLineCodeExecutor")
ENV_CHOICE = (COMPAT, "v02_default_executor")
JUPYTER = ("autogen_ext.code_executors.jupyter", "JupyterCodeExecutor")
V02_TIMEOUT = "600"
V02_LANGUAGES = '["python", "sh", "bash", "shell"]'
CONVERSABLE_SYSTEM = '"You are a helpful AI Assistant."'
V04_KEYWORDS = frozenset({"model_client", "tools", "reflect_on_tool_use", "max_tool_iterations", "handoffs"})
"""Keywords the other rules may already have put on a v0.2 call: carried over."""
QUIET_DROPS = frozenset(
    {"human_input_mode", "is_termination_msg", "max_consecutive_auto_reply", "silent", "llm_config", "name"}
)


@dataclass
class AgentPlan:
    """What a v0.2 agent constructor becomes."""

    rule: Rule
    code: str
    imports: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _identifier(name: str) -> str:
    fixed = re.sub(r"\W", "_", name)
    if not fixed or fixed[0].isdigit():
        fixed = f"agent_{fixed}"
    return fixed


def kind_of(cls: str, args: dict[str, cst.Arg]) -> str:
    """``"assistant" | "executor" | "human" | "auto_reply"``: what a v0.2 agent's settings make it in v0.4."""
    model = "model_client" in args or ("llm_config" in args and not is_false_or_none(args["llm_config"].value))
    config = args["code_execution_config"].value if "code_execution_config" in args else None
    explicit = config is not None and not is_false_or_none(config)
    code_on = explicit or (cls == "UserProxyAgent" and (config is None or code_of(config) == "None"))
    mode = {"AssistantAgent": "NEVER", "UserProxyAgent": "ALWAYS"}.get(cls, "TERMINATE")
    if "human_input_mode" in args:
        mode = literal_str(args["human_input_mode"].value) or "NEVER"
    if model and not (code_on and explicit):
        return "assistant"
    if code_on and (explicit or model or mode != "ALWAYS"):
        return "executor"
    return "human" if mode == "ALWAYS" else "auto_reply"


def plan_agent(codemod: AgentConstructorCodemod, cls: str, call: cst.Call, var: str) -> AgentPlan | str:
    """The v0.4 constructor for a v0.2 agent call (a ``str``: why it cannot be converted - a TODO)."""
    args = bind_args(call, SIGNATURES[cls])
    if args is None:
        return f"{cls}(*args / **kwargs): the settings are not known statically - pick the v0.4 agent by hand"
    if "name" not in args:
        return f"{cls} without a name: v0.4 agents need one"
    notes: list[str] = []
    imports: list[tuple[str, str]] = []
    name = code_of(args["name"].value)
    literal_name = literal_str(args["name"].value)
    if literal_name is not None and not literal_name.isidentifier():
        fixed = _identifier(literal_name)
        notes.append(f"v0.4 agent names must be identifiers: {literal_name!r} is now {fixed!r}")
        name = repr(fixed).replace("'", '"')
    if "llm_config" in args and not codemod.enabled(Rule.AK002) and not is_false_or_none(args["llm_config"].value):
        return f"{cls}(llm_config=...): enable AK002 (llm_config -> model_client=client_from_llm_config(...))"
    # The model.
    model: str | None = None
    if "model_client" in args:
        model = code_of(args["model_client"].value)
    elif "llm_config" in args and not is_false_or_none(args["llm_config"].value):
        model = f"client_from_llm_config({code_of(args['llm_config'].value)})"
        imports.append((COMPAT, "client_from_llm_config"))
    # Code execution.
    config = args["code_execution_config"].value if "code_execution_config" in args else None
    # Human input.
    mode_node = args["human_input_mode"].value if "human_input_mode" in args else None
    mode = {"AssistantAgent": "NEVER", "UserProxyAgent": "ALWAYS"}.get(cls, "TERMINATE")
    if mode_node is not None:
        literal_mode = literal_str(mode_node)
        if literal_mode is None:
            notes.append(f"human_input_mode={code_of(mode_node)} is not a literal: converted as 'NEVER'")
            mode = "NEVER"
        else:
            mode = literal_mode
    described = var in codemod.analysis.described
    system = code_of(args["system_message"].value) if "system_message" in args else None
    description = code_of(args["description"].value) if "description" in args else None
    carried = [
        f"{key}={code_of(args[key].value)}"
        for key in ("tools", "reflect_on_tool_use", "max_tool_iterations", "handoffs")
        if key in args
    ]
    handled = {"code_execution_config", "system_message", "description", "model_client", "default_auto_reply"}
    if var in codemod.analysis.moved_maps:
        handled.add("function_map")
    dropped = sorted(set(args) - handled - QUIET_DROPS - V04_KEYWORDS)
    if dropped:
        notes.append(f"dropped (no v0.4 equivalent on this agent): {', '.join(dropped)}")
    kind = kind_of(cls, args)
    if kind == "assistant":
        if mode != "NEVER":
            notes.append(
                f"human_input_mode={mode!r}: v0.2 asked a human before replying; v0.4 AssistantAgent never does - "
                "add a UserProxyAgent to the team if a person must take part"
            )
        pieces = [name, f"model_client={model}", *carried]
        if system is None and cls == "AssistantAgent":
            pieces.append("system_message=DEFAULT_ASSISTANT_SYSTEM_MESSAGE")
            imports.append((COMPAT, "DEFAULT_ASSISTANT_SYSTEM_MESSAGE"))
            if described and description is None:
                description = "DEFAULT_ASSISTANT_DESCRIPTION"
                imports.append((COMPAT, "DEFAULT_ASSISTANT_DESCRIPTION"))
        elif system is None and cls == "ConversableAgent":
            pieces.append(f"system_message={CONVERSABLE_SYSTEM}")
            if described and description is None:
                description = CONVERSABLE_SYSTEM
        elif system is not None:
            pieces.append(f"system_message={system}")
            if described and description is None:
                description = system
        if description is not None:
            pieces.append(f"description={description}")
        imports.append(("autogen_agentchat.agents", "AssistantAgent"))
        if "default_auto_reply" in args:
            notes.append("default_auto_reply: a v0.4 AssistantAgent always answers with its model")
        return AgentPlan(Rule.AK003, format_call("AssistantAgent", pieces), imports, notes)
    if kind == "executor":
        executor, executor_imports, executor_notes = executor_code(codemod, config)
        imports.extend(executor_imports)
        notes.extend(executor_notes)
        pieces = [name, f"code_executor={executor}"]
        if model is not None:
            pieces.append(f"model_client={model}")
            if system is not None:
                pieces.append(f"system_message={system}")
        if description is not None:
            pieces.append(f"description={description}")
        pieces.append(f"supported_languages={V02_LANGUAGES}")
        if mode in ("ALWAYS", "TERMINATE"):
            notes.append(
                f"human_input_mode={mode!r}: v0.2 let a human reply instead of running the code; v0.4 runs it - "
                "pass approval_func= to review each block"
            )
        imports.append(("autogen_agentchat.agents", "CodeExecutorAgent"))
        return AgentPlan(Rule.AK004, format_call("CodeExecutorAgent", pieces), imports, notes)
    if kind == "human":
        pieces = [name]
        if description is not None:
            pieces.append(f"description={description}")
        notes.append(
            "v0.4 UserProxyAgent asks on every turn like ALWAYS did; an empty answer is sent as an empty message "
            "(v0.2 auto-replied), 'exit' still ends the chat"
        )
        imports.append(("autogen_agentchat.agents", "UserProxyAgent"))
        return AgentPlan(Rule.AK005, format_call("UserProxyAgent", pieces), imports, notes)
    pieces = [name]
    if "default_auto_reply" in args:
        pieces.append(f"reply={code_of(args['default_auto_reply'].value)}")
    if description is not None:
        pieces.append(f"description={description}")
    if mode == "TERMINATE":
        notes.append(
            "human_input_mode='TERMINATE': v0.2 asked a human only at a termination message or the reply limit; "
            "the v0.4 run ends there instead"
        )
    imports.append((COMPAT, "AutoReplyAgent"))
    return AgentPlan(Rule.AK005, format_call("AutoReplyAgent", pieces), imports, notes)


def executor_code(
    codemod: AgentConstructorCodemod, config: cst.BaseExpression | None
) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The v0.4 code executor for a v0.2 ``code_execution_config`` (``None``: v0.2's default, ``{}``).

    Without ``use_docker`` (or with ``None``) v0.2 chose Docker or local execution at run time from
    ``AUTOGEN_USE_DOCKER``: the result calls :func:`agentkit.migrate.compat.v02_default_executor`, which does too.
    """
    notes: list[str] = []
    if isinstance(config, cst.Name):
        config = codemod.analysis.values.get(config.value, config)
    if config is None:
        config = cst.Dict([])
    if not isinstance(config, cst.Dict):
        notes.append(
            f"code_execution_config={code_of(config)} is not a literal: a local executor in 'coding' is used - "
            "check use_docker / work_dir / timeout"
        )
        return f'{LOCAL[1]}(work_dir="coding", timeout={V02_TIMEOUT})', [LOCAL], notes
    entries: dict[str, cst.BaseExpression] = {}
    for element in config.elements:
        key = literal_str(element.key) if isinstance(element, cst.DictElement) else None
        if key is None:
            notes.append(f"code_execution_config entry {code_of(element)} ignored")
            continue
        assert isinstance(element, cst.DictElement)
        entries[key] = element.value
    chosen = entries.get("executor")
    if chosen is not None:
        kind = literal_str(chosen)
        if kind is None:
            return code_of(chosen), [], notes  # an executor object (its class is migrated where it is built)
        kwargs = mapping_get(config, kind)
        splat = f"**{code_of(kwargs)}" if kwargs is not None else ""
        if kind == "ipython-embedded":
            notes.append("JupyterCodeExecutor must be started (`await executor.start()`) before the team runs")
            return f"{JUPYTER[1]}({splat})", [JUPYTER], notes
        local_args = splat or 'work_dir="."'
        return f"{LOCAL[1]}({local_args})", [LOCAL], notes
    unknown = sorted(set(entries) - {"work_dir", "use_docker", "timeout", "last_n_messages"})
    if unknown:
        notes.append(f"code_execution_config keys with no v0.4 equivalent dropped: {', '.join(unknown)}")
    use_docker = entries.get("use_docker")
    pieces: list[str] = []
    if use_docker is None or code_of(use_docker) == "None":
        executor = ENV_CHOICE  # v0.2 read AUTOGEN_USE_DOCKER at run time (default: Docker)
    elif code_of(use_docker) == "True":
        executor = DOCKER
    elif code_of(use_docker) in ("False", "0"):
        executor = LOCAL
    elif isinstance(use_docker, (cst.SimpleString, cst.ConcatenatedString)):
        executor = DOCKER
        pieces.append(f"image={code_of(use_docker)}")
    else:
        executor = LOCAL
        notes.append(f"use_docker={code_of(use_docker)} is not a literal: a local executor is used")
    if "work_dir" in entries:
        pieces.append(f"work_dir={code_of(entries['work_dir'])}")
    else:
        notes.append("work_dir: v0.4 uses a temporary directory (v0.2: autogen's 'extensions' directory)")
    pieces.append(f"timeout={code_of(entries['timeout']) if 'timeout' in entries else V02_TIMEOUT}")
    if executor is LOCAL:
        pieces.append("cleanup_temp_files=False")  # v0.2 kept the code files it wrote
    elif executor is ENV_CHOICE:
        notes.append(
            "use_docker not set: v0.2 chose Docker unless AUTOGEN_USE_DOCKER=False/0/no, and so does "
            "v02_default_executor at run time; Docker needs `pip install autogen-ext[docker]` and "
            "`await executor.start()` (or `async with`) before the team runs"
        )
    else:
        notes.append(
            "Docker needs `pip install autogen-ext[docker]` and `await executor.start()` (or `async with`) before "
            "the team runs"
        )
    if "last_n_messages" in entries and literal_str(entries["last_n_messages"]) != "auto":
        notes.append("last_n_messages: v0.4 reads the messages since the executor's last turn")
    return f"{executor[1]}({', '.join(pieces)})", [executor], notes


class _AgentRule(AgentConstructorCodemod):
    """Converts the v0.2 agent constructors whose plan belongs to ``RULE``."""

    TRIGGERS: ClassVar[tuple[str, ...]] = ("Agent",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        cls = self.v02(original_node.func)
        if cls not in AGENT_CLASSES:
            return updated_node
        var = self.assigned_name(original_node)
        plan = plan_agent(self, cls, updated_node, var)
        if isinstance(plan, str):
            if self.RULE is Rule.AK003:  # reported once, by one rule
                self.todo(plan)
            return updated_node
        if plan.rule is not self.RULE:
            return updated_node
        for module, name in plan.imports:
            self.add_import(module, name)
        self.remove_v02_import(cls)
        for note in plan.notes:
            self.note(note)
        self.applied()
        new = cst.parse_expression(plan.code)
        return new


class AssistantAgentCodemod(_AgentRule):
    """AK003 - a v0.2 agent with a model -> v0.4 ``AssistantAgent``."""

    RULE: ClassVar[Rule] = Rule.AK003
    DESCRIPTION: str = Rule.AK003.description


class CodeExecutorCodemod(_AgentRule):
    """AK004 - a v0.2 agent that runs code -> ``CodeExecutorAgent`` with the executor the user chose."""

    RULE: ClassVar[Rule] = Rule.AK004
    DESCRIPTION: str = Rule.AK004.description


class HumanInputCodemod(_AgentRule):
    """AK005 - a v0.2 agent without model or code -> ``UserProxyAgent`` (a human) or ``AutoReplyAgent``."""

    RULE: ClassVar[Rule] = Rule.AK005
    DESCRIPTION: str = Rule.AK005.description
