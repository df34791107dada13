"""AK005: ``human_input_mode`` -> v0.4.

v0.4 agents never ask a human by themselves; a human is a ``UserProxyAgent`` participant (or a handoff to
the user ending the run). Handled:

* ``human_input_mode="NEVER"`` on an ``AssistantAgent`` -> dropped (it is v0.4's only behaviour);
* ``UserProxyAgent(name, human_input_mode="ALWAYS", code_execution_config=False)`` (ALWAYS is v0.2's default)
  -> v0.4 ``UserProxyAgent(name[, description=...])``, which asks on every turn as before. Typing ``exit``
  ended a v0.2 chat; AK008 keeps that with a termination condition.

TODO: ``"TERMINATE"`` (ask only at the end: add a ``UserProxyAgent``, or ``handoffs=["user"]`` +
``HandoffTermination``), ``ALWAYS`` on an assistant, non-literal modes.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import (
    SIGNATURES,
    AgentConstructorCodemod,
    AgentInfo,
    bind_args,
    classify,
    code_of,
    literal_str,
    stop_settings_todo,
    without,
)
from ._rules import Rule

__all__ = ("HumanInputCodemod",)

HANDOFF_TODO = (
    "human_input_mode={mode}: v0.4 agents never ask a human - add a UserProxyAgent to the team, or give the "
    "agent handoffs=['user'] and stop with HandoffTermination('user')"
)


class HumanInputCodemod(AgentConstructorCodemod):
    """AK005 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK005
    DESCRIPTION: str = Rule.AK005.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("UserProxyAgent", "human_input_mode", "AssistantAgent")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = self.v02(original_node.func)
        if name == "AssistantAgent":
            return self._assistant(updated_node)
        if name != "UserProxyAgent":
            return updated_node
        args = bind_args(updated_node, SIGNATURES["UserProxyAgent"])
        if args is None or "name" not in args:
            return updated_node
        info = AgentInfo(self.assigned_name(original_node), "UserProxyAgent", args, None)
        kind, reason = classify(info)
        mode = info.human_input_mode()
        if kind == "human":
            call_args = [code_of(args["name"].value)]
            if "description" in args:
                call_args.append(f"description={code_of(args['description'].value)}")
            if info.var not in self.analysis.consumed:
                todo = stop_settings_todo(info)
                if todo is not None:
                    self.todo(todo)
            self.applied()
            new = cst.parse_expression(f"UserProxyAgent({', '.join(call_args)})")
            assert isinstance(new, cst.Call)
            return new.with_changes(func=updated_node.func)
        if kind is None and info.executes_code() is False and mode != "NEVER":
            self.todo(
                HANDOFF_TODO.format(
                    mode=code_of(args["human_input_mode"].value) if "human_input_mode" in args else "'ALWAYS'"
                )
            )
        elif kind is None and mode == "NEVER" and info.executes_code() is False:
            self.todo(f"{reason}: drop it, or make it an AssistantAgent / CodeExecutorAgent")
        return updated_node

    def _assistant(self, call: cst.Call) -> cst.Call:
        args = bind_args(call, SIGNATURES["AssistantAgent"])
        if args is None or "human_input_mode" not in args:
            return call
        mode = literal_str(args["human_input_mode"].value)
        if mode == "NEVER":
            self.applied()
            return without(call, ["human_input_mode"], SIGNATURES["AssistantAgent"])
        self.todo(HANDOFF_TODO.format(mode=code_of(args["human_input_mode"].value)))
        return call
