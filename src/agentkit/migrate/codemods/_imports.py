"""AK001: ``autogen`` v0.2 imports -> v0.4 modules and ``agentkit.migrate.compat``.

Runs last, after the other rules have rewritten what they could; only v0.2 names still read are touched:

* names with a v0.4 home (:data:`IMPORTS`) move there - the config loaders (``config_list_from_json`` & co.)
  and ``ChatResult`` to ``agentkit.migrate.compat`` (v0.2 semantics, no pyautogen), executors to
  ``autogen_ext.code_executors``; a name spelled differently in v0.4 is imported under the old name;
* ``import autogen`` + ``autogen.X`` -> ``X`` imported from its new home; ``autogen.<module>.Y`` without one ->
  the smallest v0.2 import for that name only (``from autogen.<module> import Y``), with a TODO;
* ``from autogen import *`` -> explicit imports of the names the module reads;
* v0.2 imports nothing reads any more go.

TODO: every v0.2 name still read (no v0.4 counterpart; the TODO at its use says what to do).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import IMPORTS_KEY, AgentkitCodemod, code_of
from ._rules import Rule
from ._syntax import STAR_NAMES

__all__ = ("IMPORTS", "ImportsCodemod")

_COMPAT = "agentkit.migrate.compat"
#: v0.2 name -> (v0.4 module, v0.4 name). Data, not code: extend it here.
IMPORTS: dict[str, tuple[str, str]] = {
    "AssistantAgent": ("autogen_agentchat.agents", "AssistantAgent"),
    "UserProxyAgent": ("autogen_agentchat.agents", "UserProxyAgent"),
    "Agent": ("autogen_agentchat.base", "ChatAgent"),
    "ChatResult": (_COMPAT, "ChatResult"),
    "config_list_from_json": (_COMPAT, "config_list_from_json"),
    "config_list_from_dotenv": (_COMPAT, "config_list_from_dotenv"),
    "config_list_openai_aoai": (_COMPAT, "config_list_openai_aoai"),
    "config_list_from_models": (_COMPAT, "config_list_from_models"),
    "config_list_gpt4_gpt35": (_COMPAT, "config_list_gpt4_gpt35"),
    "get_config_list": (_COMPAT, "get_config_list"),
    "filter_config": (_COMPAT, "filter_config"),
    "LocalCommandLineCodeExecutor": ("autogen_ext.code_executors.local", "LocalCommandLineCodeExecutor"),
    "DockerCommandLineCodeExecutor": ("autogen_ext.code_executors.docker", "DockerCommandLineCodeExecutor"),
    "EmbeddedIPythonCodeExecutor": ("autogen_ext.code_executors.jupyter", "JupyterCodeExecutor"),
    "CodeBlock": ("autogen_core.code_executor", "CodeBlock"),
}
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "__version__": ("autogen_agentchat", "__version__"),
    "AssistantAgent.DEFAULT_SYSTEM_MESSAGE": (_COMPAT, "DEFAULT_ASSISTANT_SYSTEM_MESSAGE"),
    "AssistantAgent.DEFAULT_DESCRIPTION": (_COMPAT, "DEFAULT_ASSISTANT_DESCRIPTION"),
}
"""v0.2 class attributes with a compat counterpart (v0.2's default prompts, verbatim)."""
NO_SHORT = ".contrib."
"""``contrib`` names never map by their short name (their v0.4 counterparts differ)."""


def _target(full: str) -> tuple[str, str] | None:
    if NO_SHORT in f".{full}.":
        return None
    return IMPORTS.get(full.rpartition(".")[2])


class ImportsCodemod(AgentkitCodemod):
    """AK001 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK001
    DESCRIPTION: str = Rule.AK001.description

    def visit_Module(self, node: cst.Module) -> None:
        reads = _Reads()
        node.visit(reads)
        self._reads = reads.names
        self._inner: set[int] = set()
        self._kept_modules: set[tuple[str, str]] = set()
        self._module_roots = {
            (code_of(alias.asname.name) if alias.asname else code_of(alias.name).partition(".")[0])
            for imp in _imports(node)
            for alias in imp.names
            if code_of(alias.name).partition(".")[0] == "autogen"
        }

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._inner.add(id(node.value))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        # `autogen.X` / `ag.agentchat.X` through `import autogen [as ag]`: the outermost chain only.
        if id(original_node) in self._inner:
            return updated_node
        root: cst.BaseExpression = original_node
        while isinstance(root, cst.Attribute):
            root = root.value
        full = self.v02_full(original_node)
        if full is None:
            return updated_node
        attribute = next((v for k, v in ATTRIBUTES.items() if full == k or full.endswith(f".{k}")), None)
        if attribute is not None:
            self.add_import(*attribute)
            self.applied()
            if isinstance(root, cst.Name) and root.value in self._module_roots:
                self._schedule_module_removal(root.value)
            return cst.Name(attribute[1])
        if not (isinstance(root, cst.Name) and root.value in self._module_roots):
            return updated_node
        target = _target(full)
        if target is not None:
            self.add_import(*target)
            self.applied()
            self._schedule_module_removal(root.value)
            return cst.Name(target[1])
        # No v0.4 home: the smallest v0.2 import for this name only.
        parts = full.split(".")
        cut = next((i for i, part in enumerate(parts) if part[:1].isupper()), 0)
        module = ".".join(["autogen", *parts[:cut]])
        name = parts[cut]
        mapped = _target(".".join(parts[: cut + 1]))
        if mapped is not None:  # `autogen.AssistantAgent.<something v0.4 lacks>`: the class still maps
            self.add_import(*mapped)
            self.applied()
            self._schedule_module_removal(root.value)
            return cst.parse_expression(".".join([mapped[1], *parts[cut + 1 :]]))
        if name in self._reads and name not in self._aliases and (module, name) not in self._kept_modules:
            return updated_node  # the short name is taken by something else
        self._kept_modules.add((module, name))
        self.add_import(module, name)
        self.context.scratch[IMPORTS_KEY].comments[(module, name)] = (
            f"# TODO[agentkit {self.RULE.value}]: no v0.4 counterpart for {name} (see the TODOs at their uses)"
        )
        self._schedule_module_removal(root.value)
        rest = parts[cut + 1 :]
        expression = ".".join([name, *rest])
        self.todo(f"`{name}` ({module}) has no v0.4 counterpart: the v0.2 import stays for this name only")
        return cst.parse_expression(expression)

    def _schedule_module_removal(self, local: str) -> None:
        dotted = self._aliases.get(local, local)
        self.remove_import(dotted)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        if len(updated_node.body) != 1:
            return updated_node
        node = updated_node.body[0]
        if isinstance(node, cst.Import):
            for alias in node.names:
                if code_of(alias.name).partition(".")[0] == "autogen":
                    self.remove_import(code_of(alias.name))
            return updated_node
        if not isinstance(node, cst.ImportFrom) or node.relative or node.module is None:
            return updated_node
        module = code_of(node.module)
        if module.partition(".")[0] != "autogen":
            return updated_node
        if isinstance(node.names, cst.ImportStar):
            return self._star(updated_node, module)
        kept: list[cst.ImportAlias] = []
        for alias in node.names:
            name = code_of(alias.name)
            local = code_of(alias.asname.name) if alias.asname else name
            if local not in self._reads:
                continue  # nothing reads it any more
            target = _target(f"{module[len('autogen.') :] if module != 'autogen' else ''}.{name}".lstrip("."))
            if target is None:
                kept.append(alias)
            else:
                self.add_import(target[0], target[1], None if local == target[1] else local)
        if len(kept) == len(node.names):
            names = ", ".join(code_of(a.name) for a in kept)
            self.todo(f"no v0.4 counterpart for {names} (see the TODOs at their uses)")
            return updated_node
        self.applied()
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        names = ", ".join(code_of(a.name) for a in kept)
        self.todo(f"no v0.4 counterpart for {names} (see the TODOs at their uses)")
        return updated_node.with_changes(body=[node.with_changes(names=kept)])

    def _star(self, statement: cst.SimpleStatementLine, module: str) -> cst.BaseStatement | cst.RemovalSentinel:
        used = sorted(STAR_NAMES & self._reads)
        kept = []
        for name in used:
            target = _target(name)
            if target is None:
                kept.append(name)
            else:
                self.add_import(target[0], target[1], None if name == target[1] else name)
        self.applied()
        if not kept:
            return cst.RemoveFromParent()
        self.todo(f"no v0.4 counterpart for {', '.join(kept)} (see the TODOs at their uses)")
        explicit = cst.parse_statement(f"from {module} import {', '.join(kept)}\n")
        assert isinstance(explicit, cst.SimpleStatementLine)
        return statement.with_changes(body=[explicit.body[0]])


def _imports(module: cst.Module) -> list[cst.Import]:
    found: list[cst.Import] = []

    class _Collect(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.append(node)

    module.visit(_Collect())
    return found


class _Reads(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.attr`: only `x` is read
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)
