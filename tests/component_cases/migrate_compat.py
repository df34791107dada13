"""Round-trip cases for agentkit.migrate.compat: AutoReplyAgent and the default-predicate V02Termination."""

from __future__ import annotations

from typing import Any

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import TerminationCondition
from autogen_agentchat.messages import TextMessage
from autogen_core import CancellationToken

from agentkit.migrate.compat import AutoReplyAgent, termination_from_v02

from . import ComponentCase


def _agent() -> AutoReplyAgent:
    return AutoReplyAgent("user_proxy", reply="Please continue.", description="v0.2 proxy")


async def _check_agent(original: Any, loaded: Any) -> None:
    for agent in (original, loaded):
        assert agent.name == "user_proxy"
        assert agent.description == "v0.2 proxy"
        response = await agent.on_messages([TextMessage(content="hi", source="assistant")], CancellationToken())
        assert isinstance(response.chat_message, TextMessage)
        assert (response.chat_message.content, response.chat_message.source) == ("Please continue.", "user_proxy")


def _termination() -> TerminationCondition:
    return termination_from_v02(None, receiver="user_proxy", initiator="user_proxy")


async def _check_termination(original: Any, loaded: Any) -> None:
    for condition in (original, loaded):
        assert await condition([TextMessage(content="TERMINATE", source="user")]) is None  # its own task
        assert await condition([TextMessage(content="Done. TERMINATE", source="assistant")]) is None  # exact only
        stop = await condition([TextMessage(content="TERMINATE", source="assistant")])
        assert stop is not None
        assert "'user_proxy'" in stop.content


CASES = [
    ComponentCase("migrate.compat.AutoReplyAgent", _agent, BaseChatAgent, _check_agent),
    ComponentCase("migrate.compat.V02Termination", _termination, TerminationCondition, _check_termination),
]
