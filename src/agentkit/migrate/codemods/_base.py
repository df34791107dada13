"""Shared machinery of the rules: the codemod base class, TODO/NOTE markers, scheduled import edits.

Every rule is a LibCST transformer that matches v0.2 names through the module's imports (see ``_syntax``), so
``import autogen; autogen.AssistantAgent``, ``from autogen import AssistantAgent as A`` and
``from autogen.agentchat import AssistantAgent`` all match, while v0.4 code never does. The module analysis the
rules share lives in ``_analysis``; the helpers of both are re-exported here for the rules' convenience.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst
from libcst.codemod import Codemod, CodemodContext

from ._analysis import STOP_SETTINGS, AgentInfo, Analysis, analyze, stop_settings_note
from ._rules import Rule
from ._syntax import (
    AGENT_CLASSES,
    SIGNATURES,
    bind_args,
    code_of,
    dotted_name,
    format_call,
    import_aliases,
    is_false_or_none,
    keywordize,
    kwarg,
    literal_int,
    literal_str,
    mapping_get,
    mapping_keys,
    replace_arg,
    resolve_v02,
    set_args,
    short,
    v02_name,
    without,
)

__all__ = (
    "AGENT_CLASSES",
    "ANALYSIS_KEY",
    "IMPORTS_KEY",
    "SIGNATURES",
    "STATS_KEY",
    "STOP_SETTINGS",
    "TOP_LEVEL_AWAIT_KEY",
    "AgentConstructorCodemod",
    "AgentInfo",
    "AgentkitCodemod",
    "Analysis",
    "Stats",
    "analyze",
    "bind_args",
    "code_of",
    "dotted_name",
    "format_call",
    "import_aliases",
    "is_false_or_none",
    "keywordize",
    "kwarg",
    "literal_int",
    "literal_str",
    "mapping_get",
    "mapping_keys",
    "replace_arg",
    "resolve_v02",
    "set_args",
    "short",
    "stop_settings_note",
    "v02_name",
    "without",
)

ANALYSIS_KEY = "agentkit.analysis"
STATS_KEY = "agentkit.stats"
TOP_LEVEL_AWAIT_KEY = "agentkit.top_level_await"
IMPORTS_KEY = "agentkit.imports"


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
        self.remove_import("autogen.*", name)

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
        """Remember ``name = <call>`` (and ``self.name = <call>``) bindings."""
        if len(node.targets) == 1 and isinstance(node.targets[0].target, (cst.Name, cst.Attribute)):
            self._targets[id(node.value)] = code_of(node.targets[0].target)

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
