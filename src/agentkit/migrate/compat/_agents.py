"""``AutoReplyAgent``: a v0.2 agent with no LLM, no code execution and no human - it sends a fixed reply."""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import Response
from autogen_agentchat.messages import BaseChatMessage, TextMessage
from autogen_core import CancellationToken, Component
from pydantic import BaseModel
from typing_extensions import Self

from ...exceptions import ConfigurationError

__all__ = ("AutoReplyAgent", "AutoReplyAgentConfig")


class AutoReplyAgentConfig(BaseModel):
    """Configuration of :class:`AutoReplyAgent`."""

    name: str
    reply: str = ""
    description: str | None = None


class AutoReplyAgent(BaseChatAgent, Component[AutoReplyAgentConfig]):
    """A v0.2 agent that answers every turn with the same text (v0.2's ``default_auto_reply``).

    In v0.2 a ``UserProxyAgent`` / ``ConversableAgent`` with ``human_input_mode="NEVER"``, no LLM and no code
    execution still took its turn: it sent ``default_auto_reply`` (``""`` unless set). v0.4 has no such agent;
    this one keeps that turn, so the conversation order and turn counts stay what they were.

    Args:
        name: The agent name (a valid Python identifier, as v0.4 requires).
        reply: The text sent every turn (v0.2's ``default_auto_reply``).
        description: What the agent does (selector prompts show it).

    Example::

        from agentkit.migrate.compat import AutoReplyAgent

        # v0.2: UserProxyAgent("user_proxy", human_input_mode="NEVER", code_execution_config=False)
        user_proxy = AutoReplyAgent("user_proxy")
    """

    component_config_schema = AutoReplyAgentConfig
    component_provider_override = "agentkit.migrate.compat.AutoReplyAgent"

    def __init__(self, name: str, *, reply: str = "", description: str | None = None) -> None:
        if not isinstance(reply, str):
            raise ConfigurationError(
                "reply", f"must be a str, got {type(reply).__name__}.", "Pass the text v0.2's default_auto_reply held."
            )
        super().__init__(name, description or "An agent that sends the same automatic reply every turn.")
        self._reply = reply
        self._explicit_description = description

    @property
    def reply(self) -> str:
        """The text sent every turn."""
        return self._reply

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        """Only :class:`~autogen_agentchat.messages.TextMessage`."""
        return (TextMessage,)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        """Answer with :attr:`reply`, whatever was said."""
        return Response(chat_message=TextMessage(content=self._reply, source=self.name))

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        """Nothing to forget."""

    def _to_config(self) -> AutoReplyAgentConfig:
        return AutoReplyAgentConfig(name=self.name, reply=self._reply, description=self._explicit_description)

    @classmethod
    def _from_config(cls, config: AutoReplyAgentConfig) -> Self:
        return cls(config.name, reply=config.reply, description=config.description)
