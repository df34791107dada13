"""Shared machinery of the rules: the codemod base class, TODO/NOTE markers and the module analysis.

Every rule is a LibCST ``VisitorBasedCodemodCommand`` that matches v0.2 names by *qualified* name
(through the module's imports), so ``import autogen; autogen.AssistantAgent``, ``from autogen import
AssistantAgent as A`` and ``from autogen.agentchat import AssistantAgent`` all match, while v0.4 code
(``autogen_agentchat...``) never does - which is what makes a second run a no-op.

Before the rules run, :func:`analyze` reads the *original* module once: which variables hold which v0.2
agents (with their v0.2 arguments), which group chats and chats exist, and which names are taken. Team
rules use it to compute termination conditions from the agents' v0.2 stop settings, and record in
:class:`Analysis` what they consumed so that the agent rules may drop those arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod import Codemod, CodemodContext
from libcst.metadata import QualifiedName

from ._rules import Rule

__all__ = (
    "ANALYSIS_KEY",
    "IMPORTS_KEY",
    "STATS_KEY",
    "TOP_LEVEL_AWAIT_KEY",
    "AgentConstructorCodemod",
    "AgentInfo",
    "AgentkitCodemod",
    "Analysis",
    "Stats",
    "analyze",
    "bind_args",
    "code_of",
    "is_false_or_none",
    "literal_int",
    "literal_str",
    "v02_name",
)

ANALYSIS_KEY = "agentkit.analysis"
STATS_KEY = "agentkit.stats"
TOP_LEVEL_AWAIT_KEY = "agentkit.top_level_await"
IMPORTS_KEY = "agentkit.imports"

_EMPTY = cst.Module(body=[])

#: v0.2 positional parameter order, used to bind positional arguments to names.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "ConversableAgent": (
        "name",
        "system_message",
        "is_termination_msg",
        "max_consecutive_auto_reply",
        "human_input_mode",
        "function_map",
        "code_execution_config",
        "llm_config",
        "default_auto_reply",
        "description",
        "chat_messages",
        "silent",
    ),
    "AssistantAgent": (
        "name",
        "system_message",
        "llm_config",
        "is_termination_msg",
        "max_consecutive_auto_reply",
        "human_input_mode",
        "description",
    ),
    "UserProxyAgent": (
        "name",
        "is_termination_msg",
        "max_consecutive_auto_reply",
        "human_input_mode",
        "function_map",
        "code_execution_config",
        "default_auto_reply",
        "llm_config",
        "system_message",
        "description",
    ),
    "GroupChat": (
        "agents",
        "messages",
        "max_round",
        "admin_name",
        "func_call_filter",
        "speaker_selection_method",
        "max_retries_for_selecting_speaker",
        "allow_repeat_speaker",
    ),
    "GroupChatManager": ("groupchat", "name", "max_consecutive_auto_reply", "human_input_mode", "system_message"),
    "initiate_chat": ("recipient", "clear_history", "silent", "cache", "max_turns", "summary_method", "summary_args"),
    "register_function": ("f",),
}

AGENT_CLASSES = frozenset({"ConversableAgent", "AssistantAgent", "UserProxyAgent"})


def code_of(node: cst.CSTNode) -> str:
    """Source code of a node."""
    return _EMPTY.code_for_node(node)


class _Aliases(cst.CSTVisitor):
    """Local names bound by ``import autogen...`` / ``from autogen... import ...`` anywhere in a module."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases: dict[str, str] = {}

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            dotted = code_of(alias.name)
            if dotted.partition(".")[0] == "autogen":
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.aliases[alias.asname.name.value] = dotted
                else:
                    self.aliases["autogen"] = "autogen"
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return False
        module = code_of(node.module)
        if module.partition(".")[0] == "autogen":
            for alias in node.names:
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    self.aliases[local.value] = f"{module}.{code_of(alias.name)}"
        return False


def import_aliases(module: cst.Module) -> dict[str, str]:
    """``{local name: dotted v0.2 name}`` for every ``autogen`` import in the module.

    Scope-insensitive by design (a local variable shadowing an imported v0.2 name is not considered): it
    spares the scope analysis that dominated the run time, and v0.2 scripts rarely shadow these names.
    """
    visitor = _Aliases()
    module.visit(visitor)
    return visitor.aliases


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a ``Name`` / ``Attribute`` chain, else ``None``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        root = dotted_name(node.value)
        return None if root is None else f"{root}.{node.attr.value}"
    return None


def resolve_v02(aliases: dict[str, str], node: cst.CSTNode) -> str | None:
    """The dotted name below ``autogen`` that ``node`` refers to through the module's imports, or ``None``."""
    dotted = dotted_name(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    target = aliases.get(head)
    if target is None:
        return None
    full = f"{target}.{rest}" if rest else target
    root, _, below = full.partition(".")
    return below if root == "autogen" and below else None


def v02_name(qualified_names: Collection[QualifiedName]) -> str | None:
    """The dotted name below ``autogen`` if a node refers to a pyautogen v0.2 object, else ``None``.

    ``autogen.agentchat.AssistantAgent`` -> ``"agentchat.AssistantAgent"``. v0.4 packages are named
    ``autogen_agentchat`` / ``autogen_core`` / ``autogen_ext`` and never match.
    """
    for qualified in qualified_names:
        head, _, rest = qualified.name.partition(".")
        if head == "autogen" and rest:
            return rest
    return None


def short(dotted: str | None) -> str | None:
    """Last component of a dotted v0.2 name, unless it lives in ``contrib`` (those are matched in full)."""
    if dotted is None or ".contrib." in f".{dotted}.":
        return None
    return dotted.rpartition(".")[2]


def literal_str(node: cst.BaseExpression | None) -> str | None:
    """The value of a simple string literal, else ``None``."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_int(node: cst.BaseExpression | None) -> int | None:
    """The value of an integer literal (optionally negated), else ``None``."""
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = literal_int(node.expression)
        return None if inner is None else -inner
    return None


def is_false_or_none(node: cst.BaseExpression | None) -> bool:
    """``False`` or ``None`` literal."""
    return isinstance(node, cst.Name) and node.value in ("False", "None")


def bind_args(call: cst.Call, params: Sequence[str]) -> dict[str, cst.Arg] | None:
    """Bind a call's arguments to parameter names (positional by ``params`` order).

    Returns ``None`` when the call uses ``*args`` / ``**kwargs`` or more positionals than known - the
    arguments cannot be known statically, so no rule rewrites such a call.
    """
    bound: dict[str, cst.Arg] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if position >= len(params):
                return None
            bound[params[position]] = arg
            position += 1
        else:
            bound[arg.keyword.value] = arg
    return bound


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
        if not isinstance(node.value, cst.Call):
            return
        var = node.targets[0].target.value
        cls = short(resolve_v02(self.aliases, node.value.func))
        if cls in AGENT_CLASSES:
            args = bind_args(node.value, SIGNATURES[cls])
            if args is not None:
                index = self.statement_index[-1] if self.statement_index else None
                self.analysis.agents[var] = AgentInfo(var, cls, args, index)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("initiate_chat", "a_initiate_chat"):
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


def analyze(module: cst.Module, enabled: frozenset[Rule]) -> Analysis:
    """Read the original module once (see the module docstring)."""
    analysis = Analysis(enabled=enabled)
    module.visit(_Analyzer(analysis, module))
    return analysis


@dataclass
class Stats:
    """Counters of one file's migration."""

    applied: Counter[Rule] = field(default_factory=Counter)
    todos: Counter[Rule] = field(default_factory=Counter)


class AgentkitCodemod(Codemod, cst.CSTTransformer):
    """Base of every rule: qualified-name helpers, TODO/NOTE markers and counters.

    A plain ``CSTTransformer`` (not LibCST's matcher-decoratable one, whose per-instance set-up dominated the
    run time on small files). Imports scheduled with :meth:`add_import` / :meth:`remove_import` are applied by
    the engine in one pass before AK001 and one at the end, not after every rule.

    A subclass sets ``RULE`` and ``DESCRIPTION``. ``self.todo(...)`` / ``self.note(...)`` queue a comment
    line for the statement being visited; it is attached above that statement (once - an identical
    comment already there is not repeated, which keeps a second run a no-op).
    """

    RULE: ClassVar[Rule]
    DESCRIPTION: str = ""
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    """The rule runs only on sources containing one of these strings (empty: always)."""

    def __init__(self, context: CodemodContext) -> None:
        Codemod.__init__(self, context)
        cst.CSTTransformer.__init__(self)
        self._pending: list[list[str]] = []

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        """Run the visitor, then drop markers the first statement repeats from the module header.

        LibCST parses comments above the first statement into ``Module.header``; a marker attached to the
        first statement on a second run would otherwise appear twice.
        """
        self._aliases = import_aliases(tree)
        tree = tree.visit(self)
        header = {line.comment.value for line in tree.header if line.comment is not None}
        if not header or not tree.body:
            return tree
        first = tree.body[0]
        kept = [line for line in first.leading_lines if line.comment is None or line.comment.value not in header]
        if len(kept) == len(first.leading_lines):
            return tree
        return tree.with_changes(body=[first.with_changes(leading_lines=kept), *tree.body[1:]])

    # -- shared state -------------------------------------------------------------------------------------

    @property
    def analysis(self) -> Analysis:
        """The module analysis (see :func:`analyze`)."""
        analysis = self.context.scratch[ANALYSIS_KEY]
        assert isinstance(analysis, Analysis)
        return analysis

    @property
    def stats(self) -> Stats:
        """This file's counters."""
        stats = self.context.scratch[STATS_KEY]
        assert isinstance(stats, Stats)
        return stats

    def enabled(self, *rules: Rule) -> bool:
        """Whether every given rule runs in this migration."""
        return all(rule in self.analysis.enabled for rule in rules)

    def v02(self, node: cst.CSTNode) -> str | None:
        """Short v0.2 name (``"AssistantAgent"``) a node refers to, or ``None``."""
        return short(self.v02_full(node))

    def v02_full(self, node: cst.CSTNode) -> str | None:
        """Full dotted v0.2 name below ``autogen`` a node refers to, or ``None``."""
        return resolve_v02(self._aliases, node)

    def applied(self) -> None:
        """Count one rewrite by this rule."""
        self.stats.applied[self.RULE] += 1

    def todo(self, message: str) -> None:
        """Queue ``# TODO[agentkit AKxxx]: message`` above the current statement."""
        self._queue(f"# TODO[agentkit {self.RULE.value}]: {message}")
        self.stats.todos[self.RULE] += 1

    def note(self, message: str) -> None:
        """Queue ``# NOTE[agentkit AKxxx]: message`` (a behaviour difference worth knowing, no action needed)."""
        self._queue(f"# NOTE[agentkit {self.RULE.value}]: {message}")

    def _queue(self, comment: str) -> None:
        if self._pending and comment not in self._pending[-1]:
            self._pending[-1].append(comment)

    def add_import(self, module: str, name: str | None = None, asname: str | None = None) -> None:
        """Schedule ``from module import name [as asname]`` (or ``import module``)."""
        edits = self.context.scratch[IMPORTS_KEY]
        if (module, name, asname) not in edits.add:
            edits.add.append((module, name, asname))

    def remove_import(self, module: str, name: str | None = None) -> None:
        """Schedule removal of ``from module import name`` (or ``import module``) if nothing reads it any more."""
        edits = self.context.scratch[IMPORTS_KEY]
        if (module, name) not in edits.remove:
            edits.remove.append((module, name))

    def remove_v02_import(self, name: str) -> None:
        """Schedule removal of an unused v0.2 import of ``name`` from its usual modules."""
        for module in ("autogen", "autogen.agentchat"):
            self.remove_import(module, name)

    # -- statement-level comment attachment -----------------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._pending.append([])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            comments = self._pending.pop()
            if comments:
                result = _attach(result, comments)
        return result


class AgentConstructorCodemod(AgentkitCodemod):
    """Base of the rules that rewrite a v0.2 agent constructor: remembers which variable each call is bound to.

    ``assigned_name(call)`` is the variable name in ``name = Agent(...)`` (empty when the call is not assigned
    to a single name), used to name agents in markers and teams.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._targets: dict[int, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        """Remember ``name = <call>`` bindings."""
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._targets[id(node.value)] = node.targets[0].target.value

    def assigned_name(self, call: cst.Call) -> str:
        """The variable the (original) ``call`` node is assigned to, or ``""``."""
        return self._targets.get(id(call), "")


def _attach(result: Any, comments: list[str]) -> Any:
    if isinstance(result, cst.FlattenSentinel):
        nodes = list(result.nodes)
        if nodes:
            nodes[0] = _attach(nodes[0], comments)
        return cst.FlattenSentinel(nodes)
    if isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        existing = {line.comment.value for line in result.leading_lines if line.comment is not None}
        new = [cst.EmptyLine(comment=cst.Comment(comment)) for comment in comments if comment not in existing]
        if new:
            return result.with_changes(leading_lines=[*result.leading_lines, *new])
    return result


def format_call(func: str, args: Sequence[str], width: int = 100) -> str:
    """``func(a, b)`` on one line when short, else one argument per line (``|`` chains split too)."""
    one_line = f"{func}({', '.join(args)})"
    if len(one_line) <= width:
        return one_line
    lines = [f"{func}("]
    for arg in args:
        if " | " in arg and len(arg) > width - 4:
            key, _, value = arg.partition("=")
            if value and key.isidentifier():
                parts = value.split(" | ")
                lines.append(f"    {key}=(")
                lines.extend(f"        {'| ' if i else ''}{part}" for i, part in enumerate(parts))
                lines.append("    ),")
                continue
        lines.append(f"    {arg},")
    lines.append(")")
    return "\n".join(lines)


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """A ``name=value`` argument formatted like hand-written code."""
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def set_args(call: cst.Call, args: Sequence[cst.Arg]) -> cst.Call:
    """Replace a call's arguments, keeping its comma style (one line or one argument per line)."""
    template: cst.Comma | None = None
    for arg in call.args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            template = arg.comma
            break
    if template is None:
        template = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last_comma = call.args[-1].comma if call.args else cst.MaybeSentinel.DEFAULT
    fixed: list[cst.Arg] = []
    for index, arg in enumerate(args):
        if index == len(args) - 1:
            fixed.append(arg.with_changes(comma=last_comma))
        else:
            fixed.append(arg.with_changes(comma=template))
    return call.with_changes(args=fixed)


def without(call: cst.Call, names: Collection[str], params: Sequence[str]) -> cst.Call:
    """Drop the named (keyword or positionally bound) arguments of a call.

    Positional arguments after the first become keywords first, so that later ones keep their meaning.
    """
    call = keywordize(call, params, keep_positional=1)
    bound = bind_args(call, params) or {}
    drop = {id(bound[name]) for name in names if name in bound}
    return set_args(call, [arg for arg in call.args if id(arg) not in drop])


def keywordize(call: cst.Call, params: Sequence[str], keep_positional: int) -> cst.Call:
    """Turn positional arguments after the first ``keep_positional`` into keywords (v0.4 signatures differ)."""
    args: list[cst.Arg] = []
    position = 0
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            if position >= keep_positional and position < len(params):
                arg = kwarg(params[position], arg.value).with_changes(comma=arg.comma)
            position += 1
        args.append(arg)
    return call.with_changes(args=args)


def replace_arg(call: cst.Call, old: cst.Arg, new: cst.Arg) -> cst.Call:
    """Replace one argument (by identity), keeping its comma."""
    return call.with_changes(args=[new.with_changes(comma=a.comma) if a is old else a for a in call.args])


def mapping_get(node: cst.BaseExpression, key: str) -> cst.BaseExpression | None:
    """The value of a string key in a dict literal, else ``None``."""
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement) and literal_str(element.key) == key:
                return element.value
    return None


def mapping_keys(node: cst.Dict) -> list[str] | None:
    """The string keys of a dict literal (``None`` if a key is not a string literal or ``**`` is used)."""
    keys: list[str] = []
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            return None
        key = literal_str(element.key)
        if key is None:
            return None
        keys.append(key)
    return keys


STOP_SETTINGS = ("is_termination_msg", "max_consecutive_auto_reply")


def classify(info: AgentInfo) -> tuple[str | None, str]:
    """What a v0.2 agent becomes in v0.4: ``("assistant" | "executor" | "human", "")`` or ``(None, reason)``.

    The agent rules (AK003/AK004/AK005) convert exactly these shapes; team rules only build teams whose
    participants all convert.
    """
    mode = info.human_input_mode()
    code = info.executes_code()
    blocked = [name for name in ("function_map", "default_auto_reply", "chat_messages") if name in info.args]
    if blocked:
        return None, f"`{blocked[0]}` has no v0.4 equivalent"
    if info.cls == "AssistantAgent":
        if mode != "NEVER":
            return None, f"human_input_mode={mode!r} (v0.4 agents never ask a human)"
        if code:
            return None, "an AssistantAgent that also executes code"
        if not info.uses_llm():
            return None, "an AssistantAgent without llm_config"
        return "assistant", ""
    if info.cls == "UserProxyAgent":
        if info.uses_llm():
            return None, "a UserProxyAgent with llm_config (it also replied with the model)"
        if mode == "NEVER" and code and isinstance(info.value("code_execution_config") or cst.Dict([]), cst.Dict):
            return "executor", ""
        if mode == "ALWAYS" and code is False:
            return "human", ""
        if mode == "NEVER" and code is False:
            return None, "a UserProxyAgent that neither asks a human nor runs code (it sent empty auto-replies)"
        return None, f"human_input_mode={mode!r} with code execution (human and executor in one agent)"
    return None, f"`{info.cls}` (pick AssistantAgent, CodeExecutorAgent or UserProxyAgent)"


def stop_settings_todo(info: AgentInfo) -> str | None:
    """A TODO text for stop settings that are dropped without a team taking them over, else ``None``."""
    present = [f"{name}={code_of(info.args[name].value)}" for name in STOP_SETTINGS if name in info.args]
    if not present:
        return None
    return (
        f"v0.2 stop settings dropped from `{info.var or 'this agent'}`: {'; '.join(present)} - set max_turns= / "
        "termination_condition= on the team that runs it (AK009)"
    )
