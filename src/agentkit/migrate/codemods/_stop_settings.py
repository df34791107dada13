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

from ._analysis import stop_settings_note
from ._base import AGENT_CLASSES, SIGNATURES, STOP_SETTINGS, AgentConstructorCodemod, AgentInfo, bind_args, without
from ._rules import Rule

__all__ = ("StopSettingsCodemod",)


class StopSettingsCodemod(AgentConstructorCodemod):
    """AK009 - see the module docstring."""

    RULE: ClassVar[Rule] = Rule.AK009
    DESCRIPTION: str = Rule.AK009.description
    TRIGGERS: ClassVar[tuple[str, ...]] = ("max_consecutive_auto_reply", "is_termination_msg")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        cls = self.v02(original_node.func)
        if cls not in AGENT_CLASSES:
            return updated_node
        params = SIGNATURES[cls]
        args = bind_args(updated_node, params)
        if args is None or not any(name in args for name in STOP_SETTINGS):
            return updated_node
        info = AgentInfo(self.assigned_name(original_node), cls, args, None)
        if info.var not in self.analysis.consumed:
            note = stop_settings_note(info)
            assert note is not None
            self.note(note)
        self.applied()
        return without(updated_node, STOP_SETTINGS, params)
