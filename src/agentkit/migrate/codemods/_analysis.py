"""The module analysis: which variables hold which v0.2 agents, which chats exist, which names are taken.

:func:`analyze` reads the *original* module once before the rules run. Team rules use it to compute
termination conditions from the agents' v0.2 stop settings, and record in :class:`Analysis` what they consumed
so that the agent rules may drop those arguments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m

from ._rules import Rule
from ._syntax import (
    AGENT_CLASSES,
    SIGNATURES,
    bind_args,
    code_of,
    import_aliases,
    is_false_or_none,
    literal_str,
    resolve_v02,
    short,
)


@dataclass
class AgentInfo:
    """A v0.2 agent assigned to a variable: ``var = AssistantAgent(...)``."""

    var: str
    cls: str
    args: dict[str, cst.Arg]
    statement_index: int | None
    """Index in the module body when the assignment is a top-level statement."""

    def value(self, name: str) -> cst.BaseExpression | None:
        """The expression passed for a v0.2 parameter, or ``None``."""
        arg = self.args.get(name)
        return None if arg is None else arg.value

    def human_input_mode(self) -> str | None:
        """The literal ``human_input_mode`` (v0.2 default per class), ``None`` when not a literal."""
        node = self.value("human_input_mode")
        if node is None:
            return {"AssistantAgent": "NEVER", "UserProxyAgent": "ALWAYS"}.get(self.cls, "TERMINATE")
        return literal_str(node)

    def executes_code(self) -> bool | None:
        """Whether v0.2 ran code for this agent (``None``: not known statically)."""
        node = self.value("code_execution_config")
        if node is None:
            return self.cls == "UserProxyAgent"  # UserProxyAgent's default is {} (enabled); others False
        if is_false_or_none(node):
            return isinstance(node, cst.Name) and node.value == "None" and self.cls == "UserProxyAgent"
        if isinstance(node, cst.Dict):
            return True
        return None

    def uses_llm(self) -> bool | None:
        """Whether the agent has an ``llm_config`` (``None``: not known statically)."""
        node = self.value("llm_config")
        return not (node is None or is_false_or_none(node))  # v0.2's default llm_config is False: no model


@dataclass
class Analysis:
    """What :func:`analyze` found in the original module, plus what rules recorded while running."""

    enabled: frozenset[Rule]
    agents: dict[str, AgentInfo] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    """Names bound more than once: never resolved to an agent."""
    names: set[str] = field(default_factory=set)
    """Every identifier in the module (for fresh names)."""
    loads: Counter[str] = field(default_factory=Counter)
    """How often each name is read."""
    chats: list[tuple[str, str]] = field(default_factory=list)
    """``(sender, recipient)`` variable pairs of every ``sender.initiate_chat(recipient, ...)``."""
    top_level_defs: dict[str, int] = field(default_factory=dict)
    """Top-level function name -> statement index."""
    consumed: set[str] = field(default_factory=set)
    """Agent variables whose stop settings a team rule turned into team termination."""
    teams: dict[str, str] = field(default_factory=dict)
    """Variables that now hold a v0.4 team (former ``GroupChatManager``) -> the team class."""
    inlined: set[str] = field(default_factory=set)
    group_members: set[str] = field(default_factory=set)
    """Agents that are members of a group chat AK007 converted."""
    moved_maps: set[str] = field(default_factory=set)
    """Agents whose ``function_map`` became tools of the agent that calls them (AK006)."""
    runs: int = 0
    """Chat runs the file starts (``initiate_chat`` calls + ``initiate_chats`` entries)."""
    loop: str = ""
    """The shared event loop variable emitted for sync files with several chat runs."""
    described: set[str] = field(default_factory=set)
    """Agents whose v0.2 description matters (members of a model-selected group chat): written out."""
    values: dict[str, cst.BaseExpression] = field(default_factory=dict)
    """Value of every variable assigned exactly once (by a plain ``name = value``)."""
    """``llm_config`` / ``config_list`` variables folded into a ``translate_config(...)`` call (AK002)."""

    def agent(self, node: cst.BaseExpression | None) -> AgentInfo | None:
        """The agent a ``Name`` refers to, when unambiguous."""
        if isinstance(node, cst.Name) and node.value not in self.ambiguous:
            return self.agents.get(node.value)
        return None

    def fresh(self, base: str) -> str:
        """A name not used anywhere in the module."""
        candidate, n = base, 2
        while candidate in self.names:
            candidate, n = f"{base}_{n}", n + 1
        self.names.add(candidate)
        return candidate


class _Analyzer(cst.CSTVisitor):
    def __init__(self, analysis: Analysis, module: cst.Module) -> None:
        super().__init__()
        self.aliases = import_aliases(module)
        self.analysis = analysis
        self.bound: Counter[str] = Counter()
        self.top = {id(statement): index for index, statement in enumerate(module.body)}
        self.statement_index: list[int | None] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statement_index.append(self.top.get(id(node)))

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.statement_index.pop()

    def visit_Name(self, node: cst.Name) -> None:
        self.analysis.names.add(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound[node.name.value] += 1
        index = self.top.get(id(node))
        if index is not None:
            self.analysis.top_level_defs[node.name.value] = index

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        for name in m.findall(node.target, m.Name()):
            assert isinstance(name, cst.Name)
            self.bound[name.value] += 1

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.bound[node.target.value] += 2

    def visit_For(self, node: cst.For) -> None:
        for name in m.findall(node.target, m.Name()):
            assert isinstance(name, cst.Name)
            self.bound[name.value] += 2

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        var = node.targets[0].target.value
        self.analysis.values[var] = node.value
        if not isinstance(node.value, cst.Call):
            return
        cls = short(resolve_v02(self.aliases, node.value.func))
        if cls in AGENT_CLASSES:
            args = bind_args(node.value, SIGNATURES[cls])
            if args is not None:
                index = self.statement_index[-1] if self.statement_index else None
                self.analysis.agents[var] = AgentInfo(var, cls, args, index)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("initiate_chats", "a_initiate_chats"):
            queue = node.args[0].value if node.args else None
            self.analysis.runs += len(queue.elements) if isinstance(queue, cst.List) else 2
        if isinstance(func, cst.Attribute) and func.attr.value in ("initiate_chat", "a_initiate_chat"):
            self.analysis.runs += 1
            args = bind_args(node, SIGNATURES["initiate_chat"])
            if (
                isinstance(func.value, cst.Name)
                and args
                and isinstance(args.get("recipient", cst.Arg(cst.Name("_"))).value, cst.Name)
            ):
                recipient = args["recipient"].value
                assert isinstance(recipient, cst.Name)
                self.analysis.chats.append((func.value.value, recipient.value))
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                self.analysis.loads[arg.value.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.analysis.loads[node.value.value] += 1

    def leave_Module(self, original_node: cst.Module) -> None:
        self.analysis.ambiguous = {name for name, count in self.bound.items() if count > 1}
        for name in self.analysis.ambiguous:
            self.analysis.values.pop(name, None)


def analyze(module: cst.Module, enabled: frozenset[Rule]) -> Analysis:
    """Read the original module once (see the module docstring)."""
    analysis = Analysis(enabled=enabled)
    module.visit(_Analyzer(analysis, module))
    return analysis


STOP_SETTINGS = ("is_termination_msg", "max_consecutive_auto_reply")


def stop_settings_note(info: AgentInfo) -> str | None:
    """A NOTE for stop settings dropped without a team taking them over, else ``None``."""
    present = [f"{name}={code_of(info.args[name].value)}" for name in STOP_SETTINGS if name in info.args]
    if not present:
        return None
    return (
        f"v0.2 stop settings of `{info.var or 'this agent'}` dropped: {'; '.join(present)} - no chat of this "
        "agent was found to carry them; set termination_condition= / max_turns= on the team that runs it"
    )
