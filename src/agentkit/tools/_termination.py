"""``ToolDenialTermination``: end a team run after a tool call was refused by a ``"stop"`` policy."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage, ToolCallExecutionEvent
from autogen_core import Component
from pydantic import BaseModel
from typing_extensions import Self

__all__ = ("ToolDenialTermination", "ToolDenialTerminationConfig", "record_stop_refusal")

_STOP_REFUSALS: deque[tuple[str, str]] = deque(maxlen=4096)
_LOCK = threading.Lock()


def record_stop_refusal(call_id: str | None, content: str) -> None:
    """Remember a refusal made under ``on_deny="stop"`` so the termination condition can recognise it."""
    with _LOCK:
        _STOP_REFUSALS.append((call_id or "", content))


def _is_stop_refusal(call_id: str, content: str) -> bool:
    with _LOCK:
        return (call_id, content) in _STOP_REFUSALS


class ToolDenialTerminationConfig(BaseModel):
    """Configuration of :class:`ToolDenialTermination` (it has no parameters)."""


class ToolDenialTermination(TerminationCondition, Component[ToolDenialTerminationConfig]):
    """Stop a team after a turn in which a ``PolicyWorkbench`` with ``on_deny="stop"`` refused a tool call.

    The workbench returns the refusal to the model (so the agent's turn ends cleanly) and refuses every
    further call until it is reset; this condition then ends the run with a ``StopMessage`` naming the tool.
    Only refusals the workbench itself produced count: a tool's output that merely looks like one does not.

    Example::

        team = RoundRobinGroupChat([agent], termination_condition=ToolDenialTermination() | MaxMessageTermination(10))
    """

    component_type = "termination"
    component_config_schema = ToolDenialTerminationConfig
    component_provider_override = "agentkit.tools.ToolDenialTermination"

    def __init__(self) -> None:
        self._terminated = False

    @property
    def terminated(self) -> bool:
        """Whether the condition has fired (until ``reset()``)."""
        return self._terminated

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Fire on a tool-execution event that carries a stop-mode policy refusal."""
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        for message in messages:
            if not isinstance(message, ToolCallExecutionEvent):
                continue
            for result in message.content:
                if result.is_error and _is_stop_refusal(result.call_id, result.content):
                    self._terminated = True
                    return StopMessage(content=f"Tool policy stopped the run: {result.content}", source="ToolPolicy")
        return None

    async def reset(self) -> None:
        """Re-arm the condition."""
        self._terminated = False

    def _to_config(self) -> ToolDenialTerminationConfig:
        return ToolDenialTerminationConfig()

    @classmethod
    def _from_config(cls, config: ToolDenialTerminationConfig) -> Self:
        return cls()
