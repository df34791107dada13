"""AK002: ``llm_config=`` -> ``model_client=translate_config(...).client``.

Decision: the generated code always calls the runtime helper ``agentkit.migrate.translate_config`` (Migration
I) rather than spelling out a v0.4 client, even for literal configs. One translation then serves every
project: api_type dispatch, ``cache_seed`` caching (v0.2 cached by default), a multi-entry ``config_list``
becoming a failover client in v0.2's order, and API keys staying in environment variables instead of being
copied into source. ``translate_config`` takes exactly the dict v0.2 took, so the rewrite keeps behaviour.

Handled:

* ``AssistantAgent(..., llm_config=E)`` / ``GroupChatManager(..., llm_config=E)`` ->
  ``model_client=translate_config(E).client``;
* ``llm_config={"config_list": config_list_from_json(SRC, filter_dict=F, file_location=D)}`` (inline or
  through top-level variables) -> ``translate_config(SRC, filter_dict=F, file_location=D).client`` (same
  lookup and filter semantics), and the ``config_list_from_json`` /
  ``llm_config`` assignments that nothing else reads any more are removed.

TODO (kept as is): ``llm_config=False`` on an ``AssistantAgent``; ``config_list_from_json`` combined with
top-level create parameters (``temperature``, ``cache_seed``...) - v0.2 merged those into every entry, and
``translate_config`` takes a path *or* a dict, not both.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst
import libcst.matchers as m

from ._base import (
    SIGNATURES,
    AgentkitCodemod,
    bind_args,
    code_of,
    is_false_or_none,
    keywordize,
    kwarg,
    mapping_get,
    mapping_keys,
)
from ._rules import Rule

__all__ = ("ModelClientCodemod", "model_client_code")

HELPER = ("agentkit.migrate", "translate_config")
LOADER_PARAMS = ("env_or_file", "file_location", "filter_dict")
MERGE_TODO = (
    "llm_config: v0.2 merged its top-level create parameters into every entry loaded by config_list_from_json; "
    "move them into the OAI_CONFIG_LIST entries, then pass model_client=translate_config(<name>).client"
)
LOADER_TODO = (
    "config_list_from_json has no v0.4 equivalent - pass its file or variable name to "
    "agentkit.migrate.translate_config(name, filter_dict=...) and move top-level create parameters "
    "(temperature, cache_seed, ...) into the OAI_CONFIG_LIST entries"
)


class _Resolver:
    """Follows single top-level assignments: ``llm_config`` name -> dict literal, ``config_list`` -> loader."""

    def __init__(self, codemod: AgentkitCodemod, module: cst.Module) -> None:
        self.codemod = codemod
        self.values: dict[str, cst.BaseExpression] = {}
        for statement in module.body:
            if m.matches(statement, m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(m.Name())])])):
                assert isinstance(statement, cst.SimpleStatementLine)
                assign = statement.body[0]
                assert isinstance(assign, cst.Assign)
                assert isinstance(assign.targets[0].target, cst.Name)
                name = assign.targets[0].target.value
                if name not in codemod.analysis.ambiguous:
                    self.values[name] = assign.value
        self.inlined: set[str] = codemod.analysis.inlined

    def follow(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression, str | None]:
        if isinstance(node, cst.Name) and node.value in self.values:
            return self.values[node.value], node.value
        return node, None

    def is_loader(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and self.codemod.v02(node.func) == "config_list_from_json"


def model_client_code(
    codemod: AgentkitCodemod, llm_config: cst.BaseExpression, module: cst.Module | None
) -> str | None:
    """Code for the v0.4 model client of a v0.2 ``llm_config`` expression (``None``: needs a human).

    Names followed into ``config_list_from_json`` are recorded on the codemod (``_inlined``) so that their
    assignments can be removed once nothing reads them.
    """
    resolver = getattr(codemod, "_resolver", None)
    if resolver is None and module is not None:
        resolver = _Resolver(codemod, module)
        codemod._resolver = resolver  # type: ignore[attr-defined]
    if is_false_or_none(llm_config):
        return None
    if resolver is None:
        return f"translate_config({code_of(llm_config)}).client"
    config, config_var = resolver.follow(llm_config)
    config_list = mapping_get(config, "config_list")
    if config_list is None:
        return f"translate_config({code_of(llm_config)}).client"
    loader, loader_var = resolver.follow(config_list)
    if not resolver.is_loader(loader):
        return f"translate_config({code_of(llm_config)}).client"
    assert isinstance(loader, cst.Call)
    assert isinstance(config, cst.Dict)
    args = bind_args(loader, LOADER_PARAMS)
    if args is None or "env_or_file" not in args or mapping_keys(config) != ["config_list"]:
        return None
    source = code_of(args["env_or_file"].value)
    filter_code = "".join(
        f", {key}={code_of(args[key].value)}" for key in ("filter_dict", "file_location") if key in args
    )
    resolver.inlined.update(name for name in (config_var, loader_var) if name is not None)
    return f"translate_config({source}{filter_code}).client"


class ModelClientCodemod(AgentkitCodemod):
    """AK002 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK002
    DESCRIPTION: str = Rule.AK002.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("llm_config", "config_list_from_json", "AssistantAgent", "GroupChatManager")

    def visit_Module(self, node: cst.Module) -> None:
        self._resolver = _Resolver(self, node)
        self._module = node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        name = self.v02(original_node.func)
        if name == "config_list_from_json":
            self._loader_seen = True
            return updated_node
        if name not in ("AssistantAgent", "GroupChatManager"):
            return updated_node
        # Positional llm_config becomes a keyword; the original node's value keeps the metadata lookups working.
        source = _llm_config_arg(keywordize(original_node, SIGNATURES[name], keep_positional=1))
        call = keywordize(updated_node, SIGNATURES[name], keep_positional=1)
        target = _llm_config_arg(call)
        if target is None or source is None:
            return updated_node
        if is_false_or_none(target.value):
            if name == "AssistantAgent":
                self.todo("llm_config=False: a v0.4 AssistantAgent needs a model client - use another agent type")
            return updated_node
        client = model_client_code(self, source.value, self._module)
        if client is None:
            self.todo(MERGE_TODO)
            return updated_node
        self.add_import(*HELPER)
        self.applied()
        new = kwarg("model_client", cst.parse_expression(client))
        return call.with_changes(args=[new.with_changes(comma=a.comma) if a is target else a for a in call.args])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        inlined = self._resolver.inlined
        if not inlined:
            return self._mark_loaders(updated_node)
        still_read = {
            n.value
            for statement in updated_node.body
            if not _assigns(statement, inlined)
            for n in m.findall(statement, m.Name())
            if isinstance(n, cst.Name)
        }
        body = [s for s in updated_node.body if not (_assigns(s, inlined) and _assigns(s, inlined - still_read))]
        self.remove_v02_import("config_list_from_json")
        return self._mark_loaders(updated_node.with_changes(body=body))

    def _mark_loaders(self, module: cst.Module) -> cst.Module:
        # Any config_list_from_json left: a TODO above its statement (module level; deeper ones get it via
        # the import's TODO from AK001).
        body = []
        for statement in module.body:
            has_loader = any(
                isinstance(call, cst.Call) and code_of(call.func).endswith("config_list_from_json")
                for call in m.findall(statement, m.Call())
            )
            if has_loader:
                comment = f"# TODO[agentkit {self.RULE.value}]: {LOADER_TODO}"
                existing = {line.comment.value for line in statement.leading_lines if line.comment is not None}
                if comment not in existing:
                    statement = statement.with_changes(
                        leading_lines=[*statement.leading_lines, cst.EmptyLine(comment=cst.Comment(comment))]
                    )
                self.stats.todos[self.RULE] += 1
            body.append(statement)
        return module.with_changes(body=body)


def _llm_config_arg(call: cst.Call) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == "llm_config"), None)


def _assigns(statement: cst.CSTNode, names: set[str]) -> bool:
    return m.matches(
        statement,
        m.SimpleStatementLine(
            body=[m.Assign(targets=[m.AssignTarget(m.Name(m.MatchIfTrue(lambda value: value in names)))])]
        ),
    )
