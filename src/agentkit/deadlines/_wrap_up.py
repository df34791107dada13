"""``WrapUpTermination``: the condition a deadline runner sets at the soft deadline."""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage
from autogen_core import Component
from pydantic import BaseModel
from typing_extensions import Self

__all__ = ("WrapUpTermination", "WrapUpTerminationConfig")

_DEFAULT_REASON = "Wrap-up requested: stopped at the turn boundary."


class WrapUpTerminationConfig(BaseModel):
    """Serialised form of :class:`WrapUpTermination` (it has no settings)."""


class WrapUpTermination(TerminationCondition, Component[WrapUpTerminationConfig]):
    """Stop gracefully at the next turn boundary once :meth:`set` has been called.

    Like AutoGen's ``ExternalTermination``, but the stop message says why: the soft deadline of
    :func:`~agentkit.deadlines.run_with_deadline` calls ``set(reason)``, and the run ends at the next turn
    boundary as a normal AutoGen stop (the turn in flight completes, the team resets its condition and stays
    consistent, no cancellation). Put it in the team's termination condition
    (``MaxMessageTermination(20) | WrapUpTermination()``); the runner finds it there.

    A request made between runs stops the next run right after its task message; ``reset()`` (called by the
    team after every stop) clears it.

    Example:
        >>> from agentkit.deadlines import WrapUpTermination
        >>> wrap_up = WrapUpTermination()
        >>> wrap_up.set("Time is up.")
    """

    component_config_schema = WrapUpTerminationConfig
    component_provider_override = "agentkit.deadlines.WrapUpTermination"

    def __init__(self) -> None:
        self._reason: str | None = None
        self._terminated = False

    @property
    def requested(self) -> bool:
        """Whether a wrap-up has been requested and not yet consumed by a reset."""
        return self._reason is not None

    @property
    def terminated(self) -> bool:
        """Whether this condition has stopped the run (until ``reset()``)."""
        return self._terminated

    def set(self, reason: str | None = None) -> None:
        """Ask the team to stop at the next turn boundary; ``reason`` becomes the stop message."""
        self._reason = reason or _DEFAULT_REASON

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Stop if a wrap-up was requested."""
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        if self._reason is None:
            return None
        self._terminated = True
        return StopMessage(content=self._reason, source="WrapUpTermination")

    async def reset(self) -> None:
        """Clear the request and the stop."""
        self._reason = None
        self._terminated = False

    def __repr__(self) -> str:
        return f"WrapUpTermination(requested={self.requested})"

    def _to_config(self) -> WrapUpTerminationConfig:
        return WrapUpTerminationConfig()

    @classmethod
    def _from_config(cls, config: WrapUpTerminationConfig) -> Self:
        return cls()
