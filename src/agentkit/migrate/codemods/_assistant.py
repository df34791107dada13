"""AK003: v0.2 ``AssistantAgent(...)`` -> v0.4 ``AssistantAgent(name, model_client=..., system_message=...)``.

Handled: positional v0.2 arguments after ``name`` become keywords (v0.4's second positional is
``model_client``); ``code_execution_config=False`` is dropped (v0.4 assistants never run code); ``description``
and ``system_message`` are kept. A NOTE says when v0.2's default system message (a coding assistant that
replies TERMINATE) was in effect, since v0.4's default prompt differs.

TODO: a name that is not a Python identifier (v0.4 rejects it), ``code_execution_config`` other than
``False``, ``function_map``, ``default_auto_reply``, ``chat_messages``, and a missing model client (AK002 off, or
no ``llm_config``). ``llm_config`` is AK002's, ``human_input_mode`` AK005's, the stop settings AK009's.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import SIGNATURES, AgentkitCodemod, bind_args, is_false_or_none, keywordize, literal_str, without
from ._rules import Rule

__all__ = ("AssistantAgentCodemod",)

PARAMS = SIGNATURES["AssistantAgent"]
DEFAULT_PROMPT_NOTE = (
    "v0.2's default system message (a coding assistant told to reply TERMINATE when done) is not v0.4's "
    "default - pass system_message= if you relied on it"
)


class AssistantAgentCodemod(AgentkitCodemod):
    """AK003 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK003
    DESCRIPTION: str = Rule.AK003.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("AssistantAgent",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if self.v02(original_node.func) != "AssistantAgent":
            return updated_node
        args = bind_args(updated_node, PARAMS)
        if args is None:
            self.todo("AssistantAgent(*args/**kwargs): rewrite to v0.4 AssistantAgent(name, model_client=...) by hand")
            return updated_node
        call = keywordize(updated_node, PARAMS, keep_positional=1)
        changed = call is not updated_node and call.args != updated_node.args
        name = literal_str(args["name"].value) if "name" in args else None
        if name is not None and not name.isidentifier():
            self.todo(f"v0.4 agent names must be Python identifiers: rename {name!r}")
        if "code_execution_config" in args:
            if is_false_or_none(args["code_execution_config"].value):
                call = without(call, ["code_execution_config"], PARAMS)
                changed = True
            else:
                self.todo("v0.4 AssistantAgent never runs code: add a CodeExecutorAgent to the team (see AK004)")
        for unsupported in ("function_map", "default_auto_reply", "chat_messages"):
            if unsupported in args:
                self.todo(f"`{unsupported}` has no v0.4 AssistantAgent equivalent")
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        if "model_client" not in keywords and "llm_config" not in keywords:
            self.todo("a v0.4 AssistantAgent needs model_client= (v0.2's default llm_config was False)")
        elif "llm_config" in keywords and not self.enabled(Rule.AK002):
            self.todo("llm_config -> model_client=agentkit.migrate.translate_config(llm_config).client (AK002)")
        if "system_message" not in args:
            self.note(DEFAULT_PROMPT_NOTE)
        if changed:
            self.applied()
        return call
