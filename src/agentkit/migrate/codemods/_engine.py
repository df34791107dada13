"""Running the rules on one source text: ``gather_codemods`` and ``migrate_source``."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import libcst as cst
from libcst.codemod import CodemodContext

from ...exceptions import MigrationError
from ._agents import AssistantAgentCodemod, CodeExecutorCodemod, HumanInputCodemod
from ._base import ANALYSIS_KEY, IMPORTS_KEY, STATS_KEY, TOP_LEVEL_AWAIT_KEY, AgentkitCodemod, Stats, analyze
from ._group_chat import GroupChatCodemod
from ._import_edits import ImportEdits, apply_import_edits
from ._imports import ImportsCodemod
from ._initiate_chat import InitiateChatCodemod
from ._model_client import ModelClientCodemod
from ._rules import Rule
from ._stop_settings import StopSettingsCodemod
from ._tools import ToolsCodemod
from ._unsupported import UnsupportedCodemod

__all__ = ("V02_IMPORT", "MigrationResult", "gather_codemods", "migrate_source", "parse_rules")

V02_IMPORT = re.compile(r"^[ \t]*(?:import|from)[ \t]+autogen\b(?!_)", re.M)
"""A pyautogen v0.2 import; a source without one is returned as is, without being parsed."""


def gather_codemods(
    disabled: Iterable[Rule | str] | None = None, *, only: Iterable[Rule | str] | None = None
) -> list[type[AgentkitCodemod]]:
    """The rule classes to run, in their fixed order.

    Args:
        disabled: Rules to leave out.
        only: If given, run just these rules (still in the fixed order).

    Returns:
        The codemod classes, in the order they must run.
    """
    selected = set(parse_rules(only)) if only is not None else set(Rule)
    selected -= set(parse_rules(disabled or ()))
    order: list[type[AgentkitCodemod]] = [
        # Markers first: they read v0.2 names before any rule rewrites them.
        UnsupportedCodemod,  # AK010
        # Team rules before agent rules: they read the agents' v0.2 stop settings (via the analysis) and record
        # which agents they took them from; the agent rules then drop those settings without a TODO.
        GroupChatCodemod,  # AK007 - before AK008, which runs the team it builds
        InitiateChatCodemod,  # AK008
        # Tools before the agent rules: it edits the v0.2 agent calls (tools=) and may move them.
        ToolsCodemod,  # AK006
        # llm_config -> model_client, then the stop settings go; then each agent becomes the v0.4 class its
        # settings describe (AK003 model, AK004 code, AK005 human / auto-reply).
        ModelClientCodemod,  # AK002
        StopSettingsCodemod,  # AK009
        AssistantAgentCodemod,  # AK003
        CodeExecutorCodemod,  # AK004
        HumanInputCodemod,  # AK005
        # Imports last: only the v0.2 names still used after every other rule are renamed or marked.
        ImportsCodemod,  # AK001
    ]
    return [codemod for codemod in order if codemod.RULE in selected]


def parse_rules(values: Iterable[Rule | str] | None) -> list[Rule]:
    """Rules from codes (``"AK001"``, case-insensitive); raises ``ValueError`` naming an unknown code."""
    rules: list[Rule] = []
    for value in values or ():
        if isinstance(value, Rule):
            rules.append(value)
            continue
        try:
            rules.append(Rule(value.strip().upper()))
        except ValueError:
            known = ", ".join(rule.value for rule in Rule)
            raise ValueError(f"unknown rule {value!r}; known rules: {known}") from None
    return rules


@dataclass(frozen=True)
class MigrationResult:
    """The outcome of migrating one source text.

    Attributes:
        original: The input source.
        code: The migrated source (equal to ``original`` when nothing applied).
        applied: Rewrites per rule.
        todos: ``# TODO[agentkit AKxxx]`` markers per rule (inserted now, or already present and still due).
    """

    original: str
    code: str
    applied: Mapping[Rule, int] = field(default_factory=lambda: MappingProxyType({}))
    todos: Mapping[Rule, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def changed(self) -> bool:
        """Whether the migration changed the source."""
        return self.code != self.original

    def diff(self, path: str = "source.py") -> str:
        """A unified diff from the original to the migrated source."""
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.code.splitlines(keepends=True),
                fromfile=f"a/{path.lstrip('/')}",
                tofile=f"b/{path.lstrip('/')}",
            )
        )


def _apply_imports(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """Apply the import changes the rules scheduled so far."""
    edits = context.scratch[IMPORTS_KEY]
    assert isinstance(edits, ImportEdits)
    tree = apply_import_edits(tree, edits)
    context.scratch[IMPORTS_KEY] = ImportEdits()
    return tree


def migrate_source(
    code: str,
    *,
    only: Iterable[Rule | str] | None = None,
    disable: Iterable[Rule | str] | None = None,
    filename: str = "<string>",
    top_level_await: bool = False,
) -> MigrationResult:
    """Migrate pyautogen v0.2 source code toward the AutoGen v0.4 API.

    Args:
        code: Python source.
        only: Run only these rules (codes or :class:`Rule` members).
        disable: Do not run these rules.
        filename: Name used in error messages.
        top_level_await: Emit ``await ...`` instead of ``asyncio.run(...)`` at top level (notebooks).

    Returns:
        The migrated code with counts per rule.

    Raises:
        MigrationError: The source does not parse (the message gives file, line and column).
        ValueError: An unknown rule code.
    """
    codemods = gather_codemods(disable, only=only)
    if not codemods or not V02_IMPORT.search(code):
        return MigrationResult(original=code, code=code)
    try:
        tree = cst.parse_module(code)
    except cst.ParserSyntaxError as error:
        line, message = error.raw_line, error.message
        try:  # Python's own line and message where it has one (the line numbers then match the file)
            compile(code, filename, "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError as python_error:
            line, message = python_error.lineno or line, python_error.msg
        except ValueError:
            pass
        raise MigrationError(f"{filename}:{line}: cannot parse: {message}") from None
    stats = Stats()
    context = CodemodContext(filename=filename)
    context.scratch[ANALYSIS_KEY] = analyze(tree, frozenset(codemod.RULE for codemod in codemods))
    context.scratch[STATS_KEY] = stats
    context.scratch[TOP_LEVEL_AWAIT_KEY] = top_level_await
    context.scratch[IMPORTS_KEY] = ImportEdits()
    for codemod in codemods:
        if codemod.RULE is Rule.AK001:
            tree = _apply_imports(context, tree)  # AK001 must see which v0.2 imports are still used
        if codemod.TRIGGERS and not any(trigger in code for trigger in codemod.TRIGGERS):
            continue
        tree = codemod(context).transform_module_impl(tree)  # no metadata wrapper: the rules need none
    tree = _apply_imports(context, tree)
    return MigrationResult(
        original=code,
        code=tree.code,
        applied=MappingProxyType(dict(sorted(stats.applied.items()))),
        todos=MappingProxyType(dict(sorted(stats.todos.items()))),
    )
