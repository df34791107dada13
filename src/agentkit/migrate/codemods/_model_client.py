"""AK002: ``llm_config=X`` -> ``model_client=client_from_llm_config(X)`` on every v0.2 agent, whatever ``X`` is.

v0.2 resolved ``llm_config`` at run time: a dict with a ``config_list`` built by ``config_list_from_json`` & co.,
top-level create parameters (``temperature``, ``cache_seed``...) merged into every entry, failover across the
entries, a disk cache by default. ``agentkit.migrate.compat.client_from_llm_config`` does the same at run time,
so the rewrite never needs to know what ``X`` holds - a literal, a variable, a function's parameter. The config
loaders themselves keep their call and change their import (AK001: ``agentkit.migrate.compat`` has them with
v0.2's semantics).

``llm_config=False`` / ``None`` (no model in v0.2) is dropped: the agent rules then pick a model-less v0.4 agent.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import AGENT_CLASSES, SIGNATURES, AgentkitCodemod, code_of, is_false_or_none, keywordize, kwarg, set_args
from ._rules import Rule

__all__ = ("HELPER", "ModelClientCodemod", "model_client_code")

HELPER = ("agentkit.migrate.compat", "client_from_llm_config")
TARGETS = frozenset({*AGENT_CLASSES, "GroupChatManager"})
CACHE = frozenset({"disk", "redis", "cosmos_db"})


def model_client_code(codemod: AgentkitCodemod, llm_config: cst.BaseExpression) -> str | None:
    """``client_from_llm_config(<llm_config>)`` (``None`` for a literal ``False`` / ``None``: no model)."""
    if is_false_or_none(llm_config):
        return None
    codemod.add_import(*HELPER)
    return f"client_from_llm_config({code_of(llm_config)})"


class ModelClientCodemod(AgentkitCodemod):
    """AK002 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK002
    DESCRIPTION: str = Rule.AK002.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("llm_config", "Cache")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        full = self.v02_full(original_node.func) or ""
        if full.rpartition(".")[2] in CACHE or full.endswith("Cache"):
            # `with Cache.disk(cache_seed=42) as cache:` - client_from_llm_config already caches per cache_seed.
            self.note(
                "autogen.Cache: client_from_llm_config wraps each model client in a ChatCompletionCache keyed by "
                "llm_config's cache_seed (v0.2's default 41 included); the context manager is now a no-op"
            )
            self.add_import("contextlib")
            self.remove_v02_import("Cache")
            self.applied()
            return cst.parse_expression("contextlib.nullcontext()")
        name = self.v02(original_node.func)
        if name not in TARGETS:
            return updated_node
        call = keywordize(updated_node, SIGNATURES[name], keep_positional=1)
        target = next((a for a in call.args if a.keyword is not None and a.keyword.value == "llm_config"), None)
        if target is None:
            return updated_node
        self.applied()
        client = model_client_code(self, target.value)
        if client is None:
            return set_args(call, [a for a in call.args if a is not target])
        new = kwarg("model_client", cst.parse_expression(client))
        return call.with_changes(args=[new.with_changes(comma=a.comma) if a is target else a for a in call.args])
