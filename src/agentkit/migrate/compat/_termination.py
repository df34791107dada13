"""``termination_from_v02``: a v0.2 ``is_termination_msg`` as a v0.4 team termination condition."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    StopMessage,
    ToolCallRequestEvent,
    ToolCallSummaryMessage,
)
from autogen_core import Component
from pydantic import BaseModel
from typing_extensions import Self

from ...exceptions import ConfigurationError

__all__ = ("V02Termination", "V02TerminationConfig", "termination_from_v02", "v02_message")

DEFAULT_TERMINATION_TEXT = "TERMINATE"
"""v0.2's default ``is_termination_msg``: the content equals this text exactly."""


def v02_message(message: BaseChatMessage | BaseAgentEvent) -> dict[str, Any]:
    """A v0.4 message in the dict shape a v0.2 agent stored for a message it received.

    ``{"content": str | None, "role": "user", "name": source}``; a tool-call request becomes
    ``{"content": None, "tool_calls": [...], "role": "assistant"}`` as in v0.2.

    Args:
        message: A v0.4 chat message or event.

    Returns:
        The v0.2-shaped dict.
    """
    if isinstance(message, ToolCallRequestEvent):
        calls = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in message.content
        ]
        return {"content": None, "tool_calls": calls, "role": "assistant"}
    content = getattr(message, "content", None)
    text = content if isinstance(content, str) else message.to_text()
    return {"content": text, "role": "user", "name": message.source}


class V02TerminationConfig(BaseModel):
    """Configuration of :class:`V02Termination` (only the default predicate can be serialised)."""

    receiver: str
    initiator: str | None = None


class V02Termination(TerminationCondition, Component[V02TerminationConfig]):
    """Stops when the receiving agent's v0.2 ``is_termination_msg`` matches a message it would have received.

    Built by :func:`termination_from_v02`; see there. Only the default predicate (content equals
    ``"TERMINATE"`` exactly) can be dumped with ``dump_component()``; a custom predicate is Python code.
    """

    component_config_schema = V02TerminationConfig
    component_provider_override = "agentkit.migrate.compat.V02Termination"

    def __init__(
        self, receiver: str, predicate: Callable[[dict[str, Any]], Any] | None = None, *, initiator: str | None = None
    ) -> None:
        if not isinstance(receiver, str) or not receiver:
            raise ConfigurationError(
                "receiver", f"must be the receiving agent's name, got {receiver!r}.", 'Pass e.g. "user_proxy".'
            )
        if predicate is not None and not callable(predicate):
            raise ConfigurationError(
                "predicate",
                f"must be a callable taking a v0.2 message dict, got {type(predicate).__name__}.",
                "Pass the is_termination_msg function or lambda, or None for v0.2's default.",
            )
        self._receiver = receiver
        self._predicate = predicate
        self._initiator = initiator
        self._terminated = False
        self._seen_task = False

    @property
    def receiver(self) -> str:
        """The agent whose ``is_termination_msg`` this is."""
        return self._receiver

    @property
    def terminated(self) -> bool:
        """Whether the condition has fired (until :meth:`reset`)."""
        return self._terminated

    def _matches(self, message: dict[str, Any]) -> bool:
        if self._predicate is None:
            return message.get("content") == DEFAULT_TERMINATION_TEXT
        return bool(self._predicate(message))

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        """Check the new messages the receiver would have received; exceptions of the predicate propagate."""
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        task_delta = not self._seen_task
        self._seen_task = True
        for message in messages:
            source = message.source
            if task_delta and self._initiator is not None and isinstance(message, BaseChatMessage):
                source = self._initiator  # the task: v0.2's initiator sent it
            if source == self._receiver or isinstance(message, ToolCallSummaryMessage):
                continue
            if not isinstance(message, (BaseChatMessage, ToolCallRequestEvent)):
                continue
            if self._matches(v02_message(message)):
                self._terminated = True
                return StopMessage(
                    content=f"v0.2 is_termination_msg of {self._receiver!r} matched", source="V02Termination"
                )
        return None

    async def reset(self) -> None:
        """Re-arm the condition (the next call gets a new task)."""
        self._terminated = False
        self._seen_task = False

    def _to_config(self) -> V02TerminationConfig:
        if self._predicate is not None:
            raise ConfigurationError(
                "predicate",
                "a custom v0.2 is_termination_msg is Python code and cannot be serialised.",
                "Dump a team that uses termination_from_v02(None, ...) or a built-in v0.4 condition instead.",
            )
        return V02TerminationConfig(receiver=self._receiver, initiator=self._initiator)

    @classmethod
    def _from_config(cls, config: V02TerminationConfig) -> Self:
        return cls(config.receiver, initiator=config.initiator)


def termination_from_v02(
    predicate: Callable[[dict[str, Any]], Any] | None = None, *, receiver: str, initiator: str | None = None
) -> V02Termination:
    """A team termination condition with v0.2's ``is_termination_msg`` semantics.

    In v0.2 the **receiving** agent ran its ``is_termination_msg`` on every message it received (the initial
    message included). The condition calls ``predicate`` on each new v0.4 message whose source is not
    ``receiver``, converted to the v0.2 dict shape (:func:`v02_message`; a tool-call request has
    ``content=None``, as in v0.2). ``predicate=None`` is v0.2's default: the content equals ``"TERMINATE"``
    exactly (``TextMentionTermination`` would also fire on "... TERMINATE"). Exceptions of the predicate
    propagate, as they did in v0.2. The stop reason names the receiver:
    ``"v0.2 is_termination_msg of 'user_proxy' matched"``.

    v0.4 gives a plain-text task the source ``"user"``; pass ``initiator`` (the v0.2 agent that called
    ``initiate_chat``) so the task counts as that agent's message: an initiator never checked its own task.

    Args:
        predicate: The v0.2 ``is_termination_msg`` callable, or ``None`` for v0.2's default.
        receiver: Name of the agent that owned the predicate.
        initiator: Name of the v0.2 agent that sent the task (the first message of each run).

    Returns:
        The condition; combine it with others using ``|``.
    """
    return V02Termination(receiver, predicate, initiator=initiator)
