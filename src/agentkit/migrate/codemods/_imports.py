"""AK001: ``autogen`` v0.2 imports -> v0.4 modules.

Runs last, after the other rules have rewritten (and un-imported) what they could. Handled:

* ``from autogen import AssistantAgent, UserProxyAgent`` (also ``autogen.agentchat``) -> the names' v0.4
  homes (:data:`IMPORTS`); a name whose v0.4 spelling differs is imported under the old name
  (``from autogen_agentchat.base import ChatAgent as Agent``) so the code using it does not change;
* ``import autogen`` + ``autogen.AssistantAgent`` -> ``AssistantAgent`` from its v0.4 module (``import autogen``
  goes once nothing reads it).

TODO: v0.2 names still used after the other rules ran (no v0.4 equivalent, or left for a human by another
rule) - the import stays, with a TODO naming them; ``from autogen import *``.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst
import libcst.matchers as m

from ._base import AgentkitCodemod, _attach, code_of
from ._rules import Rule

__all__ = ("IMPORTS", "ImportsCodemod")

#: v0.2 name -> (v0.4 module, v0.4 name). Data, not code: extend it here.
IMPORTS: dict[str, tuple[str, str]] = {
    "AssistantAgent": ("autogen_agentchat.agents", "AssistantAgent"),
    "UserProxyAgent": ("autogen_agentchat.agents", "UserProxyAgent"),
    "Agent": ("autogen_agentchat.base", "ChatAgent"),
    "ChatResult": ("autogen_agentchat.base", "TaskResult"),
}
V02_MODULES = frozenset({"autogen", "autogen.agentchat"})


class ImportsCodemod(AgentkitCodemod):
    """AK001 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK001
    DESCRIPTION: str = Rule.AK001.description

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        # `autogen.AssistantAgent` / `autogen.agentchat.AssistantAgent` through `import autogen`.
        root = original_node.value
        dotted = code_of(original_node)
        if not (isinstance(root, (cst.Name, cst.Attribute)) and dotted.partition(".")[0] == "autogen"):
            return updated_node
        full = self.v02_full(original_node)
        if full is None or full.rpartition(".")[0] not in ("", "agentchat"):
            return updated_node
        target = IMPORTS.get(original_node.attr.value)
        if target is None:
            return updated_node
        self.add_import(*target)
        self.remove_import("autogen")
        self.applied()
        return cst.Name(target[1])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        if len(updated_node.body) != 1:
            return updated_node
        node = updated_node.body[0]
        if isinstance(node, cst.Import):
            if any(code_of(alias.name).partition(".")[0] == "autogen" for alias in node.names):
                self.remove_import("autogen")
            return updated_node
        if not isinstance(node, cst.ImportFrom) or node.relative or node.module is None:
            return updated_node
        module = code_of(node.module)
        if module not in V02_MODULES and not module.startswith("autogen."):
            return updated_node
        if isinstance(node.names, cst.ImportStar):
            self.todo(f"`from {module} import *`: import the v0.4 names explicitly (autogen_agentchat.agents, ...)")
            return updated_node
        moved: list[tuple[str, str, str]] = []  # (v0.4 module, v0.4 name, local name)
        kept: list[cst.ImportAlias] = []
        for alias in node.names:
            name = code_of(alias.name)
            local = code_of(alias.asname.name) if alias.asname else name
            target = IMPORTS.get(name) if (module in V02_MODULES or ".contrib." not in f".{module}.") else None
            if target is not None and module.startswith("autogen.agentchat.contrib"):
                target = None
            if target is None:
                kept.append(alias)
            else:
                moved.append((target[0], target[1], local))
        if not moved:
            names = ", ".join(code_of(a.name) for a in kept)
            self.todo(f"no automatic v0.4 equivalent for {names} (see the TODOs at their uses)")
            return updated_node
        for v04_module, v04_name, local in moved:
            self.add_import(v04_module, v04_name, None if local == v04_name else local)
        self.applied()
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        names = ", ".join(code_of(a.name) for a in kept)
        self.todo(f"no automatic v0.4 equivalent for {names} (see the TODOs at their uses)")
        return updated_node.with_changes(body=[node.with_changes(names=kept)])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        still_read = any(
            isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "autogen"
            for node in m.findall(updated_node, m.Attribute())
        )
        if not still_read:
            return updated_node
        comment = (
            f"# TODO[agentkit {self.RULE.value}]: `autogen.` names without an automatic v0.4 equivalent remain "
            "(see the TODOs at their uses)"
        )
        body = []
        for statement in updated_node.body:
            if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(small, cst.Import) and any(code_of(a.name) == "autogen" for a in small.names)
                for small in statement.body
            ):
                statement = _attach(statement, [comment])
                self.stats.todos[self.RULE] += 1
            body.append(statement)
        return updated_node.with_changes(body=body)
