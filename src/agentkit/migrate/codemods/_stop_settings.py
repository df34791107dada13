"""AK009: ``max_consecutive_auto_reply`` / ``is_termination_msg`` move from agents to the team.

In v0.2 each agent stopped replying after ``max_consecutive_auto_reply`` automatic replies (default 100) or
when ``is_termination_msg`` matched a message it received. In v0.4 stopping is the team's job:
``max_turns=`` and ``termination_condition=``. The team rules (AK007/AK008) compute both from these settings;
this rule then removes the settings from the v0.2 ``AssistantAgent`` calls (code executors and humans are
rebuilt by AK004/AK005).

TODO: settings of agents whose chat was not rewritten into a team (the TODO quotes the dropped values - v0.4
would reject them as arguments).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ._base import SIGNATURES, STOP_SETTINGS, AgentConstructorCodemod, AgentInfo, bind_args, stop_settings_todo, without
from ._rules import Rule

__all__ = ("StopSettingsCodemod",)

PARAMS = SIGNATURES["AssistantAgent"]


class StopSettingsCodemod(AgentConstructorCodemod):
    """AK009 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK009
    DESCRIPTION: str = Rule.AK009.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("max_consecutive_auto_reply", "is_termination_msg", "AssistantAgent")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if self.v02(original_node.func) != "AssistantAgent":
            return updated_node
        args = bind_args(updated_node, PARAMS)
        if args is None or not any(name in args for name in STOP_SETTINGS):
            return updated_node
        info = AgentInfo(self.assigned_name(original_node), "AssistantAgent", args, None)
        if info.var not in self.analysis.consumed:
            todo = stop_settings_todo(info)
            assert todo is not None
            self.todo(todo)
        self.applied()
        return without(updated_node, STOP_SETTINGS, PARAMS)
